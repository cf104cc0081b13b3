"""s003-qa-grade: 客服代表服务质量评定标准, worked by hand from the seed's rules.

The total is 质检平均分 = (内部 + 移动) / 2 (注1). Grades, first match: 优秀 needs average >= 95
and no fraud, complaint, business or fee error in either check; 良好 average >= 90, internal
诈单量总和 (fraud + business + fee errors) <= 3, carrier check clean but <= 1 business error;
一般 average >= 85, internal sum <= 5, carrier clean but <= 2 business errors; everyone else 差.
Bonus 300/200/100/0, minus ¥10 per whole 8 hours short of 176, none under 100 hours, none for
someone hired after the 10th.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def agents() -> dict[str, dict[str, Any]]:
    out = run_example("s003-qa-grade")
    return {r["agent_id"]: r for r in out["results"]}


def _pay(agent: dict[str, Any]) -> dict[str, Any]:
    return dict(agent["pay"])


def test_combined_average_exactly_95_is_excellent_and_176_hours_lose_nothing(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A001"]
    assert a["total"] == 95  # (96 + 94) / 2 = 95, on the inclusive edge of >= 95
    assert a["grade"] == "优秀"
    # 176 - 176 = 0 hours short: no deduction; 300 + 0 = 300.
    assert _pay(a) == {"quality_bonus": 300, "hours_short": 0, "total": 300}


def test_three_internal_errors_and_one_carrier_business_error_is_good(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A002"]
    # (92 + 90) / 2 = 91; internal 1 fraud + 1 business + 1 fee = 3 <= 3; carrier 1 business
    # error <= 1. The internal complaint only bars 优秀 (良好 does not name it).
    assert a["total"] == 91
    assert a["grade"] == "良好"
    # Hired on the 10th, which is not after the 10th: paid. 176 - 150 = 26 hours short,
    # floor(26 / 8) = 3 blocks, 3 × 10 = 30; 200 - 30 = 170.
    assert _pay(a) == {"quality_bonus": 200, "hours_short": -30, "total": 170}


def test_clean_checks_with_an_average_under_90_are_fair_but_under_100_hours_pay_nothing(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A003"]
    assert a["total"] == 88.5  # (88 + 89) / 2
    assert a["grade"] == "一般"
    # 99.5 < 100 hours: no quality bonus, so nothing left to deduct from.
    assert _pay(a) == {"quality_bonus": 0, "hours_short": 0, "total": 0}
    assert "低于100工时" in a["pay_explain"]["quality_bonus"]


def test_one_carrier_fraud_makes_a_top_average_poor(agents: dict[str, dict[str, Any]]) -> None:
    a = agents["A004"]
    assert a["total"] == 97.5  # (98 + 97) / 2
    assert a["grade"] == "差"
    assert a["rank"] == 1  # the best average still ranks first; only the grade falls
    assert _pay(a)["total"] == 0


def test_hired_after_the_10th_is_graded_but_gets_no_bonus(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A005"]
    assert a["eligible"] is True
    assert a["total"] == 96  # (96 + 96) / 2
    assert a["grade"] == "优秀"
    # Hired 2026-10-11: no bonus this month, so the 56 hours short deduct nothing either.
    assert _pay(a) == {"quality_bonus": 0, "hours_short": 0, "total": 0}


def test_six_internal_errors_with_average_88_fall_through_to_poor(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A006"]
    # (90 + 86) / 2 = 88 >= 85, but 2 + 3 + 1 = 6 internal errors > 5: not 一般. The seed's
    # literal 差 (errors > 5 AND average < 85) would leave this agent ungraded; 差 takes the rest.
    assert a["total"] == 88
    assert a["grade"] == "差"
    # 180 hours is over 176: nothing short.
    assert _pay(a) == {"quality_bonus": 0, "hours_short": 0, "total": 0}


def test_ranks_follow_the_combined_average(agents: dict[str, dict[str, Any]]) -> None:
    # 97.5, 96, 95, 91, 88.5, 88
    ranks = {k: a["rank"] for k, a in agents.items()}
    assert ranks == {"A004": 1, "A005": 2, "A001": 3, "A002": 4, "A003": 5, "A006": 6}
