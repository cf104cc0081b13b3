"""s000-recruiting: 招聘客服专员岗位月度绩效考核表, checked by hand from the seed's rules.

Row points: 违纪 10, 工作总结与会议 10, 回访执行 10, 回访成效 10 (held to 0..10), 回访流失率考核 10,
面试环节 10, 招聘任务完成率 15; 75 in all, which validate reports against the 100 of the scheme.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.seeds import run_example


@pytest.fixture(scope="module")
def out() -> dict[str, Any]:
    return run_example("s000-recruiting")


def _agent(out: dict[str, Any], agent_id: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [r for r in out["results"] if r["agent_id"] == agent_id]
    (agent,) = matches
    return agent


def _scores(agent: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["score"] for i in agent["indicators"]}


def test_clean_month_on_both_band_edges_earns_every_printed_point(out: dict[str, Any]) -> None:
    r01 = _agent(out, "R01")
    s = _scores(r01)
    # 流失率 30% is "≤30%" -> 10; 完成率 80% is "80%及以上" -> 15.
    assert s["churn"] == 10
    assert s["recruiting"] == 15
    # Three gains of 5 = 15, held to the row's 10.
    assert s["followup_gains"] == 15
    assert s["followup_results"] == 10
    # 10 + 10 + 10 + 10 + 10 + 10 + 15 = 75, the most the printed rows allow.
    assert r01["total"] == 75
    assert s["self_assessment"] == 75


def test_deductions_per_record_and_a_late_mail_floor_the_gains_row_at_zero(
    out: dict[str, Any],
) -> None:
    r02 = _agent(out, "R02")
    s = _scores(r02)
    # 着装 1×5 + 单据 2×2 = 9 -> 10 - 9 = 1.
    assert s["conduct"] == 1
    # 日工作总结欠缺 3×2 = 6 -> 4.
    assert s["summaries_meetings"] == 4
    # 回访逾期 1 人次 -> 10 - 2 = 8.
    assert s["followup_duties"] == 8
    # Only the late mail: -5, and the row cannot go under 0.
    assert s["followup_gains"] == -5
    assert s["followup_results"] == 0
    # 40% is in "40%≥流失率>30%" -> 8.
    assert s["churn"] == 8
    # 等待 5 + 无签名 2 = 7 -> 3.
    assert s["interviews"] == 3
    # 79.5% is under 80%: the 79%-65% band -> 10.
    assert s["recruiting"] == 10
    # 1 + 4 + 8 + 0 + 8 + 3 + 10 = 34.
    assert r02["total"] == 34


def test_rows_never_go_below_their_printed_zero(out: dict[str, Any]) -> None:
    r03 = _agent(out, "R03")
    s = _scores(r03)
    # 晨会 2×5 + 值日 1×5 = 15 > 10 -> 0.
    assert s["conduct"] == 0
    # 会议迟到 1×2 -> 8.
    assert s["summaries_meetings"] == 8
    # 感谢 +5 and late mail -5 -> 0.
    assert s["followup_results"] == 0
    # 45% is in "45%≥流失率>40%" -> 5.
    assert s["churn"] == 5
    # 吵杂 3×5 = 15 > 10 -> 0.
    assert s["interviews"] == 0
    # 30% is in "39%-30%" -> 3.
    assert s["recruiting"] == 3
    # 0 + 8 + 10 + 0 + 5 + 0 + 3 = 26.
    assert r03["total"] == 26


def test_values_just_past_the_last_bands_score_nothing(out: dict[str, Any]) -> None:
    r04 = _agent(out, "R04")
    s = _scores(r04)
    # 55.1% > 55% -> 0; 29.9% < 30% -> 0.
    assert s["churn"] == 0
    assert s["recruiting"] == 0
    # One 管理漏洞 found -> 5.
    assert s["followup_results"] == 5
    # 10 + 10 + 10 + 5 + 0 + 10 + 0 = 45.
    assert r04["total"] == 45


def test_missing_churn_rate_scores_zero_with_a_warning_and_last_month_does_not_count(
    out: dict[str, Any],
) -> None:
    r05 = _agent(out, "R05")
    s = _scores(r05)
    assert s["churn"] == 0
    # The 09-30 着装 record belongs to September: 违纪 keeps 10.
    assert s["conduct"] == 10
    # 64% is in "64%-50%" -> 8; 10 + 10 + 10 + 0 + 0 + 10 + 8 = 48.
    assert s["recruiting"] == 8
    assert r05["total"] == 48
    messages = [w["message"] for w in out["warnings"] if w["code"] == "missing_value"]
    assert "客服 R05:“回访流失率考核”没有数据;按 0 分计" in messages


def test_self_assessment_is_shown_but_not_counted(out: dict[str, Any]) -> None:
    r02 = _agent(out, "R02")
    (own,) = [i for i in r02["indicators"] if i["id"] == "self_assessment"]
    assert own["score"] == 60
    assert own["weighted"] == 0
    # R03 gave no self score: 0 with a warning, and the computed total is unchanged (26).
    assert _scores(_agent(out, "R03"))["self_assessment"] == 0


def test_ranks_follow_the_computed_totals(out: dict[str, Any]) -> None:
    # 75 > 48 > 45 > 34 > 26.
    ranks = {r["agent_id"]: r["rank"] for r in out["results"]}
    assert ranks == {"R01": 1, "R05": 2, "R04": 3, "R02": 4, "R03": 5}


def test_printed_rows_add_up_to_75_and_validate_says_so(out: dict[str, Any]) -> None:
    (warning,) = [w for w in out["warnings"] if w["code"] == "weights_sum"]
    assert "75 分,不是 100 分" in warning["message"]
