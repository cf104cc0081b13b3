from __future__ import annotations

import pytest

from appraise.inputs import normalize_name


@pytest.mark.parametrize(
    ("written", "in_scheme"),
    [
        # The seed writes this name with a half-width comma; a manager types the full-width one
        # and a space after the item number.
        ("2. 耐心细心，以客户利益为先", "2.耐心细心,以客户利益为先"),
        # The seed's ideographic comma, against a half-width comma and an ideographic space.
        ("1.礼貌得体、语言流畅", "1.\u3000礼貌得体,语言流畅"),
        ("1.礼貌得体、语言流畅", "1. 礼貌得体，语言流畅"),
        # Full-width letters, digits and brackets fold to ASCII; case does not matter.
        ("ＣＳＡＴ（满意度）", "csat(满意度)"),
        ("客户满意度≥９０％", "客户满意度≥90%"),
        ("3.客户投诉率：月度", "3.客户投诉率:月度"),
        ("“首次解决率”", '"首次解决率"'),
        ("平均响应时间—秒", "平均响应时间-秒"),
        ("【加分项】", "[加分项]"),
        ("问题解决率。", "问题解决率."),
        # Line breaks and tabs inside a header cell copied from Word.
        ("工单处理\n速度", "工单处理速度"),
        ("\ufeff响应速度\u200b", "响应速度"),
    ],
)
def test_spellings_a_person_reads_as_one_name_compare_equal(written: str, in_scheme: str) -> None:
    assert normalize_name(written) == normalize_name(in_scheme)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # The item number is part of the name.
        ("1.礼貌得体、语言流畅", "礼貌得体、语言流畅"),
        ("1.业务熟练度", "2.业务熟练度"),
        # A comma and a full stop are different marks.
        ("礼貌得体,语言流畅", "礼貌得体.语言流畅"),
        ("响应速度", "响应时间"),
    ],
)
def test_different_names_stay_different(one: str, other: str) -> None:
    assert normalize_name(one) != normalize_name(other)


def test_the_key_is_ascii_punctuation_without_spaces_in_lower_case() -> None:
    assert normalize_name(" 2. 耐心细心，以客户利益为先 ") == "2.耐心细心,以客户利益为先"
    assert normalize_name("First Contact  Resolution") == "firstcontactresolution"
