"""Consequences over consecutive periods: the current result and the ``history`` file.

``periods: 3`` means the condition holds in this period and the two before it. When the rule
counts another kind of period (``over: quarter`` in a monthly scheme), only the history is read:
the latest quarter is the one containing this period if the history has it, else the one before.

With ``rollup:`` the longer kinds it lists are also made from the scheme's own periods
(:mod:`appraise.scoring.rollup`). The quarter containing this period exists only when this
period closes it (March), and the fall-back to the quarter before reads only a history file's
row, never a roll-up: a quarterly rule fires once, in March, not again in April and May.

The current period's condition may read metrics and indicator scores too; an earlier period
only has what the history file keeps (total, grade, rank, count), and anything else is null.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from appraise.messages import table
from appraise.periods import Period
from appraise.schemes.expr import Value
from appraise.schemes.model import Consequence, Earlier, Scheme
from appraise.scoring.conditions import said_condition, scheme_labels
from appraise.scoring.context import Context
from appraise.scoring.results import AgentResult
from appraise.scoring.results import Consequence as Fired
from appraise.scoring.rollup import ROLLUP_SOURCE
from appraise.scoring.variables import EnvReader, expression_reads
from appraise.words import Pending, Say, joined, register, say, words

# A consequence's explanation, kept as what was said (appraise.words); ``history.<key>``.
HISTORY_EN: dict[str, str] = {
    "in_a_row": " for {n} periods in a row ({periods})",
    "before": "; before that {p} {w}",
}
HISTORY = table("history", HISTORY_EN)
register("history", HISTORY_EN)
_THEN = Say("words.then", {})

_RESULT = frozenset({"total", "grade", "rank", "count", "last_rank", "level"})


@dataclass(frozen=True)
class _Plan:
    """The periods a rule reads, worked out once per run (latest first; None: the current
    result). ``fallback`` is used when an agent's history lacks the latest period of another
    kind."""

    rule: Consequence
    periods: tuple[str | None, ...]
    fallback: tuple[str, ...]


@dataclass(frozen=True)
class Plans:
    """Every rule's :class:`_Plan`, and what the current period's conditions read: the names
    other than the result's (read as :func:`agent_env` would give them) and the result's."""

    rules: tuple[_Plan, ...]
    reader: EnvReader
    results_read: tuple[str, ...]
    period: str
    # Each condition (a rule's ``when`` and its ``after`` steps', by identity) as said to the
    # reader (scoring.conditions), said once per run.
    said: Mapping[int, Pending]


def plan_consequences(scheme: Scheme, period: Period) -> Plans:
    plans = _plans(scheme, period)
    names: set[str] = set()
    for plan in plans:
        names |= expression_reads(plan.rule.when)
    labels = scheme_labels(scheme)
    said = {
        id(when): said_condition(when, scheme.language, labels)
        for plan in plans
        for when in (plan.rule.when, *(step.when for step in plan.rule.after))
    }
    return Plans(
        tuple(plans),
        EnvReader(scheme, names - _RESULT),
        tuple(sorted(names & _RESULT)),
        str(period),
        said,
    )


def _plans(scheme: Scheme, period: Period) -> list[_Plan]:
    plans = []
    for rule in scheme.consequences:
        kind = rule.over or scheme.period
        if kind == period.kind:
            periods = (None, *(str(period.shift(-k)) for k in range(1, rule.periods)))
            plans.append(_Plan(rule, periods, ()))
            continue
        latest = Period.containing(period.start, kind)
        plans.append(
            _Plan(
                rule,
                tuple(str(latest.shift(-k)) for k in range(rule.periods)),
                tuple(str(latest.shift(-k - 1)) for k in range(rule.periods)),
            )
        )
    return plans


def _history_env(
    ctx: Context, agent_id: str, period: str, names: frozenset[str]
) -> dict[str, Value] | None:
    entries = ctx.history_by_period.get(period)
    if not entries or agent_id not in entries:
        return None
    h = entries[agent_id]
    count = sum(1 for e in entries.values() if e.rank is not None)
    last = max((e.rank for e in entries.values() if e.rank is not None), default=None)
    env: dict[str, Value] = dict.fromkeys(names)
    env.update(
        total=h.total,
        grade=h.grade,
        rank=Decimal(h.rank) if h.rank is not None else None,
        count=Decimal(count) if count else None,
        last_rank=Decimal(last) if last is not None else None,
        level=None,
    )
    return env


def apply_consequences(
    scheme: Scheme,
    plans: Plans,
    r: AgentResult,
    ctx: Context,
    period: Period,
    count: int,
    scores: dict[str, Decimal | None],
) -> None:
    current: dict[str, Value] | None = None
    period_text = plans.period
    for plan in plans.rules:
        rule = plan.rule
        periods: tuple[str | None, ...] = plan.periods
        latest = plan.periods[0]
        if (
            plan.fallback
            and latest is not None
            and r.agent_id not in ctx.history_by_period.get(latest, {})
        ):
            before = ctx.history_by_period.get(plan.fallback[0], {}).get(r.agent_id)
            if before is not None and before.source.file == ROLLUP_SOURCE:
                continue
            periods = plan.fallback
        first = period_text if periods[0] is None else periods[0]
        if rule.at and _label(first) not in rule.at:
            continue
        seen: list[str] = []
        holds = True
        for p in periods:
            if p is None:
                if current is None:
                    # Only the names the conditions read: agent_env's values, then the result.
                    current = plans.reader(ctx.agents[r.agent_id], scores)
                    for name in plans.results_read:
                        current[name] = _result_value(name, r, ctx, count)
                env = current
            else:
                found = _history_env(ctx, r.agent_id, p, rule.when.names)
                if found is None:
                    holds = False
                    break
                env = {**scheme.constants, **found}
            if rule.when.evaluate(env) is not True:
                holds = False
                break
            seen.append(period_text if p is None else p)
        chain = _chain(scheme, ctx, r.agent_id, rule, first) if holds and rule.after else []
        if not holds or chain is None:
            continue
        r.flags.append(rule.id)
        lang = scheme.language
        parts: list[object] = [plans.said[id(rule.when)]]
        if rule.periods > 1:
            parts.append(
                say(lang, "history.in_a_row", n=str(rule.periods), periods=joined(lang, seen))
            )
        if chain:
            # Latest first, as read: 2027-H1 grade == '待改进', after 2026 grade == '待改进'.
            if rule.periods == 1:
                parts.insert(0, f"{first} ")
            parts += [
                say(lang, "history.before", p=p, w=plans.said[id(step.when)]) for p, step in chain
            ]
            seen += [p for p, _ in chain]
        made = [ctx.rolled[(r.agent_id, p)] for p in seen if (r.agent_id, p) in ctx.rolled]
        for m in made:
            parts += [_THEN, m]
        # Said, written when read (Consequence.explain).
        explain = words(lang, *parts)
        r.consequences.append(Fired(rule.id, rule.name, rule.due_days, rule.pay, explain))


def _result_value(name: str, r: AgentResult, ctx: Context, count: int) -> Value:
    """One of the current result's names (``_RESULT``) as a condition reads it."""
    if name == "total":
        return r.total
    if name == "grade":
        return r.grade
    if name == "rank":
        return Decimal(r.rank) if r.rank is not None else None
    if name == "count":
        return Decimal(count)
    if name == "last_rank":
        return Decimal(ctx.last_rank[r.agent_id]) if r.agent_id in ctx.last_rank else None
    return r.level


def _label(period: str) -> str:
    """``H1`` of ``2027-H1``, ``Q3`` of ``2026-Q3`` (what ``at`` names)."""
    return period.rsplit("-", 1)[-1]


def _chain(
    scheme: Scheme, ctx: Context, agent_id: str, rule: Consequence, first: str
) -> list[tuple[str, Earlier]] | None:
    """The periods the rule's ``after`` steps were read in, when every step held; else None.

    Each step reads the latest period of its kind that ended before the end of the period read
    before it (the annual before a mid-year review: 2026 before 2027-H1; the mid-year review
    before the next annual: 2027-H1 before 2027), from the history and the roll-ups.
    """
    end = Period.parse(first).end
    out: list[tuple[str, Earlier]] = []
    for step in rule.after:
        p = Period.containing(end - timedelta(days=1), step.over)
        while p.end >= end:
            p = p.shift(-1)
        found = _history_env(ctx, agent_id, str(p), step.when.names)
        if found is None or step.when.evaluate({**scheme.constants, **found}) is not True:
            return None
        out.append((str(p), step))
        end = p.end
    return out
