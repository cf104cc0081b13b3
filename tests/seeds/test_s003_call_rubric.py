"""s003-call-rubric: 客服人员考核评分细则, one monitored call per row, worked by hand.

Items: 表达能力 0-15, 倾听与理解 0-10, 服务态度 0-15 (at most 8 when the call has a 服务忌语),
开场白 1/0, 结束语 2 (完整) / 1 (简短) / 0 (只说再见), 后挂机 2 / 先挂机 0; the call's score is
their sum, out of 45. A call with an item left empty is not scored.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def calls() -> dict[str, dict[str, Any]]:
    out = run_example("s003-call-rubric")
    return {r["agent_id"]: r for r in out["results"]}


def _scores(call: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["score"] for i in call["indicators"]}


def test_a_perfect_call_scores_every_items_maximum(calls: dict[str, dict[str, Any]]) -> None:
    # 15 + 10 + 15 + 1 + 2 + 2 = 45.
    assert calls["C001"]["total"] == 45


def test_a_taboo_phrase_caps_attitude_at_8(calls: dict[str, dict[str, Any]]) -> None:
    # Rated 12 for attitude, but "我不知道" was said once: min(12, 8) = 8.
    assert _scores(calls["C002"])["attitude_score"] == 8
    # 12 + 6 + 8 + 0 (no standard opening) + 0 (只说再见) + 0 (hung up first) = 26.
    assert calls["C002"]["total"] == 26


def test_a_rating_already_under_the_cap_is_kept(calls: dict[str, dict[str, Any]]) -> None:
    # Two taboo phrases, rated 7 <= 8: stays 7. 9 + 8 + 7 + 1 + 1 (简短结束语) + 2 = 28.
    assert _scores(calls["C003"])["attitude_score"] == 7
    assert calls["C003"]["total"] == 28


def test_no_taboo_record_means_none_and_the_rating_stands(
    calls: dict[str, dict[str, Any]],
) -> None:
    # C004 has no 服务忌语 row: the attitude rating 4 stands. 2 + 3 + 4 + 1 + 2 + 0 = 12.
    assert _scores(calls["C004"])["attitude_score"] == 4
    assert calls["C004"]["total"] == 12


def test_a_half_filled_form_leaves_the_call_unscored(calls: dict[str, dict[str, Any]]) -> None:
    c = calls["C005"]
    assert c["eligible"] is False
    assert c["total"] is None
    assert c["notes"] == ["缺少数据:倾听与理解"]


def test_calls_are_ordered_by_score(calls: dict[str, dict[str, Any]]) -> None:
    # 45, 28, 26, 12.
    assert {k: c["rank"] for k, c in calls.items()} == {
        "C001": 1,
        "C003": 2,
        "C002": 3,
        "C004": 4,
        "C005": None,
    }
