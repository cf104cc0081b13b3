"""s000-positions: 客服各岗位绩效考核表, checked by hand.

工作态度 4×5, 工作能力 6×5, 工作业绩 20 + 15 + 10 + 5: 100 points rated by the supervisor; 加分项
adds up to 10 (two items of 5), 减分项 takes up to 10 (two items of 5).
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def out() -> dict[str, Any]:
    return run_example("s000-positions")


def _agent(out: dict[str, Any], agent_id: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [r for r in out["results"] if r["agent_id"] == agent_id]
    (agent,) = matches
    return agent


def _parts(agent: dict[str, Any]) -> dict[str, float]:
    rows = agent["indicators"] + agent["adjustments"]
    return {i["id"]: i["weighted"] for i in rows if i["depth"] == 0}


def test_full_marks_and_both_bonus_items_reach_110(out: dict[str, Any]) -> None:
    p01 = _agent(out, "P01")
    # 20 + 30 + 50 = 100, 加分 5 + 5 = 10, 减分 0.
    assert _parts(p01) == {
        "attitude": 20,
        "ability": 30,
        "results": 50,
        "bonus_items": 10,
        "penalty_items": 0,
    }
    assert p01["total"] == 110


def test_bonus_adds_and_penalty_subtracts_outside_the_100(out: dict[str, Any]) -> None:
    p02 = _agent(out, "P02")
    # 态度 4+5+3+5 = 17; 能力 5+4+4+3+5+4 = 25; 业绩 18+12+8+2 = 40; 加分 5+0; 减分 3+2.
    assert _parts(p02) == {
        "attitude": 17,
        "ability": 25,
        "results": 40,
        "bonus_items": 5,
        "penalty_items": -5,
    }
    # 17 + 25 + 40 + 5 - 5 = 82.
    assert p02["total"] == 82


def test_full_penalty_takes_ten(out: dict[str, Any]) -> None:
    p03 = _agent(out, "P03")
    # 20 + 6×3 + (15+10+6+0) = 20 + 18 + 31 = 69; 减分 5 + 5 = 10 -> 59.
    assert _parts(p03)["penalty_items"] == -10
    assert p03["total"] == 59


def test_unrated_item_counts_zero_with_a_warning(out: dict[str, Any]) -> None:
    p04 = _agent(out, "P04")
    # 4×3 + 6×3 + (9 + 9 + 6 + 工作创新 missing 0) + 采纳 5 = 12 + 18 + 24 + 5 = 59.
    assert _parts(p04)["results"] == 24
    assert p04["total"] == 59
    messages = [w["message"] for w in out["warnings"] if w["code"] == "missing_value"]
    assert messages == ["客服 P04:“工作创新”没有数据;按 0 分计"]


def test_equal_totals_share_a_rank(out: dict[str, Any]) -> None:
    # 110, 82, 59, 59 -> 1, 2, 3, 3.
    assert {r["agent_id"]: r["rank"] for r in out["results"]} == {
        "P01": 1,
        "P02": 2,
        "P03": 3,
        "P04": 3,
    }


def test_weights_add_up_so_validate_is_silent(out: dict[str, Any]) -> None:
    assert [w for w in out["warnings"] if w["code"] == "weights_sum"] == []
