"""s003-qa-monitoring: 客服代表服务质量加分细则, worked by hand.

监听考评 (80 points): 100 + (points added − points deducted) ÷ calls monitored, within 0..100,
times 80 / 100. 致命错误准确性 = 1 − complaints ÷ calls >= 98.5% → 10, 非致命错误准确性 = 1 −
(拨测 + 监听 records) ÷ calls >= 85% → 10 (the seed's garbled "≤1.5%" and "≤15" read as error
rates). Outside monitoring: media complaint 10, letter 5,
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
    # No complaint and no 拨测 or 监听 record: both accuracies 100%.
    # 100 × 80 / 100 = 80; 100% >= 98.5 → 10; 100% >= 85 → 10; 80 + 10 + 10 = 100
    assert (w["monitoring"], w["fatal"], w["nonfatal"]) == (80, 10, 10)
    assert agents["A001"]["total"] == 100


def test_fatal_errors_are_complaints_and_non_fatal_ones_are_monitoring_records(
    agents: dict[str, dict[str, Any]],
) -> None:
    # Seed: 致命错误 = 媒介、书面、来电 complaints, per call; 非致命错误 = 内部拨测 and 监听
    # deduction records, one opportunity per call.
    v = {i["id"]: i["value"] for i in agents["A002"]["indicators"]}
    # A002 (15 calls): one 书面投诉 -> 1 − 1/15 = 93.3333%; 监听 records 业务解释错误 2 +
    # 未确认需求 2 + 未使用规范用语 1 = 5 -> 1 − 5/(1 × 15) = 66.6667%.
    assert (v["fatal_errors"], v["nonfatal_errors"]) == (1, 5)
    assert (v["fatal_accuracy_pct"], v["nonfatal_accuracy_pct"]) == (93.3333, 66.6667)
    v4 = {i["id"]: i["value"] for i in agents["A004"]["indicators"]}
    # A004 (12 calls): 媒体投诉 2 + 来电投诉 1 = 3 fatal -> 75%; 大客户优先 3 + 态度生硬 3 = 6
    # non-fatal -> 50%.
    assert (v4["fatal_errors"], v4["nonfatal_errors"]) == (3, 6)
    assert (v4["fatal_accuracy_pct"], v4["nonfatal_accuracy_pct"]) == (75, 50)


def test_per_call_points_average_over_the_calls_monitored(
    agents: dict[str, dict[str, Any]],
) -> None:
    w = _weighted(agents["A002"])
    # Deducted 2 × 5 + 2 × 3 + 2 = 18, added 3: 100 + (3 − 18) / 15 = 99; 99 × 0.8 = 79.2
    assert w["monitoring"] == 79.2
    assert w["fatal"] == 0  # 93.33% (one complaint in 15 calls) < 98.5%
    assert w["nonfatal"] == 0  # 66.67% < 85%
    assert w["outside_monitoring"] == -5  # one written complaint
    # 79.2 + 0 + 0 − 5 = 74.2
    assert agents["A002"]["total"] == 74.2


def test_additions_cannot_lift_the_monitoring_score_past_100(
    agents: dict[str, dict[str, Any]],
) -> None:
    w = _weighted(agents["A003"])
    # Added 6 × 2 + 4 × 3 + 3 × 2 = 30, deducted 5 (CDMA seat item): 100 + 25 / 10 = 102.5 → 100
    assert w["monitoring"] == 80
    assert w["fatal"] == 10  # no complaint: 100%
    assert w["nonfatal"] == 10  # one 监听 record in 10 calls: 90% >= 85%
    assert agents["A003"]["total"] == 100  # 80 + 10 + 10


def test_a_seat_item_counts_only_on_its_seat(
    run: dict[str, Any], agents: dict[str, dict[str, Any]]
) -> None:
    # CDMA业务办理错误 is a CDMA专席 item: on A003 (CDMA专席) it deducts 5 and is a non-fatal
    # error; logged for A001 (GSM综合座席) it is left out, with one warning.
    v1 = {i["id"]: i["value"] for i in agents["A001"]["indicators"]}
    v3 = {i["id"]: i["value"] for i in agents["A003"]["indicators"]}
    assert (v1["call_deductions"], v1["nonfatal_errors"]) == (0, 0)
    assert (v3["call_deductions"], v3["nonfatal_errors"]) == (1, 1)
    (w,) = [w for w in run["warnings"] if w["code"] == "kind_not_for_position"]
    assert "CDMA专席" in w["message"] and "A001" in w["message"]


def test_deductions_outside_monitoring_stop_at_20(agents: dict[str, dict[str, Any]]) -> None:
    w = _weighted(agents["A004"])
    # Deducted 3 × 5 + 3 × 5 = 30 over 12 calls: 100 − 2.5 = 97.5; × 0.8 = 78
    assert w["monitoring"] == 78
    # 2 media complaints × 10 + 1 call complaint × 3 = 23 → at most 20
    assert w["outside_monitoring"] == -20
    assert agents["A004"]["total"] == 58  # 78 + 0 (75%) + 0 (50%) − 20


def test_an_unmonitored_agent_scores_zero_with_a_warning_per_missing_value(
    run: dict[str, Any], agents: dict[str, dict[str, Any]]
) -> None:
    assert agents["A005"]["total"] == 0
    missing = {w["message"] for w in run["warnings"] if w["code"] == "missing_value"}
    assert missing == {
        "客服 A005:“监听考评”没有数据;按 0 分计",
        "客服 A005:“致命错误准确性(%)”没有数据;按 0 分计",
        "客服 A005:“非致命错误准确性(%)”没有数据;按 0 分计",
    }
    ranks = {k: a["rank"] for k, a in agents.items()}
    # 100, 100 (shared first), 74.2, 58, 0
    assert ranks == {"A001": 1, "A003": 1, "A002": 3, "A004": 4, "A005": 5}
