"""s003-points: 客服积分制度, one day (2026-05-31, a Sunday and the month's last day) by hand.

Daily lists: 订餐成功总量 and 协议饭店预订成功量, 3/2 points, ties share, under 50% success no place
and no points; placed in both → the better place + 1; everyone else who worked gets 1 when the
department answer rate (96%) is >= 95. Negative: recording -5 each (at most 2 a day), attitude
complaint -8, cheating -10, SMS error with complaint -5 each. Weekly lists 5/4/2/1 (+1 for both)
and the monthly success-rate list 10/5/2 are awarded today because today closes both.
Levels by accumulated points 60/80/100/150; redemption 80% × ¥1 × 1100 / 1000 = ¥0.88 a point.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def agents() -> dict[str, dict[str, Any]]:
    out = run_example("s003-points")
    assert out["period"] == "2026-05-31"
    return {r["agent_id"]: r for r in out["results"]}


def _scores(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["score"] for i in agent["indicators"] if i["parent"] is not None}


def test_an_agent_under_50_percent_takes_no_place_so_the_next_one_is_first(
    agents: dict[str, dict[str, Any]],
) -> None:
    # 订餐: A004 has 45 bookings but a 45% success rate, so A001's 42 is first (3) and A003's
    # 38 second (2); 协议饭店: A004's 20 is out, A002 and A003 tie on 15 and both get 3.
    assert _scores(agents["A004"])["daily_positive"] == 0
    assert _scores(agents["A001"])["daily_orders_rank"] == 3
    assert _scores(agents["A003"])["daily_orders_rank"] == 2
    assert _scores(agents["A002"])["daily_hotel_rank"] == 3
    assert _scores(agents["A003"])["daily_hotel_rank"] == 3
    # After the tie the next place is third: A001's 10 earns nothing in that list.
    assert _scores(agents["A001"])["daily_hotel_rank"] == 0


def test_placed_in_both_daily_lists_earns_the_better_place_plus_one(
    agents: dict[str, dict[str, Any]],
) -> None:
    assert _scores(agents["A003"])["daily_positive"] == 4  # first (3) and second: 3 + 1
    assert _scores(agents["A001"])["daily_positive"] == 3  # first in one list only


def test_unplaced_worker_gets_one_point_and_an_absent_agent_none(
    agents: dict[str, dict[str, Any]],
) -> None:
    # A006 worked (60% success) and placed nowhere; the department answered 96% >= 95 → 1.
    assert _scores(agents["A006"])["daily_positive"] == 1
    # A005 has no booking data today (off duty): no daily points.
    assert _scores(agents["A005"])["daily_positive"] == 0


def test_negative_points_count_only_todays_incidents(
    agents: dict[str, dict[str, Any]],
) -> None:
    assert _scores(agents["A001"])["daily_negative"] == -5  # one failed recording
    assert _scores(agents["A002"])["daily_negative"] == -10  # 2 SMS errors with complaints × 5
    # Two failed recordings (2 × 5 = 10, the day's most) + cheating 10; the attitude complaint
    # is dated 05-30 and belongs to yesterday.
    assert _scores(agents["A004"])["daily_negative"] == -20
    assert _scores(agents["A006"])["daily_negative"] == -8


def test_weekly_lists_add_one_for_both_and_third_in_both_is_three(
    agents: dict[str, dict[str, Any]],
) -> None:
    # 订餐 week: A004 260 (5), A001 250 (4), A003 240 (2), A002 180 (1);
    # 饭店 week: A005 85 (5), A002 80 (4), A003 70 (2), A001 60 (1).
    weekly = {a: _scores(r)["weekly_points"] for a, r in agents.items()}
    assert weekly == {"A001": 5, "A002": 5, "A003": 3, "A004": 5, "A005": 5, "A006": 0}


def test_monthly_tie_for_first_shares_ten_and_skips_second(
    agents: dict[str, dict[str, Any]],
) -> None:
    # Success rates 82, 82, 78: A001 and A003 share first (10), A002 is third (2).
    monthly = {a: _scores(r)["monthly_points"] for a, r in agents.items()}
    assert monthly == {"A001": 10, "A002": 2, "A003": 10, "A004": 0, "A005": 0, "A006": 0}


def test_day_totals(agents: dict[str, dict[str, Any]]) -> None:
    totals = {a: r["total"] for a, r in agents.items()}
    assert totals == {
        "A001": 13,  # 3 - 5 + 5 + 10
        "A002": 0,  # 3 - 10 + 5 + 2
        "A003": 17,  # 4 + 0 + 3 + 10
        "A004": -15,  # 0 - 20 + 5 + 0
        "A005": 5,  # 0 + 0 + 5 + 0
        "A006": -7,  # 1 - 8 + 0 + 0
    }


def test_levels_by_points_accumulated_over_all_days_land_on_the_edges(
    agents: dict[str, dict[str, Any]],
) -> None:
    # History (May 1-30): 29 ordinary days and the Sunday 05-24.
    levels = {a: r["level"] for a, r in agents.items()}
    assert levels == {
        "A001": "二级订餐师",  # 29 × 2 + 9 = 67; + 13 = 80
        "A002": "三级订餐师",  # 29 × 3 + 13 = 100; + 0 = 100
        "A003": "特级订餐师",  # 29 × 4 + 17 = 133; + 17 = 150
        "A004": None,  # 29 × 2 + 6 = 64; - 15 = 49 < 60
        "A005": "一级订餐师",  # 29 × 2 - 3 = 55; + 5 = 60
        "A006": None,  # 29 × 1 + 1 = 30; - 7 = 23
    }


def test_redemption_pays_80_percent_of_points_at_the_booking_ratio(
    agents: dict[str, dict[str, Any]],
) -> None:
    # ¥1 × 80% × 1100 / 1000 = 0.88 a point.
    # A001: 13 × 0.88 = 11.44; carried 10 × 0.88 = 8.80; 20.24 in all.
    assert agents["A001"]["pay"] == {
        "redemption": 11.44,
        "carried_redemption": 8.8,
        "total": 20.24,
    }
    # A003: 17 × 0.88 = 14.96; carried 20 × 0.88 = 17.60.
    assert agents["A003"]["pay"]["total"] == 32.56
    # A negative day lowers the month's redemption: -15 × 0.88 = -13.20, nothing carried.
    assert agents["A004"]["pay"] == {"redemption": -13.2, "carried_redemption": 0, "total": -13.2}
