"""The names formulas and conditions can read, for one agent."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from appraise.periods import Period
from appraise.schemes.expr import Expr, Value
from appraise.schemes.model import Scheme
from appraise.scoring.context import AgentData


def agent_env(
    scheme: Scheme, data: AgentData, scores: dict[str, Decimal | None] | None = None
) -> dict[str, Value]:
    """Constants, every metric (None when missing) and the indicator scores computed so far."""
    env: dict[str, Value] = dict(scheme.constants)
    env.update(data.builtins)
    env["position"] = data.agent.position
    env["team"] = data.agent.team
    for m in scheme.metrics:
        env[m.id] = None
    for name, v in data.metrics.items():
        env[name] = v.value
    if scores:
        env.update(scores)
    return env


class EnvReader:
    """:func:`agent_env` for an expression that reads only ``names``: the same value for each of
    them, without building the whole environment of every agent (one formula, 10,000 agents)."""

    def __init__(self, scheme: Scheme, names: Iterable[str]) -> None:
        self.scheme = scheme
        self.names = tuple(sorted(set(names)))
        self.metric_ids = frozenset(m.id for m in scheme.metrics)

    def __call__(
        self, data: AgentData, scores: dict[str, Decimal | None] | None = None
    ) -> dict[str, Value]:
        # The order of agent_env's updates, the last first.
        constants = self.scheme.constants
        builtins = data.builtins
        metrics = data.metrics
        env: dict[str, Value] = {}
        for name in self.names:
            if scores and name in scores:
                env[name] = scores[name]
            elif name in metrics:
                env[name] = metrics[name].value
            elif name in self.metric_ids:
                env[name] = None
            elif name == "team":
                env[name] = data.agent.team
            elif name == "position":
                env[name] = data.agent.position
            elif name in builtins:
                env[name] = builtins[name]
            elif name in constants:
                env[name] = constants[name]
        return env


def expression_reads(expr: Expr) -> frozenset[str]:
    """Every name in ``expr``'s tree (those it calls too): all it may read from its env."""
    return frozenset(n.id for n in ast.walk(expr.tree) if isinstance(n, ast.Name))


def whole_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (a month counts once the same day is reached)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def eligibility_env(scheme: Scheme, data: AgentData, period: Period) -> dict[str, Value]:
    """Metrics plus tenure: ``tenure_months`` counts whole months up to the period's end."""
    env = agent_env(scheme, data)
    a = data.agent
    hired = a.hired_on
    # The period's last day is end - 1; someone hired on 10-01 has one whole month on 10-31's
    # end, i.e. at the exclusive end 11-01.
    env["tenure_months"] = Decimal(whole_months(hired, period.end)) if hired else None
    env["tenure_days"] = Decimal((period.end - hired).days) if hired else None
    env["hired_in_period"] = bool(hired and period.contains(hired))
    env["hired_day"] = Decimal(hired.day) if hired else None
    env["position"] = a.position
    env["team"] = a.team
    return env


# What eligibility_env sets after agent_env's names, and so reads before them.
_TENURE = frozenset({"tenure_months", "tenure_days", "hired_in_period", "hired_day"})


class EligibilityReader:
    """:func:`eligibility_env` for expressions that read only ``names``: the same value for
    each of them (a pay condition or a base salary of 10,000 agents reads one or two names of
    the few dozen the whole environment holds)."""

    def __init__(self, scheme: Scheme, names: Iterable[str], period: Period) -> None:
        self.scheme = scheme
        self.names = tuple(sorted(set(names)))
        self.period = period
        self.metric_ids = frozenset(m.id for m in scheme.metrics)

    def __call__(self, data: AgentData) -> dict[str, Value]:
        # The order of eligibility_env's updates, the last first.
        constants = self.scheme.constants
        builtins = data.builtins
        metrics = data.metrics
        env: dict[str, Value] = {}
        a = data.agent
        for name in self.names:
            if name == "position":
                env[name] = a.position
            elif name == "team":
                env[name] = a.team
            elif name in _TENURE:
                env[name] = _tenure(name, a.hired_on, self.period)
            elif name in metrics:
                env[name] = metrics[name].value
            elif name in self.metric_ids:
                env[name] = None
            elif name in builtins:
                env[name] = builtins[name]
            elif name in constants:
                env[name] = constants[name]
        return env


def _tenure(name: str, hired: date | None, period: Period) -> Value:
    """One of eligibility_env's tenure names, as it works it out."""
    if name == "tenure_months":
        return Decimal(whole_months(hired, period.end)) if hired else None
    if name == "tenure_days":
        return Decimal((period.end - hired).days) if hired else None
    if name == "hired_in_period":
        return bool(hired and period.contains(hired))
    return Decimal(hired.day) if hired else None
