"""Automatic checks on every conversation (自动质检), each result explained by what it matched.

A check reads one :class:`Transcript` (a chat, or a call with its record) and returns one
:class:`Finding` per agent it concerns: passed or not, with the evidence, the message index and
the original text. Per-agent figures (:func:`agent_metrics`) turn the findings into metrics a
scheme can read; ``appraise qa check --format csv`` writes them as a long ``metric_values`` file.

Who a finding belongs to (the same split as docs/metrics.md):

- opening script, response breaches of the first reply: the agent who sent the message, else
  the owner (``agent_id``); the opening belongs to the owner, who took the contact;
- closing script: the agent who ended with the conversation (``transferred_to``, else the owner);
- forbidden phrases, response breaches, long silences: the agent who sent the message answering
  (or containing) them, else the owner;
- hang-up first: the call's agent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from appraise.messages import message, text
from appraise.metrics.calendar import business_seconds
from appraise.metrics.config import CenterConfig
from appraise.qa.config import QaConfig, ScriptCheck
from appraise.qa.text import Folded, fold, fold_phrase, original_span, script_parts

CheckName = Literal["opening", "closing", "forbidden", "response", "silence", "hangup"]
CHECKS: tuple[CheckName, ...] = ("opening", "closing", "forbidden", "response", "silence", "hangup")


@dataclass(frozen=True, slots=True)
class Message:
    """A customer or agent message; ``sent_at`` is an aware datetime or None (no times known).

    ``ended_at`` is when the sentence ended, for an ASR transcript of a call that gives it (the
    rule language's interruption and speech-speed operators need it)."""

    sender: Literal["customer", "agent"]
    text: str
    sent_at: datetime | None = None
    agent_id: str | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """One contact to check. ``messages`` are in order (bot and system messages left out), and
    ``index`` in evidence is the position in this list, counted from 0. A call with no
    transcript has no messages and only ``hung_up_by``."""

    conversation_id: str
    agent_id: str | None
    messages: tuple[Message, ...] = ()
    channel: str | None = None
    queue: str | None = None
    transferred_to: str | None = None
    hung_up_by: str | None = None
    is_call: bool = False
    started_at: datetime | None = None

    @property
    def final_agent(self) -> str | None:
        return self.transferred_to or self.agent_id


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a check matched (or looked at): the message's index, the original text, and why."""

    message_index: int | None
    text: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    conversation_id: str
    agent_id: str | None
    check: CheckName
    passed: bool
    evidence: tuple[Evidence, ...] = ()
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "conversation_id": self.conversation_id,
            "agent_id": self.agent_id,
            "check": self.check,
            "passed": self.passed,
            "message": text(self.message),
            "evidence": [
                {"message_index": e.message_index, "text": e.text, "note": text(e.note)}
                for e in self.evidence
            ],
        }


# ------------------------------------------------------------------------------------- scripts


@dataclass(frozen=True, slots=True)
class _Window:
    """Agent messages folded for script matching, joined, each character's (message, offset)."""

    text: str
    where: tuple[tuple[int, int], ...]


def _window(t: Transcript, indexes: Sequence[int]) -> _Window:
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    for i in indexes:
        f = fold(t.messages[i].text, boundaries=False)
        chars.append(f.text)
        where.extend((i, f.origin[k]) for k in range(len(f.text)))
    return _Window("".join(chars), tuple(where))


def _find_script(t: Transcript, w: _Window, parts: tuple[str, ...]) -> tuple[Evidence, ...] | None:
    """Leftmost match of the parts in order, or None; one evidence per part."""
    pos = 0
    found: list[Evidence] = []
    for part in parts:
        k = w.text.find(part, pos)
        if k < 0:
            return None
        (m1, o1), (m2, o2) = w.where[k], w.where[k + len(part) - 1]
        text = t.messages[m1].text
        found.append(
            Evidence(
                m1,
                text[o1 : o2 + 1] if m1 == m2 else text[o1:],
                message("qa.matched_script", "matched script"),
            )
        )
        pos = k + len(part)
    return tuple(found)


def _script_check(
    t: Transcript, check: ScriptCheck, name: CheckName, agent: str | None, first: bool
) -> Finding | None:
    agent_idx = [i for i, m in enumerate(t.messages) if m.sender == "agent"]
    if not agent_idx:
        return None  # nothing the agent said: nothing to judge (see reply_rate)
    window = agent_idx[: check.within_messages] if first else agent_idx[-check.within_messages :]
    w = _window(t, window)
    for script in check.scripts:
        ev = _find_script(t, w, script_parts(script))
        if ev is not None:
            found = message("qa.script_found", "script “{script}” found", script=script)
            return Finding(t.conversation_id, agent, name, True, ev, found)
    where = message("qa.first", "first") if first else message("qa.last", "last")
    # The check in words (开场白), not its id: the reviewer reads this sentence.
    said = (
        message("qa.check_opening", "opening")
        if name == "opening"
        else message("qa.check_closing", "closing")
        if name == "closing"
        else name
    )
    looked = tuple(
        Evidence(i, t.messages[i].text, message("qa.looked_here", "looked here")) for i in window
    )
    return Finding(
        t.conversation_id,
        agent,
        name,
        False,
        looked,
        message(
            "qa.script_missing",
            "none of the {name} scripts in the {where} {n} agent message(s)",
            name=said,
            where=where,
            n=len(window),
        ),
    )


# ----------------------------------------------------------------------------------- forbidden


def _spans(hay: Folded, needle: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    k = hay.text.find(needle)
    while k >= 0:
        out.append((k, k + len(needle)))
        k = hay.text.find(needle, k + 1)
    return out


def forbidden_occurrences(
    text: str, phrases: Sequence[str], exceptions: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """(configured phrase, original text) for every occurrence in ``text``.

    Overlapping phrases found at the same place count once (the longest: 我也没办法 rather than
    没办法 inside it); an occurrence inside one of ``exceptions`` does not count.
    """
    f = fold(text, boundaries=True)
    allowed: list[tuple[int, int]] = []
    for exc in exceptions:
        if ef := fold_phrase(exc):
            allowed.extend(_spans(f, ef))
    hits: list[tuple[int, int, str]] = []
    for p in phrases:
        fp = fold_phrase(p)
        for s, e in _spans(f, fp):
            if not any(a <= s and e <= b for a, b in allowed):
                hits.append((s, e, p))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[str, str]] = []
    end = -1
    for s, e, p in hits:
        if s < end:
            continue
        out.append((p, original_span(text, f, s, e)))
        end = e
    return out


# --------------------------------------------------------------------------------------- times


def _seconds(config: CenterConfig, a: datetime, b: datetime, business: bool) -> float:
    if business:
        return business_seconds(config, a, b)
    return (b - a) / timedelta(seconds=1)


def _excerpt(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"


# ----------------------------------------------------------------------------------- the checks


def check_transcript(
    t: Transcript, cfg: QaConfig, center: CenterConfig | None = None
) -> list[Finding]:
    """Every enabled check on one contact, in the order of :data:`CHECKS`."""
    center = center or CenterConfig()
    out: list[Finding] = []
    msgs = t.messages

    def sender_of(i: int) -> str | None:
        return msgs[i].agent_id or t.agent_id

    if cfg.opening.enabled and (f := _script_check(t, cfg.opening, "opening", t.agent_id, True)):
        out.append(f)
    if cfg.closing.enabled and (
        f := _script_check(t, cfg.closing, "closing", t.final_agent, False)
    ):
        out.append(f)
    if cfg.forbidden.enabled and any(m.sender == "agent" for m in msgs):
        by_agent: dict[str | None, list[Evidence]] = defaultdict(list)
        for i, m in enumerate(msgs):
            if m.sender != "agent":
                continue
            by_agent.setdefault(sender_of(i), [])
            for phrase, text in forbidden_occurrences(
                m.text, cfg.forbidden.phrases, cfg.forbidden.exceptions
            ):
                by_agent[sender_of(i)].append(
                    Evidence(
                        i,
                        text,
                        message(
                            "qa.forbidden_phrase", "forbidden phrase “{phrase}”", phrase=phrase
                        ),
                    )
                )
        for agent, ev in by_agent.items():
            msg = (
                message("qa.forbidden", "{n} forbidden phrase(s)", n=len(ev))
                if ev
                else message("qa.no_forbidden", "no forbidden phrase")
            )
            out.append(Finding(t.conversation_id, agent, "forbidden", not ev, tuple(ev), msg))
    timed = [m.sent_at is not None for m in msgs]
    if cfg.response.enabled and msgs and all(timed):
        out.extend(_response(t, cfg, center))
    if cfg.silence.enabled and len(msgs) > 1 and all(timed):
        ev = []
        for i in range(1, len(msgs)):
            a, b = msgs[i - 1].sent_at, msgs[i].sent_at
            assert a is not None and b is not None
            gap = (b - a) / timedelta(seconds=1)
            if gap > cfg.silence.max_seconds:
                ev.append(
                    Evidence(
                        i,
                        _excerpt(msgs[i].text),
                        message(
                            "qa.silence_gap",
                            "{gap} s of silence after message {i} (limit {limit} s)",
                            gap=f"{gap:g}",
                            i=i - 1,
                            limit=f"{cfg.silence.max_seconds:g}",
                        ),
                    )
                )
        limit = cfg.silence.max_seconds
        msg = (
            message("qa.silences", "{n} silence(s) over {limit} s", n=len(ev), limit=f"{limit:g}")
            if ev
            else message("qa.no_silence", "no long silence")
        )
        out.append(Finding(t.conversation_id, t.final_agent, "silence", not ev, tuple(ev), msg))
    if cfg.hangup.enabled and t.is_call and t.hung_up_by:
        agent_first = t.hung_up_by.strip().lower() == "agent"
        out.append(
            Finding(
                t.conversation_id,
                t.agent_id,
                "hangup",
                not agent_first,
                (Evidence(None, f"hung_up_by={t.hung_up_by}"),),
                message("qa.agent_hung_up", "the agent hung up first")
                if agent_first
                else message("qa.customer_hung_up", "the customer hung up first"),
            )
        )
    return out


def _response(t: Transcript, cfg: QaConfig, center: CenterConfig) -> list[Finding]:
    msgs = t.messages
    limit = cfg.response.max_seconds
    business = cfg.response.business_hours and center.calendar is not None
    by_agent: dict[str | None, list[Evidence]] = defaultdict(list)
    run_start: int | None = None
    for i, m in enumerate(msgs):
        if m.sender == "customer":
            if run_start is None:
                run_start = i
            continue
        agent = m.agent_id or t.agent_id
        by_agent.setdefault(agent, [])
        if run_start is None:
            continue
        a, b = msgs[run_start].sent_at, m.sent_at
        assert a is not None and b is not None
        secs = _seconds(center, a, b, business)
        if secs > limit:
            by_agent[agent].append(
                Evidence(
                    i,
                    _excerpt(m.text),
                    message(
                        "qa.slow_reply",
                        "replied {secs} {kind} s after message {i} “{text}” (limit {limit} s)",
                        secs=f"{secs:g}",
                        kind=message("qa.business", "business")
                        if business
                        else message("qa.wall_clock", "wall-clock"),
                        i=run_start,
                        text=_excerpt(msgs[run_start].text, 20),
                        limit=f"{limit:g}",
                    ),
                )
            )
        run_start = None
    return [
        Finding(
            t.conversation_id,
            agent,
            "response",
            not ev,
            tuple(ev),
            message(
                "qa.slow_replies", "{n} repl(ies) over {limit} s", n=len(ev), limit=f"{limit:g}"
            )
            if ev
            else message("qa.replies_in_time", "every reply in time"),
        )
        for agent, ev in by_agent.items()
    ]


def check_all(
    transcripts: Iterable[Transcript], cfg: QaConfig, center: CenterConfig | None = None
) -> list[Finding]:
    """:func:`check_transcript` over every contact."""
    return [f for t in transcripts for f in check_transcript(t, cfg, center)]


# ------------------------------------------------------------------------------------- metrics

# metric id -> (name, unit): what a scheme declares under ``metrics:`` to read them.
QA_METRICS: dict[str, tuple[str, str]] = {
    "qa_checked": ("自动质检会话数", "count"),
    "qa_opening_rate": ("开场白规范率", "percent"),
    "qa_closing_rate": ("结束语规范率", "percent"),
    "qa_forbidden_count": ("服务忌语次数", "count"),
    "qa_response_breaches": ("响应超时次数", "count"),
    "qa_hangup_first_count": ("先挂机次数", "count"),
    "qa_long_silences": ("长时间静默次数", "count"),
}


@dataclass
class _Tally:
    contacts: set[str] = field(default_factory=set)
    opening: list[bool] = field(default_factory=list)
    closing: list[bool] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def agent_metrics(findings: Iterable[Finding]) -> dict[str, dict[str, float | None]]:
    """agent -> metric -> value from the findings (agents without an id are left out).

    Rates are percentages of the contacts the check judged (a conversation without an agent
    message is not judged); no judged contact gives None, like the catalog's rates. Counts are
    occurrences: two 忌语 in one message are 2, two slow replies in one chat are 2.
    """
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for f in findings:
        if f.agent_id is None:
            continue
        t = tallies[f.agent_id]
        t.contacts.add(f.conversation_id)
        if f.check == "opening":
            t.opening.append(f.passed)
        elif f.check == "closing":
            t.closing.append(f.passed)
        elif f.check == "hangup":
            t.counts[f.check] += 0 if f.passed else 1
        else:
            t.counts[f.check] += len(f.evidence) if not f.passed else 0

    def rate(xs: list[bool]) -> float | None:
        return 100 * sum(xs) / len(xs) if xs else None

    return {
        agent: {
            "qa_checked": float(len(t.contacts)),
            "qa_opening_rate": rate(t.opening),
            "qa_closing_rate": rate(t.closing),
            "qa_forbidden_count": float(t.counts["forbidden"]),
            "qa_response_breaches": float(t.counts["response"]),
            "qa_hangup_first_count": float(t.counts["hangup"]),
            "qa_long_silences": float(t.counts["silence"]),
        }
        for agent, t in sorted(tallies.items())
    }
