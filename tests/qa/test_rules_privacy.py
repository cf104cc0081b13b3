"""Personal data: mobile numbers, ID numbers by check digit, bank cards by Luhn, addresses;
always masked in the evidence."""

from __future__ import annotations

from rules_dialogues import chat, ruleset, run

from appraise.qa.rules.privacy import id_check_ok, luhn_ok

RULE = (
    "rules:\n  - id: leak\n    conditions:\n      c: {pii: [mobile, id_card, bank_card, address]}\n"
)

# GB 11643's example: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over 11010519491231002 sum to
# 167, 167 mod 11 = 2, and "10X98765432"[2] = X.
GOOD_ID = "11010519491231002X"
# Luhn over 6228480012345671 from the right: undoubled 1+6+4+2+0+8+8+2 = 31, doubled
# 7,5,3,1,0,4,2,6 -> 5+1+6+2+0+8+4+3 = 29; 60 is a multiple of 10.
GOOD_CARD = "6228480012345671"


def test_the_check_digits() -> None:
    assert id_check_ok(GOOD_ID) and id_check_ok(GOOD_ID.lower())
    assert not id_check_ok("110105194912310021")  # wrong check character
    assert not id_check_ok("110105194913310028")  # month 13
    assert luhn_ok(GOOD_CARD) and not luhn_ok("6228480012345672")


def test_each_kind_is_found_and_masked() -> None:
    t = chat(
        [
            ("customer", "我的手机号是13812345678"),
            (
                "agent",
                f"好的，跟您核对一下：手机 138 1234 5678，身份证{GOOD_ID}，"
                f"卡号{GOOD_CARD[:4]} {GOOD_CARD[4:8]} {GOOD_CARD[8:12]} {GOOD_CARD[12:]}，"
                "地址上海市浦东新区张江路88号",
            ),
        ]
    )
    (f,) = run(RULE, t)
    assert [(m.message_index, m.text) for m in f.evidence] == [
        (1, "138 **** 5678"),
        (1, "1101**********002X"),
        (1, "6228 **** **** 5671"),
        (1, "上海市浦********"),  # 上海市浦东新区张江路88号: the first 4 kept, at most 8 stars
    ]
    assert "13812345678" not in str(f.as_dict())


def test_numbers_that_fail_their_check_are_not_personal_data() -> None:
    t = chat([("agent", "订单号110105194912310021，流水号6228480012345672，工号12345678901")])
    (f,) = run(RULE, t)
    # the 11-digit 工号 starts with 12: not a mobile prefix (13-19)
    assert not f.hit


def test_full_width_digits_are_found_and_the_whole_message_can_be_masked() -> None:
    t = chat([("agent", "您的号码１３９００００１１１１已登记")])
    (f,) = run(RULE, t)
    assert [m.text for m in f.evidence] == ["１３９****１１１１"]  # masked as written
    assert (
        ruleset(RULE).mask("您的号码１３９００００１１１１已登记")
        == "您的号码１３９****１１１１已登记"
    )
