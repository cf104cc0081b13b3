"""Combining conditions (when:), severity, points with a cap, escalation over the period, the
red-line veto and the per-agent metrics by period and day."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from rules_dialogues import SHOP, T0, chat, ruleset, run

from appraise.qa.checks import Message, Transcript
from appraise.qa.rules import expr
from appraise.qa.rules.engine import rule_hits, run_rules
from appraise.qa.rules.metrics import daily_rule_metrics, rule_metrics


@pytest.mark.parametrize(
    ("text", "values", "want"),
    [
        ("1 && 2 && !3", {"1": True, "2": True, "3": False}, True),
        ("1 && 2 && !3", {"1": True, "2": True, "3": True}, False),
        ("a || b && c", {"a": True, "b": False, "c": False}, True),  # && binds tighter
        ("(a || b) && c", {"a": True, "b": False, "c": False}, False),
        ("not a and b", {"a": False, "b": True}, True),
        # Kleene: unknown && false is false, unknown || true is true, else unknown
        ("a && b", {"a": None, "b": False}, False),
        ("a || b", {"a": None, "b": True}, True),
        ("a && b", {"a": None, "b": True}, None),
        ("!a", {"a": None}, None),
    ],
)
def test_when_expressions(text: str, values: dict[str, bool | None], want: bool | None) -> None:
    assert expr.evaluate(expr.parse(text), values) is want


def test_evidence_comes_only_from_conditions_that_made_the_rule_true() -> None:
    cfg = """
rules:
  - id: off_platform
    conditions:
      1: {keywords: [微信]}
      2: {keywords: [私下]}
      3: {keywords: [转接]}
    when: "1 && 2 && !3"
"""
    (f,) = run(cfg, chat(SHOP))
    assert f.hit
    assert sorted({m.condition for m in f.evidence}) == ["1", "2"]


def test_an_untimed_chat_can_still_hit_a_rule_that_does_not_need_the_times() -> None:
    cfg = """
rules:
  - id: r
    conditions:
      late: {response: {over: 30}}
      said: {keywords: [好评]}
    when: "%s"
"""
    (f,) = run(cfg % "late || said", chat(SHOP))
    assert (f.hit, f.computable) == (True, True)
    (f,) = run(cfg % "late && said", chat(SHOP))
    assert (f.hit, f.computable) == (False, False)
    assert rule_hits([f]) == []  # not computed: no (conversation, agent, rule, hit) row


def test_points_per_occurrence_with_a_cap() -> None:
    cfg = """
rules:
  - id: r
    points: 2
    cap: 3
    conditions:
      c: {keywords: [好评]}
"""
    (f,) = run(cfg, chat(SHOP))
    # 好评 twice in message 5: 2 x 2 = 4, capped at 3
    assert (f.occurrences, f.points) == (2, Decimal(3))


CASH = """
rules:
  - id: praise
    severity: 严重
    escalate: [5, 10, 20]
    conditions:
      c: {keywords: [好评]}
  - id: wx
    severity: 红线
    conditions:
      c: {keywords: [微信]}
  - id: hint
    severity: 提示
    conditions:
      c: {keywords: [您好]}
"""


def _day(cid: str, days: int, agent: str = "A001") -> Transcript:
    return replace(chat(SHOP, cid=cid, agent=agent), started_at=T0 + timedelta(days=days))


def test_escalation_by_occurrence_in_the_period_and_the_red_line_count() -> None:
    rs = ruleset(CASH)
    # A001's SHOP chats on 12, 12 and 13 October, started in that order; A002 one on the 13th
    ts = [_day("C3", 1), _day("C1", 0), _day("C2", 0), _day("C9", 1, "A002")]
    found = run_rules(ts, rs)
    m = rule_metrics(found, rs)
    a1 = m["A001"]
    # praise: 5 (C1), 10 (C2), 20 (C3) = 35; wx and hint carry no points
    assert a1["autoqa_points"] == Decimal(35)
    assert a1["autoqa_hits"] == Decimal(9)  # 3 rules x 3 chats
    assert a1["autoqa_redline_count"] == Decimal(3)
    assert (a1["autoqa_major_count"], a1["autoqa_hint_count"]) == (Decimal(3), Decimal(3))
    assert a1["autoqa_praise"] == Decimal(3) and a1["autoqa_checked"] == Decimal(3)
    assert m["A002"]["autoqa_points"] == Decimal(5)  # A002's first
    days = daily_rule_metrics(found, rs)
    # the 12th (Shanghai) holds C1 and C2: 5 + 10; the 13th C3: 20
    assert [(str(d), v["A001"]["autoqa_points"]) for d, v in days.items()] == [
        ("2026-10-12", Decimal(15)),
        ("2026-10-13", Decimal(20)),
    ]
    assert days[max(days)]["A002"]["autoqa_redline_count"] == Decimal(1)


def test_a_finding_belongs_to_the_agent_who_wrote_the_evidence() -> None:
    msgs = (
        Message("customer", "耳机坏了"),
        Message("agent", "请稍等，为您转接售后", agent_id="A001"),
        Message("agent", "给个五星好评哦", agent_id="A007"),
    )
    t = Transcript("C5", "A001", msgs, transferred_to="A007")
    (f,) = run("rules:\n  - id: r\n    conditions:\n      c: {keywords: [好评]}\n", t)
    assert f.agent_id == "A007"
