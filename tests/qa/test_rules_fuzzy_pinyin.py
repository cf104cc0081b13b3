"""Fuzzy (rapidfuzz partial ratio) and pinyin-tolerant phrase matching on ASR transcripts."""

from __future__ import annotations

from rules_dialogues import ASR_CALL, call, run

from appraise.qa.rules.engine import readings


def rule(cond: str) -> str:
    return f"rules:\n  - id: r\n    conditions:\n      c: {cond}\n"


def test_pinyin_finds_a_homophone_the_asr_wrote() -> None:
    # customer message 1 "…我要头诉": 头诉 tou su = 投诉 tou su
    (f,) = run(rule("{pinyin: [投诉], role: customer}"), call(ASR_CALL))
    assert [(m.message_index, m.text) for m in f.evidence] == [(1, "头诉")]


def test_exact_keywords_miss_what_pinyin_finds() -> None:
    (f,) = run(rule("{keywords: [投诉], role: customer}"), call(ASR_CALL))
    assert not f.hit


def test_pinyin_with_one_character_allowed_to_differ() -> None:
    # 不规我管 (bu gui wo guan) reads exactly as 不归我管; 为信 (wei xin) as 微信
    (f,) = run(rule("{pinyin: [不归我管, 加我微信]}"), call(ASR_CALL))
    assert [m.text for m in f.evidence] == ["不规我管", "加我为信"]
    # 推卸 (tui xie) vs "推来" (tui lai): one of two differs -> found only with max_diff 1
    (f,) = run(rule("{pinyin: {phrases: [推卸], max_diff: 0}, role: customer}"), call(ASR_CALL))
    assert not f.hit
    (f,) = run(rule("{pinyin: {phrases: [推卸], max_diff: 1}, role: customer}"), call(ASR_CALL))
    assert "推来" in [m.text for m in f.evidence]


def test_loose_pinyin_merges_southern_initials_and_nasal_finals() -> None:
    # every reading of a character counts (是 also reads ti in pypinyin's dictionary)
    assert "shi" in readings("是") and "si" not in readings("是")
    assert readings("是", True) & readings("四", True) == {"si"}
    assert "len" in readings("能", True) & readings("冷", True)  # neng / leng: n-l, -eng -en
    # "四" for "是" (si for shi) is a southern ASR error
    t = call([("agent", "这个四正常的", 0, 2)])
    (f,) = run(rule("{pinyin: {phrases: [是正常的], loose: true}}"), t)
    assert [m.text for m in f.evidence] == ["四正常的"]
    (f,) = run(rule("{pinyin: [是正常的]}"), t)
    assert not f.hit


def test_fuzzy_takes_one_wrong_character_in_four_at_score_75() -> None:
    # 不规我管 vs 不归我管: 3 of 4 characters in common, Indel ratio 2*3/(4+4) = 75
    (f,) = run(rule("{fuzzy: {phrases: [不归我管], min_score: 75}}"), call(ASR_CALL))
    assert [(m.message_index, m.text) for m in f.evidence] == [(2, "不规我管")]
    assert "75" in str(f.evidence[0].note)
    (f,) = run(rule("{fuzzy: {phrases: [不归我管], min_score: 76}}"), call(ASR_CALL))
    assert not f.hit


def test_fuzzy_phrases_from_a_pack() -> None:
    # taboo has 不归我管; the ASR's 不规我管 is found by the pack through fuzzy matching
    (f,) = run(rule("{fuzzy: {packs: [taboo]}}"), call(ASR_CALL))
    assert "不规我管" in [m.text for m in f.evidence]
