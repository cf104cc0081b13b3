"""Scope: role, first / last N, before / after an anchor condition, the k-th occurrence,
channel and queue. SHOP's agent messages are 1, 2, 4 and 5."""

from __future__ import annotations

from rules_dialogues import SHOP, chat, run


def rule(conds: str, extra: str = "") -> str:
    return f"rules:\n  - id: r\n{extra}    conditions:\n{conds}"


def test_first_and_last_agent_messages() -> None:
    (f,) = run(rule("      c: {keywords: [好评], last: 1}\n"), chat(SHOP))
    assert [m.message_index for m in f.evidence] == [5, 5]  # 五星好评, 好评返现
    (f,) = run(rule("      c: {keywords: [好评], first: 2}\n"), chat(SHOP))
    assert not f.hit


def test_after_and_before_the_first_match_of_an_anchor() -> None:
    # 微信 is first said in message 2: after it are 4 and 5, before it 1
    conds = "      wx: {keywords: [微信]}\n      c: {keywords: [好评], %s: wx}\n"
    (f,) = run(rule(conds % "after", "    when: c\n"), chat(SHOP))
    assert f.hit and {m.message_index for m in f.evidence} == {5}
    (f,) = run(rule(conds % "before", "    when: c\n"), chat(SHOP))
    assert not f.hit


def test_an_anchor_that_never_occurs_makes_its_condition_false() -> None:
    conds = "      qq: {keywords: [QQ]}\n      c: {keywords: [好评], after: qq}\n"
    (f,) = run(rule(conds, "    when: c\n"), chat(SHOP))
    assert not f.hit


def test_the_kth_occurrence() -> None:
    # 微信 in message 2 (加我 微信) and in message 4 (微信号): the 2nd is in message 4
    (f,) = run(rule("      c: {keywords: [微信], nth: 2}\n"), chat(SHOP))
    assert [m.message_index for m in f.evidence] == [4]
    (f,) = run(rule("      c: {keywords: [微信], nth: 3}\n"), chat(SHOP))
    assert not f.hit


def test_a_rule_for_some_channels_and_queues_only() -> None:
    extra = "    channels: [淘宝]\n    queues: [售后 组]\n"
    conds = "      c: {keywords: [好评]}\n"
    assert run(rule(conds, extra), chat(SHOP, channel="chat")) == []
    assert run(rule(conds, extra), chat(SHOP, channel="淘宝", queue="售前组")) == []
    (f,) = run(rule(conds, extra), chat(SHOP, channel="淘宝", queue="售后组"))
    assert f.hit  # queues are matched like names: spaces and width ignored
