"""s003-rewards: 客服考核奖惩方案, worked by hand from the seed's rules and the YAML's choices.

Five indicators at 20% each, rates in proportion to a target capped at full marks (满意度 90,
业绩 100, 解决率 90, 回访率 90, 准确率 95 for its 10%), 速度 10% by bands (<=30 s 100,
(30,60] 80, (60,120] 50). Grades 优秀 >=90, 良好 [80,90), 合格 [60,80), 不佳 <60; 严重违纪
first. Pay: 最优客服奖 0.5% of the monthly salary (rank 1 and 优秀), 回访奖励 1% (回访率 >= 90 and
优秀), 部门整体奖励 1% (department rated 较好 or better), 扣款 from the incident row.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def agents() -> dict[str, dict[str, Any]]:
    out = run_example("s003-rewards")
    return {r["agent_id"]: r for r in out["results"]}


def _weighted(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_best_agent_with_callbacks_on_90_gets_all_three_salary_shares(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A001"]
    w = _weighted(a)
    # 95/90 and 110/100 are capped at full: 20 + 20; 85.5 / 90 = 95% → 19; 回访率 90 / 90 → 20;
    # 96/95 capped → 10; 30 s <= 30 → 10. 20 + 20 + 19 + 20 + 10 + 10 = 99.
    assert w["resolution"] == 19
    assert w["callback"] == 20
    assert a["total"] == 99
    assert (a["grade"], a["rank"]) == ("优秀", 1)
    # 6000 × 0.5% = 30; 6000 × 1% = 60 (回访率 90 >= 90); department 较好: 6000 × 1% = 60.
    assert a["pay"] == {
        "best_agent": 30,
        "callback_reward": 60,
        "department_reward": 60,
        "total": 150,
    }
    assert a["flags"] == ["promotion_opportunity"]


def test_last_months_incident_does_not_count_this_month(
    agents: dict[str, dict[str, Any]],
) -> None:
    # A001's disruption is dated 2026-09-28: no 扣款 and no record in October.
    assert _weighted(agents["A001"])["disruption"] == 0
    assert "incidents" not in agents["A001"]["pay"]


def test_excellent_but_second_gets_no_best_agent_award_and_88_2_callbacks_no_callback_reward(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A002"]
    # 20 (90/90) + 19 (95/100) + 20 (90/90) + 19.6 (88.2 / 90 = 98%) + 10 (95/95) + 8 (45 s)
    # = 96.6.
    assert a["total"] == 96.6
    assert (a["grade"], a["rank"]) == ("优秀", 2)
    # Only the department's 1%: 5000 × 1% = 50.
    assert a["pay"] == {
        "best_agent": 0,
        "callback_reward": 0,
        "department_reward": 50,
        "total": 50,
    }


def test_second_poor_month_defers_promotion_and_the_written_penalty_is_deducted(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A003"]
    # 72/90 = 80% → 16; 40/100 → 8; 54/90 = 60% → 12; 45/90 = 50% → 10; 76/95 = 80% → 8;
    # 130 s > 120 → 0. 16 + 8 + 12 + 10 + 8 + 0 = 54 < 60: 不佳, as in September.
    assert a["total"] == 54
    assert a["grade"] == "不佳"
    assert a["flags"] == ["promotion_deferred"]
    # 4000 × 1% = 40 from the department, minus the ¥200 written on the incident: -160.
    assert a["pay"] == {
        "best_agent": 0,
        "callback_reward": 0,
        "department_reward": 40,
        "incidents": -200,
        "total": -160,
    }


def test_serious_misconduct_overrides_the_grade_and_takes_no_reward(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A004"]
    # 4 × 18 (81/90, 90/100, 81/90, 81/90 are all 90%) + 9 (85.5/95 = 90%) + 8 (45 s) = 89.
    assert a["total"] == 89
    assert a["grade"] == "严重违纪"
    assert a["flags"] == ["dismissal"]
    assert a["pay"]["total"] == 0


def test_a_poor_quarter_defers_promotion_but_one_poor_month_alone_does_not(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A005"]
    # 18 (81/90) + 14 (70/100) + 16 (72/90) + 14 (63/90) + 9.5 (90.25/95) + 5 (61 s) = 76.5.
    assert a["total"] == 76.5
    assert a["grade"] == "合格"
    # September was 不佳 but October is not, so no two-month run; 2026-Q3 was 不佳.
    assert a["flags"] == ["promotion_deferred_quarter"]
    assert a["pay"]["department_reward"] == 45  # 4500 × 1%
