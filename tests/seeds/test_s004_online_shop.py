"""s004-online-shop: the online shop's monthly table, worked out by hand from the scheme's rules.

Service level (80) comes from the software's numbers through the bands chosen in the YAML; the
three report items (20) are rated by 自评 30% and 经理 70%. Ranks decide ¥100 for first, -¥100
for last, a rectification plan within 7 days for the last two and a post review after three
months last in a row.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    out = run_example("s004-online-shop")
    return {r["agent_id"]: r for r in out["results"]}


def weighted(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_values_on_the_upper_band_edges_take_full_marks(results: dict[str, dict[str, Any]]) -> None:
    # A001: conversion 60% (>= 60: 15), reply time 30 s (<= 30: 10), churn 10% (<= 10: 5),
    # valid orders 95% (>= 95: 5), paid 90% (>= 90: 10), refunds 5% (<= 5: 5),
    # complaints 1% (<= 1: 10); sales 120000 of 100000 capped at 10; unit price 200 of 200: 10.
    w = weighted(results["A001"])
    assert (w["conversion"], w["response_time"], w["churn"]) == (15, 10, 5)
    assert (w["valid_orders"], w["payment"], w["refunds"], w["complaints"]) == (5, 10, 5, 10)
    assert w["order_amount"] == 10  # 10 × 120000 / 100000 = 12, capped at 10
    assert w["service_level"] == 80


def test_values_just_past_an_edge_take_the_next_band(results: dict[str, dict[str, Any]]) -> None:
    # A003: conversion 59.9% -> [50, 60) 12; reply 30.5 s -> (30, 40] 8; churn 15% -> 3;
    # sales 90000 / 100000 × 10 = 9; valid 94% -> 3; paid 85% -> 7; refunds 5.5% -> 3;
    # unit price 180 / 200 × 10 = 9; complaints 3% -> (1, 3] 6.
    w = weighted(results["A003"])
    assert (w["conversion"], w["response_time"], w["churn"], w["chat"]) == (12, 8, 3, 23)
    assert w["orders"] == 9 + 3 + 7 + 3 + 9 == 31
    assert w["complaints"] == 6
    assert w["service_level"] == 23 + 31 + 6 == 60


def test_lower_band_edges_are_inclusive_as_written(results: dict[str, dict[str, Any]]) -> None:
    # A004: reply 40 s is in (30, 40] (8), churn 20% in (10, 20] (3), valid 90% in [90, 95) (3),
    # paid 80% in [80, 90) (7), refunds 10% in (5, 10] (3); sales 60000 / 80000 × 10 = 7.5.
    w = weighted(results["A004"])
    assert (w["response_time"], w["churn"], w["valid_orders"]) == (8, 3, 3)
    assert (w["payment"], w["refunds"], w["order_amount"]) == (7, 3, 7.5)


def test_missing_complaint_rate_scores_zero_with_a_warning() -> None:
    out = run_example("s004-online-shop")
    a004 = next(r for r in out["results"] if r["agent_id"] == "A004")
    assert weighted(a004)["complaints"] == 0
    (warning,) = [w for w in out["warnings"] if w["code"] == "missing_value"]
    assert "A004" in warning["message"]


def test_reports_combine_self_30_and_manager_70(results: dict[str, dict[str, Any]]) -> None:
    # A001: 100 × 30% + 90 × 70% = 93 -> 5 × 0.93 = 4.65, 10 × 0.93 = 9.3; category 18.6.
    w = weighted(results["A001"])
    assert (w["report_timeliness"], w["report_accuracy"], w["management"]) == (4.65, 9.3, 18.6)
    # A004: 80 × 30% + 70 × 70% = 73 -> 3.65 + 7.3 + 3.65 = 14.6.
    assert weighted(results["A004"])["management"] == 14.6


def test_a_missing_self_rating_loses_the_self_30_percent_of_the_reports(
    results: dict[str, dict[str, Any]],
) -> None:
    # 管理类 split as written, 自评 30% / 经理 70%: A003 has only the manager's 80:
    # 0 × 30% + 80 × 70% = 56 -> 5 × 0.56 = 2.8, 10 × 0.56 = 5.6, 2.8; category 11.2.
    w = weighted(results["A003"])
    assert (w["report_timeliness"], w["report_accuracy"], w["management"]) == (2.8, 5.6, 11.2)


def test_totals(results: dict[str, dict[str, Any]]) -> None:
    # A001 80 + 18.6; A002 80 + 20 × (86 × 30% + 96 × 70% = 93) = 98.6; A003 60 + 11.2;
    # A004 (9 + 8 + 3) + (7.5 + 3 + 7 + 3 + 7.5) + 0 + 14.6 = 62.6;
    # A005 (5 + 0 + 0) + (5 + 0 + 4 + 0 + 5) + 3 + 20 × (60 × 30% + 50 × 70% = 53%) = 32.6.
    totals = {a: r["total"] for a, r in results.items()}
    assert totals == {"A001": 98.6, "A002": 98.6, "A003": 71.2, "A004": 62.6, "A005": 32.6}


def test_agents_tied_for_first_both_get_the_100_yuan(results: dict[str, dict[str, Any]]) -> None:
    # 98.6 = 98.6 share rank 1 (shared ranking: 1, 1, 3, 4, 5).
    assert [results[a]["rank"] for a in sorted(results)] == [1, 1, 3, 4, 5]
    for a in ("A001", "A002"):
        assert results[a]["flags"] == ["first_place_reward"]
        assert results[a]["pay"] == {"first_place_reward": 100, "total": 100}


def test_last_two_submit_a_plan_within_a_week(results: dict[str, dict[str, Any]]) -> None:
    # count 5: rank > 5 - 2 means ranks 4 and 5.
    for a in ("A004", "A005"):
        (plan,) = [c for c in results[a]["consequences"] if c["id"] == "rectification_plan"]
        assert plan["due_days"] == 7
    assert "rectification_plan" not in results["A003"]["flags"]


def test_last_place_loses_100_yuan_of_commission(results: dict[str, dict[str, Any]]) -> None:
    assert results["A005"]["pay"]["last_place_deduction"] == -100
    assert results["A005"]["pay"]["total"] == -100
    assert results["A004"]["pay"]["total"] is None


def test_three_months_last_in_a_row_means_a_post_review(
    results: dict[str, dict[str, Any]],
) -> None:
    # A005 was 5th of 5 in 2026-08 and 2026-09 and is 5th of 5 now; A004 was 4th both times.
    assert "post_adjustment" in results["A005"]["flags"]
    assert "post_adjustment" not in results["A004"]["flags"]
