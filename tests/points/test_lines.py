"""The s003-points scheme scored per day becomes one ledger line per agent per indicator."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from appraise.inputs import load_inputs
from appraise.points.lines import PointsLine, points_lines, run_changes
from appraise.problems import ProblemsError
from appraise.schemes.loader import load_scheme, parse_scheme
from appraise.scoring.engine import score_period

from .days import agents_csv, files

ROOT = Path(__file__).resolve().parents[2]
S003 = load_scheme(ROOT / "schemes" / "seeds" / "s003-points.yaml").scheme


def _lines(day: str) -> dict[tuple[str, str], Decimal]:
    with tempfile.TemporaryDirectory() as tmp:
        for name, content in {**files(), "agents.csv": agents_csv()}.items():
            (Path(tmp) / name).write_bytes(content)
        inputs = load_inputs(Path(tmp))
    run = score_period(S003, inputs, day)
    return {(x.agent_id, x.indicator): x.points for x in points_lines(S003, run)}


def test_first_in_both_daily_lists_gives_the_better_place_plus_one_and_under_half_gives_nothing() -> (
    None
):
    # 05-29, agents with a success rate of 50% or more: orders A001 40 > A002 35 > A004 28 > A006 20,
    # hotel A001 12 > A004 10 > A002 6 > A006 3. A003 sold most (45 orders, 15 hotel) at 40%: no
    # place, no points, but the failed recording still costs 5.
    assert _lines("2026-05-29") == {
        ("A001", "daily_positive"): Decimal(4),  # first in both: 3 + 1
        ("A002", "daily_positive"): Decimal(2),  # second in orders only
        ("A004", "daily_positive"): Decimal(2),  # second in hotel only
        ("A006", "daily_positive"): Decimal(1),  # in no list, department answer rate 96 >= 95
        ("A003", "daily_negative"): Decimal(-5),  # one failed recording check, 1 x -5
    }


def test_a_tie_for_first_skips_second_place_and_a_low_answer_rate_gives_others_nothing() -> None:
    # 05-30: orders A002 38 > A003 33; hotel A002 9 = A003 9 share first (3 each), no second.
    # A002: 3 + 1 (placed in both); A003: max(2, 3) + 1. Department rate 94 < 95: others get 0.
    # A004's attitude complaint of that day: -8.
    assert _lines("2026-05-30") == {
        ("A002", "daily_positive"): Decimal(4),
        ("A003", "daily_positive"): Decimal(4),
        ("A004", "daily_negative"): Decimal(-8),
    }


def test_the_day_closing_week_and_month_adds_weekly_and_monthly_lines() -> None:
    # The scheme's example day (its expected.json): weekly 5/4/2/1 + 1 for both lists, monthly
    # success rate 10/5/2 with A001 and A003 sharing first (82%), so A002 (78%) is third.
    got = _lines("2026-05-31")
    assert got == {
        ("A001", "daily_positive"): Decimal(3),
        ("A001", "daily_negative"): Decimal(-5),  # one failed recording
        ("A001", "weekly_points"): Decimal(5),  # orders 2nd (4) + 1 for the hotel 4th place
        ("A001", "monthly_points"): Decimal(10),
        ("A002", "daily_positive"): Decimal(3),
        ("A002", "daily_negative"): Decimal(-10),  # two SMS errors with complaints, 2 x -5
        ("A002", "weekly_points"): Decimal(5),  # hotel 2nd (4) + 1
        ("A002", "monthly_points"): Decimal(2),
        ("A003", "daily_positive"): Decimal(4),
        ("A003", "weekly_points"): Decimal(3),  # 3rd in both: 2 + 1
        ("A003", "monthly_points"): Decimal(10),
        ("A004", "daily_negative"): Decimal(-20),  # recordings 2 x -5 + cheating -10
        ("A004", "weekly_points"): Decimal(5),  # orders 1st, no hotel place
        ("A005", "weekly_points"): Decimal(5),  # hotel 1st, did not work that day
        ("A006", "daily_positive"): Decimal(1),
        ("A006", "daily_negative"): Decimal(-8),  # attitude complaint
    }
    # The lines add up to the example's totals: 13, 0, 17, -15, 5, -7.
    per_agent: dict[str, Decimal] = {}
    for (agent, _), points in got.items():
        per_agent[agent] = per_agent.get(agent, Decimal(0)) + points
    assert per_agent == {
        "A001": 13,
        "A002": 0,
        "A003": 17,
        "A004": -15,
        "A005": 5,
        "A006": -7,
    }


def test_a_line_keeps_the_indicator_name_and_the_engines_explanation() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, content in files().items():
            (Path(tmp) / name).write_bytes(content)
        run = score_period(S003, load_inputs(Path(tmp)), "2026-05-31")
    line = next(
        x
        for x in points_lines(S003, run)
        if (x.agent_id, x.indicator) == ("A004", "daily_negative")
    )
    assert line.reason == (
        "负积分:基础分 0,扣分:录音抽查不符合客服规范 2 次 10 分; 记录作弊 1 次 10 分 → -20 分;-20 分"
    )


def test_a_scheme_whose_total_is_not_the_sum_of_its_lines_is_refused() -> None:
    text = """
id: scaled
name: 缩放
period: day
full_score: 10
total: normalized
indicators:
  - id: cat
    name: 类
    weight: 10
    children:
      - {id: a, name: A, weight: 5, rule: {type: rated, max: 100}}
"""
    scheme = parse_scheme(text, "scaled.yaml").scheme
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "ratings.csv").write_text(
            "agent_id,period,indicator,value\nX1,2026-05-31,a,50\n", encoding="utf-8"
        )
        (Path(tmp) / "agents.csv").write_text("agent_id,name\nX1,甲\n", encoding="utf-8")
        run = score_period(scheme, load_inputs(Path(tmp)), "2026-05-31")
    # a = 50/100 x 5 = 2.5, but the category is scaled to its weight 10: total 5, not 2.5.
    with pytest.raises(ProblemsError) as err:
        points_lines(scheme, run)
    assert err.value.problems[0].code == "points_do_not_add_up"


def test_run_changes_lists_only_the_differences() -> None:
    previous = {("A001", "x"): Decimal(3), ("A002", "x"): Decimal(-5), ("A003", "x"): Decimal(1)}
    lines = [
        PointsLine("A001", "x", Decimal(3), "same"),
        PointsLine("A002", "x", Decimal(-10), "more"),
        PointsLine("A004", "x", Decimal(2), "new"),
    ]
    changes = run_changes(previous, lines)
    assert [(c.agent_id, c.before, c.after) for c in changes] == [
        ("A002", Decimal(-5), Decimal(-10)),
        ("A003", Decimal(1), Decimal(0)),  # no line any more: back to zero
        ("A004", Decimal(0), Decimal(2)),
    ]
    assert run_changes(previous, [PointsLine(a, i, p, "") for (a, i), p in previous.items()]) == []
