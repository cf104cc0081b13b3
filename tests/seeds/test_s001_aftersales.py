"""s001-aftersales: 售后部门KPI绩效考核, checked by hand.

Five items of 20; complaints -5 each or 5-20 by severity (no floor), 旷工 -10 (floor 0), typing
20 × speed ÷ 60 up to 20; outside the 100: 浏览网页 -20 and ¥100, 查表 -5 and ¥200, 来电表扬 +5,
好评点名 +1, 表现突出 +10, 中差评 improvement above 0.13% +20. Levels 特级 >= 120, 高级 >= 100,
中级 >= 80, 初级 >= 60, else 底级, paid 1000/800/500/400/300; rank bonus 1000, 800, 600, then
-200 a place down to 300, and 300 for a total below 50; 全勤 200 with no 旷工.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def out() -> dict[str, Any]:
    return run_example("s001-aftersales")


def _agent(out: dict[str, Any], agent_id: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [r for r in out["results"] if r["agent_id"] == agent_id]
    (agent,) = matches
    return agent


def _weighted(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_additions_carry_a_strong_month_past_120_to_the_top_level(out: dict[str, Any]) -> None:
    f01 = _agent(out, "F01")
    w = _weighted(f01)
    # 72 字/分 is over 60: 20 × 72/60 = 24, capped at 20.
    assert w["typing"] == 20
    # 表扬 2×5 + 点名 3×1 + 表现突出 10 = 23.
    assert w["bonus_points"] == 23
    # 0.15% > 0.13% -> +20.
    assert w["review_improvement_points"] == 20
    # 18 + 19 + 20 + 20 + 20 + 23 + 20 = 140 -> 特级 (>= 120).
    assert f01["total"] == 140
    assert f01["level"] == "特级"
    # 第 1 名 1000 + 特级 1000 + 全勤 200 + 考勤 100 = 2300.
    assert f01["pay"] == {
        "rank_bonus": 1000,
        "level_bonus": 1000,
        "full_attendance": 200,
        "attendance_allowance": 100,
        "total": 2300,
    }


def test_improvement_of_exactly_0_13_is_not_above_the_average(out: dict[str, Any]) -> None:
    f02 = _agent(out, "F02")
    w = _weighted(f02)
    assert w["review_improvement_points"] == 0
    # One 客户投诉 -> 20 - 5 = 15; 60 字/分 is the target -> 20; 点名 4×1 = 4.
    assert w["complaints"] == 15
    assert w["typing"] == 20
    # 16 + 16 + 15 + 20 + 20 + 4 = 91 -> 中级.
    assert f02["total"] == 91
    assert f02["level"] == "中级"


def test_a_tie_shares_the_rank_and_its_ladder_amount(out: dict[str, Any]) -> None:
    f02, f03 = _agent(out, "F02"), _agent(out, "F03")
    w = _weighted(f03)
    # F03: 旷工 1 -> 10; 45 字/分 -> 20 × 45/60 = 15; 表扬 5 + 点名 3 = 8;
    # 20 + 18 + 20 + 10 + 15 + 8 = 91, level with F02.
    assert (w["attendance"], w["typing"], w["bonus_points"]) == (10, 15, 8)
    assert f03["total"] == 91
    assert f02["rank"] == f03["rank"] == 2
    assert f02["pay"]["rank_bonus"] == f03["pay"]["rank_bonus"] == 800
    # 全勤 needs no 旷工: F02 200, F03 0.
    assert f02["pay"]["full_attendance"] == 200
    assert f03["pay"]["full_attendance"] == 0
    # 考勤 100 is paid to both, 旷工 or not (the seed's "(全勤200,考勤100)").
    assert f02["pay"]["attendance_allowance"] == f03["pay"]["attendance_allowance"] == 100
    # F02 800 + 500 + 200 + 100 = 1600; F03 800 + 500 + 0 + 100 = 1400.
    assert f02["pay"]["total"] == 1600
    assert f03["pay"]["total"] == 1400


def test_place_after_a_tie_skips_one_and_steps_down_200(out: dict[str, Any]) -> None:
    f06 = _agent(out, "F06")
    # 50 字/分: 20 × 50/60 = 16.666..., total 10 + 10 + 20 + 20 + 16.67 = 76.67 -> 初级.
    assert f06["total"] == 76.67
    assert f06["level"] == "初级"
    # Ranks 1, 2, 2, then 4: 600 - 200 = 400.
    assert f06["rank"] == 4
    # 400 + 初级 400 + 全勤 200 + 考勤 100 = 1100.
    assert f06["pay"] == {
        "rank_bonus": 400,
        "level_bonus": 400,
        "full_attendance": 200,
        "attendance_allowance": 100,
        "total": 1100,
    }


def test_ladder_stops_at_300_and_late_topups_cost_points_and_money(out: dict[str, Any]) -> None:
    f05 = _agent(out, "F05")
    # 查表 2 × 5 = 10 points; 30 字/分 -> 20 × 30/60 = 10; September's 旷工 does not count.
    assert _weighted(f05)["violations"] == -10
    assert _weighted(f05)["attendance"] == 20
    # 15 + 15 + 20 + 20 + 10 - 10 = 70 -> 初级, rank 5.
    assert f05["total"] == 70
    assert f05["rank"] == 5
    # Rank 5 would be 600 - 2×200 = 200, held at 300; 2 × ¥200 = -400;
    # 300 + 400 + 200 + 考勤 100 - 400 = 600.
    assert f05["pay"] == {
        "rank_bonus": 300,
        "level_bonus": 400,
        "full_attendance": 200,
        "attendance_allowance": 100,
        "incidents": -400,
        "total": 600,
    }


def test_complaints_run_past_the_item_and_a_total_under_50_gets_300(
    out: dict[str, Any],
) -> None:
    f04 = _agent(out, "F04")
    w = _weighted(f04)
    # 客户投诉 2×5 + 售后投诉 severity 20 = 30 -> 20 - 30 = -10 (no floor).
    assert w["complaints"] == -10
    # 浏览网页 once: -20 points and ¥100.
    assert w["violations"] == -20
    # 54 字/分 -> 20 × 54/60 = 18.
    assert w["typing"] == 18
    # 12 + 14 - 10 + 20 + 18 - 20 = 34 -> 底级, last of six.
    assert f04["total"] == 34
    assert f04["level"] == "底级"
    assert f04["rank"] == 6
    # Below 50: 排序奖金 300; 底级 300; 全勤 200; 考勤 100; -100 for the browsing -> 800.
    assert f04["pay"] == {
        "rank_bonus": 300,
        "level_bonus": 300,
        "full_attendance": 200,
        "attendance_allowance": 100,
        "incidents": -100,
        "total": 800,
    }


def test_center_wide_improvement_applies_to_agents_without_their_own(
    out: dict[str, Any],
) -> None:
    # The center's 0.10% is not above 0.13%: nobody but F01 gets the 20.
    gained = {
        r["agent_id"] for r in out["results"] if _weighted(r)["review_improvement_points"] == 20
    }
    assert gained == {"F01"}


def test_department_review_bonus_is_a_flag_not_agent_pay() -> None:
    out = run_example("s001-aftersales")
    flags = {r["agent_id"]: r["flags"] for r in out["results"]}
    # F01 improved 0.15%: at least 0.01 above the 0.13% average -> the department's ¥500 flag.
    # F02's 0.13% is not above; F03-F06 fall back to the center's 0.10%.
    assert flags["F01"] == ["review_team_bonus"]
    assert all(flags[a] == [] for a in ("F02", "F03", "F04", "F05", "F06"))
    assert "review_team_bonus" not in {k for r in out["results"] for k in r["pay"]}
