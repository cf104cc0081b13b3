"""Ranks by total with ties, grade edges, forced distribution and levels."""

from __future__ import annotations

from pathlib import Path

from .helpers import D, by_id, run

GRADES = """
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
grades:
  - {name: 优秀, range: "> 95", requires_basis: true}
  - {name: 称职, range: "[85, 95]"}
  - {name: 合格, range: "[70, 85)"}
  - {name: 待改进, range: "[50, 70)"}
  - {name: 不合格, range: "< 50", requires_basis: true}
"""


def _ratings(values: dict[str, str]) -> str:
    rows = "\n".join(f"{a},2026-10,work,,m,{v}" for a, v in values.items())
    return "agent_id,period,indicator,rater_role,rater_id,value\n" + rows + "\n"


def test_grade_edges_are_exact(tmp_path: Path) -> None:
    out = by_id(
        run(
            tmp_path,
            GRADES,
            ratings=_ratings(
                {
                    "a": "95.01",
                    "b": "95",
                    "c": "85",
                    "d": "84.99",
                    "e": "70",
                    "f": "50",
                    "g": "49.99",
                }
            ),
        )
    )
    assert {k: v.grade for k, v in out.items()} == {
        "a": "优秀",
        "b": "称职",
        "c": "称职",
        "d": "合格",
        "e": "合格",
        "f": "待改进",
        "g": "不合格",
    }
    assert out["a"].flags == ["requires_basis"] and out["g"].flags == ["requires_basis"]
    assert out["b"].flags == []


def test_ties_share_a_rank_and_the_next_rank_is_skipped(tmp_path: Path) -> None:
    out = by_id(
        run(tmp_path, GRADES, ratings=_ratings({"a": "90", "b": "85", "c": "85", "d": "70"}))
    )
    assert [out[k].rank for k in "abcd"] == [1, 2, 2, 4]


def test_dense_ranking_when_declared(tmp_path: Path) -> None:
    body = GRADES + "ranking: {ties: dense}\n"
    out = by_id(run(tmp_path, body, ratings=_ratings({"a": "90", "b": "85", "c": "85", "d": "70"})))
    assert [out[k].rank for k in "abcd"] == [1, 2, 2, 3]


QUOTA = (
    GRADES
    + """
distribution:
  mode: cap
  quotas: [{grade: 优秀, max: 10%}, {grade: 称职, max: 20%}]
  rounding: floor
  ties: TIES
"""
)


def test_cap_quota_keeps_the_best_ranked_and_moves_the_rest_down(tmp_path: Path) -> None:
    # Ten agents: 10% of 10 = 1 may be 优秀, 20% = 2 may be 称职.
    values = {
        "a": "99",
        "b": "98",
        "c": "97",
        "d": "90",
        "e": "80",
        "f": "80",
        "g": "75",
        "h": "72",
        "i": "71",
        "j": "60",
    }
    out = by_id(run(tmp_path, QUOTA.replace("TIES", "include"), ratings=_ratings(values)))
    # a keeps 优秀; b and c move to 称职, which then holds b, c, d: only 2 allowed, so d
    # (rank 4) moves on to 合格.
    assert out["a"].grade == "优秀"
    assert (out["b"].grade, out["c"].grade, out["d"].grade) == ("称职", "称职", "合格")
    assert out["j"].grade == "待改进"


def test_cap_quota_tie_at_the_cut_include_keeps_both(tmp_path: Path) -> None:
    values = {
        k: v
        for k, v in zip(
            "abcdefghij", ["99", "99", "90", "80", "80", "80", "80", "80", "80", "80"], strict=True
        )
    }
    run_ = run(tmp_path, QUOTA.replace("TIES", "include"), ratings=_ratings(values))
    out = by_id(run_)
    # a and b tie at rank 1 for the single 优秀 place: both keep it, with a warning.
    assert out["a"].grade == out["b"].grade == "优秀"
    assert any(w.code == "quota_exceeded_by_tie" for w in run_.warnings)


def test_cap_quota_tie_at_the_cut_exclude_moves_both(tmp_path: Path) -> None:
    values = {
        k: v
        for k, v in zip(
            "abcdefghij", ["99", "99", "90", "80", "80", "80", "80", "80", "80", "80"], strict=True
        )
    }
    out = by_id(run(tmp_path, QUOTA.replace("TIES", "exclude"), ratings=_ratings(values)))
    assert out["a"].grade == out["b"].grade == "称职"


def test_forced_distribution_grades_by_rank_alone(tmp_path: Path) -> None:
    body = (
        GRADES
        + """
distribution:
  mode: forced
  quotas: [{grade: 优秀, share: 10%}, {grade: 称职, share: 20%}, {grade: 合格, share: 50%}]
  rounding: round
"""
    )
    values = {k: str(100 - i) for i, k in enumerate("abcdefghij")}
    out = by_id(run(tmp_path, body, ratings=_ratings(values)))
    # 10 agents: 1 优秀, 2 称职, 5 合格, and the next grade (待改进) takes the last 2.
    assert [out[k].grade for k in "abcdefghij"] == [
        "优秀",
        "称职",
        "称职",
        "合格",
        "合格",
        "合格",
        "合格",
        "合格",
        "待改进",
        "待改进",
    ]


def test_levels_need_two_periods_in_a_row(tmp_path: Path) -> None:
    body = (
        GRADES
        + """
levels:
  rungs:
    - {name: 高级客服, range: "> 90", periods: 2}
    - {name: 中级客服, range: "[80, 90]", periods: 2}
"""
    )
    out = by_id(
        run(
            tmp_path,
            body,
            ratings=_ratings({"a": "92", "b": "92", "c": "85"}),
            history="""
        agent_id,period,total,grade,rank
        a,2026-09,91,称职,1
        b,2026-09,88,称职,2
        c,2026-08,85,称职,1
        """,
        )
    )
    assert out["a"].level == "高级客服"  # 91 then 92
    assert out["b"].level is None  # 88 then 92: not twice in one range
    assert out["c"].level is None  # no 2026-09 in the history


def test_cumulative_levels_add_the_history(tmp_path: Path) -> None:
    body = """
full_score: null
indicators:
  - {id: pts, name: 积分, rule: {type: rated, max: 1000}}
levels:
  basis: cumulative
  rungs:
    - {name: 特级订餐师, range: ">= 150"}
    - {name: 三级订餐师, range: "[100, 150)"}
    - {name: 二级订餐师, range: "[80, 100)"}
    - {name: 一级订餐师, range: "[60, 80)"}
"""
    out = by_id(
        run(
            tmp_path,
            body,
            ratings="""
        agent_id,period,indicator,rater_role,rater_id,value
        a,2026-10,pts,,sys,30
        """,
            history="""
        agent_id,period,total,grade,rank
        a,2026-08,25,,
        a,2026-09,30,,
        """,
        )
    )
    # 25 + 30 + 30 = 85 accumulated: 二级订餐师
    assert out["a"].level == "二级订餐师"


def test_agent_with_no_data_scores_zero_with_a_warning(tmp_path: Path) -> None:
    run_ = run(
        tmp_path,
        GRADES,
        ratings=_ratings({"a": "90"}),
        agents="""
        agent_id,name,team,position,supervisor_id,hired_on
        a,张三,一组,客服,s1,2025-01-01
        b,李四,一组,客服,s1,2025-01-01
        """,
    )
    out = by_id(run_)
    assert out["b"].total == D(0) and out["b"].grade == "不合格" and out["b"].rank == 2
    assert any(w.code == "missing_value" and "agent b" in w.message for w in run_.warnings)


def test_month_to_date_and_month_end_for_daily_points(tmp_path: Path) -> None:
    body = """
period: day
full_score: null
indicators:
  - {id: today, name: 当日积分, rule: {type: rated, max: 100}}
  - id: month_bonus
    name: 月底累计积分奖励
    rule: {type: formula, expr: "(5 if coalesce(month_to_date, 0) + today >= 20 else 0) if month_end else 0"}
"""
    ratings = """
        agent_id,period,indicator,rater_role,rater_id,value
        a,2026-10-31,today,,sys,4
        b,2026-10-31,today,,sys,4
        a,2026-10-30,today,,sys,4
        """
    history = """
        agent_id,period,total,grade,rank
        a,2026-10-29,10,,
        a,2026-10-30,6,,
        a,2026-09-30,50,,
        b,2026-10-30,3,,
        """
    out = by_id(run(tmp_path, body, "2026-10-31", ratings=ratings, history=history))
    # 10-31 closes the month. a: 10 + 6 earlier this month (not September's 50) + 4 = 20 >= 20
    # -> 4 + 5 = 9. b: 3 + 4 = 7 -> no bonus, 4.
    assert out["a"].total == 9 and out["b"].total == 4
    out = by_id(run(tmp_path, body, "2026-10-30", ratings=ratings, history=history))
    # 10-30 does not close the month: no bonus for anyone.
    assert out["a"].total == 4


SMALL_TEAM = (
    GRADES
    + """
distribution:
  mode: cap
  quotas: [{grade: 优秀, max: 10%}]
  rounding: ROUNDING
"""
)
# Six agents, two above 95: 10% of 6 = 0.6.
SIX = {"a": "99", "b": "97", "c": "90", "d": "80", "e": "75", "f": "60"}


def test_floor_on_a_small_team_gives_nobody_the_grade_and_warns(tmp_path: Path) -> None:
    run_ = run(tmp_path, SMALL_TEAM.replace("ROUNDING", "floor"), ratings=_ratings(SIX))
    out = by_id(run_)
    # floor(0.6) = 0: a and b both move down to 称职.
    assert (out["a"].grade, out["b"].grade) == ("称职", "称职")
    (w,) = [w for w in run_.warnings if w.code == "quota_unreachable"]
    assert "6 agent(s)" in w.message and '"优秀"' in w.message


def test_round_to_nearest_gives_one_place_on_six(tmp_path: Path) -> None:
    run_ = run(tmp_path, SMALL_TEAM.replace("ROUNDING", "round"), ratings=_ratings(SIX))
    out = by_id(run_)
    # 0.6 rounds half up to 1: a (rank 1) keeps 优秀, b moves down.
    assert (out["a"].grade, out["b"].grade) == ("优秀", "称职")
    assert not [w for w in run_.warnings if w.code == "quota_unreachable"]


def test_at_least_one_gives_one_place_when_the_share_rounds_down_to_zero(tmp_path: Path) -> None:
    # Three agents: 10% of 3 = 0.3, floor 0, but at least one.
    three = {"a": "99", "b": "97", "c": "60"}
    run_ = run(tmp_path, SMALL_TEAM.replace("ROUNDING", "at_least_one"), ratings=_ratings(three))
    out = by_id(run_)
    assert (out["a"].grade, out["b"].grade) == ("优秀", "称职")
    assert not [w for w in run_.warnings if w.code == "quota_unreachable"]


def test_at_least_one_is_floor_once_the_share_is_a_whole_agent_or_more(tmp_path: Path) -> None:
    # Twenty agents, three above 95: 10% of 20 = 2 places (floor 2, never raised to 3).
    twenty = {f"a{i:02d}": "80" for i in range(3, 20)} | {"a00": "99", "a01": "98", "a02": "97"}
    out = by_id(
        run(tmp_path, SMALL_TEAM.replace("ROUNDING", "at_least_one"), ratings=_ratings(twenty))
    )
    assert [out[a].grade for a in ("a00", "a01", "a02")] == ["优秀", "优秀", "称职"]
