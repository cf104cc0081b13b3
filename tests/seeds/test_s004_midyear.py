"""s004-midyear: seed 004's chain of the annual appraisal and the mid-year review, made from the
months (June 2027 scored, November 2026 to May 2027 from the history), worked out by hand.

Every rating and the CSAT are the same number for an agent in a month, so the month's total is
that number (40% + 20% + 20% + 20%). The year 2026 is the mean of November and December, the
first half 2027-H1 the mean of January to June.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    out = run_example("s004-midyear")
    return {r["agent_id"]: r for r in out["results"]}


def test_june_totals_are_the_ratings(results: dict[str, dict[str, Any]]) -> None:
    assert [results[a]["total"] for a in ("A001", "A002", "A003", "A004")] == [63, 66, 55, 75]


def test_to_be_improved_twice_cuts_the_allowance(results: dict[str, dict[str, Any]]) -> None:
    # A001: 2026 = (60 + 64) ÷ 2 = 62 待改进; 2027-H1 = (60 + 60 + 66 + 66 + 63 + 63) ÷ 6 = 63
    # 待改进 again: 岗位津贴下调一级. A002 is 待改进 at mid-year (66) after a 良好 year (90): nothing.
    assert results["A001"]["flags"] == ["midyear_allowance_cut"]
    (fired,) = results["A001"]["consequences"]
    assert "2026 = (60 + 64) ÷ 2 = 62" in fired["explain"]
    assert "2027-H1 = (60 + 60 + 66 + 66 + 63 + 63) ÷ 6 = 63" in fired["explain"]
    assert results["A002"]["flags"] == []


def test_urgent_then_not_improved_at_mid_year_ends_the_employment(
    results: dict[str, dict[str, Any]],
) -> None:
    # A003: 2026 = (40 + 45) ÷ 2 = 42.5 急需改进; 2027-H1 = 55 待改进: 解除劳动关系.
    # A004: the same 急需改进 year, then 75 (中等) at mid-year: kept, nothing fires.
    assert results["A003"]["flags"] == ["midyear_termination"]
    assert "2026 = (40 + 45) ÷ 2 = 42.5" in results["A003"]["consequences"][0]["explain"]
    assert results["A004"]["flags"] == []
