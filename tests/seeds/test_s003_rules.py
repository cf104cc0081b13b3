"""s003-rules: 客服考核制度细则, every item worked by hand from the seed's clauses.

Points: 工作质量 40 = 满意度 10 (>= 90% → 10, else 0) + 处理速度 10 (−5 per started hour over) +
准确性 10 (−5 per error) + 规范性 10 (−5 per violation); 工作量 30 = 任务 15 (−5 per late task) +
业务知识 10 (>= 90 → 10, else 5) + 加班 5; 工作态度 15 = 出勤 5 + 积极性 5 + 同事评价 5;
团队协作 10 = 协同 5 + 分享 5. The seed's categories add up to 95, so 95 is the best total.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    return run_example("s003-rules")


@pytest.fixture(scope="module")
def agents(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["agent_id"]: r for r in run["results"]}


def _weighted(agent: dict[str, Any]) -> dict[str, Any]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_a_flawless_month_scores_95_because_the_seed_prints_95_points(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A001"]
    # 40 + 30 + 15 + 10 = 95: every item at full points.
    w = _weighted(a)
    assert (w["work_quality"], w["workload"], w["attitude"], w["teamwork"]) == (40, 30, 15, 10)
    assert a["total"] == 95
    assert a["rank"] == 1


def test_edges_90_percent_and_90_test_points_count_and_a_part_hour_counts_as_an_hour(
    agents: dict[str, dict[str, Any]],
) -> None:
    w = _weighted(agents["A002"])
    assert w["satisfaction"] == 10  # csat 90% is >= 90
    assert w["speed"] == 0  # 1.5 hours over → ceil 2 hours → 10 − 2 × 5 = 0
    assert w["accuracy"] == 5  # one handling error: 10 − 5
    assert w["tasks"] == 10  # one late task: 15 − 5
    assert w["knowledge"] == 10  # test score 90 is 90分以上
    assert w["overtime"] == 0  # 未按公司规定加班: 5 − 5
    # 10 + 0 + 5 + 10 = 25; 10 + 10 + 0 = 20; 5 + 5 + 5 = 15; 5 + 5 = 10; 25 + 20 + 15 + 10 = 70
    assert (w["work_quality"], w["workload"], w["attitude"], w["teamwork"]) == (25, 20, 15, 10)
    assert agents["A002"]["total"] == 70


def test_deductions_stop_at_zero_and_a_low_test_keeps_five_points(
    agents: dict[str, dict[str, Any]],
) -> None:
    w = _weighted(agents["A003"])
    assert w["satisfaction"] == 0  # 89.9% < 90%
    assert w["speed"] == 5  # 0.5 hours over → 1 hour → 10 − 5
    assert w["accuracy"] == 0  # 2 errors: 10 − 10
    assert w["conformity"] == 0  # 3 violations in October: 10 − 15 → floor 0 (the Sept. one is out)
    assert w["tasks"] == 0  # 4 late tasks: 15 − 20 → floor 0
    assert w["knowledge"] == 5  # 75 < 90: 10 − 5
    assert w["attendance"] == 0  # one 迟到 (alias of 迟到早退): 5 − 5
    # 0 + 5 + 0 + 0 = 5; 0 + 5 + 5 = 10; 0 + 0 + 0 = 0; 5 + 0 = 5; total 20
    assert (w["work_quality"], w["workload"], w["attitude"], w["teamwork"]) == (5, 10, 0, 5)
    assert agents["A003"]["total"] == 20


def test_an_agent_with_no_data_keeps_only_the_untouched_deduction_bases(
    run: dict[str, Any], agents: dict[str, dict[str, Any]]
) -> None:
    # No incidents: 准确性 10 + 规范性 10 + 任务 15 + 出勤 5 = 40; every rating and metric is
    # missing and scored 0, each with a warning (8 of them).
    a = agents["A004"]
    assert a["total"] == 40
    assert a["rank"] == 3  # 95, 70, 40, 20
    missing = [w for w in run["warnings"] if w["code"] == "missing_value"]
    assert len(missing) == 8
    assert all("A004" in w["message"] for w in missing)


def test_validate_warns_that_the_seed_weights_add_up_to_95(run: dict[str, Any]) -> None:
    (warning,) = [w for w in run["warnings"] if w["code"] == "weights_sum"]
    assert "95 分" in warning["message"]
