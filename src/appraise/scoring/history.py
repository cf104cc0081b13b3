"""Consequences over consecutive periods: the current result and the ``history`` file.

``periods: 3`` means the condition holds in this period and the two before it. When the rule
counts another kind of period (``over: quarter`` in a monthly scheme), only the history is read:
the latest quarter is the one containing this period if the history has it, else the one before.
"""

from __future__ import annotations

from decimal import Decimal

from appraise.periods import Period
from appraise.schemes.expr import Value
from appraise.schemes.model import Consequence, Scheme
from appraise.scoring.context import Context
from appraise.scoring.results import AgentResult
from appraise.scoring.results import Consequence as Fired


def _history_env(ctx: Context, agent_id: str, period: Period) -> dict[str, Value] | None:
    entries = ctx.history_by_period.get(str(period), {})
    h = entries.get(agent_id)
    if h is None:
        return None
    count = sum(1 for e in entries.values() if e.rank is not None)
    return {
        "total": h.total,
        "grade": h.grade,
        "rank": Decimal(h.rank) if h.rank is not None else None,
        "count": Decimal(count) if count else None,
        "level": None,
    }


def _periods(
    rule: Consequence, scheme: Scheme, ctx: Context, agent_id: str, period: Period
) -> list[Period | None]:
    """The periods to check, latest first; None stands for the current result."""
    kind = rule.over or scheme.period
    if kind == period.kind:
        return [None, *(period.shift(-k) for k in range(1, rule.periods))]
    latest = Period.containing(period.start, kind)
    if agent_id not in ctx.history_by_period.get(str(latest), {}):
        latest = latest.previous()
    return [latest.shift(-k) for k in range(rule.periods)]


def apply_consequences(
    scheme: Scheme, r: AgentResult, ctx: Context, period: Period, count: int
) -> None:
    current: dict[str, Value] = {
        "total": r.total,
        "grade": r.grade,
        "rank": Decimal(r.rank) if r.rank is not None else None,
        "count": Decimal(count),
        "level": r.level,
    }
    for rule in scheme.consequences:
        env_base = dict(scheme.constants)
        seen: list[str] = []
        holds = True
        for p in _periods(rule, scheme, ctx, r.agent_id, period):
            env = current if p is None else _history_env(ctx, r.agent_id, p)
            if env is None or rule.when.evaluate({**env_base, **env}) is not True:
                holds = False
                break
            seen.append(str(period) if p is None else str(p))
        if not holds:
            continue
        r.flags.append(rule.id)
        if scheme.language == "zh":
            explain = f"{rule.when}" + (
                f",连续 {rule.periods} 期({'、'.join(seen)})" if rule.periods > 1 else ""
            )
        else:
            explain = f"{rule.when}" + (
                f" for {rule.periods} periods in a row ({', '.join(seen)})"
                if rule.periods > 1
                else ""
            )
        r.consequences.append(Fired(rule.id, rule.name, rule.due_days, rule.pay, explain))
