"""Similar-utterance matching (character-bigram Dice) and repeated agent sentences."""

from __future__ import annotations

from rules_dialogues import chat, run

from appraise.qa.rules.engine import similarity


def rule(cond: str) -> str:
    return f"rules:\n  - id: r\n    conditions:\n      c: {cond}\n"


def test_similarity_is_the_dice_coefficient_of_character_bigrams() -> None:
    # 您稍等 -> {您稍, 稍等}; 请您稍等 -> {请您, 您稍, 稍等}: 2*2/(2+3) = 0.8
    assert similarity("您稍等", "请您稍等") == 0.8
    assert similarity("好的", "好的") == 1.0
    assert similarity("好的", "不行") == 0.0


def test_a_sentence_like_an_example_is_found_with_its_score() -> None:
    t = chat(
        [
            ("customer", "我的快递三天了还没到"),
            ("agent", "这个你自己去问快递公司吧，我们管不着。"),
        ]
    )
    # sentence 1 "这个你自己去问快递公司吧" vs the example "你自己去问快递吧":
    # bigrams 11 and 7, in common 你自 自己 己去 去问 问快 快递 = 6 -> 2*6/18 = 0.67
    cfg = "{similar: {examples: [你自己去问快递吧, 这不归我们管], min: 0.6}}"
    (f,) = run(rule(cfg), t)
    assert [(m.message_index, m.start, m.end, m.text) for m in f.evidence] == [
        (1, 0, 12, "这个你自己去问快递公司吧")
    ]
    assert "0.67" in str(f.evidence[0].note)
    (f,) = run(rule("{similar: {examples: [你自己去问快递吧], min: 0.7}}"), t)
    assert not f.hit


def test_the_same_agent_sentence_again_within_three_sentences_is_a_repeat() -> None:
    t = chat(
        [
            ("agent", "麻烦您提供一下订单号。"),
            ("customer", "在哪里看"),
            ("agent", "在我的订单里可以看到。麻烦您提供一下订单号！"),
            ("agent", "好的"),
            ("agent", "好的"),
        ]
    )
    # agent sentences: 0 麻烦您提供一下订单号, 1 在我的订单里可以看到, 2 麻烦您提供一下订单号, 3 好的, 4 好的
    # 2 repeats 0 (two sentences back); 好的 is shorter than min_chars 4
    (f,) = run(rule("{repeat: {within: 3}}"), t)
    assert [(m.message_index, m.start, m.text) for m in f.evidence] == [
        (2, 11, "麻烦您提供一下订单号")
    ]
    (f,) = run(rule("{repeat: {within: 1}}"), t)
    assert not f.hit


def test_ignored_sentences_and_near_repeats() -> None:
    t = chat([("agent", "请问还有其他可以帮您的吗？"), ("agent", "请问还有其他可以帮您的吗？")])
    (f,) = run(rule("{repeat: {ignore: [还有其他]}}"), t)
    assert not f.hit
    # 请您耐心等待一下 vs 请您耐心等待: bigrams 7 and 5, 5 in common -> 2*5/12 = 0.83
    t = chat([("agent", "请您耐心等待一下"), ("agent", "请您耐心等待")])
    (f,) = run(rule("{repeat: {min_similarity: 0.8}}"), t)
    assert [m.text for m in f.evidence] == ["请您耐心等待"]
    (f,) = run(rule("{repeat: {}}"), t)
    assert not f.hit
