"""Hang-up side and message counts."""

from __future__ import annotations

from dataclasses import replace

from rules_dialogues import ASR_CALL, SHOP, call, chat, run


def rule(cond: str) -> str:
    return f"rules:\n  - id: r\n    conditions:\n      c: {cond}\n"


def test_who_hung_up_first() -> None:
    t = replace(call(ASR_CALL), hung_up_by="Agent")
    (f,) = run(rule("{hangup: agent}"), t)
    assert f.hit and [m.text for m in f.evidence] == ["hung_up_by=Agent"]
    (f,) = run(rule("{hangup: agent}"), replace(t, hung_up_by="customer"))
    assert not f.hit and f.computable
    (f,) = run(rule("{hangup: agent}"), chat(SHOP))
    assert not f.computable  # a chat records no hang-up


def test_message_counts_of_a_role() -> None:
    # SHOP: 4 agent messages, 2 customer messages
    (f,) = run(rule("{messages: {at_least: 4}}"), chat(SHOP))
    assert f.hit
    (f,) = run(rule("{messages: {at_least: 3}, role: customer}"), chat(SHOP))
    assert not f.hit
    (f,) = run(rule("{messages: {at_most: 6}, role: any}"), chat(SHOP))
    assert f.hit
