"""The rules measured like the checks in the web (issue 15): the import keeps every computable
rule's verdict, the figures page, the API, the QA gate and a scheme's ``min_agreement`` see a
rule mirrored on a rubric item, and a cycle reads the rules' metrics (``autoqa_*``).

The month (conftest) and two rules of our own:

- ``no_greeting`` (未问候, 严重, 2 points): the agent's first message lacks 您好. By hand: the
  model call and the chats open with 您好; K-A001-2 opens "喂，您说。": it hits K-A001-2 only.
- ``taboo`` (服务忌语, 红线, 5 points): 不知道 or 不清楚 said by the agent: K-A001-2 ("这个我不
  知道") and W-A002-2 ("物流的事我不清楚").

Both need no times, so both are computable on each of the 7 conversations imported.

The reviews are test_agreement.py's four calls; ``no_greeting`` mirrored on 开场白:

- K-A001-1: no hit, PERFECT (标准开场白): tn
- K-A001-2: hit, C002 (未用标准开场白): tp
- K-A002-1: no hit, NO_OPENING (未用标准开场白): fn
- K-B001-1: no hit, PERFECT: tn

tp 1, fp 0, fn 1, tn 2 (n = 4), and the three chats unreviewed (unmatched 3):
precision 1 / (1 + 0) = 1, recall 1 / (1 + 1) = 0.5, po = (1 + 2) / 4 = 0.75,
pe = ((1 + 0)(1 + 1) + (1 + 2)(0 + 2)) / 16 = (2 + 6) / 16 = 0.5, κ = (0.75 − 0.5) / 0.5 = 0.5.
"""

from __future__ import annotations

from django.test import Client

from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation

from .conftest import C002, PERFECT, PERIOD, Qa, next_month, qa_files
from .test_agreement import NO_OPENING

RULES = """
rules:
  - id: no_greeting
    name: 未问候
    severity: 严重
    points: 2
    conditions:
      said: {keywords: {none: [您好]}, first: 1}
  - id: taboo
    name: 服务忌语
    severity: 红线
    points: 5
    conditions:
      said: {keywords: [不知道, 不清楚]}
agreement:
  checks:
    no_greeting: {mirrors: {item: 开场白}REQUIRE}
"""
AGENTS = {"A001", "A002", "B001"}


def config(require: str = "") -> str:
    """The rules, ``no_greeting`` mirrored on 开场白 and, given, what the QA config requires."""
    return RULES.replace("REQUIRE", f", require: {{{require}}}" if require else "")


def signed_in(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _reviewed(qa: Qa, require: str = "") -> None:
    """The fixture imported the month without rules; importing it again with them gives its
    conversations their rule verdicts (they had none). Then the four calls are reviewed."""
    qs.conversation_import(
        period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=config(require)
    )
    qa.sample(reviewers=[qa.q1])
    for cid, ratings in (
        ("K-A001-1", PERFECT),
        ("K-A001-2", C002),
        ("K-A002-1", NO_OPENING),
        ("K-B001-1", PERFECT),
    ):
        qs.review_submit(assignment=qa.assignment(cid), by=qa.q1, ratings=ratings)


def _verdicts(period: str) -> dict[str, dict[str, bool]]:
    return dict(
        Conversation.objects.filter(period=period).values_list("conversation_id", "rule_verdicts")
    )


def test_the_import_keeps_the_verdict_of_every_computable_rule(qa: Qa) -> None:
    # A fresh month: every conversation gets both rules' verdicts, the hits their findings.
    qs.conversation_import(
        period="2026-11", by=qa.people.hr, files=qa_files(next_month()), config_text=config()
    )
    got = _verdicts("2026-11")
    assert got["K-A001-1-11"] == {"no_greeting": False, "taboo": False}
    assert got["K-A001-2-11"] == {"no_greeting": True, "taboo": True}
    assert got["W-A002-2-11"] == {"no_greeting": False, "taboo": True}
    assert len(got) == 7  # X999's chat is skipped
    bad = Conversation.objects.get(conversation_id="K-A001-2-11")
    assert sorted(f["rule"] for f in bad.rule_findings) == ["no_greeting", "taboo"]
    # The call's start (2026-11-13 11:00 Shanghai), which orders an escalation.
    assert {f["started_at"] for f in bad.rule_findings} == {"2026-11-13T03:00:00+00:00"}


def test_a_reimport_gives_verdicts_only_to_conversations_without_them(qa: Qa) -> None:
    # The fixture's import had no rules: no verdicts, as a conversation imported before they
    # were kept.
    assert set(map(len, _verdicts(PERIOD).values())) == {0}
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=config())
    assert _verdicts(PERIOD)["K-A001-2"] == {"no_greeting": True, "taboo": True}
    # Another config later (a rule hitting every conversation) changes nothing kept.
    every = "rules:\n  - id: anything\n    conditions:\n      said: {messages: {at_least: 1}}\n"
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=every)
    assert _verdicts(PERIOD)["K-A001-2"] == {"no_greeting": True, "taboo": True}
