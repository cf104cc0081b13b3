"""s000-monthly: 客服专员月绩效考核表, checked by hand.

Levels 较好完成/基本完成/有未完成 = 18/12/6 (20-point item) and 13/8/3 (two 15-point items), counted
as printed (18 of 20, not scaled up); 新客户有效信息 50 for 10 points, -1 per 3 short, 0 below 20;
four A/B/C items of 10/5/0; 实际绩效金额 = 额定绩效金额 × 得分 ÷ 100.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def out() -> dict[str, Any]:
    return run_example("s000-monthly")


def _agent(out: dict[str, Any], agent_id: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [r for r in out["results"] if r["agent_id"] == agent_id]
    (agent,) = matches
    return agent


def _weighted(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_best_levels_give_the_printed_18_and_13_so_the_top_is_94(out: dict[str, Any]) -> None:
    m01 = _agent(out, "M01")
    w = _weighted(m01)
    assert (w["deal_monitoring"], w["quality_research"], w["complaint_efficiency"]) == (18, 13, 13)
    # The levels rules declare the printed points as their full score, so 18 is not scaled to 20.
    assert {i["id"]: i["score"] for i in m01["indicators"]}["deal_monitoring"] == 18
    # 18 + 13 + 13 + 10 (50 of 50) + 4×10 = 94.
    assert m01["total"] == 94
    # Center-wide 额定绩效金额 1000 × 94 ÷ 100 = 940.
    assert m01["pay"] == {"performance_pay": 940, "total": 940}


def test_two_steps_short_and_an_agents_own_rated_amount(out: dict[str, Any]) -> None:
    m02 = _agent(out, "M02")
    w = _weighted(m02)
    # 44 is 6 short of 50: two steps of 3 -> 10 - 2 = 8.
    assert w["new_customers"] == 8
    # 基本完成 12 + 较好完成 13 + 有未完成 3 + 8 + A10 + B5 + B5 + C0 = 56.
    assert m02["total"] == 56
    # Own amount 800 (beats the center's 1000): 800 × 56 ÷ 100 = 448.
    assert m02["pay"]["performance_pay"] == 448


def test_21_leads_keep_one_point(out: dict[str, Any]) -> None:
    m03 = _agent(out, "M03")
    # 29 short: floor(29 / 3) = 9 steps -> 10 - 9 = 1.
    assert _weighted(m03)["new_customers"] == 1
    # 6 + 3 + 3 + 1 + C0 + C0 + B5 + A10 = 28; 1000 × 28 ÷ 100 = 280.
    assert m03["total"] == 28
    assert m03["pay"]["performance_pay"] == 280


def test_part_of_a_step_costs_nothing(out: dict[str, Any]) -> None:
    m04 = _agent(out, "M04")
    # 48 is 2 short: floor(2 / 3) = 0 steps -> full 10.
    assert _weighted(m04)["new_customers"] == 10
    # 18 + 8 + 8 + 10 + 4×5 = 64; 1000 × 64 ÷ 100 = 640.
    assert m04["total"] == 64
    assert m04["pay"]["performance_pay"] == 640


def test_below_20_leads_the_item_is_zero(out: dict[str, Any]) -> None:
    m05 = _agent(out, "M05")
    assert _weighted(m05)["new_customers"] == 0
    # 18 + 13 + 13 + 0 + 40 = 84; 1000 × 84 ÷ 100 = 840.
    assert m05["total"] == 84
    assert m05["pay"]["performance_pay"] == 840


def test_ranks_by_total(out: dict[str, Any]) -> None:
    # 94 > 84 > 64 > 56 > 28.
    assert {r["agent_id"]: r["rank"] for r in out["results"]} == {
        "M01": 1,
        "M05": 2,
        "M04": 3,
        "M02": 4,
        "M03": 5,
    }


def test_printed_weights_add_up_to_100_so_no_warning(out: dict[str, Any]) -> None:
    assert out["warnings"] == []
