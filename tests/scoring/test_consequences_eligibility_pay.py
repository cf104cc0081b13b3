"""Consecutive-period rules, eligibility and pay, to the cent."""

from __future__ import annotations

from pathlib import Path

from .helpers import D, by_id, run

BODY = """
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
consequences:
  - {id: transfer_or_dismissal, name: 调岗或辞退, when: "total < 70", periods: 3}
  - {id: promotion_priority, name: 优先晋升, when: "total >= 90", periods: 3, over: quarter}
  - {id: rectification_plan, name: 整改计划, when: "rank > count - 2", due_days: 7}
  - {id: first_place, name: 月度第一, when: "rank == 1", pay: 100}
  - {id: last_place, name: 末位扣提成, when: "rank == count", pay: -100}
"""

RATINGS = """
agent_id,period,indicator,rater_role,rater_id,value
a,2026-10,work,,m,95
b,2026-10,work,,m,69
c,2026-10,work,,m,69.99
d,2026-10,work,,m,80
"""

HISTORY = """
agent_id,period,total,grade,rank
b,2026-08,65,,
b,2026-09,68,,
c,2026-09,60,,
a,2026-Q1,90,,
a,2026-Q2,92,,
a,2026-Q3,95,,
d,2026-Q2,95,,
d,2026-Q3,95,,
"""


def test_three_months_below_70_flags_transfer(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, BODY, ratings=RATINGS, history=HISTORY))
    # b: 65, 68, 69 -> flagged. c: 69.99 now and 60 in September but no August -> not flagged.
    assert "transfer_or_dismissal" in out["b"].flags
    assert "transfer_or_dismissal" not in out["c"].flags


def test_three_quarters_at_or_above_90_from_history(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, BODY, ratings=RATINGS, history=HISTORY))
    # In 2026-10 the history has no 2026-Q4, so the quarters read are Q3, Q2, Q1.
    assert "promotion_priority" in out["a"].flags  # 95, 92, 90
    assert "promotion_priority" not in out["d"].flags  # no Q1


def test_last_two_get_a_rectification_plan_and_first_and_last_get_money(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, BODY, ratings=RATINGS, history=HISTORY))
    # Ranks: a 95 (1), d 80 (2), c 69.99 (3), b 69 (4); count 4, so ranks 3 and 4 are the last two.
    assert "rectification_plan" in out["b"].flags and "rectification_plan" in out["c"].flags
    assert "rectification_plan" not in out["d"].flags
    fired = {c.id: c.due_days for c in out["c"].consequences}
    assert fired["rectification_plan"] == 7
    assert {p.id: p.amount for p in out["a"].pay} == {"first_place": D("100.00")}
    assert {p.id: p.amount for p in out["b"].pay} == {"last_place": D("-100.00")}


PAY = """
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
grades:
  - {name: 优秀, range: ">= 90"}
  - {name: 良好, range: "[80, 90)"}
  - {name: 一般, range: "< 80"}
eligibility:
  - {id: new_hire, name: 在岗不满2个月, when: "tenure_months < 2", effect: not_appraised}
  - {id: late_hire, name: 10号后入职无质量奖, when: "hired_in_period and hired_day > 10",
     effect: no_pay, pay: [quality]}
  - {id: low_hours, name: 低于100工时无质量奖, when: "worked_hours < 100", effect: no_pay, pay: [quality]}
metrics:
  - {id: rated_amount, name: 额定绩效金额}
  - {id: base_salary, name: 基本工资}
  - {id: sales, name: 销售额}
  - {id: worked_hours, name: 工时}
pay:
  components:
    - {id: performance, name: 实际绩效金额, type: rated_bonus, amount: rated_amount}
    - {id: quality, name: 服务质量奖金, type: tiers, by: grade, amounts: {优秀: 300, 良好: 200, 一般: 100}}
    - {id: hours, name: 工时扣款, type: hours_proration, required: 176, per_hours: 8, amount: 10,
       applies_to: quality}
    - {id: raise, name: 调薪, type: salary_change, base: base_salary,
       bands: [{range: ">= 90", percent: 10}, {range: "[70, 90)", percent: 0}, {range: "< 70", percent: -5}]}
    - {id: pool, name: 公共业绩提成, type: pool, metric: sales, rate: 0.5%}
    - {id: ladder, name: 排序奖金, type: rank_ladder, amounts: [1000, 800, 600], step: -200,
       minimum: 300, fallback_range: "< 50", fallback: 300}
"""

PAY_AGENTS = """
agent_id,name,team,position,supervisor_id,hired_on
a,张三,一组,客服,s1,2024-03-01
b,李四,一组,客服,s1,2026-09-02
c,王五,一组,客服,s1,2026-08-20
d,赵六,一组,客服,s1,2026-08-31
"""

PAY_METRICS = """
agent_id,period,metric,value
,2026-10,rated_amount,1000
a,2026-10,worked_hours,150
b,2026-10,worked_hours,180
c,2026-10,worked_hours,99
d,2026-10,worked_hours,176
a,2026-10,base_salary,4000
b,2026-10,base_salary,3500
c,2026-10,base_salary,3000
d,2026-10,base_salary,3000
a,2026-10,sales,10000
b,2026-10,sales,20000
c,2026-10,sales,0
d,2026-10,sales,30001
"""

PAY_RATINGS = """
agent_id,period,indicator,rater_role,rater_id,value
a,2026-10,work,,m,86.666
b,2026-10,work,,m,95
c,2026-10,work,,m,91
d,2026-10,work,,m,60
"""


def test_pay_components_to_the_cent(tmp_path: Path) -> None:
    out = by_id(
        run(tmp_path, PAY, agents=PAY_AGENTS, metric_values=PAY_METRICS, ratings=PAY_RATINGS)
    )
    # b was hired 2026-09-02: 09-02 to 10-31 is one month and 30 days (< 2): not appraised.
    # (Hired on 09-01 would be exactly two months by the end of October, and appraised.)
    assert out["b"].eligible is False and out["b"].total is None and out["b"].pay == []
    # c was hired 2026-08-20: 08-20 -> 10-20 is two whole months by 11-01: appraised.
    assert out["c"].eligible is True
    a = {p.id: p.amount for p in out["a"].pay}
    # a: total 86.666 rounds to 86.67; rated bonus 1000 × 86.67 ÷ 100 = 866.70
    assert out["a"].total == D("86.67") and a["performance"] == D("866.70")
    # 良好 quality 200; 150 hours is 26 short of 176: three whole blocks of 8 -> -30
    assert a["quality"] == D("200.00") and a["hours"] == D("-30.00")
    # 86.67 is in [70, 90): no raise
    assert a["raise"] == D("0.00")
    # pool over appraised a, c, d: (10000 + 0 + 30001) × 0.5% ÷ 3 = 200.005 ÷ 3 = 66.668333 -> 66.67
    assert a["pool"] == D("66.67")
    # ranks: c 91 (1), a 86.67 (2), d 60 (3) -> 1000, 800, 600
    assert a["ladder"] == D("800.00")
    c = {p.id: p.amount for p in out["c"].pay}
    # c: 99 hours < 100: no quality bonus, and nothing left to pro-rate
    assert c["quality"] == D("0.00") and c["hours"] == D("0.00")
    assert c["raise"] == D("300.00")  # 3000 × 10%
    assert c["ladder"] == D("1000.00")
    d = {p.id: p.amount for p in out["d"].pay}
    assert d["raise"] == D("-150.00")  # 3000 × -5%
    assert d["quality"] == D("100.00") and d["hours"] == D("0.00")  # 176 hours: nothing short
    # pay total is the sum of the rounded lines: 600 + 100 + 0 - 150 + 66.67 + 600 = 1216.67
    assert out["d"].pay_total == D("1216.67")


def test_rank_ladder_continues_by_step_to_the_minimum_and_falls_back_below_50(
    tmp_path: Path,
) -> None:
    body = """
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
pay:
  components:
    - {id: ladder, name: 排序奖金, type: rank_ladder, amounts: [1000, 800, 600], step: -200,
       minimum: 300, fallback_range: "< 50", fallback: 300}
"""
    values = {"a": 99, "b": 98, "c": 97, "d": 96, "e": 95, "f": 60, "g": 49}
    ratings = "agent_id,period,indicator,rater_role,rater_id,value\n" + "".join(
        f"{k},2026-10,work,,m,{v}\n" for k, v in values.items()
    )
    out = by_id(run(tmp_path, body, ratings=ratings))
    ladder = {k: {p.id: p.amount for p in r.pay}["ladder"] for k, r in out.items()}
    # 1000, 800, 600, then 400 (600 - 200), then 200 would be below the 300 minimum -> 300;
    # f (rank 6) 300; g's total 49 is below 50 -> the fallback 300.
    assert ladder == {
        "a": D(1000),
        "b": D(800),
        "c": D(600),
        "d": D(400),
        "e": D(300),
        "f": D(300),
        "g": D(300),
    }


def test_pay_condition_may_read_tenure(tmp_path: Path) -> None:
    body = """
full_score: null
metrics: [{id: x, name: x}]
indicators: [{id: a, name: a, rule: {type: formula, expr: "x", max: 100}}]
pay: {components: [{id: bonus, name: 奖金, type: formula, expr: "100", when: "hired_day <= 10"}]}
"""
    out = by_id(
        run(
            tmp_path,
            body,
            agents="""
        agent_id,name,team,position,supervisor_id,hired_on
        a1,甲,,,,2026-10-05
        a2,乙,,,,2026-10-11
        """,
            metric_values="""
        agent_id,period,metric,value
        a1,2026-10,x,50
        a2,2026-10,x,50
        """,
        )
    )
    # hired on the 5th (<= 10): 100; hired on the 11th: the condition fails, 0.
    assert {p.id: p.amount for p in out["a1"].pay} == {"bonus": D("100.00")}
    assert {p.id: p.amount for p in out["a2"].pay} == {"bonus": D("0.00")}


def test_consequence_may_read_a_metric_of_the_current_period(tmp_path: Path) -> None:
    body = """
metrics: [{id: review_improvement, name: 中差评提升幅度}]
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
consequences:
  - {id: review_team_bonus, name: 中差评部门奖金500元, when: "review_improvement > 0.13"}
  - {id: steady, name: 连续改善, when: "review_improvement > 0.13", periods: 2}
"""
    out = by_id(
        run(
            tmp_path,
            body,
            ratings="""
        agent_id,period,indicator,rater_role,rater_id,value
        a,2026-10,work,,m,80
        b,2026-10,work,,m,80
        """,
            metric_values="""
        agent_id,period,metric,value
        a,2026-10,中差评提升幅度,0.15%
        b,2026-10,中差评提升幅度,0.13%
        """,
            history="""
        agent_id,period,total,grade,rank
        a,2026-09,80,,1
        """,
        )
    )
    # a improved 0.15 > 0.13: flagged; b's 0.13 is not above 0.13.
    assert "review_team_bonus" in out["a"].flags and out["b"].flags == []
    # The history has no metrics, so a rule over two periods cannot hold on a metric.
    assert "steady" not in out["a"].flags


def test_last_place_catches_agents_tied_for_last(tmp_path: Path) -> None:
    body = """
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
consequences:
  - {id: last_place, name: 末位扣提成, when: "rank == last_rank", pay: -100}
"""
    ratings = "agent_id,period,indicator,rater_role,rater_id,value\n" + "".join(
        f"{a},2026-10,work,,m,{v}\n" for a, v in zip("abcde", [90, 80, 70, 60, 60], strict=True)
    )
    out = by_id(run(tmp_path, body, ratings=ratings))
    # Ranks 1, 2, 3, 4, 4 of 5: both 60s share the last rank (4), so both are last.
    assert [out[k].rank for k in "abcde"] == [1, 2, 3, 4, 4]
    assert "last_place" in out["d"].flags and "last_place" in out["e"].flags
    assert "last_place" not in out["c"].flags


def test_pool_over_a_center_wide_value_counts_it_once(tmp_path: Path) -> None:
    body = """
metrics: [{id: public_sales, name: 公共总销售业绩}]
indicators:
  - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
pay:
  components:
    - {id: public_commission, name: 公共业绩提成, type: pool, metric: public_sales, rate: 0.5%}
"""
    ratings = "agent_id,period,indicator,rater_role,rater_id,value\n" + "".join(
        f"{a},2026-10,work,,m,80\n" for a in "abcde"
    )
    out = by_id(
        run(
            tmp_path,
            body,
            ratings=ratings,
            metric_values="""
        agent_id,period,metric,value
        ,2026-10,public_sales,80000
        """,
        )
    )
    # One shop-wide 80000 × 0.5% ÷ 5 agents = 80 each (not 5 × 80000).
    assert all(
        {p.id: p.amount for p in r.pay}["public_commission"] == D("80.00") for r in out.values()
    )


def test_formula_over_a_catalog_metric_an_agent_lacks_is_missing_not_a_crash(
    tmp_path: Path,
) -> None:
    body = """
indicators:
  - {id: sat, name: 客户满意度, weight: 60, rule: {type: formula, expr: "csat", min: 0, max: 100}}
  - {id: post, name: 岗位, weight: 40, rule: {type: formula, expr: "100 if position == '信息岗' else 50", max: 100}}
"""
    run_ = run(
        tmp_path,
        body,
        agents="""
        agent_id,name,team,position,supervisor_id,hired_on
        a,甲,,信息岗,,
        b,乙,,支持岗,,
        """,
        metric_values="""
        agent_id,period,metric,value
        a,2026-10,csat,90
        """,
    )
    out = by_id(run_)
    # a: 90 × 60/100 + 100 × 40/100 = 54 + 40 = 94; b has no csat: 0 (warning) + 50 × 0.4 = 20.
    assert out["a"].total == 94 and out["b"].total == 20
    assert any(w.code == "missing_value" and "agent b" in w.message for w in run_.warnings)


def test_not_appraised_but_paid_gets_the_lines_that_read_no_score(tmp_path: Path) -> None:
    body = """
    indicators:
      - {id: work, name: 工作, weight: 100%, rule: {type: rated, max: 100}}
    metrics:
      - {id: post_salary, name: 岗位工资, unit: money}
      - {id: public_sales, name: 公共销售, unit: money}
    eligibility:
      - {id: new_hire, name: 新人不参加考核, when: "tenure_months < 2", effect: not_appraised, paid: true}
    pay:
      components:
        - {id: post, name: 岗位工资, type: formula, expr: "post_salary"}
        - {id: bonus, name: 绩效奖金, type: rated_bonus, amount: 1000}
        - {id: public, name: 公共提成, type: pool, metric: public_sales, rate: 1%}
    """
    agents = "agent_id,name,hired_on\na,A,2020-01-01\nn,N,2026-10-10\n"
    ratings = "agent_id,period,indicator,rater_role,rater_id,value\na,2026-10,work,,m,80\n"
    values = "agent_id,period,post_salary,public_sales\na,2026-10,3000,\nn,2026-10,2000,\n,2026-10,,9000\n"
    out = by_id(run(tmp_path, body, agents=agents, ratings=ratings, metric_values=values))
    lines = {p.id: p.amount for p in out["n"].pay}
    # n: post 2000; no score, so no rated bonus; the pool 9000 × 1% = 90 ÷ 2 heads = 45.
    assert lines == {"post": D(2000), "bonus": D(0), "public": D(45)}
    assert out["n"].total is None and out["n"].eligible is False
    (bonus,) = [p for p in out["n"].pay if p.id == "bonus"]
    assert bonus.explain == "未参加考核,不计"
    # a: 3000 + 1000 × 80 / 100 = 800 + 45.
    assert {p.id: p.amount for p in out["a"].pay} == {
        "post": D(3000),
        "bonus": D(800),
        "public": D(45),
    }
