"""s004-sales-metrics: eight indicators worth 30/30/10/5/5/10/5/5, levels from two evaluations,
the 70-point line and the quarterly/yearly awards, each number worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    out = run_example("s004-sales-metrics")
    return {r["agent_id"]: r for r in out["results"]}


def weighted(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_completion_is_sales_over_plan_times_30(results: dict[str, dict[str, Any]]) -> None:
    # 10000/10000 × 30 = 30; 9000/10000 × 30 = 27; 7000/10000 × 30 = 21; 5000/10000 × 30 = 15.
    got = [weighted(results[a])["completion"] for a in ("A001", "A002", "A004", "A005")]
    assert got == [30, 27, 21, 15]


def test_every_indicator_of_the_best_agent(results: dict[str, dict[str, Any]]) -> None:
    # A001: conversion 60% (>= 60: 30), success 95% (>= 95: 10), unit price 120 of 100 capped
    # at 5, reply rate 100% (5), 30 s (<= 30: 10), follow-up 5, execution 4.
    w = weighted(results["A001"])
    assert [w[k] for k in ("conversion", "order_success", "unit_price", "reply_rate")] == [
        30,
        10,
        5,
        5,
    ]
    assert (w["response_time"], w["follow_up"], w["execution"]) == (10, 5, 4)
    assert results["A001"]["total"] == 30 + 30 + 10 + 5 + 5 + 10 + 5 + 4 == 99


def test_band_edges_count_in_the_band_they_open_or_close(
    results: dict[str, dict[str, Any]],
) -> None:
    # A003: conversion 50% in [50, 60): 24; success 90% in [90, 95): 8; reply rate 95% in
    # [95, 100): 3; 40 s in (30, 40]: 8; unit price 100 of 100: 5.
    w = weighted(results["A003"])
    assert [w[k] for k in ("conversion", "order_success", "reply_rate", "response_time")] == [
        24,
        8,
        3,
        8,
    ]
    assert w["unit_price"] == 5
    # A005: conversion 29.9% (< 30: 0), success 79% (< 80: 0), 61 s (> 60: 0).
    w5 = weighted(results["A005"])
    assert (w5["conversion"], w5["order_success"], w5["response_time"]) == (0, 0, 0)


def test_totals(results: dict[str, dict[str, Any]]) -> None:
    # A002: 27 + 24 (55%) + 8 (92%) + 4.5 (90/100 × 5) + 3 (98%) + 8 (35 s) + 4 + 4 = 82.5
    # A003: 24 + 24 + 8 + 5 + 3 + 8 + 3 + 4 = 79
    # A004: 21 + 18 (40%) + 5 (85%) + 4 (80/100 × 5) + 0 (90%) + 4 (60 s) + 0 (no rating) + 3 = 55
    # A005: 15 + 0 + 0 + 3 (60/100 × 5) + 3 (96%) + 0 + 2 + 2 = 25
    totals = {a: r["total"] for a, r in results.items()}
    assert totals == {"A001": 99, "A002": 82.5, "A003": 79, "A004": 55, "A005": 25}


def test_self_evaluation_is_shown_but_adds_nothing(results: dict[str, dict[str, Any]]) -> None:
    (own,) = [i for i in results["A001"]["indicators"] if i["id"] == "self_assessment"]
    assert (own["score"], own["weighted"]) == (95, 0)


def test_missing_supervisor_rating_scores_zero_with_a_warning() -> None:
    out = run_example("s004-sales-metrics")
    (warning,) = out["warnings"]
    assert warning["code"] == "missing_value"
    assert "A004" in warning["message"] and "协助跟进服务" in warning["message"]


def test_levels_need_two_evaluations_in_the_same_band(results: dict[str, dict[str, Any]]) -> None:
    # A001 92 then 99: both >= 90 -> 高级客服. A002 85 then 82.5: both in [80, 90) -> 中级客服.
    # A003 91 then 79: different bands -> no level yet. A004 72 then 55: no level.
    levels = {a: r["level"] for a, r in results.items()}
    assert levels == {
        "A001": "高级客服",
        "A002": "中级客服",
        "A003": None,
        "A004": None,
        "A005": None,
    }


def test_below_70_is_an_interview_and_twice_is_elimination(
    results: dict[str, dict[str, Any]],
) -> None:
    # A004: 55 now, 72 in 2026-09 -> interview only. A005: 25 now, 65 in 2026-09 -> both.
    assert results["A004"]["flags"] == ["interview"]
    assert results["A005"]["flags"] == ["interview", "eliminated"]
    assert "interview" not in results["A003"]["flags"]


def test_quarter_awards_stay_within_5_and_10_percent(results: dict[str, dict[str, Any]]) -> None:
    # 2026-Q3 ranked 20 staff: best floor(20 × 5%) = 1 (rank 1, A001), excellent
    # floor(20 × 10%) = 2 more (ranks 2 and 3, A002 and A003); A004 (19th) nothing.
    assert "best_of_quarter" in results["A001"]["flags"]
    assert "excellent_of_quarter" in results["A002"]["flags"]
    assert "excellent_of_quarter" in results["A003"]["flags"]
    assert not {"best_of_quarter", "excellent_of_quarter"} & set(results["A004"]["flags"])


def test_a_team_of_five_has_no_yearly_award(results: dict[str, dict[str, Any]]) -> None:
    # 2025 ranked 5 staff: floor(5 × 5%) = floor(0.25) = 0 and floor(5 × 10%) = 0.
    for r in results.values():
        assert not {"best_of_year", "excellent_of_year"} & set(r["flags"])
