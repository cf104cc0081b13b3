"""s004-commission: eligibility by months on the job, the 60/20/20 appraisal and the monthly
salary 岗位工资 + 个人业绩提成 + 公共业绩提成 + 工龄工资, each number worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    out = run_example("s004-commission")
    return {r["agent_id"]: r for r in out["results"]}


def test_fewer_than_two_months_on_the_job_is_not_appraised(
    results: dict[str, dict[str, Any]],
) -> None:
    # A006 hired 2026-09-10: by the end of October (11-01) one whole month -> not appraised.
    a006 = results["A006"]
    assert (a006["eligible"], a006["total"], a006["rank"]) == (False, None, None)
    assert a006["notes"] == ["在岗不满2个月不参加本次考核"]
    # A005 hired 2026-09-01: exactly two whole months by 11-01 -> appraised.
    assert results["A005"]["eligible"] is True


def test_totals_and_grades(results: dict[str, dict[str, Any]]) -> None:
    # sales 40 × actual/target (at most 40), then tasks, ability, attitude each rating × 20%:
    # A001 40 (60000/50000 capped) + 18 + 18 + 19 = 95
    # A002 40 × 45000/50000 = 36, + 16 + 17 + 18 = 87
    # A003 40 × 30000/50000 = 24, + 14 + 12 + 10 = 60 (合格 at exactly 60)
    # A004 40 × 20000/40000 = 20, + 10 + 10 + 8 = 48 (不合格)
    # A005 40 × 10000/20000 = 20, + 15 + 14 + 16 = 65
    got = {a: (r["total"], r["grade"]) for a, r in results.items() if r["eligible"]}
    assert got == {
        "A001": (95, "合格"),
        "A002": (87, "合格"),
        "A003": (60, "合格"),
        "A004": (48, "不合格"),
        "A005": (65, "合格"),
    }


def test_public_commission_shares_the_center_pool_among_every_agent_paid(
    results: dict[str, dict[str, Any]],
) -> None:
    # 第十条 公共总销售业绩 × 0.5% ÷ 客服人数: 80000 × 0.5% = 400, ÷ 6 agents (A006 is a 客服
    # too, though not appraised) = 66.666... -> 66.67 each.
    for a in ("A001", "A002", "A003", "A004", "A005", "A006"):
        assert results[a]["pay"]["public_commission"] == 66.67


def test_not_appraised_excludes_the_appraisal_not_the_salary(
    results: dict[str, dict[str, Any]],
) -> None:
    # 第二条 不参加本次考核: A006 has no score, but the salary lines read no score:
    # 岗位工资 2500 + 个人业绩提成 8000 × 1% = 80 + 公共 66.67 + 工龄 0 = 2646.67.
    assert results["A006"]["pay"] == {
        "post": 2500,
        "personal_commission": 80,
        "public_commission": 66.67,
        "seniority": 0,
        "total": 2646.67,
    }


def test_personal_commission_is_one_percent_of_own_sales(
    results: dict[str, dict[str, Any]],
) -> None:
    # 60000 × 1% = 600, 45000 × 1% = 450, 10000 × 1% = 100.
    got = [results[a]["pay"]["personal_commission"] for a in ("A001", "A002", "A005")]
    assert got == [600, 450, 100]


def test_seniority_pay_counts_whole_years(results: dict[str, dict[str, Any]]) -> None:
    # Whole months to 2026-11-01: A001 (2023-05-01) 42 -> 3 years -> 150; A002 (2025-11-01)
    # 12 -> 1 year -> 50; A003 (2025-11-02) 11 -> 0; A004 (2024-01-15) 33 -> 2 years -> 100.
    got = [results[a]["pay"]["seniority"] for a in ("A001", "A002", "A003", "A004")]
    assert got == [150, 50, 0, 100]


def test_monthly_salary_adds_the_four_parts(results: dict[str, dict[str, Any]]) -> None:
    # A002: 3000 + 450 + 66.67 + 50 = 3566.67; A005: 2500 + 100 + 66.67 + 0 = 2666.67.
    assert results["A002"]["pay"]["total"] == 3566.67
    assert results["A005"]["pay"]["total"] == 2666.67


def test_first_three_months_running_earns_200_once_the_third_month_comes(
    results: dict[str, dict[str, Any]],
) -> None:
    # A001 first in 2026-08, 2026-09 (tied) and now: 3000 + 600 + 66.67 + 150 + 200 = 4016.67.
    assert results["A001"]["pay"]["first_three_months"] == 200
    assert results["A001"]["pay"]["total"] == 4016.67
    # A002 shared first in 2026-09 but was second in 2026-08 and is second now.
    assert "first_three_months" not in results["A002"]["flags"]


def test_three_failed_months_mean_automatic_resignation(
    results: dict[str, dict[str, Any]],
) -> None:
    # A004: 不合格 in 2026-08 (55), 2026-09 (52) and now (48).
    assert results["A004"]["flags"] == ["automatic_resignation"]
    # A003 failed 2026-09 (58) but passes now at 60.
    assert results["A003"]["flags"] == []
