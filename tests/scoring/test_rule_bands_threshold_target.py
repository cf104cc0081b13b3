"""Bands, thresholds and targets, with values exactly on the edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.problems import ProblemsError

from .helpers import D, by_id, ind, run

CHURN = """
full_score: null
indicators:
  - id: churn
    name: 回访流失率
    rule:
      type: bands
      metric: churn_rate
      bands:
        - {range: "<= 30", score: 10}
        - {range: "(30, 40]", score: 8}
        - {range: "(40, 45]", score: 5}
        - {range: "(45, 55]", score: 3}
        - {range: "> 55", score: 0}
metrics: [{id: churn_rate, name: 流失率}]
"""


def test_band_edge_value_takes_the_band_whose_bracket_includes_it(tmp_path: Path) -> None:
    # 30 is in "<= 30" (10 points), 30.01 in "(30, 40]" (8), 40 still in "(30, 40]" (8),
    # 55 in "(45, 55]" (3), 55.5 in "> 55" (0).
    out = by_id(
        run(
            tmp_path,
            CHURN,
            metric_values="""
        agent_id,period,metric,value
        a,2026-10,churn_rate,30
        b,2026-10,churn_rate,30.01
        c,2026-10,churn_rate,40
        d,2026-10,流失率,55
        e,2026-10,churn_rate,55.5
        """,
        )
    )
    assert {k: ind(v, "churn") for k, v in out.items()} == {
        "a": D(10),
        "b": D(8),
        "c": D(8),
        "d": D(3),
        "e": D(0),
    }
    assert out["a"].total == D(10)


def test_value_in_a_band_gap_is_an_input_error_with_file_and_row(tmp_path: Path) -> None:
    body = """
    full_score: null
    indicators:
      - id: done
        name: 招聘任务完成率
        rule:
          type: bands
          metric: completion
          bands: [{range: ">= 80", score: 15}, {range: "[65, 79]", score: 10}]
    metrics: [{id: completion, name: 完成率}]
    """
    with pytest.raises(ProblemsError) as err:
        run(
            tmp_path,
            body,
            metric_values="""
            agent_id,period,metric,value
            a,2026-10,completion,79.5
            """,
        )
    (p,) = err.value.problems
    assert (p.file, p.row, p.field) == ("metric_values.csv", 2, "value")
    assert "79.5 is in no band" in p.message


THRESHOLD = """
indicators:
  - {id: sat, name: 客户满意度, weight: 10, rule: {type: threshold, metric: csat, range: ">= 90", score: 10}}
"""


def test_threshold_at_exactly_90_percent_gives_10_and_just_below_gives_0(tmp_path: Path) -> None:
    out = by_id(
        run(
            tmp_path,
            THRESHOLD,
            metric_values="""
        agent_id,period,metric,value
        a,2026-10,csat,90
        b,2026-10,csat,89.99
        """,
        )
    )
    assert ind(out["a"], "sat") == 10
    assert ind(out["b"], "sat") == 0


STEPS = """
full_score: null
indicators:
  - id: info
    name: 新客户有效信息搜集数量
    rule: {type: target, metric: new_info, target: 50, full: 10, method: steps, step: 3,
           step_points: 1, rounding: floor, zero_below: 20}
metrics: [{id: new_info, name: 有效信息数量}]
"""


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (50, 10),  # at target: full
        (60, 10),  # above target: still full
        (48, 10),  # 2 short: no complete step of 3 yet
        (47, 9),  # 3 short: one step, 10 - 1
        (44, 8),  # 6 short: two steps, 10 - 2
        (20, 0),  # 30 short: ten steps, 10 - 10 = 0 (20 is not below the floor of 20)
        (19, 0),  # below 20: 0 by rule
    ],
)
def test_target_steps_one_point_per_three_short(tmp_path: Path, value: int, points: int) -> None:
    out = by_id(
        run(
            tmp_path,
            STEPS,
            metric_values=f"""
        agent_id,period,metric,value
        a,2026-10,new_info,{value}
        """,
        )
    )
    assert ind(out["a"], "info") == points


def test_target_proportion_is_capped(tmp_path: Path) -> None:
    body = """
    indicators:
      - {id: sales, name: 指标完成率, weight: 30%, rule: {type: target, metric: revenue, target: 10000, full: 30}}
    metrics: [{id: revenue, name: 销售额}]
    """
    # 8000 / 10000 × 30 = 24; 12000 would be 36, capped at 100% of 30.
    out = by_id(
        run(
            tmp_path,
            body,
            metric_values="""
        agent_id,period,metric,value
        a,2026-10,revenue,8000
        b,2026-10,revenue,12000
        """,
        )
    )
    assert ind(out["a"], "sales") == 24
    assert ind(out["b"], "sales") == 30
    assert "封顶 30" in out["b"].indicators[0].explain


def test_text_where_a_number_is_needed_names_the_cell(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as err:
        run(
            tmp_path,
            THRESHOLD,
            metric_values="""
            agent_id,period,metric,value
            a,2026-10,客户满意度,good
            """,
        )
    (p,) = err.value.problems
    assert (p.file, p.row) == ("metric_values.csv", 2)
    assert "needs a number" in p.message
