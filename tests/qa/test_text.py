from __future__ import annotations

from appraise.qa.text import BOUNDARY, fold, fold_phrase, original_span, script_parts


def test_full_width_and_ascii_punctuation_fold_to_the_same_script_text() -> None:
    a = fold("您好！请问有什么可以帮您？", boundaries=False).text
    b = fold("您好!请问有什么可以帮您?", boundaries=False).text
    assert a == b == "您好请问有什么可以帮您"


def test_spaces_inside_a_phrase_are_removed() -> None:
    assert fold("我 不 知 道", boundaries=True).text == "我不知道"
    # the ideographic space U+3000 as well
    assert fold("我\u3000不知道", boundaries=True).text == "我不知道"


def test_punctuation_becomes_one_boundary_when_kept() -> None:
    f = fold("找我。不知道！！怎么办", boundaries=True)
    assert f.text == f"找我{BOUNDARY}不知道{BOUNDARY}怎么办"


def test_original_span_quotes_what_was_written() -> None:
    text = "这个我 不 知 道呀"
    f = fold(text, boundaries=True)
    k = f.text.find("我不知道")
    assert original_span(text, f, k, k + 4) == "我 不 知 道"


def test_script_gaps_split_parts() -> None:
    assert script_parts("您好…请问有什么可以帮您？") == ("您好", "请问有什么可以帮您")
    assert script_parts("您好!阔地网络,**为您服务") == ("您好阔地网络", "为您服务")
    assert fold_phrase("！！") == ""
