"""s002-department: 客服部绩效考核方案, worked by hand from the seed's rules and the YAML's bands.

Each banded indicator scores 0..100 and adds score ÷ 100 × its weight. Bands: 咨询转化率 (15%)
>=30 100, [25,30) 80, [20,25) 60, [15,20) 40; 平均响应时间 (10%) <=28 s 100, (28,40] 80,
(40,60] 60, (60,90] 30; FCR (15%) >=75 100, [70,75) 90, [65,70) 70, [60,65) 50; 客单价 (10%)
value ÷ target × 100 capped at 100; CSAT (10%) >=90 100, [85,90) 70, [80,85) 40. 话务质量 (15%)
is the QA average; 工单规范 (10%) the supervisor's rating; 协作性 and 学习成长 (5% each) rated by
self 30 / supervisor 50 / peer 20, renormalized when a role is missing; 出勤率 >= 95 and 迟到
<= 1 are 2.5% each. Pay: +10% of base salary at >= 90, 300/200/100 for ranks 1/2/3.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def out() -> dict[str, Any]:
    return run_example("s002-department")


@pytest.fixture(scope="module")
def agents(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["agent_id"]: r for r in out["results"]}


def _weighted(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_every_industry_standard_met_on_its_edge_earns_full_marks(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = _weighted(agents["A001"])
    # 30% >= 30, 28 s <= 28, FCR 75 >= 75, 180 / 150 capped at 100%, CSAT 90 >= 90:
    # 15 + 10 + 15 + 10 + 10 = 60.
    assert a["performance"] == 60
    # QA 95 × 15% = 14.25; supervisor's ticket review 90 × 10% = 9.
    assert a["call_quality"] == 14.25
    assert a["service_quality"] == 23.25
    # 协作性 (100×30 + 90×50 + 80×20) / 100 = 91 → 91 × 5% = 4.55;
    # 学习成长 (90×30 + 80×50 + 90×20) / 100 = 85 → 4.25; attendance 95 and 1 late: 2.5 + 2.5.
    assert a["collaboration"] == 4.55
    assert a["learning"] == 4.25
    assert a["discipline"] == 5
    assert agents["A001"]["total"] == 97.05  # 60 + 23.25 + 4.55 + 4.25 + 5
    assert agents["A001"]["grade"] == "优秀"


def test_missing_peer_rating_lets_self_and_supervisor_share_the_weight(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = _weighted(agents["A002"])
    # No cross-department rating: (90×30 + 80×50) / 80 = 83.75 → × 5% = 4.1875;
    # (80×30 + 70×50) / 80 = 73.75 → 3.6875.
    assert a["collaboration"] == 4.1875
    assert a["learning"] == 3.6875


def test_values_just_off_the_standard_fall_into_the_next_band(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = _weighted(agents["A002"])
    assert a["conversion"] == 12  # 27.5% in [25, 30) → 80 × 15%
    assert a["response_time"] == 8  # 28.5 s in (28, 40] → 80 × 10%
    # 70% is inside the stated industry standard (70%-75%): it meets it, full marks 100 × 15%.
    assert a["fcr"] == 15
    assert a["order_value"] == 6.5  # 97.5 / 150 = 65% of 10
    assert a["satisfaction"] == 7  # 89.9% in [85, 90) → 70 × 10%
    assert a["violations"] == 0  # late twice: more than 1 per month


def test_half_up_rounding_makes_two_different_agents_tie_for_second(
    agents: dict[str, dict[str, Any]],
) -> None:
    # A002: (12 + 8 + 15 + 6.5 + 7) + (13.2 + 8) + (4.1875 + 3.6875 + 2.5) = 80.075 → 80.08.
    # A003: (9 + 10 + 15 + 10 + 4) + (12 + 7.5) + (3.9 + 3.675 + 5) = 80.075 → 80.08, where
    # 协作性 (80×30 + 80×50 + 70×20) / 100 = 78 and 学习成长 (75×30 + 72×50 + 75×20) / 100 = 73.5.
    assert agents["A002"]["total"] == agents["A003"]["total"] == 80.08
    assert agents["A002"]["rank"] == agents["A003"]["rank"] == 2
    # Shared ranks 1, 2, 2, 4: the tied pair both get the second place's 200 and nobody is third.
    assert agents["A002"]["pay"] == {"salary_raise": 0, "top_three": 200, "total": 200}
    assert agents["A003"]["pay"] == {"salary_raise": 0, "top_three": 200, "total": 200}
    assert agents["A005"]["rank"] == 4
    assert agents["A005"]["pay"]["top_three"] == 0


def test_ninety_or_more_raises_base_salary_ten_percent_and_first_place_gets_300(
    agents: dict[str, dict[str, Any]],
) -> None:
    # 5000 × 10% = 500; rank 1 → 300.
    assert agents["A001"]["rank"] == 1
    assert agents["A001"]["pay"] == {"salary_raise": 500, "top_three": 300, "total": 800}


def test_exactly_70_is_kept_and_breaks_a_run_of_months_under_70(
    agents: dict[str, dict[str, Any]],
) -> None:
    a = agents["A005"]
    # 15 + 8 (40 s) + 10.5 (FCR 65 → 70) + 7.5 (90/120 = 75%) + 7 (CSAT 85 → 70) = 48;
    # 9 (QA 60) + 4.5 (ticket 45) = 13.5; 3 + 3 (ratings all 60) + 0 (attendance 94.9 < 95)
    # + 2.5 (never late) = 8.5; 48 + 13.5 + 8.5 = 70.
    assert a["total"] == 70
    assert a["grade"] == "合格"
    # 65 and 69.99 in August and September, but 70 is not < 70: no transfer, no pay flag.
    assert a["flags"] == []


def test_three_months_under_70_flag_transfer_and_a_missing_csat_scores_zero(
    out: dict[str, Any], agents: dict[str, dict[str, Any]]
) -> None:
    a = agents["A004"]
    # 6 (16% → 40) + 3 (61 s → 30) + 7.5 (62% → 50) + 6.25 (100/160) + 0 (no CSAT) = 22.75;
    # 10.5 + 6 = 16.5; 协作性 (85×30 + 60×50 + 60×20)/100 = 67.5 → 3.375, 学习成长
    # (80×30 + 50×50 + 60×20)/100 = 61 → 3.05, attendance 90 and 3 lates → 0; 22.75 + 16.5
    # + 6.425 = 45.675 → 45.68.
    assert a["total"] == 45.68
    assert a["grade"] == "待改进"
    assert a["rank"] == 5
    # 68.5 (Aug), 65 (Sep), 45.68 (Oct): three months in a row under 70.
    assert a["flags"] == ["pay_cut_or_training", "transfer_or_dismissal"]
    assert any(w["code"] == "missing_value" and "A004" in w["message"] for w in out["warnings"])


def test_promotion_priority_needs_three_quarters_at_90_or_more(
    agents: dict[str, dict[str, Any]],
) -> None:
    # A001: Q1 91, Q2 93.5, Q3 90 (on the edge) → priority. A002: Q3 88 breaks the run.
    assert "promotion_priority" in agents["A001"]["flags"]
    assert "promotion_priority" not in agents["A002"]["flags"]


def test_a_fcr_inside_the_stated_industry_standard_scores_full_marks(
    agents: dict[str, dict[str, Any]],
) -> None:
    # Seed 002's table: 一次解决率(FCR) 行业标准 70%-75%, weight 15%. Meeting the standard is
    # full marks, so 70% (A002, the bottom of the band), 75% (A001) and 76% (A003) all earn 15;
    # 65% (A005) is below it: 70 × 15% = 10.5.
    fcr = {a: _weighted(agents[a])["fcr"] for a in ("A001", "A002", "A003", "A005")}
    assert fcr == {"A001": 15, "A002": 15, "A003": 15, "A005": 10.5}
