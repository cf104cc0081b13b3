"""s003-points-catering: 餐饮商务中心 points on 2026-05-31 (a Sunday, the month's last day), by hand.

Daily: top 回款 2 (ties share), everyone else who worked 1; 晨会 absent -2, late -1. Weekly 5/3/1
and monthly 8/3/1 on 回款, the last-placed gets nothing; signing A 20 / B 10 / other 5 per
restaurant; the month's top points (earlier days + today) get 5.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def agents() -> dict[str, dict[str, Any]]:
    out = run_example("s003-points-catering")
    assert out["period"] == "2026-05-31"
    return {r["agent_id"]: r for r in out["results"]}


def _scores(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["score"] for i in agent["indicators"]}


def _column(agents: dict[str, dict[str, Any]], indicator: str) -> dict[str, float]:
    return {a: _scores(r)[indicator] for a, r in agents.items()}


def test_daily_top_collectors_tie_for_two_and_a_worker_with_nothing_collected_gets_one(
    agents: dict[str, dict[str, Any]],
) -> None:
    # 8000, 8000, 3000, 0 and no figure: A001 and A002 share the top (2), A003 and A004 (0
    # collected but at work) get 1, A005 did not work.
    assert _column(agents, "daily_collections") == {
        "A001": 2,
        "A002": 2,
        "A003": 1,
        "A004": 1,
        "A005": 0,
    }


def test_morning_meeting_late_is_one_and_absent_is_two(
    agents: dict[str, dict[str, Any]],
) -> None:
    assert _scores(agents["A003"])["morning_meeting"] == -1
    assert _scores(agents["A004"])["morning_meeting"] == -2


def test_agents_tied_for_third_are_also_last_and_get_nothing_weekly(
    agents: dict[str, dict[str, Any]],
) -> None:
    # Week: 40000 (5), 35000 (3), then A003 and A004 both 20000: third, but also last → 0.
    assert _column(agents, "weekly_points") == {
        "A001": 5,
        "A002": 3,
        "A003": 0,
        "A004": 0,
        "A005": 0,
    }


def test_monthly_third_keeps_one_point_when_someone_else_is_last(
    agents: dict[str, dict[str, Any]],
) -> None:
    # Month: 150000 (8), 140000 (3), 90000 (1), 60000 last (0).
    assert _column(agents, "monthly_points") == {
        "A001": 3,
        "A002": 8,
        "A003": 1,
        "A004": 0,
        "A005": 0,
    }


def test_signing_counts_only_todays_restaurants(agents: dict[str, dict[str, Any]]) -> None:
    # A003: one A-class (20) and one other class (5) today = 25; A001's B-class was signed on
    # 05-30 and counted that day.
    assert _scores(agents["A003"])["signing"] == 25
    assert _scores(agents["A001"])["signing"] == 0


def test_most_points_this_month_including_today_gets_five(
    agents: dict[str, dict[str, Any]],
) -> None:
    # Earlier days + today before the bonus:
    # A001 60 + (2 + 0 + 5 + 3 + 0) = 70; A002 55 + (2 + 0 + 3 + 8 + 0) = 68;
    # A003 40 + (1 - 1 + 0 + 1 + 25) = 66; A004 30 + (1 - 2 + 0 + 0 + 0) = 29; A005 20.
    assert _column(agents, "month_points") == {
        "A001": 70,
        "A002": 68,
        "A003": 66,
        "A004": 29,
        "A005": 20,
    }
    assert _column(agents, "month_top_bonus") == {
        "A001": 5,
        "A002": 0,
        "A003": 0,
        "A004": 0,
        "A005": 0,
    }


def test_day_totals(agents: dict[str, dict[str, Any]]) -> None:
    totals = {a: r["total"] for a, r in agents.items()}
    # A001 2 + 5 + 3 + 5 = 15; A002 2 + 3 + 8 = 13; A003 1 - 1 + 1 + 25 = 26; A004 1 - 2 = -1.
    assert totals == {"A001": 15, "A002": 13, "A003": 26, "A004": -1, "A005": 0}
