"""s004-grades: five grades, the 10%/15% caps, the post-allowance consequences and the
rank-share processing of an annual appraisal of ten agents, worked out by hand.

Total = 经营业绩 × 40% + CSAT × 20% + 服务态度 × 20% + 相关管理指标 × 20%; most agents have the same
number everywhere, so their total is that number.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    out = run_example("s004-grades")
    return {r["agent_id"]: r for r in out["results"]}


def test_totals(results: dict[str, dict[str, Any]]) -> None:
    # A005: 84 × 40% + 86.5 × 20% + 84 × 20% + 84 × 20% = 33.6 + 17.3 + 16.8 + 16.8 = 84.5.
    # A007 has no CSAT: 100 × 40% + 0 + 90 × 20% + 95 × 20% = 40 + 18 + 19 = 77.
    totals = [results[f"A{i:03d}"]["total"] for i in range(1, 11)]
    assert totals == [98, 96, 95, 90, 84.5, 80, 77, 70, 50, 49.5]


def test_missing_csat_scores_zero_with_a_warning() -> None:
    out = run_example("s004-grades")
    (warning,) = [w for w in out["warnings"] if w["code"] == "missing_value"]
    assert "A007" in warning["message"]


def test_validate_names_the_smallest_cycle_that_reaches_each_capped_grade() -> None:
    # 优秀 max 10% rounded down: 10 agents give 1 place; 良好 max 15%: 100 / 15 = 6.67, so 7.
    out = run_example("s004-grades")
    said = [w["message"] for w in out["warnings"] if w["code"] == "quota_needs_team_size"]
    assert len(said) == 2
    assert "人数少于 10 人时,没有人能得到“优秀”" in said[0]
    assert "人数少于 7 人时,没有人能得到“良好”" in said[1]


def test_grade_edges(results: dict[str, dict[str, Any]]) -> None:
    # 84.5 in [70, 85) 中等; 70 in [70, 85) 中等; 50 in [50, 70) 待改进; 49.5 < 50 急需改进.
    grades = {a: results[a]["grade"] for a in ("A005", "A008", "A009", "A010")}
    assert grades == {"A005": "中等", "A008": "中等", "A009": "待改进", "A010": "急需改进"}


def test_caps_keep_the_best_ranked_and_move_the_rest_down(
    results: dict[str, dict[str, Any]],
) -> None:
    # 优秀 at most floor(10 × 10%) = 1: A001 (98) keeps it, A002 (96 > 95) drops to 良好.
    # 良好 at most floor(10 × 15%) = 1: A002 (rank 2) keeps it; A003 (95, 良好 by its score, the
    # 85-95 edge) and A004 (90) drop to 中等.
    got = {f"A00{i}": results[f"A00{i}"]["grade"] for i in range(1, 5)}
    assert got == {"A001": "优秀", "A002": "良好", "A003": "中等", "A004": "中等"}
    assert results["A002"]["notes"] == ["优秀 → 良好(名额 1/10)"]
    assert results["A003"]["notes"] == ["良好 → 中等(名额 1/10)"]


def test_extreme_grades_need_a_factual_basis(results: dict[str, dict[str, Any]]) -> None:
    needing = sorted(a for a, r in results.items() if "requires_basis" in r["flags"])
    assert needing == ["A001", "A010"]


def test_post_allowance_follows_the_grade(results: dict[str, dict[str, Any]]) -> None:
    # 优秀 up a level; 急需改进 down a level and a mid-year review; 待改进 a mid-year review.
    assert "allowance_up" in results["A001"]["flags"]
    assert {"allowance_down", "midyear_review"} <= set(results["A010"]["flags"])
    assert "midyear_review" in results["A009"]["flags"]
    assert "allowance_down" not in results["A009"]["flags"]


def test_rank_shares_of_ten_agents(results: dict[str, dict[str, Any]]) -> None:
    # top 10%: rank <= 1 (A001); next 15%: rank in (1, 1 + floor(1.5) = 2] (A002);
    # last 20%: rank > 10 - 2 (A009, A010); last 10%: rank > 10 - 1 (A010).
    def holders(flag: str) -> list[str]:
        return sorted(a for a, r in results.items() if flag in r["flags"])

    assert holders("talent_pool") == ["A001"]
    assert holders("honour_award") == ["A002"]
    assert holders("targeted_training") == ["A009", "A010"]
    assert holders("demotion_or_termination") == ["A010"]


def test_self_evaluation_is_recorded_beside_the_supervisor_score(
    results: dict[str, dict[str, Any]],
) -> None:
    # A002 rates itself 98; the supervisor's 96 is the total, one grade apart after the cap.
    (own,) = [i for i in results["A002"]["indicators"] if i["id"] == "self_assessment"]
    assert (own["score"], own["weighted"], results["A002"]["total"]) == (98, 0, 96)
