"""Reading the contacts of a period from the event store, for checks and sampling."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from appraise.metrics.calendar import period_bounds
from appraise.metrics.config import CenterConfig
from appraise.periods import Period
from appraise.qa.checks import Message, Transcript


@dataclass(frozen=True, slots=True)
class Contact:
    """A conversation or answered call of the period, as sampling sees it.

    ``outcome`` is ``transferred`` (``transferred_to`` set), else ``resolved`` or
    ``not_resolved``; an answered call from the ``calls`` table records no resolution and is
    ``unknown``. A call's ``channel`` is ``phone``.
    """

    conversation_id: str
    agent_id: str | None
    channel: str | None
    queue: str | None
    outcome: str
    is_call: bool
    transferred_to: str | None = None
    started_at: datetime | None = None


def _tables(conn: Any) -> set[str]:
    rows = conn.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {str(r[0]) for r in rows}


def _has_column(conn: Any, table: str, column: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    return bool(row and row[0])


def _utc(v: datetime | None) -> datetime | None:
    # Timestamps are fetched as naive UTC (the store session runs in UTC; see store.py).
    return None if v is None else v.replace(tzinfo=UTC)


def load_contacts(
    conn: Any, period: Period | None, center: CenterConfig | None = None
) -> list[Contact]:
    """Conversations started and calls answered in ``period`` (every one with None), by id.

    A call whose ``call_id`` is also a conversation's id is that conversation (its transcript),
    not a second contact.
    """
    center = center or CenterConfig()
    tables = _tables(conn)
    out: dict[str, Contact] = {}
    if period is None:
        params: list[datetime] = []
        conv_when = call_when = ""
    else:
        start, end = period_bounds(period, center)
        params = [start.replace(tzinfo=None), end.replace(tzinfo=None)]
        conv_when = "WHERE CAST(started_at AS TIMESTAMP) >= ? AND CAST(started_at AS TIMESTAMP) < ?"
        call_when = "CAST(offered_at AS TIMESTAMP) >= ? AND CAST(offered_at AS TIMESTAMP) < ? AND"
    if "conversations" in tables:
        rows = conn.execute(
            "SELECT conversation_id, agent_id, channel, queue, resolved, transferred_to, "
            f"CAST(started_at AS TIMESTAMP) FROM conversations {conv_when}",
            params,
        ).fetchall()
        for cid, agent, channel, queue, resolved, transferred, started in rows:
            outcome = "transferred" if transferred else "resolved" if resolved else "not_resolved"
            out[cid] = Contact(
                cid, agent, channel, queue, outcome, False, transferred, _utc(started)
            )
    if "calls" in tables:
        rows = conn.execute(
            "SELECT call_id, agent_id, queue, CAST(offered_at AS TIMESTAMP) FROM calls "
            f"WHERE {call_when} answered_at IS NOT NULL AND NOT coalesce(abandoned, false)",
            params,
        ).fetchall()
        for cid, agent, queue, offered in rows:
            if cid not in out:
                out[cid] = Contact(
                    cid, agent, "phone", queue, "unknown", True, started_at=_utc(offered)
                )
    return [out[k] for k in sorted(out)]


def load_transcripts(
    conn: Any, period: Period | None, center: CenterConfig | None = None
) -> list[Transcript]:
    """Every contact of the period (every one with None) with its customer and agent
    messages, in order.

    Messages are ordered as the metrics order them (docs/metrics.md): ``sent_at``, then
    ``seq``, then the customer before the agent. A message's ``ended_at`` is the sentence end an
    ASR transcript gives (docs/data-format.md), which interruption and speech speed read.
    """
    center = center or CenterConfig()
    contacts = load_contacts(conn, period, center)
    tables = _tables(conn)
    ids = [c.conversation_id for c in contacts if not c.is_call]
    messages: dict[str, list[Message]] = defaultdict(list)
    if ids and "messages" in tables:
        # A store written before messages had an end time (and opened read-only, so not given
        # the column) reads as one without end times.
        ended = (
            "CAST(m.ended_at AS TIMESTAMP)"
            if _has_column(conn, "messages", "ended_at")
            else "CAST(NULL AS TIMESTAMP)"
        )
        conn.execute("CREATE OR REPLACE TEMP TABLE _qa_ids (id VARCHAR)")
        conn.executemany("INSERT INTO _qa_ids VALUES (?)", [(i,) for i in ids])
        rows = conn.execute(
            "SELECT m.conversation_id, m.sender, m.text, CAST(m.sent_at AS TIMESTAMP), m.agent_id, "
            f"{ended} FROM messages m JOIN _qa_ids i ON m.conversation_id = i.id "
            "WHERE m.sender IN ('customer', 'agent') "
            "ORDER BY m.conversation_id, m.sent_at, m.seq, "
            "CASE m.sender WHEN 'customer' THEN 0 ELSE 1 END"
        ).fetchall()
        conn.execute("DROP TABLE IF EXISTS _qa_ids")
        for cid, sender, text, sent_at, agent, ended_at in rows:
            messages[cid].append(Message(sender, text or "", _utc(sent_at), agent, _utc(ended_at)))
    hung: dict[str, str] = {}
    if "calls" in tables:
        rows = conn.execute(
            "SELECT call_id, hung_up_by FROM calls WHERE hung_up_by IS NOT NULL"
        ).fetchall()
        hung = {cid: h for cid, h in rows}
    return [
        Transcript(
            c.conversation_id,
            c.agent_id,
            tuple(messages.get(c.conversation_id, ())),
            channel=c.channel,
            queue=c.queue,
            transferred_to=c.transferred_to,
            hung_up_by=hung.get(c.conversation_id),
            is_call=c.is_call or c.conversation_id in hung,
            started_at=c.started_at,
        )
        for c in contacts
    ]


def load_csat(conn: Any) -> dict[str, int | None]:
    """conversation -> its survey's CSAT (1..5; the lowest when a conversation has several),
    empty without a ``surveys`` table. Risk-weighted sampling flags a low one."""
    if "surveys" not in _tables(conn):
        return {}
    rows = conn.execute(
        "SELECT conversation_id, min(csat) FROM surveys "
        "WHERE conversation_id IS NOT NULL GROUP BY conversation_id"
    ).fetchall()
    return {str(cid): None if v is None else int(v) for cid, v in rows}
