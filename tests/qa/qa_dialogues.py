"""Hand-written 客服 dialogues for the QA tests (our own words, typical of a telecom hotline).

Each is a list of (sender, text, seconds after the start). The comments say what a careful
inspector finds in each, which is what the tests expect the automatic checks to find.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from appraise.qa.checks import Message, Transcript

T0 = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday

Line = tuple[str, str, int]

# A model call: full-width punctuation, the opening with the agent's number in the gap, the
# full closing. Nothing to find.
MODEL: list[Line] = [
    ("agent", "您好！欢迎致电移动客服，9527号为您服务，请问有什么可以帮您？", 0),
    ("customer", "我想查一下这个月的话费，怎么扣了这么多？", 10),
    ("agent", "好的，请您稍等，我帮您查询一下。", 25),
    ("agent", "您本月开通了一个十元的视频彩铃包，所以比上月多了十元。", 70),
    ("customer", "哦，那帮我退订吧。", 80),
    ("agent", "已经为您退订，下个月生效。请问还有什么可以帮您？", 110),
    ("customer", "没有了，谢谢。", 120),
    ("agent", "感谢您的来电，祝您生活愉快，再见！", 125),
]

# A bad call: no greeting, three 忌语 (我不清楚 and 不归我管 in one message, 我不知道 typed with
# spaces), two slow replies (150 s and 300 s), one long silence (the 300 s), and only "再见" at
# the end, which the default closing list accepts.
BAD: list[Line] = [
    ("agent", "喂，说吧。", 0),
    ("customer", "我的宽带从昨天开始就上不了网了。", 5),
    ("agent", "这个我不清楚，宽带不归我管。", 155),
    ("customer", "那我应该找谁？", 160),
    ("agent", "我 不 知 道，你打宽带专线吧。", 460),
    ("customer", "……好吧。", 470),
    ("agent", "再见。", 475),
]

# A chat that ends without any closing and whose agent says a harmless sentence that a naive
# matcher reads as 我不知道 across the full stop ("找我。不知道…").
NO_CLOSING: list[Line] = [
    ("agent", "您好，很高兴为您服务~", 0),
    ("customer", "请问套餐可以改成低一点的吗", 20),
    ("agent", "可以的，下月一号生效，有问题随时找我。不知道怎么操作的话可以回复1。", 40),
    ("customer", "好", 50),
]


def transcript(
    lines: list[Line],
    cid: str = "C1",
    agent: str | None = "A001",
    *,
    timed: bool = True,
    **kw: object,
) -> Transcript:
    msgs = tuple(
        Message(
            "agent" if s == "agent" else "customer",
            text,
            T0 + timedelta(seconds=sec) if timed else None,
        )
        for s, text, sec in lines
    )
    return Transcript(cid, agent, msgs, **kw)  # type: ignore[arg-type]
