"""Keyword and pack operators: any / all / at least N / none, exclusions, Chinese folding."""

from __future__ import annotations

from rules_dialogues import SHOP, chat, hit_texts, run


def rule(cond: str) -> str:
    return f"rules:\n  - id: r\n    conditions:\n      c: {cond}\n"


def test_any_keyword_matches_across_spaces_and_quotes_what_was_written() -> None:
    (f,) = run(rule("{keywords: [加我微信, 私下]}"), chat(SHOP))
    # message 2 "这个问题您可以 加我 微信 ，我私下给您换一个哈": 加我微信 at 8-13 (a space at 7, 10), 私下 at 16
    assert f.hit
    assert [(m.message_index, m.start, m.end, m.text) for m in f.evidence] == [
        (2, 8, 13, "加我 微信"),
        (2, 16, 18, "私下"),
    ]
    assert f.occurrences == 2


def test_a_keyword_never_spans_a_sentence_boundary() -> None:
    # "您好！很高兴为您服务~": 您好很高兴 would need to cross the ！
    (f,) = run(rule("{keywords: [您好很高兴]}"), chat(SHOP))
    assert not f.hit
    (f,) = run(rule("{keywords: [很高兴为您服务]}"), chat(SHOP))
    assert hit_texts(f) == ["很高兴为您服务"]


def test_all_needs_every_keyword_somewhere_in_scope() -> None:
    (f,) = run(rule("{keywords: {all: [私下, 好评]}}"), chat(SHOP))
    assert f.hit and hit_texts(f) == ["私下", "好评", "好评"]  # 五星好评 and 好评返现
    (f,) = run(rule("{keywords: {all: [私下, 退款]}}"), chat(SHOP))
    assert not f.hit and f.evidence == ()


def test_at_least_counts_distinct_keywords() -> None:
    # of 私下, 好评, 退款 the agent said two
    (f,) = run(rule("{keywords: {at_least: 2, of: [私下, 好评, 退款]}}"), chat(SHOP))
    assert f.hit
    (f,) = run(rule("{keywords: {at_least: 3, of: [私下, 好评, 退款]}}"), chat(SHOP))
    assert not f.hit


def test_none_is_true_when_no_keyword_is_said() -> None:
    (f,) = run(rule("{keywords: {none: [感谢您的耐心]}}"), chat(SHOP))
    assert f.hit and f.evidence == () and f.occurrences == 1
    (f,) = run(rule("{keywords: {none: [您好]}, first: 1}"), chat(SHOP))
    assert not f.hit


def test_an_exclusion_keeps_the_keyword_out_only_where_it_is_part_of_the_exception() -> None:
    # "处理好了记得给个五星好评哦！好评返现5元~": the 好评 of 五星好评 (10-12) is excused, 好评返现 (14-16) is not
    (f,) = run(rule("{keywords: {any: [好评], exclude: [五星好评]}}"), chat(SHOP))
    assert [(m.message_index, m.start, m.end) for m in f.evidence] == [(5, 14, 16)]


def test_customer_keywords_need_the_customer_role() -> None:
    (f,) = run(rule("{keywords: [平台上不能换]}"), chat(SHOP))
    assert not f.hit  # the default role is the agent
    (f,) = run(rule("{keywords: [平台上不能换], role: customer}"), chat(SHOP))
    assert [m.message_index for m in f.evidence] == [3]


def test_pack_phrases_and_patterns_count_once_where_they_overlap() -> None:
    (f,) = run(rule("{pack: offsite_contact}"), chat(SHOP))
    # message 2: phrase 加我微信 and the 加…微信 pattern both cover 8-13 -> one hit;
    # message 4: phrase 微信号 (8-11) inside the pattern's 微信号 abc_shop88 (8-22) -> the longer
    assert [(m.message_index, m.start, m.end, m.text) for m in f.evidence] == [
        (2, 8, 13, "加我 微信"),
        (4, 8, 22, "微信号 abc_shop88"),
    ]
