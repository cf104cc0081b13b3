"""s003-service-points: 客户服务积分方案 with the manager's numbers written in the scheme.

Points: 解决问题 0.1 / 0.2 / 0.5 per simple / ordinary / difficult issue; 服务质量 by QA average
(>= 95: 30, [90, 95): 20, [80, 90): 10); 回复速度 by mean first response (<= 30 s: 20,
(30, 60]: 10, (60, 120]: 5); 服务时长 floor(hours / 8); 服务评价 satisfied − 2 × dissatisfied,
not below 0. Cash by the month's points (>= 120: 500, [100, 120): 300, [80, 100): 100);
gifts from 1000 and promotion from 2000 accumulated points (earlier months + this one).
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    return run_example("s003-service-points")


@pytest.fixture(scope="module")
def agents(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["agent_id"]: r for r in run["results"]}


def _scores(agent: dict[str, Any]) -> dict[str, Any]:
    return {i["id"]: i["score"] for i in agent["indicators"]}


def test_band_edges_and_accumulation_reaching_exactly_1000_opens_gifts(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A001"]
    assert _scores(a) == {
        "problem_solving": 35,  # 200 × 0.1 + 50 × 0.2 + 10 × 0.5 = 20 + 10 + 5
        "service_quality": 30,  # QA 95 is in >= 95
        "response_speed": 20,  # 30 s is in <= 30
        "service_hours": 22,  # floor(176 / 8)
        "service_reviews": 21,  # 25 − 2 × 2
    }
    assert a["total"] == 128  # 35 + 30 + 20 + 22 + 21
    assert a["grade"] == "一等现金奖"
    assert a["pay"] == {"cash_reward": 500, "total": 500}
    # History 120 + 125 + 118 + 130 + 122 + 127 + 130 = 872; 872 + 128 = 1000 → [1000, 2000)
    assert a["level"] == "礼品级"
    assert a["flags"] == ["gift_reward"]


def test_2000_accumulated_points_make_a_promotion_candidate(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A002"]
    # 300 × 0.1 + 80 × 0.2 + 20 × 0.5 = 56; QA 97 → 30; 0:00:25 = 25 s → 20; floor(184 / 8) = 23;
    # 40 − 0 = 40. 56 + 30 + 20 + 23 + 40 = 169
    assert a["total"] == 169
    assert a["rank"] == 1
    # 11 months × 170 = 1870; 1870 + 169 = 2039 >= 2000
    assert a["level"] == "晋升级"
    assert a["flags"] == ["gift_reward", "promotion_candidate"]


def test_bad_reviews_cannot_push_the_review_item_below_zero(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A003"]
    s = _scores(a)
    assert s["service_reviews"] == 0  # 10 − 2 × 6 = −2 → 0
    assert s["service_quality"] == 10  # 89.9 is in [80, 90)
    assert s["response_speed"] == 5  # 61 s is in (60, 120]
    # 150 × 0.1 + 20 × 0.2 + 2 × 0.5 = 20; floor(150 / 8) = 18; 20 + 10 + 5 + 18 + 0 = 53
    assert a["total"] == 53
    assert a["grade"] == "未获现金奖"
    assert a["pay"]["total"] == 0
    assert a["level"] == "积累级"  # no history: 53 accumulated


def test_exactly_100_points_earn_the_second_cash_prize_and_quarter_rows_do_not_accumulate(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A004"]
    # 180 × 0.1 + 40 × 0.2 + 6 × 0.5 = 29; QA 90 → 20; 45 s → 10; floor(176 / 8) = 22;
    # 21 − 2 × 1 = 19. 29 + 20 + 10 + 22 + 19 = 100
    assert a["total"] == 100
    assert a["grade"] == "二等现金奖"
    assert a["pay"] == {"cash_reward": 300, "total": 300}
    # 95 (2026-09) + 100 = 195. The 2026-Q3 row of 2000 is not a month and is left out;
    # counted, it would have made 2195, a promotion level.
    assert a["level"] == "积累级"


def test_a_missing_response_time_scores_zero_with_a_warning(
    run: dict[str, Any], agents: dict[str, dict[str, Any]]
) -> None:
    a = agents["A005"]
    assert _scores(a)["response_speed"] == 0
    # 100 × 0.1 + 10 × 0.2 = 12; QA 92 → 20; 0; floor(120 / 8) = 15; 12 − 0 = 12 → 59
    assert a["total"] == 59
    assert a["pay"]["total"] == 0
    (warning,) = run["warnings"]
    assert warning["code"] == "missing_value"
    assert "A005" in warning["message"] and "回复速度" in warning["message"]
