"""s004-ecommerce-quarterly: 2026-Q3 for the e-commerce department, worked out by hand.

Ratings combine 自评 20% + 同事互评 30% + 经理复评 50%; 业务绩效 is the mean of 信息数量 (against
target, at most 100) and 有效信息率; the four criteria are weighted 50/20/15/15 for 信息岗 and
30/25/25/20 for 支持岗.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    out = run_example("s004-ecommerce-quarterly")
    return {r["agent_id"]: r for r in out["results"]}


def scores(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["score"] for i in agent["indicators"]}


def test_three_raters_combine_20_30_50(results: dict[str, dict[str, Any]]) -> None:
    # A001 attitude: 90 × 20% + 80 × 30% + 85 × 50% = 18 + 24 + 42.5 = 84.5;
    # teamwork: 100 × 20% + 90 × 30% + 80 × 50% = 20 + 27 + 40 = 87.
    s = scores(results["A001"])
    assert (s["attitude"], s["ability"], s["teamwork"]) == (84.5, 80, 87)


def test_missing_peer_rating_leaves_self_and_manager_to_share(
    results: dict[str, dict[str, Any]],
) -> None:
    # A004 has no 同事互评: (80 × 20% + 66 × 50%) ÷ 70% = 49 ÷ 0.7 = 70;
    # (90 × 20% + 76 × 50%) ÷ 70% = 56 ÷ 0.7 = 80; (100 × 20% + 86 × 50%) ÷ 70% = 63 ÷ 0.7 = 90.
    s = scores(results["A004"])
    assert (s["attitude"], s["ability"], s["teamwork"]) == (70, 80, 90)


def test_business_is_quantity_and_quality_of_information(
    results: dict[str, dict[str, Any]],
) -> None:
    # A001: 120 of 100 capped at 100, valid 90% -> (100 + 90) / 2 = 95.
    # A003: 50 of 100 -> 50, valid 80% -> (50 + 80) / 2 = 65.
    assert scores(results["A001"])["business"] == 95
    assert scores(results["A003"])["business"] == 65


def test_information_post_weights(results: dict[str, dict[str, Any]]) -> None:
    # A001 (信息岗): (95 × 50 + 84.5 × 20 + 80 × 15 + 87 × 15) / 100
    #   = (4750 + 1690 + 1200 + 1305) / 100 = 89.45
    # A002 (信息岗): (75 × 50 + 70 × 20 + 70 × 15 + 70 × 15) / 100 = 72.5
    assert results["A001"]["total"] == 89.45
    assert results["A002"]["total"] == 72.5


def test_support_post_weights(results: dict[str, dict[str, Any]]) -> None:
    # A003 (支持岗): (65 × 30 + 90 × 25 + 90 × 25 + 90 × 20) / 100 = (1950 + 6300) / 100 = 82.5;
    # with 信息岗 weights it would be (65 × 50 + 90 × 50) / 100 = 77.5.
    # A004 (支持岗): (80 × 30 + 70 × 25 + 80 × 25 + 90 × 20) / 100 = 7950 / 100 = 79.5.
    assert results["A003"]["total"] == 82.5
    assert results["A004"]["total"] == 79.5


def test_ranks(results: dict[str, dict[str, Any]]) -> None:
    # 89.45 > 82.5 > 79.5 > 72.5
    ranks = {a: r["rank"] for a, r in results.items() if r["eligible"]}
    assert ranks == {"A001": 1, "A003": 2, "A004": 3, "A002": 4}


def test_probation_and_unknown_post_type_are_not_appraised(
    results: dict[str, dict[str, Any]],
) -> None:
    # A005 hired 2026-07-15: two whole months by 2026-10-01 (< 3). A004 hired 2026-07-01:
    # exactly three, so appraised. A006 has no 岗位类型.
    assert results["A005"]["eligible"] is False
    assert results["A005"]["notes"] == ["试用期未满(不足3个月)不参加考核"]
    assert results["A004"]["eligible"] is True
    assert results["A006"]["eligible"] is False
    assert results["A006"]["notes"] == ["未登记岗位类型(信息岗/支持岗),无法确定权重"]


def test_salary_is_base_plus_performance_salary_plus_commission(
    results: dict[str, dict[str, Any]],
) -> None:
    # A001: 4000 + 1000 × 89.45 / 100 = 894.5 + 200000 × 1% = 2000 -> 6894.5
    assert results["A001"]["pay"] == {
        "base": 4000,
        "performance_salary": 894.5,
        "commission": 2000,
        "total": 6894.5,
    }
    # A004 has no converted sales: 3500 + 1000 × 79.5 / 100 = 795 + 0 -> 4295
    assert results["A004"]["pay"]["total"] == 4295
