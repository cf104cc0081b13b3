"""Each built-in pack on a sentence it is for and on the exception it names."""

from __future__ import annotations

import pytest
from rules_dialogues import chat, run


def rule(pack: str, role: str = "agent") -> str:
    return f"rules:\n  - id: r\n    conditions:\n      c: {{pack: {pack}, role: {role}}}\n"


@pytest.mark.parametrize(
    ("pack", "said", "found"),
    [
        ("taboo", "这个 我 不 清 楚，你自己查吧", ["我 不 清 楚", "你自己查"]),
        ("shirk", "这个不是我们负责的，你找快递吧", ["不是我们负责", "你找快递"]),
        (
            "offline_trade",
            "不用在平台下单，支付宝直接转我就行",
            ["不用在平台下单", "支付宝直接转我"],
        ),
        ("offsite_contact", "加我威信吧", ["加我威信"]),
        ("praise_request", "麻烦给个五星好评哦", ["给个五星好评"]),
        ("cashback", "好评晒图返5元红包", ["好评晒图返5元红包"]),
        # leftmost first: 我保证 (0-3) takes the place of the pattern 保证…退款 (1-11)
        ("promise", "我保证明天一定给您退款", ["我保证", "一定给您退"]),
    ],
)
def test_a_pack_finds_what_it_is_for(pack: str, said: str, found: list[str]) -> None:
    (f,) = run(rule(pack), chat([("customer", "在吗"), ("agent", said)]))
    assert [m.text for m in f.evidence] == found


@pytest.mark.parametrize(
    ("pack", "said"),
    [
        ("taboo", "急什么时候能到，我帮您查"),  # 急什么时候 is an exception of 急什么
        ("offsite_contact", "请在微信公众号里查看物流"),
        ("offsite_contact", "也可以添加QQ客服咨询"),  # the brand's own channel
        ("promise", "这个我们无法保证，需要以审核为准"),
        ("cashback", "返现金额以活动页面为准"),
    ],
)
def test_a_pack_leaves_its_exceptions_alone(pack: str, said: str) -> None:
    (f,) = run(rule(pack), chat([("agent", said)]))
    assert not f.hit


def test_customer_emotion_words() -> None:
    t = chat([("customer", "再不处理我就打12315投诉你们！"), ("customer", "我不投诉，就问问")])
    (f,) = run(rule("emotion", "customer"), t)
    # 12315 and 投诉 in message 0; 不投诉 is an exception
    assert [(m.message_index, m.text) for m in f.evidence] == [(0, "12315"), (0, "投诉")]
