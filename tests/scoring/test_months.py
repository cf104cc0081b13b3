"""A quarterly scheme reading another scheme's monthly results as metrics (``months:``): the
months come from the history file's rows on the command line (the web app passes the named
scheme's published results the same way, tests/web/test_quarter_from_months.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.problems import ProblemsError

from .helpers import D, by_id, run, scheme

QUARTERLY = """
period: quarter
months: {scheme: monthly}
indicators:
  - {id: months, name: 月度平均, weight: 70%, rule: {type: formula, expr: "months_mean", min: 0, max: 100}}
  - {id: review, name: 季度评议, weight: 30%, rule: {type: rated, max: 100}}
grades:
  - {name: 合格, range: ">= 75"}
  - {name: 待改进, range: "< 75"}
consequences:
  - {id: weak_month, name: 季度内有月份低于72分, when: "months_min < 72"}
  - {id: strong_close, name: 季末月90分以上, when: "month_total_3 >= 90"}
"""

# December 2025 is outside the quarter and is not read.
HISTORY = """
agent_id,period,total
a,2025-12,10
a,2026-01,80
a,2026-02,85
a,2026-03,90
b,2026-02,70
b,2026-03,76
"""
RATINGS = """
agent_id,period,indicator,rater_role,rater_id,value
a,2026-Q1,review,,m,90
b,2026-Q1,review,,m,80
"""


def test_the_quarter_reads_its_three_months_as_metrics(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, QUARTERLY, "2026-Q1", ratings=RATINGS, history=HISTORY))
    # a: months_mean = (80 + 85 + 90) / 3 = 85; total = 85 × 70% + 90 × 30% = 59.5 + 27 = 86.5.
    # b: no January: months_mean = (70 + 76) / 2 = 73; total = 73 × 70% + 80 × 30% = 51.1 + 24
    #    = 75.1.
    assert (out["a"].total, out["a"].grade) == (D("86.5"), "合格")
    assert (out["b"].total, out["b"].grade) == (D("75.1"), "合格")
    # b's lowest month is 70 < 72; a closed the quarter on 90 (month_total_3).
    assert out["a"].flags == ["strong_close"] and out["b"].flags == ["weak_month"]


def test_a_value_in_the_files_wins_over_the_months(tmp_path: Path) -> None:
    given = "agent_id,period,metric,value\na,2026-Q1,months_mean,60\n"
    out = by_id(
        run(
            tmp_path,
            QUARTERLY,
            "2026-Q1",
            ratings=RATINGS,
            history=HISTORY,
            metric_values=given,
        )
    )
    # 60 × 70% + 90 × 30% = 42 + 27 = 69.
    assert out["a"].total == D("69")


def test_months_on_a_monthly_scheme_is_refused() -> None:
    with pytest.raises(ProblemsError) as exc:
        scheme(QUARTERLY.replace("period: quarter", "period: month"))
    # Also every month name it reads is unknown then: each problem is said.
    assert exc.value.errors[0].code == "months_period"
    assert {p.code for p in exc.value.errors} == {"months_period", "unknown_name"}


def test_a_quarter_has_no_fourth_month() -> None:
    with pytest.raises(ProblemsError) as exc:
        scheme(QUARTERLY.replace("month_total_3 >= 90", "month_total_4 >= 90"))
    (problem,) = exc.value.errors
    assert problem.code == "unknown_name" and "month_total_4" in problem.message
