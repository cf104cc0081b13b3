"""s003-qa-monitoring: 客服代表服务质量加分细则, worked by hand.

监听考评 (80 points): 100 + (points added − points deducted) ÷ calls monitored, within 0..100,
times 80 / 100. 致命错误准确性 >= 98.5% → 10, 非致命错误准确性 >= 85% → 10 (the seed's garbled
"≤1.5%" and "≤15" read as error rates). Outside monitoring: media complaint 10, letter 5,
justified call 3, failed test call 2, at most 20 off the total.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    return run_example("s003-qa-monitoring")


@pytest.fixture(scope="module")
def agents(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["agent_id"]: r for r in run["results"]}


def _weighted(agent: dict[str, Any]) -> dict[str, Any]:
    return {i["id"]: i["weighted"] for i in agent["indicators"] + agent["adjustments"]}


def test_clean_month_with_both_targets_met_scores_100(agents: dict[str, dict[str, Any]]) -> None:
    w = _weighted(agents["A001"])
    # 100 × 80 / 100 = 80; 100% >= 98.5 → 10; 90% >= 85 → 10; 80 + 10 + 10 = 100
    assert (w["monitoring"], w["fatal"], w["nonfatal"]) == (80, 10, 10)
    assert agents["A001"]["total"] == 100


def test_per_call_points_average_over_the_calls_monitored(
    agents: dict[str, dict[str, Any]],
) -> None:
    w = _weighted(agents["A002"])
    # Deducted 2 × 5 + 2 × 3 + 2 = 18, added 3: 100 + (3 − 18) / 15 = 99; 99 × 0.8 = 79.2
    assert w["monitoring"] == 79.2
    assert w["fatal"] == 0  # 93.33% (one fatal failure in 15 calls) < 98.5%
    assert w["nonfatal"] == 10  # exactly 85% meets >= 85%
    assert w["outside_monitoring"] == -5  # one written complaint
    # 79.2 + 0 + 10 − 5 = 84.2
    assert agents["A002"]["total"] == 84.2


def test_additions_cannot_lift_the_monitoring_score_past_100(
    agents: dict[str, dict[str, Any]],
) -> None:
    w = _weighted(agents["A003"])
    # Added 6 × 2 + 4 × 3 + 3 × 2 = 30, deducted 5 (CDMA seat item): 100 + 25 / 10 = 102.5 → 100
    assert w["monitoring"] == 80
    assert w["fatal"] == 10  # 98.5% is on the edge, met
    assert w["nonfatal"] == 0  # 84.9% < 85%
    assert agents["A003"]["total"] == 90  # 80 + 10 + 0


def test_deductions_outside_monitoring_stop_at_20(agents: dict[str, dict[str, Any]]) -> None:
    w = _weighted(agents["A004"])
    # Deducted 3 × 5 + 3 × 5 = 30 over 12 calls: 100 − 2.5 = 97.5; × 0.8 = 78
    assert w["monitoring"] == 78
    # 2 media complaints × 10 + 1 call complaint × 3 = 23 → at most 20
    assert w["outside_monitoring"] == -20
    assert agents["A004"]["total"] == 78  # 78 + 10 + 10 − 20


def test_an_unmonitored_agent_scores_zero_with_a_warning_per_missing_value(
    run: dict[str, Any], agents: dict[str, dict[str, Any]]
) -> None:
    assert agents["A005"]["total"] == 0
    missing = {w["message"] for w in run["warnings"] if w["code"] == "missing_value"}
    assert missing == {
        "客服 A005:“监听考评”没有数据;按 0 分计",
        "客服 A005:“致命错误准确性”没有数据;按 0 分计",
        "客服 A005:“非致命错误准确性”没有数据;按 0 分计",
    }
    ranks = {k: a["rank"] for k, a in agents.items()}
    assert ranks == {"A001": 1, "A003": 2, "A002": 3, "A004": 4, "A005": 5}  # 100, 90, 84.2, 78, 0
