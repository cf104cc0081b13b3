"""Hand-written 客服 dialogues for the rule-language tests (our own words).

They carry the quirks of real exports: full-width and ASCII punctuation mixed, spaces inside
words, emoticons, an ASR transcript of a call with homophones (头诉 for 投诉, 为信 for 微信) and
sentence end times. ``run`` evaluates a QA config's rules on transcripts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from appraise.qa.checks import Message, Transcript
from appraise.qa.config import parse_qa_config
from appraise.qa.rules.engine import RuleFinding, RuleSet, build_ruleset, run_rules

T0 = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def chat(
    lines: list[tuple[str, str]], cid: str = "C1", agent: str = "A001", **kw: object
) -> Transcript:
    """An untimed chat: (sender, text)."""
    msgs = tuple(Message("agent" if s == "agent" else "customer", t) for s, t in lines)
    return Transcript(cid, agent, msgs, **kw)  # type: ignore[arg-type]


def call(
    lines: list[tuple[str, str, float, float | None]],
    cid: str = "K1",
    agent: str = "A001",
    **kw: object,
) -> Transcript:
    """A transcribed call: (sender, text, start s, end s or None)."""
    msgs = tuple(
        Message(
            "agent" if s == "agent" else "customer",
            t,
            T0 + timedelta(seconds=a),
            None,
            None if b is None else T0 + timedelta(seconds=b),
        )
        for s, t, a, b in lines
    )
    return Transcript(cid, agent, msgs, is_call=True, started_at=T0, **kw)  # type: ignore[arg-type]


def ruleset(yaml_text: str) -> RuleSet:
    cfg, _ = parse_qa_config(yaml_text, "qa.yaml")
    return build_ruleset(cfg)


def run(yaml_text: str, *transcripts: Transcript) -> list[RuleFinding]:
    return run_rules(transcripts, ruleset(yaml_text))


def hit_texts(f: RuleFinding) -> list[str]:
    return [m.text for m in f.evidence]


# A shop chat: the agent pushes the customer off the platform and asks for a good review.
SHOP = [
    ("customer", "你好，我买的耳机左边没声音了"),
    ("agent", "亲，您好！很高兴为您服务~"),
    ("agent", "这个问题您可以 加我 微信 ，我私下给您换一个哈"),
    ("customer", "平台上不能换吗？"),
    ("agent", "平台流程太慢了，微信号 abc_shop88 ，直接发我就行"),
    ("agent", "处理好了记得给个五星好评哦！好评返现5元~"),
]

# A hotline call as an ASR engine wrote it: no punctuation, spaces between phrases, homophones
# (头诉 = 投诉, 为信 = 微信, 不规我管 = 不归我管), and the agent cutting in at 14.0 s while the
# customer speaks until 15.5 s (1.5 s of 抢话).
ASR_CALL = [
    ("agent", "您好 很高兴为您服务", 0.0, 2.0),
    ("customer", "我上个月的话费多扣了五十块钱 我要头诉", 3.0, 9.0),
    ("agent", "这个不规我管 你找营业厅吧", 10.0, 12.0),
    ("customer", "你们怎么都这样推来推去的 我都打了三次了", 12.5, 15.5),
    ("agent", "你加我为信 我帮你看看", 14.0, 16.0),
    ("customer", "算了", 40.0, 41.0),
]
