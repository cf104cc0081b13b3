"""The regex operator: patterns on half-width, lower-cased text, with exclusions."""

from __future__ import annotations

from rules_dialogues import SHOP, chat, run


def rule(cond: str) -> str:
    return f"rules:\n  - id: r\n    conditions:\n      c: {cond}\n"


def test_a_pattern_finds_a_cash_amount_written_full_width() -> None:
    t = chat([("agent", "好评后返现５元，截图发我")])
    (f,) = run(rule(r"{regex: '返现\s*\d+\s*元'}"), t)
    # "５" is matched as "5" on the half-width copy; the evidence quotes the full-width original
    assert [(m.start, m.end, m.text) for m in f.evidence] == [(3, 7, "返现５元")]


def test_letters_are_matched_lower_case() -> None:
    t = chat([("agent", "可以加我 VX：Shop_2026 联系")])
    (f,) = run(rule(r"{regex: 'vx\s*[:：]\s*[a-z0-9_]+'}"), t)
    assert [m.text for m in f.evidence] == ["VX：Shop_2026"]


def test_a_hit_overlapping_an_exclusion_is_dropped() -> None:
    # SHOP message 4 has 微信号 abc_shop88; 官方微信 texts are excluded, this one is not
    (f,) = run(rule("{regex: {patterns: ['微信号?'], exclude: ['官方微信']}}"), chat(SHOP))
    assert [(m.message_index, m.text) for m in f.evidence] == [(2, "微信"), (4, "微信号")]
    t = chat([("agent", "请关注官方微信获取物流信息")])
    (f,) = run(rule("{regex: {patterns: ['微信号?'], exclude: ['官方微信']}}"), t)
    assert not f.hit


def test_several_patterns_at_one_place_count_once() -> None:
    t = chat([("agent", "转账给我就行")])
    (f,) = run(rule("{regex: ['转账给我', '转账']}"), t)
    assert [(m.start, m.end) for m in f.evidence] == [(0, 4)] and f.occurrences == 1
