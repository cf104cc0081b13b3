"""s003-conduct: 服务规范考核条例, a 100-point base less a deduction per occurrence.

Points per occurrence from the seed: items 1-7, 9-11 and 16 deduct 10; items 8, 12 and 17
deduct 6; items 13-15 deduct 5; items 8, 9, 10 and 17 deduct double (加倍扣罚) when severe or
when they cause a complaint or dispute. The score stops at 0.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    return run_example("s003-conduct")


@pytest.fixture(scope="module")
def totals(run: dict[str, Any]) -> dict[str, Any]:
    return {r["agent_id"]: r["total"] for r in run["results"]}


def test_no_incidents_keeps_the_base_of_100(totals: dict[str, Any]) -> None:
    assert totals["A001"] == 100


def test_plain_deductions_add_up_per_occurrence(totals: dict[str, Any]) -> None:
    # 命令语气 10 + 提前挂机 2 × 6 + 工单表述不完整 5 = 27; 100 − 27 = 73
    assert totals["A002"] == 73


def test_severe_or_complaint_variants_deduct_double(totals: dict[str, Any]) -> None:
    # 提前挂机引起投诉 6 × 2 = 12; 漏单引起争议 6 × 2 = 12; 表扬作假 (严重) 10 × 2 = 20;
    # 骚扰电话 (严重, written with full-width brackets) 10 × 2 = 20; 骚扰电话 plain 10.
    # 12 + 12 + 20 + 20 + 10 = 74; 100 − 74 = 26
    assert totals["A003"] == 26


def test_deductions_beyond_the_base_stop_at_zero(totals: dict[str, Any]) -> None:
    # 4 × 10 + 3 × 10 + 2 × 10 + 10 + 10 × 2 = 120 > 100 → 0, not −20
    assert totals["A004"] == 0


def test_last_months_incident_and_an_unknown_kind_count_for_nothing(
    run: dict[str, Any], totals: dict[str, Any]
) -> None:
    # October only: 错误登记影响后序流程 6 + 未查清即录工单 2 × 5 = 16; 100 − 16 = 84.
    # The 命令语气 of 2026-09-30 is in September; 迟到 is not an item of this code.
    assert totals["A005"] == 84
    (warning,) = [w for w in run["warnings"] if w["code"] == "unknown_incident_kind"]
    assert "“迟到”" in warning["message"]
    assert warning["where"] == "incidents.csv:row 18:kind"


def test_equal_totals_share_a_rank(run: dict[str, Any], totals: dict[str, Any]) -> None:
    # A006: 拒报工号 10 + 错误登记影响后序流程 6 + 漏单 6 + 有操作指引仍录工单 5 = 27 → 73,
    # the same as A002. Order 100, 84, 73, 73, 26, 0 → ranks 1, 2, 3, 3, 5, 6.
    assert totals["A006"] == 73
    ranks = {r["agent_id"]: r["rank"] for r in run["results"]}
    assert ranks == {"A001": 1, "A005": 2, "A002": 3, "A006": 3, "A003": 5, "A004": 6}
