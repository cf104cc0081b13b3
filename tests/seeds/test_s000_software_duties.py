"""s000-software-duties: 客服绩效考核表 (软件操作/工作职责与意识/品性/学识), checked by hand.

Every item is 5 points by level (5/3/0; 学识 5/3/1). 直接上级 and 办公室 count 50% each; a missing
rater leaves the other's rating alone. The total is the plain sum of the item points
(20 + 35 + 20 + 25 items), as the seed's 综合评分汇总 adds the four parts.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def out() -> dict[str, Any]:
    return run_example("s000-software-duties")


def _agent(out: dict[str, Any], agent_id: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [r for r in out["results"] if r["agent_id"] == agent_id]
    (agent,) = matches
    return agent


def _weighted(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["weighted"] for i in agent["indicators"]}


def test_top_levels_from_both_raters_give_the_items_printed_100(out: dict[str, Any]) -> None:
    d01 = _agent(out, "D01")
    w = _weighted(d01)
    # 4×5 = 20, 7×5 = 35, 4×5 = 20, 5×5 = 25; 20 + 35 + 20 + 25 = 100.
    assert (w["software"], w["duties"], w["character"], w["knowledge"]) == (20, 35, 20, 25)
    assert d01["total"] == 100


def test_categories_that_disagree_with_their_label_show_it_as_a_share(
    out: dict[str, Any],
) -> None:
    d01 = _agent(out, "D01")
    share = {i["id"]: i["score"] for i in d01["indicators"]}
    # 工作职责与意识: 35 of its printed 40 = 87.5%; 学识: 25 of its printed 20 = 125%.
    assert share["duties"] == 87.5
    assert share["knowledge"] == 125


def test_two_raters_average_their_levels_item_by_item(out: dict[str, Any]) -> None:
    d02 = _agent(out, "D02")
    w = _weighted(d02)
    # 软件操作: (5+3)/2 + (3+3)/2 + (0+0)/2 + (3+5)/2 = 4 + 3 + 0 + 4 = 11.
    assert w["software"] == 11
    assert w["software_skill"] == 4
    # 职责: sup 5,5,3,0,3,5,5 office 3 each -> 4 + 4 + 3 + 1.5 + 3 + 4 + 4 = 23.5.
    assert w["duties"] == 23.5
    assert w["customer_followup"] == 1.5
    # 品性: sup 5,3,3,0 office 5,5,3,3 -> 5 + 4 + 3 + 1.5 = 13.5.
    assert w["character"] == 13.5
    # 学识: sup 5,3,1,3,3 office 3,3,3,5,1 -> 4 + 3 + 2 + 4 + 2 = 15.
    assert w["knowledge"] == 15
    # 11 + 23.5 + 13.5 + 15 = 63.
    assert d02["total"] == 63


def test_missing_office_rating_leaves_the_supervisor_alone(out: dict[str, Any]) -> None:
    d03 = _agent(out, "D03")
    w = _weighted(d03)
    # Only 直接上级: 4×3 = 12, 7×5 = 35, 4×3 = 12, 5×3 = 15; total 74.
    assert (w["software"], w["duties"], w["character"], w["knowledge"]) == (12, 35, 12, 15)
    assert d03["total"] == 74


def test_lowest_knowledge_level_still_earns_one_point_and_a_blank_item_zero(
    out: dict[str, Any],
) -> None:
    d04 = _agent(out, "D04")
    w = _weighted(d04)
    # 欠佳 / 应付了事 are 0; 欠缺 is 1 for four items, 一般知识 left blank by both -> 0.
    assert w["software"] == 0
    assert w["duties"] == 0
    assert w["knowledge"] == 4
    assert w["general"] == 0
    assert d04["total"] == 4
    messages = [w["message"] for w in out["warnings"] if w["code"] == "missing_value"]
    assert messages == ["客服 D04:“一般知识”没有数据;按 0 分计"]


def test_ranks_by_total(out: dict[str, Any]) -> None:
    # 100 > 74 > 63 > 4.
    assert {r["agent_id"]: r["rank"] for r in out["results"]} == {
        "D01": 1,
        "D03": 2,
        "D02": 3,
        "D04": 4,
    }


def test_validate_names_both_mislabelled_categories(out: dict[str, Any]) -> None:
    messages = [w["message"] for w in out["warnings"] if w["code"] == "weights_sum"]
    assert len(messages) == 2
    assert any("“duties”的权重合计 35 分" in m and "不是 40 分" in m for m in messages)
    assert any("“knowledge”的权重合计 25 分" in m and "不是 20 分" in m for m in messages)
