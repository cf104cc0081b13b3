"""What the rule language means: conditions evaluated on one transcript, rules combined from
them, every hit with its evidence (message index, span, rule, condition, what matched).

:func:`build_ruleset` turns a :class:`~appraise.qa.config.QaConfig` into compiled rules (the
built-in rules it asks for, its own rules, the lexicon packs with its changes);
:func:`run_rules` evaluates them on transcripts. docs/qa.md ("The rule language") is the
reference for each operator and scope field.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import yaml
from pypinyin import Style, pinyin
from rapidfuzz import fuzz

from appraise.inputs.names import normalize_name
from appraise.messages import message, text
from appraise.metrics.calendar import business_seconds
from appraise.metrics.config import CenterConfig
from appraise.qa.checks import Message, Transcript
from appraise.qa.rules import expr
from appraise.qa.rules.model import Condition, RuleDef, Severity
from appraise.qa.rules.packs import Pack, resolve_packs
from appraise.qa.rules.privacy import find_pii, mask_text
from appraise.qa.text import BOUNDARY, Folded, fold, fold_phrase

if TYPE_CHECKING:
    from appraise.qa.config import QaConfig

BUILTIN_RULES = Path(__file__).resolve().parent / "builtin.yaml"


@cache
def builtin_rules() -> tuple[RuleDef, ...]:
    """The shipped rules (builtin.yaml), in file order."""
    raw = yaml.safe_load(BUILTIN_RULES.read_text(encoding="utf-8"))
    return tuple(RuleDef.model_validate(r) for r in raw)


# ----------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Match:
    """One piece of evidence: the condition that matched, the message (index in the
    transcript's messages, from 0) and the span ``[start, end)`` in its original text, the text
    shown (personal data masked) and what matched it."""

    condition: str
    message_index: int | None
    start: int | None
    end: int | None
    text: str
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "condition": self.condition,
            "message_index": self.message_index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "note": text(self.note),
        }


@dataclass(frozen=True, slots=True)
class RuleFinding:
    """A rule on one conversation. ``hit`` is True only when the rule's expression is true;
    ``computable`` is False when it depended on what the transcript does not have (times),
    and ``message`` says what. ``points`` are the conversation's points before escalation
    (per occurrence, capped); :mod:`appraise.qa.rules.metrics` applies ``escalate``."""

    conversation_id: str
    agent_id: str | None
    rule: str
    name: str
    severity: Severity
    hit: bool
    computable: bool
    veto: bool
    evidence: tuple[Match, ...] = ()
    occurrences: int = 0
    points: Decimal = Decimal(0)
    started_at: datetime | None = None
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "conversation_id": self.conversation_id,
            "agent_id": self.agent_id,
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "hit": self.hit,
            "computable": self.computable,
            "veto": self.veto and self.hit,
            "occurrences": self.occurrences,
            "points": str(self.points),
            "message": text(self.message),
            "evidence": [m.as_dict() for m in self.evidence],
        }


# ------------------------------------------------------------------------------- the rule set


@dataclass(frozen=True)
class CompiledRule:
    rule: RuleDef
    ast: expr.Node
    positive: tuple[str, ...]
    regexes: dict[str, tuple[re.Pattern[str], ...]]
    excludes: dict[str, tuple[re.Pattern[str], ...]]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[CompiledRule, ...]
    packs: dict[str, Pack]
    pack_regex: dict[str, tuple[re.Pattern[str], ...]]
    center: CenterConfig = field(default_factory=CenterConfig)

    def get(self, name: str) -> CompiledRule | None:
        """A rule by id or by name (as ``--rule`` takes it)."""
        key = normalize_name(name)
        for r in self.rules:
            if r.rule.id == name or normalize_name(r.rule.label) == key:
                return r
        return None

    @property
    def address_patterns(self) -> tuple[re.Pattern[str], ...]:
        return self.pack_regex.get("privacy", ())

    def mask(self, text: str) -> str:
        """``text`` with personal data masked."""
        return mask_text(text, light(text), self.address_patterns)


def selected_rules(cfg: QaConfig) -> list[RuleDef]:
    """The built-in rules the config asks for, then its own; a rule of the config with the id
    of a built-in one replaces it; disabled rules are left out."""
    chosen: dict[str, RuleDef] = {}
    if cfg.builtin_rules:
        wanted = None if cfg.builtin_rules is True else set(cfg.builtin_rules)
        for r in builtin_rules():
            if wanted is None or r.id in wanted:
                chosen[r.id] = r
    for r in cfg.rules:
        chosen[r.id] = r
    return [r for r in chosen.values() if r.enabled]


def compile_rule(r: RuleDef) -> CompiledRule:
    ast = expr.parse(r.expression)
    pos = expr.positive(ast)
    order = tuple(n for n in r.conditions if n in pos)
    regexes: dict[str, tuple[re.Pattern[str], ...]] = {}
    excludes: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name, c in r.conditions.items():
        if c.regex is not None:
            regexes[name] = tuple(re.compile(p) for p in c.regex.patterns)
            excludes[name] = tuple(re.compile(p) for p in c.regex.exclude)
    return CompiledRule(r, ast, order, regexes, excludes)


def build_ruleset(cfg: QaConfig, center: CenterConfig | None = None) -> RuleSet:
    """The config's rules compiled (the config was validated: patterns compile, names exist)."""
    packs = resolve_packs(cfg.packs)
    pack_regex = {pid: tuple(re.compile(p) for p in pk.patterns) for pid, pk in packs.items()}
    return RuleSet(
        tuple(compile_rule(r) for r in selected_rules(cfg)),
        packs,
        pack_regex,
        center or CenterConfig(),
    )


# --------------------------------------------------------------------------------- the text


def light(text: str) -> str:
    """``text`` with each character made half-width and lower case (NFKC, casefold) where that
    gives one character, so a span in it is the same span in ``text``."""
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch).casefold()
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


class _Msg:
    """A message with its folded forms, computed when first needed."""

    def __init__(self, m: Message) -> None:
        self.m = m
        self.text = m.text
        self.sender = m.sender

    @cached_property
    def folded(self) -> Folded:
        return fold(self.text, boundaries=True)

    @cached_property
    def plain(self) -> Folded:
        return fold(self.text, boundaries=False)

    @cached_property
    def light(self) -> str:
        return light(self.text)

    @cached_property
    def sentences(self) -> list[tuple[str, int, int]]:
        """(folded sentence, start, end in the original text), split at punctuation."""
        f = self.folded
        out: list[tuple[str, int, int]] = []
        s = 0
        for k in range(len(f.text) + 1):
            if k == len(f.text) or f.text[k] == BOUNDARY:
                if k > s:
                    out.append((f.text[s:k], f.origin[s], f.origin[k - 1] + 1))
                s = k + 1
        return out


class NotComputable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Result:
    value: bool | None
    matches: list[Match]
    reason: str = ""


class _Ctx:
    def __init__(self, t: Transcript, rs: RuleSet) -> None:
        self.t = t
        self.rs = rs
        self.msgs = [_Msg(m) for m in t.messages]

    def need_times(self) -> None:
        if not self.msgs or any(m.m.sent_at is None for m in self.msgs):
            raise NotComputable(message("autoqa.no_times", "the messages have no times"))

    def need_ends(self) -> None:
        self.need_times()
        if any(m.m.ended_at is None for m in self.msgs):
            raise NotComputable(
                message(
                    "autoqa.no_ends",
                    "the messages have no end times (a transcript's sentence ends)",
                )
            )


# ------------------------------------------------------------------------------- operators


def _quote(m: _Msg, s: int, e: int) -> str:
    return m.text[s:e]


def _dedupe(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping hits at one place count once: the longest at the leftmost start."""
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, int, str]] = []
    end = -1
    for s, e, what in hits:
        if s < end:
            continue
        out.append((s, e, what))
        end = e
    return out


def _exception_spans(m: _Msg, exceptions: Iterable[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    f = m.folded
    for exc in exceptions:
        fe = fold_phrase(exc)
        if not fe:
            continue
        k = f.text.find(fe)
        while k >= 0:
            spans.append((f.origin[k], f.origin[k + len(fe) - 1] + 1))
            k = f.text.find(fe, k + 1)
    return spans


def _phrase_hits(m: _Msg, phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every occurrence in the original text; phrases never span a
    sentence boundary (docs/qa.md, "Matching Chinese text")."""
    f = m.folded
    out: list[tuple[int, int, str]] = []
    for p in phrases:
        fp = fold_phrase(p)
        if not fp:
            continue
        k = f.text.find(fp)
        while k >= 0:
            out.append((f.origin[k], f.origin[k + len(fp) - 1] + 1, p))
            k = f.text.find(fp, k + 1)
    return out


def _regex_hits(m: _Msg, pats: Iterable[re.Pattern[str]]) -> list[tuple[int, int, str]]:
    return [
        (x.start(), x.end(), p.pattern)
        for p in pats
        for x in p.finditer(m.light)
        if x.end() > x.start()
    ]


def _outside(
    hits: list[tuple[int, int, str]], spans: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    return [h for h in hits if not any(a <= h[0] and h[1] <= b for a, b in spans)]


def _overlap_free(
    hits: list[tuple[int, int, str]], spans: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    return [h for h in hits if not any(h[0] < b and a < h[1] for a, b in spans)]


def _pack_words(rs: RuleSet, ids: Sequence[str]) -> tuple[list[str], list[str]]:
    words: list[str] = []
    exceptions: list[str] = []
    for pid in ids:
        pk = rs.packs[pid]
        words.extend(pk.phrases)
        exceptions.extend(pk.exceptions)
    return words, exceptions


def _op_keywords(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.keywords
    assert op is not None
    pack_words, pack_exc = _pack_words(ctx.rs, op.packs)
    words = list(dict.fromkeys([*op.words, *pack_words]))
    found: list[Match] = []
    seen: set[str] = set()
    for i in idx:
        m = ctx.msgs[i]
        hits = _dedupe(
            _outside(_phrase_hits(m, words), _exception_spans(m, [*op.exclude, *pack_exc]))
        )
        for s, e, w in hits:
            seen.add(w)
            found.append(
                Match(
                    name,
                    i,
                    s,
                    e,
                    _quote(m, s, e),
                    message("autoqa.keyword", "keyword “{word}”", word=w),
                )
            )
    mode = op.mode
    if mode == "any":
        return _Result(bool(found), found)
    if mode == "none":
        return _Result(not found, [])
    if mode == "all":
        ok = all(w in seen for w in words)
        return _Result(ok, found if ok else [])
    assert op.at_least is not None
    ok = len(seen) >= op.at_least
    return _Result(ok, found if ok else [])


def _op_pack(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    assert c.pack is not None
    found: list[Match] = []
    for pid in c.pack:
        pk = ctx.rs.packs[pid]
        for i in idx:
            m = ctx.msgs[i]
            hits = _phrase_hits(m, pk.phrases) + _regex_hits(m, ctx.rs.pack_regex[pid])
            hits = _dedupe(_outside(hits, _exception_spans(m, pk.exceptions)))
            for s, e, w in hits:
                found.append(
                    Match(
                        name,
                        i,
                        s,
                        e,
                        _quote(m, s, e),
                        message("autoqa.pack", "{pack}: “{entry}”", pack=pk.name, entry=w),
                    )
                )
    found.sort(key=lambda x: (x.message_index or 0, x.start or 0))
    return _Result(bool(found), found)


def _op_regex(ctx: _Ctx, rule: CompiledRule, name: str, idx: list[int]) -> _Result:
    found: list[Match] = []
    for i in idx:
        m = ctx.msgs[i]
        excluded = [x.span() for p in rule.excludes[name] for x in p.finditer(m.light)]
        for s, e, pat in _dedupe(_overlap_free(_regex_hits(m, rule.regexes[name]), excluded)):
            found.append(
                Match(
                    name,
                    i,
                    s,
                    e,
                    _quote(m, s, e),
                    message("autoqa.regex", "pattern {pattern}", pattern=pat),
                )
            )
    return _Result(bool(found), found)


def _op_fuzzy(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.fuzzy
    assert op is not None
    phrases = [*op.phrases, *_pack_words(ctx.rs, op.packs)[0]]
    found: list[Match] = []
    for i in idx:
        m = ctx.msgs[i]
        p_text = m.plain
        best: list[tuple[int, int, str]] = []
        for p in phrases:
            fp = fold_phrase(p)
            if not fp or len(p_text.text) < len(fp):
                continue
            al = fuzz.partial_ratio_alignment(fp, p_text.text, score_cutoff=op.min_score)
            if al is None or al.score < op.min_score or al.dest_end <= al.dest_start:
                continue
            s, e = p_text.origin[al.dest_start], p_text.origin[al.dest_end - 1] + 1
            best.append((s, e, f"{p}\x00{al.score:.0f}"))
        for s, e, what in _dedupe(best):
            p, score = what.split("\x00")
            found.append(
                Match(
                    name,
                    i,
                    s,
                    e,
                    _quote(m, s, e),
                    message(
                        "autoqa.fuzzy", "like “{phrase}” (score {score})", phrase=p, score=score
                    ),
                )
            )
    return _Result(bool(found), found)


_LOOSE_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def _loosen(r: str) -> str:
    """Southern-accent and ASR confusions: zh/z, ch/c, sh/s, n/l, -ang/-an, -eng/-en, -ing/-in."""
    for a, b in _LOOSE_INITIALS:
        if r.startswith(a):
            r = b + r[len(a) :]
            break
    if r.startswith("n") and not r.startswith("ng"):
        r = "l" + r[1:]
    for a, b in (("ang", "an"), ("eng", "en"), ("ing", "in")):
        if r.endswith(a):
            r = r[: -len(a)] + b
            break
    return r


@cache
def readings(ch: str, loose: bool = False) -> frozenset[str]:
    """Every toneless pinyin of a character (a non-Chinese character reads as itself)."""
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return frozenset((ch,))
    rs = set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
    return frozenset(_loosen(r) for r in rs) if loose else frozenset(rs)


def _op_pinyin(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.pinyin
    assert op is not None
    phrases = [*op.phrases, *_pack_words(ctx.rs, op.packs)[0]]
    found: list[Match] = []
    for i in idx:
        m = ctx.msgs[i]
        f = m.plain
        t_read = [readings(ch, op.loose) for ch in f.text]
        hits: list[tuple[int, int, str]] = []
        for p in phrases:
            fp = fold_phrase(p)
            n = len(fp)
            if not n or n > len(f.text) or op.max_diff >= n:
                continue
            p_read = [readings(ch, op.loose) for ch in fp]
            for k in range(len(f.text) - n + 1):
                diff = sum(1 for j in range(n) if not (t_read[k + j] & p_read[j]))
                if diff <= op.max_diff:
                    hits.append((f.origin[k], f.origin[k + n - 1] + 1, p))
        for s, e, p in _dedupe(hits):
            found.append(
                Match(
                    name,
                    i,
                    s,
                    e,
                    _quote(m, s, e),
                    message("autoqa.pinyin", "sounds like “{phrase}”", phrase=p),
                )
            )
    return _Result(bool(found), found)


def _bigrams(s: str) -> Counter[str]:
    return Counter(s[k : k + 2] for k in range(len(s) - 1)) if len(s) > 1 else Counter(s)


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two folded sentences (0-1)."""
    if a == b:
        return 1.0
    ca, cb = _bigrams(a), _bigrams(b)
    total = sum(ca.values()) + sum(cb.values())
    return 2 * sum((ca & cb).values()) / total if total else 0.0


def _op_similar(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.similar
    assert op is not None
    examples = [(e, fold_phrase(e)) for e in op.examples]
    found: list[Match] = []
    for i in idx:
        m = ctx.msgs[i]
        for sent, s, e in m.sentences:
            if len(sent) < 2:
                continue
            score, ex = max((similarity(sent, fe), ex) for ex, fe in examples)
            if score >= op.min:
                found.append(
                    Match(
                        name,
                        i,
                        s,
                        e,
                        _quote(m, s, e),
                        message(
                            "autoqa.similar",
                            "{score} like the example “{example}”",
                            score=f"{score:.2f}",
                            example=ex,
                        ),
                    )
                )
    return _Result(bool(found), found)


def _op_repeat(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.repeat
    assert op is not None
    sents = [(i, *s) for i in idx for s in ctx.msgs[i].sentences]
    ignore = [f for f in (fold_phrase(x) for x in op.ignore) if f]
    found: list[Match] = []
    for j, (i, sent, s, e) in enumerate(sents):
        if len(sent) < op.min_chars or any(x in sent for x in ignore):
            continue
        for k in range(max(0, j - op.within), j):
            if similarity(sents[k][1], sent) >= op.min_similarity:
                m = ctx.msgs[i]
                found.append(
                    Match(
                        name,
                        i,
                        s,
                        e,
                        _quote(m, s, e),
                        message(
                            "autoqa.repeat",
                            "repeats message {i} within {n} sentences",
                            i=sents[k][0],
                            n=op.within,
                        ),
                    )
                )
                break
    return _Result(bool(found), found)


def _secs(a: datetime, b: datetime) -> float:
    return (b - a) / timedelta(seconds=1)


def _excerpt(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _whole_message(ctx: _Ctx, name: str, i: int, text: str, note: str) -> Match:
    """Evidence that is a whole message (a late reply, a silence, an interruption, a speed):
    its span is all of it, shown as the first 40 characters, personal data masked."""
    return Match(name, i, 0, len(text), _excerpt(ctx.rs.mask(text)), note)


def _op_response(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.response
    assert op is not None
    ctx.need_times()
    center = ctx.rs.center
    business = op.business_hours and center.calendar is not None
    scope = set(idx)
    found: list[Match] = []
    run_start: int | None = None
    for i, m in enumerate(ctx.msgs):
        replier = m.sender == c.role or (c.role == "any" and m.sender == "agent")
        if not replier:
            if run_start is None:
                run_start = i
            continue
        if run_start is not None and i in scope:
            a, b = ctx.msgs[run_start].m.sent_at, m.m.sent_at
            assert a is not None and b is not None
            secs = business_seconds(center, a, b) if business else _secs(a, b)
            if secs > op.over:
                found.append(
                    _whole_message(
                        ctx,
                        name,
                        i,
                        m.text,
                        message(
                            "autoqa.slow",
                            "replied {secs} s after message {i} (limit {limit} s)",
                            secs=f"{secs:g}",
                            i=run_start,
                            limit=f"{op.over:g}",
                        ),
                    )
                )
        run_start = None
    return _Result(bool(found), found)


def _op_silence(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.silence
    assert op is not None
    ctx.need_times()
    found: list[Match] = []
    for i in idx:
        if i == 0:
            continue
        prev, cur = ctx.msgs[i - 1].m, ctx.msgs[i].m
        if op.after != "any" and prev.sender != op.after:
            continue
        start = prev.ended_at or prev.sent_at
        assert start is not None and cur.sent_at is not None
        gap = _secs(start, cur.sent_at)
        if gap > op.over:
            found.append(
                _whole_message(
                    ctx,
                    name,
                    i,
                    cur.text,
                    message(
                        "autoqa.silence",
                        "{gap} s of silence after message {i} (limit {limit} s)",
                        gap=f"{gap:g}",
                        i=i - 1,
                        limit=f"{op.over:g}",
                    ),
                )
            )
    return _Result(bool(found), found)


def _op_interrupt(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.interrupt
    assert op is not None
    ctx.need_ends()
    found: list[Match] = []
    for i in idx:
        cur = ctx.msgs[i].m
        prev = next(
            (ctx.msgs[j].m for j in range(i - 1, -1, -1) if ctx.msgs[j].sender != cur.sender), None
        )
        if prev is None:
            continue
        assert prev.ended_at is not None and cur.sent_at is not None
        overlap = _secs(cur.sent_at, prev.ended_at)
        if overlap >= op.min_overlap and overlap > 0:
            found.append(
                _whole_message(
                    ctx,
                    name,
                    i,
                    cur.text,
                    message(
                        "autoqa.interrupt",
                        "started {secs} s before the other side finished",
                        secs=f"{overlap:g}",
                    ),
                )
            )
    return _Result(bool(found), found)


def _op_speed(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.speed
    assert op is not None
    ctx.need_ends()
    found: list[Match] = []
    for i in idx:
        m = ctx.msgs[i]
        a, b = m.m.sent_at, m.m.ended_at
        assert a is not None and b is not None
        dur = _secs(a, b)
        if dur < op.min_seconds:
            continue
        cpm = len(m.plain.text) / dur * 60
        if (op.over is not None and cpm > op.over) or (op.under is not None and cpm < op.under):
            found.append(
                _whole_message(
                    ctx,
                    name,
                    i,
                    m.text,
                    message("autoqa.speed", "{cpm} characters a minute", cpm=f"{cpm:.0f}"),
                )
            )
    return _Result(bool(found), found)


def _op_hangup(ctx: _Ctx, name: str, c: Condition) -> _Result:
    side = ctx.t.hung_up_by
    if not side:
        raise NotComputable(message("autoqa.no_hangup", "no record of who hung up"))
    ok = side.strip().lower() == c.hangup
    note = message("autoqa.hung_up", "hung up by {side}", side=side)
    return _Result(ok, [Match(name, None, None, None, f"hung_up_by={side}", note)] if ok else [])


def _op_messages(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    op = c.messages
    assert op is not None
    n = len(idx)
    ok = (op.at_least is None or n >= op.at_least) and (op.at_most is None or n <= op.at_most)
    note = message("autoqa.count", "{n} message(s) of {role}", n=n, role=c.role)
    return _Result(ok, [Match(name, None, None, None, str(n), note)] if ok else [])


def _op_pii(ctx: _Ctx, name: str, c: Condition, idx: list[int]) -> _Result:
    assert c.pii is not None
    found: list[Match] = []
    for i in idx:
        m = ctx.msgs[i]
        for p in find_pii(m.text, m.light, c.pii, ctx.rs.address_patterns):
            found.append(
                Match(
                    name,
                    i,
                    p.start,
                    p.end,
                    p.masked,
                    message("autoqa.pii", "personal data: {kind}", kind=p.kind),
                )
            )
    return _Result(bool(found), found)


# ---------------------------------------------------------------------------- conditions


def _anchor_index(r: _Result) -> int | None:
    got = [m.message_index for m in r.matches if m.message_index is not None]
    return min(got) if got else None


def _condition(ctx: _Ctx, rule: CompiledRule, name: str, memo: dict[str, _Result]) -> _Result:
    if name in memo:
        return memo[name]
    c = rule.rule.conditions[name]
    try:
        res = _evaluate_condition(ctx, rule, name, c, memo)
    except NotComputable as exc:
        res = _Result(None, [], exc.reason)
    memo[name] = res
    return res


def _evaluate_condition(
    ctx: _Ctx, rule: CompiledRule, name: str, c: Condition, memo: dict[str, _Result]
) -> _Result:
    idx = [i for i, m in enumerate(ctx.msgs) if c.role == "any" or m.sender == c.role]
    for anchor, after in ((c.after, True), (c.before, False)):
        if anchor is None:
            continue
        a = _condition(ctx, rule, anchor, memo)
        if a.value is None:
            return _Result(None, [], a.reason)
        at = _anchor_index(a)
        if at is None:
            return _Result(False, [])
        idx = [i for i in idx if (i > at if after else i < at)]
    if c.first is not None:
        idx = idx[: c.first]
    if c.last is not None:
        idx = idx[-c.last :]
    op = c.operator
    if op == "keywords":
        res = _op_keywords(ctx, name, c, idx)
    elif op == "pack":
        res = _op_pack(ctx, name, c, idx)
    elif op == "regex":
        res = _op_regex(ctx, rule, name, idx)
    elif op == "fuzzy":
        res = _op_fuzzy(ctx, name, c, idx)
    elif op == "pinyin":
        res = _op_pinyin(ctx, name, c, idx)
    elif op == "similar":
        res = _op_similar(ctx, name, c, idx)
    elif op == "repeat":
        res = _op_repeat(ctx, name, c, idx)
    elif op == "response":
        res = _op_response(ctx, name, c, idx)
    elif op == "silence":
        res = _op_silence(ctx, name, c, idx)
    elif op == "interrupt":
        res = _op_interrupt(ctx, name, c, idx)
    elif op == "speed":
        res = _op_speed(ctx, name, c, idx)
    elif op == "hangup":
        res = _op_hangup(ctx, name, c)
    elif op == "messages":
        res = _op_messages(ctx, name, c, idx)
    else:
        res = _op_pii(ctx, name, c, idx)
    if c.nth is not None and res.value is not None and op not in ("hangup", "messages"):
        ok = len(res.matches) >= c.nth
        res = _Result(ok, [res.matches[c.nth - 1]] if ok else [])
    return res


# --------------------------------------------------------------------------------- rules


def _applies(r: RuleDef, t: Transcript) -> bool:
    if r.channels and normalize_name(t.channel or "") not in {
        normalize_name(x) for x in r.channels
    }:
        return False
    return not (
        r.queues and normalize_name(t.queue or "") not in {normalize_name(x) for x in r.queues}
    )


def conversation_start(t: Transcript) -> datetime | None:
    if t.started_at is not None:
        return t.started_at
    times = [m.sent_at for m in t.messages if m.sent_at is not None]
    return min(times) if times else None


def evaluate_rule(
    rule: CompiledRule, t: Transcript, rs: RuleSet, ctx: _Ctx | None = None
) -> RuleFinding | None:
    """The rule on one conversation, or None when its channel or queue is not the rule's."""
    r = rule.rule
    if not _applies(r, t):
        return None
    ctx = ctx or _Ctx(t, rs)
    memo: dict[str, _Result] = {}
    values = {n: _condition(ctx, rule, n, memo).value for n in r.conditions}
    value = expr.evaluate(rule.ast, values)
    evidence: list[Match] = []
    if value:
        for n in rule.positive:
            if values[n]:
                evidence.extend(memo[n].matches)
    occurrences = len({(m.message_index, m.start) for m in evidence}) or (1 if value else 0)
    points = Decimal(0)
    if value:
        points = r.points * occurrences
        if r.cap is not None:
            points = min(points, r.cap)
    agent = t.agent_id
    for m in evidence:
        if m.message_index is not None and ctx.msgs[m.message_index].sender == "agent":
            agent = ctx.msgs[m.message_index].m.agent_id or t.agent_id
            break
    reason = ""
    if value is None:
        reason = "; ".join(
            dict.fromkeys(str(memo[n].reason) for n in r.conditions if values[n] is None)
        )
    return RuleFinding(
        t.conversation_id,
        agent,
        r.id,
        r.label,
        r.severity,
        bool(value),
        value is not None,
        r.is_veto,
        tuple(evidence),
        occurrences,
        points,
        conversation_start(t),
        reason,
    )


def run_rules(transcripts: Iterable[Transcript], rs: RuleSet) -> list[RuleFinding]:
    """Every rule on every conversation (a rule whose channel or queue does not apply is
    left out for that conversation)."""
    out: list[RuleFinding] = []
    for t in transcripts:
        ctx = _Ctx(t, rs)
        for rule in rs.rules:
            if (f := evaluate_rule(rule, t, rs, ctx)) is not None:
                out.append(f)
    return out


def mask(text: str) -> str:
    """``text`` with personal data masked, addresses by the built-in ``privacy`` pack (what the
    pages show of a transcript)."""
    return mask_text(text, light(text), _builtin_address_patterns())


@cache
def _builtin_address_patterns() -> tuple[re.Pattern[str], ...]:
    from appraise.qa.rules.packs import builtin_packs

    return tuple(re.compile(p) for p in builtin_packs()["privacy"].patterns)


def rule_hits(findings: Iterable[RuleFinding]) -> list[tuple[str, str | None, str, bool]]:
    """(conversation_id, agent_id, rule, hit) of every computable finding: what agreement
    with human reviewers is measured on."""
    return [(f.conversation_id, f.agent_id, f.rule, f.hit) for f in findings if f.computable]


def local_day(f: RuleFinding, center: CenterConfig) -> date | None:
    """The conversation's day in the center's time zone."""
    if f.started_at is None:
        return None
    return f.started_at.astimezone(ZoneInfo(center.timezone)).date()
