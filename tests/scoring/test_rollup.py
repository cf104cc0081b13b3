"""Monthly results rolled up to quarters, half-years and years (``rollup:``): the quarterly
rules fire on the months alone, without a history file of quarters."""

from __future__ import annotations

import json
from pathlib import Path

from appraise.messages import reading
from appraise.scoring.output import localized, result_dict

from .helpers import D, by_id, run

BODY = """
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
grades:
  - {name: 优秀, range: ">= 90"}
  - {name: 合格, range: "[60, 90)"}
  - {name: 不佳, range: "< 60"}
consequences:
  - {id: poor_quarter, name: 一季度内表现不佳, when: "grade == '不佳'", over: quarter}
  - {id: best_quarter, name: 季度最佳, when: "rank == 1", over: quarter}
  - {id: good_half, name: 半年优秀, when: "total >= 90", over: half}
  - {id: quarter_total, name: 季度得分, when: "total > 0", over: quarter}
rollup: {to: [quarter, half, year], rule: RULE}
"""

# January and February come from the history (as published cycles give them); March is scored.
HISTORY = """
agent_id,period,total,grade,rank
a,2026-01,50,不佳,3
a,2026-02,62,合格,3
b,2026-01,95,优秀,1
b,2026-02,88,合格,1
c,2026-01,70,合格,2
c,2026-02,80,合格,2
"""


def _ratings(period: str, values: dict[str, str]) -> str:
    rows = "\n".join(f"{a},{period},work,,m,{v}" for a, v in values.items())
    return "agent_id,period,indicator,rater_role,rater_id,value\n" + rows + "\n"


MARCH = _ratings("2026-03", {"a": "61", "b": "92", "c": "75"})


def test_the_quarter_closed_by_march_is_the_mean_of_its_months(tmp_path: Path) -> None:
    out = by_id(
        run(tmp_path, BODY.replace("RULE", "mean"), "2026-03", ratings=MARCH, history=HISTORY)
    )
    # a: (50 + 62 + 61) / 3 = 57.67 < 60: 不佳 over the quarter, though March alone is 合格.
    # b: (95 + 88 + 92) / 3 = 91.67, first of the quarter; c: (70 + 80 + 75) / 3 = 75.
    assert out["a"].grade == "合格"
    assert "poor_quarter" in out["a"].flags and "poor_quarter" not in out["c"].flags
    assert "best_quarter" in out["b"].flags and "best_quarter" not in out["a"].flags
    (fired,) = [c for c in out["a"].consequences if c.id == "poor_quarter"]
    assert "2026-Q1 = (50 + 62 + 61) ÷ 3 = 57.67" in fired.explain
    # The half-year is not over in March: no half-year rule is read.
    assert "good_half" not in out["b"].flags


def test_a_quarter_still_under_way_fires_nothing(tmp_path: Path) -> None:
    feb = _ratings("2026-02", {"a": "62", "b": "88", "c": "80"})
    history = "agent_id,period,total,grade,rank\na,2026-01,50,不佳,3\n"
    out = by_id(
        run(tmp_path, BODY.replace("RULE", "mean"), "2026-02", ratings=feb, history=history)
    )
    assert not any(out[x].consequences for x in "abc")


def test_weighted_rule_weighs_a_new_hires_first_month_by_days_on_the_job(tmp_path: Path) -> None:
    # c joined on 16 January: 16 of January's 31 days on the job, weight 16/31.
    agents = "agent_id,name,hired_on\na,A,2025-01-01\nb,B,2025-01-01\nc,C,2026-01-16\n"
    out = by_id(
        run(
            tmp_path,
            BODY.replace("RULE", "weighted"),
            "2026-03",
            ratings=MARCH,
            history=HISTORY,
            agents=agents,
        )
    )
    (fired,) = [x for x in out["b"].consequences if x.id == "best_quarter"]
    assert "2026-Q1 = (95 + 88 + 92) ÷ 3 = 91.67" in fired.explain
    # c: (70 × 16/31 + 80 + 75) / (16/31 + 2) = (36.129... + 155) / 2.516... = 75.96, not 75.
    w = D(16) / D(31)
    expected = (D(70) * w + D(80) + D(75)) / (w + 2)
    assert expected.quantize(D("0.01")) == D("75.96")
    (said,) = [x for x in out["c"].consequences if x.id == "quarter_total"]
    assert "2026-Q1 = (70 × 0.5161 + 80 + 75) ÷ 2.5161 = 75.96" in said.explain


def test_the_half_year_and_year_close_in_june_and_december(tmp_path: Path) -> None:
    # b's months of the first half: 95, 88, 92 (Q1) and 90, 91 (April, May); June 94.
    history = HISTORY + "b,2026-03,92,优秀,1\nb,2026-04,90,优秀,1\nb,2026-05,91,优秀,1\n"
    june = _ratings("2026-06", {"b": "94"})
    out = by_id(
        run(tmp_path, BODY.replace("RULE", "mean"), "2026-06", ratings=june, history=history)
    )
    (fired,) = [x for x in out["b"].consequences if x.id == "good_half"]
    # (95 + 88 + 92 + 90 + 91 + 94) / 6 = 550 / 6 = 91.67 >= 90.
    assert "2026-H1 = (95 + 88 + 92 + 90 + 91 + 94) ÷ 6 = 91.67" in fired.explain
    # Q2 closes in June too: (90 + 91 + 94) / 3 = 91.67, first (alone) in the quarter.
    assert "best_quarter" in out["b"].flags


def test_a_quarter_row_in_the_history_wins_over_the_roll_up(tmp_path: Path) -> None:
    history = HISTORY + "a,2026-Q1,65,合格,2\n"
    out = by_id(
        run(tmp_path, BODY.replace("RULE", "mean"), "2026-03", ratings=MARCH, history=history)
    )
    assert "poor_quarter" not in out["a"].flags


def test_validate_refuses_a_roll_up_to_a_shorter_or_uneven_period() -> None:
    import pytest

    from appraise.problems import ProblemsError
    from appraise.schemes.loader import parse_scheme

    text = "id: t\nname: t\nperiod: quarter\n" + BODY.replace("RULE", "mean").replace(
        "[quarter, half, year]", "[month, half]"
    )
    with pytest.raises(ProblemsError) as err:
        parse_scheme(text, "t.yaml")
    (p,) = [p for p in err.value.problems if p.code == "rollup_kind"]
    assert "cannot make a month from quarters" in p.message and "(half, year)" in p.message


def test_april_does_not_fire_the_first_quarter_again(tmp_path: Path) -> None:
    history = HISTORY + "a,2026-03,61,合格,3\nb,2026-03,92,优秀,1\nc,2026-03,75,合格,2\n"
    april = _ratings("2026-04", {"a": "40", "b": "99", "c": "75"})
    out = by_id(
        run(tmp_path, BODY.replace("RULE", "mean"), "2026-04", ratings=april, history=history)
    )
    # Q1 (a: 57.67, 不佳) is rolled up from the months, but Q2 is under way: nothing fires.
    assert not any(out[x].consequences for x in "abc")


def test_three_quarters_at_or_above_90_from_nine_months(tmp_path: Path) -> None:
    body = """
    indicators:
      - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
    consequences:
      - {id: promotion_priority, name: 优先晋升主管, when: "total >= 90", periods: 3, over: quarter}
    rollup: {to: [quarter]}
    """
    # a: Q1 (90 + 91 + 92) / 3 = 91, Q2 (89 + 90 + 91) / 3 = 90, Q3 (88 + 90 + Sept 92) / 3 = 90.
    # b: the same but Q2 (89 + 89 + 91) / 3 = 89.67 < 90.
    months = {"a": [90, 91, 92, 89, 90, 91, 88, 90], "b": [90, 91, 92, 89, 89, 91, 88, 90]}
    rows = [
        f"{agent},2026-{m + 1:02d},{total},,"
        for agent, totals in months.items()
        for m, total in enumerate(totals)
    ]
    history = "agent_id,period,total,grade,rank\n" + "\n".join(rows) + "\n"
    sept = _ratings("2026-09", {"a": "92", "b": "92"})
    out = by_id(run(tmp_path, body, "2026-09", ratings=sept, history=history))
    (fired,) = out["a"].consequences
    assert "连续 3 期(2026-Q3、2026-Q2、2026-Q1)" in fired.explain
    assert "2026-Q2 = (89 + 90 + 91) ÷ 3 = 90" in fired.explain
    assert not out["b"].consequences
    # Kept as what was said: a stored result reads the consequence in English too.
    with reading("zh"):
        stored = json.loads(json.dumps(result_dict(out["a"], said=True), ensure_ascii=False))
    (en,) = localized(stored, "en")["consequences"]
    assert en["explain"].startswith(
        "total >= 90 for 3 periods in a row (2026-Q3, 2026-Q2, 2026-Q1); "
    )
    assert "explain_said" not in en
    (zh,) = localized(stored, "zh")["consequences"]
    assert zh["explain"] == stored["consequences"][0]["explain"] == str.__str__(fired.explain)


# --- chains over periods of different kinds (after:, at:) -------------------------------------

CHAIN = """
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
grades:
  - {name: 中等, range: ">= 70"}
  - {name: 待改进, range: "[50, 70)"}
  - {name: 急需改进, range: "< 50"}
rollup: {to: [half, year], rule: mean}
consequences:
  - id: midyear_again
    name: 年中再次待改进
    when: "grade == '待改进'"
    over: half
    at: [H1]
    after: [{over: year, when: "grade == '待改进'"}]
  - id: second_year
    name: 年中再次待改进且次年急需改进
    when: "grade == '急需改进'"
    over: year
    after:
      - {over: half, when: "grade == '待改进'"}
      - {over: year, when: "grade == '待改进'"}
"""


def _months(agent: str, totals: dict[str, int]) -> str:
    return "".join(f"{agent},{p},{t}\n" for p, t in totals.items())


def test_a_chain_reads_the_annual_before_the_mid_year_and_fires_in_june(tmp_path: Path) -> None:
    # a: 2026 = (60 + 64) / 2 = 62 待改进; 2027-H1 = (60 × 5 + 66) / 6 = 61 待改进: fires.
    # b: 2026 = (80 + 80) / 2 = 80 中等; 2027-H1 the same 61: the first step fails, nothing.
    first_five = {f"2027-0{m}": 60 for m in range(1, 6)}
    history = "agent_id,period,total\n" + _months("a", {"2026-11": 60, "2026-12": 64, **first_five})
    history += _months("b", {"2026-11": 80, "2026-12": 80, **first_five})
    june = _ratings("2027-06", {"a": "66", "b": "66"})
    out = by_id(run(tmp_path, CHAIN, "2027-06", ratings=june, history=history))
    assert out["a"].flags == ["midyear_again"] and out["b"].flags == []
    (fired,) = out["a"].consequences
    # The conditions said in Chinese: grade == '待改进' reads 等级 = “待改进”.
    assert "2027-H1 等级 = “待改进”;此前 2026 等级 = “待改进”" in fired.explain
    assert fired.explain.render("en").startswith(
        "2027-H1 grade == '待改进'; before that 2026 grade == '待改进'"
    )
    assert "2026 = (60 + 64) ÷ 2 = 62" in fired.explain
    assert "2027-H1 = (60 + 60 + 60 + 60 + 60 + 66) ÷ 6 = 61" in fired.explain


def test_at_h1_keeps_the_mid_year_rule_out_of_the_second_half(tmp_path: Path) -> None:
    # The same 待改进 annual 2026, and a 待改进 second half 2027-H2 closed in December: the
    # mid-year rule is for H1 only. The year 2027 = 61 is 待改进, not 急需改进: no second_year.
    months = {f"2027-{m:02d}": 60 for m in range(7, 12)}
    history = "agent_id,period,total\n" + _months("a", {"2026-11": 60, "2026-12": 64, **months})
    dec = _ratings("2027-12", {"a": "66"})
    out = by_id(run(tmp_path, CHAIN, "2027-12", ratings=dec, history=history))
    assert out["a"].flags == []


def test_the_three_step_chain_ends_in_termination_at_the_second_annual(tmp_path: Path) -> None:
    # 2026 = 62 待改进 (Nov 60, Dec 64); 2027-H1 = 61 待改进 (60 × 5, 66); 2027-H2 = 30 each
    # month; 2027 = (60 × 5 + 66 + 30 × 6) / 12 = 546 / 12 = 45.5 急需改进: the annual fires
    # second_year in December, read 2027 <- 2027-H1 <- 2026.
    h1 = {**{f"2027-0{m}": 60 for m in range(1, 6)}, "2027-06": 66}
    h2 = {f"2027-{m:02d}": 30 for m in range(7, 12)}
    history = "agent_id,period,total\n" + _months("a", {"2026-11": 60, "2026-12": 64, **h1, **h2})
    dec = _ratings("2027-12", {"a": "30"})
    out = by_id(run(tmp_path, CHAIN, "2027-12", ratings=dec, history=history))
    assert out["a"].flags == ["second_year"]
    (fired,) = out["a"].consequences
    assert "2027 等级 = “急需改进”;此前 2027-H1 等级 = “待改进”;此前 2026" in fired.explain
    assert "= 45.5" in fired.explain


def test_at_must_name_a_period_of_the_rules_kind() -> None:
    from appraise.problems import ProblemsError
    from appraise.schemes.loader import parse_scheme

    bad = CHAIN.replace("at: [H1]", "at: [Q1]")
    try:
        parse_scheme("id: t\nname: t\n" + bad, "t.yaml")
    except ProblemsError as exc:
        (problem,) = [p for p in exc.problems if p.code == "consequence_at"]
        assert '"midyear_again"' in problem.message and '"Q1"' in problem.message
    else:
        raise AssertionError("at: [Q1] on a half-year rule was accepted")
