"""QA on the web tests' organisation: three QA reviewers, seed 003's call rubric, and a month of
hand-written calls and chats imported as canonical files.

People (tests/web/conftest.py): A001, A002 in 一组 (sup1), B001 in 二组 (sup2); here q1, q2, q3
hold the ``qa`` role. Conversations of 2026-10 (our own words, typical of a hotline):

- K-A001-1: A001's model call (opening script, 感谢您的来电…再见, the customer hangs up).
- K-A001-2: A001's bad call: no opening, one 忌语 ("我不知道"), only 再见, the agent hangs up.
- W-A001-3: A001's chat: opening and closing scripts.
- K-A002-1: A002's call, scripts in place.
- W-A002-2: A002's chat with one 忌语 ("我不清楚").
- K-B001-1, W-B001-2: B001's call and chat.
- W-X999-1: a chat of X999, who is not in the organisation (skipped on import).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from appraise.web.qa import services as qs
from appraise.web.qa.models import Assignment, ImportBatch, Rubric, SamplingRun
from appraise.web.schemes.services import scheme_version_create

from ..conftest import People

ROOT = Path(__file__).resolve().parents[3]
S003_CALL_RUBRIC = ROOT / "schemes" / "seeds" / "s003-call-rubric.yaml"
PERIOD = "2026-10"

Line = tuple[str, str, int]  # sender, text, seconds after the start

MODEL_CALL: list[Line] = [
    ("agent", "您好！欢迎致电客服热线，9527号为您服务，请问有什么可以帮您？", 0),
    ("customer", "我想查一下这个月的话费，怎么扣了这么多？", 8),
    ("agent", "好的，请您稍等，我帮您查询一下。", 20),
    ("agent", "您本月开通了一个十元的视频彩铃包，所以比上月多了十元。", 50),
    ("customer", "哦，那帮我退订吧。", 58),
    ("agent", "已经为您退订，下个月生效。请问还有什么可以帮您？", 80),
    ("customer", "没有了，谢谢。", 88),
    ("agent", "感谢您的来电，祝您生活愉快，再见！", 92),
]
BAD_CALL: list[Line] = [
    ("agent", "喂，您说。", 0),
    ("customer", "我的宽带从昨天开始就上不了网了。", 6),
    ("agent", "这个我不知道，您打宽带专线问问吧。", 30),
    ("customer", "专线号码是多少？", 36),
    ("agent", "一零零八六转三。", 50),
    ("agent", "再见。", 55),
]
CHAT: list[Line] = [
    ("agent", "您好，很高兴为您服务～", 0),
    ("customer", "请问套餐可以改成低一点的吗", 20),
    ("agent", "可以的，下月一号生效，有问题随时找我。", 40),
    ("customer", "好的谢谢", 55),
    ("agent", "不客气，祝您生活愉快！", 60),
]
CHAT_TABOO: list[Line] = [
    ("agent", "您好，很高兴为您服务。", 0),
    ("customer", "我的快递三天了还没到，怎么回事？", 15),
    ("agent", "物流的事我不清楚，您等等吧。", 45),
    ("customer", "……", 50),
    ("agent", "祝您生活愉快。", 58),
]

# (id, agent, channel, queue, resolved, hung up by (calls), start, lines)
CONTACTS: list[tuple[str, str, str, str, bool, str | None, str, list[Line]]] = [
    ("K-A001-1", "A001", "phone", "热线", True, "customer", "2026-10-12 10:00:00", MODEL_CALL),
    ("K-A001-2", "A001", "phone", "热线", False, "agent", "2026-10-13 11:00:00", BAD_CALL),
    ("W-A001-3", "A001", "chat", "在线", True, None, "2026-10-14 09:30:00", CHAT),
    ("K-A002-1", "A002", "phone", "热线", True, "customer", "2026-10-12 14:00:00", MODEL_CALL),
    ("W-A002-2", "A002", "chat", "在线", False, None, "2026-10-15 16:00:00", CHAT_TABOO),
    ("K-B001-1", "B001", "phone", "热线", True, "customer", "2026-10-16 10:00:00", MODEL_CALL),
    ("W-B001-2", "B001", "chat", "在线", True, None, "2026-10-17 15:00:00", CHAT),
    ("W-X999-1", "X999", "chat", "在线", True, None, "2026-10-18 15:00:00", CHAT),
]


def next_month() -> list[tuple[str, str, str, str, bool, str | None, str, list[Line]]]:
    """The same contacts a month later, with their own ids (…-11): 2026-11 to import."""
    return [
        (f"{cid}-11", agent, ch, queue, res, hung, start.replace("2026-10", "2026-11"), lines)
        for cid, agent, ch, queue, res, hung, start, lines in CONTACTS
    ]


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def qa_files(
    contacts: Sequence[tuple[str, str, str, str, bool, str | None, str, list[Line]]] = CONTACTS,
) -> dict[str, bytes]:
    """Canonical conversations, messages and calls (local Shanghai times) for the contacts."""
    conversations: list[list[object]] = []
    messages: list[list[object]] = []
    calls: list[list[object]] = []
    for cid, agent, channel, queue, resolved, hung_up_by, start, lines in contacts:
        t0 = datetime.fromisoformat(start)
        end = t0 + timedelta(seconds=lines[-1][2])
        conversations.append(
            [cid, channel, agent, queue, start, end, "true" if resolved else "false", ""]
        )
        for seq, (sender, text, secs) in enumerate(lines, start=1):
            sent = t0 + timedelta(seconds=secs)
            messages.append([cid, sent, sender, agent if sender == "agent" else "", text, seq])
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


def qa_user(username: str) -> User:
    user = User.objects.create_user(username=username, password=None)
    user.groups.set(Group.objects.filter(name="qa"))
    return user


@dataclass
class Qa:
    people: People
    q1: User
    q2: User
    q3: User
    rubric: Rubric
    batch: ImportBatch

    def sample(
        self, per_agent: int = 15, seed: str = "7", reviewers: Sequence[User] = ()
    ) -> SamplingRun:
        return qs.sampling_run_create(
            period=PERIOD,
            by=self.people.hr,
            reviewers=list(reviewers) or [self.q1, self.q2],
            per_agent=per_agent,
            seed=seed,
        )

    def assignment(self, conversation_id: str) -> Assignment:
        return Assignment.objects.select_related("reviewer").get(
            conversation__conversation_id=conversation_id
        )

    def other_reviewer(self, user: User) -> User:
        """The second of q1 and q2 (q1 for q2, q2 for q1)."""
        return self.q2 if user.pk == self.q1.pk else self.q1


@pytest.fixture
def qa(people: People) -> Qa:
    q1, q2, q3 = qa_user("q1"), qa_user("q2"), qa_user("q3")
    version = scheme_version_create(
        by=people.hr,
        text=S003_CALL_RUBRIC.read_text(encoding="utf-8"),
        file="s003-call-rubric.yaml",
    )
    rubric = qs.rubric_create(scheme_version=version, by=people.hr, default=True)
    batch = qs.conversation_import(period=PERIOD, by=people.hr, files=qa_files())
    return Qa(people, q1, q2, q3, rubric, batch)


# Seed 003's call C002 (tests/seeds/test_s003_call_rubric.py), as a form: 12 + 6 + attitude 12
# capped at 8 by one 忌语 + 0 + 0 + 0 = 26 of 45.
C002 = {
    "expression": "12",
    "listening": "6",
    "attitude_rated": "12",
    "opening": "未用标准开场白",
    "closing": "只说再见",
    "hang_up": "先挂机",
}
# Every item at its best: 15 + 10 + 15 + 1 + 2 + 2 = 45.
PERFECT = {
    "expression": "15",
    "listening": "10",
    "attitude_rated": "15",
    "opening": "标准开场白",
    "closing": "完整结束语",
    "hang_up": "后挂机",
}
