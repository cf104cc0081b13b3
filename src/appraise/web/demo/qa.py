"""The demo's quality assurance (质检): a month of monitored calls and chats of six agents (two per
team), seed 003's call rubric, a sample reviewed by two QA reviewers, disputes and a calibration.

The demo's generated events carry template texts, not real dialogue, so the conversations here
are written out (our own words, typical of a hotline): a model call, a call with a 服务忌语 where
the agent hangs up first, a good chat and a chat with a 忌语. Each demo agent gets three of them
in the last demo month, imported through the QA import (the automatic checks run on each), and:

- a sample of two per agent (seed 2026) shared between ``qa1`` and ``qa2``; eight of the twelve
  are reviewed (the rest wait in the reviewers' queues);
- the first agent with a bad call disputes its review (left open for a second reviewer); the
  second one's dispute is upheld by the other reviewer with 倾听与理解 raised to 9;
- a calibration session in which both reviewers scored the first two unsampled conversations.

Running the loader again finds the conversations and changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from appraise.web.org import roles
from appraise.web.org.models import Agent
from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation, Review, Rubric
from appraise.web.schemes.models import SchemeVersion

RUBRIC_SCHEME = "s003-call-rubric"
PREFIX = "DEMO-"
REVIEWERS = (("qa1", "质检员 王芳"), ("qa2", "质检员 刘洋"))
Log = Callable[[str], None]
NewUser = Callable[[str, str, str], User]

Line = tuple[str, str, int]  # sender, text, seconds after the start

MODEL_CALL: list[Line] = [
    ("agent", "您好！欢迎致电客服热线，工号1024为您服务，请问有什么可以帮您？", 0),
    ("customer", "我上周买的空气净化器一直显示滤网报警。", 9),
    ("agent", "好的，请您稍等，我帮您查询一下订单。", 20),
    ("agent", "您的滤网是首次安装，需要长按复位键五秒重置提醒。", 55),
    ("customer", "好的，我试一下……可以了。", 80),
    ("agent", "已经为您处理好了。请问还有什么可以帮您？", 90),
    ("customer", "没有了，谢谢。", 96),
    ("agent", "感谢您的来电，祝您生活愉快，再见！", 100),
]
BAD_CALL: list[Line] = [
    ("agent", "喂，您说。", 0),
    ("customer", "我的快递显示签收了，可是我没收到。", 6),
    ("agent", "这个我不知道，您去问快递公司吧。", 35),
    ("customer", "那你们能帮我查一下吗？", 42),
    ("agent", "查不了。", 60),
    ("agent", "再见。", 64),
]
CHAT: list[Line] = [
    ("agent", "您好，很高兴为您服务～", 0),
    ("customer", "请问这款耳机支持降噪吗", 18),
    ("agent", "支持的，开启后可降低约三十分贝环境噪音。", 40),
    ("customer", "好的谢谢", 52),
    ("agent", "不客气，祝您生活愉快！", 58),
]
CHAT_TABOO: list[Line] = [
    ("agent", "您好，很高兴为您服务。", 0),
    ("customer", "我申请的退款三天了还没到账", 15),
    ("agent", "退款的事我不清楚，您再等等。", 50),
    ("customer", "……", 60),
    ("agent", "祝您生活愉快。", 70),
]
# kind -> (channel, queue, resolved, hung up by, lines)
KINDS: dict[str, tuple[str, str, bool, str | None, list[Line]]] = {
    "model": ("phone", "热线", True, "customer", MODEL_CALL),
    "bad": ("phone", "热线", False, "agent", BAD_CALL),
    "chat": ("chat", "在线", True, None, CHAT),
    "taboo": ("chat", "在线", False, None, CHAT_TABOO),
}
# Two agents of a team share the four kinds; each has three contacts.
PLAN = (("model", "bad", "chat"), ("model", "taboo", "bad"))

# What a reviewer rates each kind on s003-call-rubric (the 忌语 cap comes from the checks).
RATINGS: dict[str, dict[str, str]] = {
    "model": {
        "expression": "14",
        "listening": "10",
        "attitude_rated": "14",
        "opening": "标准开场白",
        "closing": "完整结束语",
        "hang_up": "后挂机",
    },
    "bad": {
        "expression": "9",
        "listening": "6",
        "attitude_rated": "10",
        "opening": "未用标准开场白",
        "closing": "只说再见",
        "hang_up": "先挂机",
    },
    "chat": {
        "expression": "13",
        "listening": "9",
        "attitude_rated": "14",
        "opening": "标准开场白",
        "closing": "简短结束语",
        "hang_up": "不适用",
    },
    "taboo": {
        "expression": "10",
        "listening": "7",
        "attitude_rated": "11",
        "opening": "标准开场白",
        "closing": "简短结束语",
        "hang_up": "不适用",
    },
}


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _files(contacts: Sequence[tuple[str, str, str, datetime]]) -> dict[str, bytes]:
    """Canonical conversations, messages and calls for (id, agent, kind, local start)."""
    conversations: list[list[object]] = []
    messages: list[list[object]] = []
    calls: list[list[object]] = []
    for cid, agent, kind, t0 in contacts:
        channel, queue, resolved, hung_up_by, lines = KINDS[kind]
        end = t0 + timedelta(seconds=lines[-1][2])
        conversations.append([cid, channel, agent, queue, t0, end, str(resolved).lower(), ""])
        for seq, (sender, text, secs) in enumerate(lines, start=1):
            who = agent if sender == "agent" else ""
            messages.append([cid, t0 + timedelta(seconds=secs), sender, who, text, seq])
        if hung_up_by:
            calls.append([cid, agent, queue, t0, t0, end, "false", hung_up_by])
    return {
        "conversations.csv": _csv(
            (
                "conversation_id",
                "channel",
                "agent_id",
                "queue",
                "started_at",
                "ended_at",
                "resolved",
                "transferred_to",
            ),
            conversations,
        ),
        "messages.csv": _csv(
            ("conversation_id", "sent_at", "sender", "agent_id", "text", "seq"), messages
        ),
        "calls.csv": _csv(
            (
                "call_id",
                "agent_id",
                "queue",
                "offered_at",
                "answered_at",
                "ended_at",
                "abandoned",
                "hung_up_by",
            ),
            calls,
        ),
    }


def _demo_agents(agents: Mapping[str, Agent]) -> list[Agent]:
    """The first two agents (by id) of each team."""
    by_team: dict[str, list[Agent]] = {}
    for agent_id in sorted(agents):
        a = agents[agent_id]
        by_team.setdefault(a.team.name if a.team else "", []).append(a)
    return [a for team in sorted(by_team) for a in by_team[team][:2]]


# The checks that mirror an item of seed 003's call rubric, and the agreement with the reviewers
# they need before a scheme may read their metrics (docs/qa.md, Agreement with the reviewers).
DEMO_CONFIG = """\
agreement:
  require: {kappa: 0.6, min_pairs: 5}
  checks:
    opening: {mirrors: {item: opening}}
    closing: {mirrors: {item: closing}}
    hangup: {mirrors: {item: hang_up}}
"""


def load_qa_demo(
    *,
    hr: User,
    agents: Mapping[str, Agent],
    users: Mapping[str, User],
    new_user: NewUser,
    period: str,
    log: Log,
) -> None:
    """Load the demo's QA month (see the module docstring); nothing when it is there."""
    if Conversation.objects.filter(conversation_id__startswith=PREFIX).exists():
        log("  " + _("QA demo already there"))
        return
    version = SchemeVersion.objects.filter(scheme_id=RUBRIC_SCHEME).order_by("-version").first()
    if version is None:
        log("  " + _("QA demo skipped: no %(scheme)s scheme") % {"scheme": RUBRIC_SCHEME})
        return
    reviewers = [new_user(name, roles.QA, full) for name, full in REVIEWERS]
    rubric = Rubric.objects.filter(scheme_version=version).first() or qs.rubric_create(
        scheme_version=version, by=hr, seats=["热线", "在线"], default=True
    )
    chosen = _demo_agents(agents)
    year, month = (int(x) for x in period.split("-"))
    contacts: list[tuple[str, str, str, datetime]] = []
    kind_of: dict[str, str] = {}
    for i, agent in enumerate(chosen):
        for j, kind in enumerate(PLAN[i % 2]):
            cid = f"{PREFIX}{agent.agent_id}-{j + 1}"
            kind_of[cid] = kind
            day = 3 + (i * 3 + j * 7) % 24
            contacts.append((cid, agent.agent_id, kind, datetime(year, month, day, 9 + j * 2, 15)))
    qs.conversation_import(period=period, by=hr, files=_files(contacts), config_text=DEMO_CONFIG)
    run = qs.sampling_run_create(
        period=period, by=hr, reviewers=reviewers, per_agent=2, seed="2026"
    )
    assignments = list(
        run.assignments.select_related("conversation__agent", "reviewer").order_by(
            "conversation__conversation_id"
        )
    )
    reviewed: list[Review] = []
    for a in assignments[:8]:
        kind = kind_of[a.conversation.conversation_id]
        reviewed.append(
            qs.review_submit(assignment=a, by=a.reviewer, ratings=RATINGS[kind], comment="")
        )
    bad = [r for r in reviewed if kind_of[r.conversation.conversation_id] == "bad"]
    for n, review in enumerate(bad[:2]):
        agent_user = users.get(review.agent.agent_id)
        if agent_user is None:
            continue
        d = qs.dispute_open(
            review=review,
            by=agent_user,
            reason="客户情绪激动，我已说明需联系快递公司，倾听环节没有问题",
        )
        if n == 1:
            second = next(u for u in reviewers if u.pk != review.reviewer_id)
            qs.dispute_decide(
                dispute=d,
                by=second,
                decision="uphold",
                note="录音中客服确认了客户诉求，倾听与理解给 9 分",
                ratings={**review.ratings, "listening": "9"},
            )
    sampled = {a.conversation_id for a in assignments}
    spare = list(
        Conversation.objects.filter(conversation_id__startswith=PREFIX)
        .exclude(pk__in=sampled)
        .order_by("conversation_id")[:2]
    )
    if len(spare) == 2:
        session = qs.calibration_create(
            name=f"{period} 质检校准",
            rubric=rubric,
            conversations=spare,
            reviewers=reviewers,
            by=hr,
        )
        for who, shift in zip(reviewers, (0, -2), strict=True):
            for c in spare:
                ratings = dict(RATINGS[kind_of[c.conversation_id]])
                ratings["expression"] = str(int(ratings["expression"]) + shift)
                qs.calibration_review_submit(
                    session=session, conversation=c, by=who, ratings=ratings
                )
    log(
        "  "
        + _(
            "QA: %(conversations)d conversations of %(agents)d agents, %(sampled)d sampled, "
            "%(reviewed)d reviewed by qa1 / qa2 (password as the others)"
        )
        % {
            "conversations": len(contacts),
            "agents": len(chosen),
            "sampled": len(assignments),
            "reviewed": len(reviewed),
        }
    )
