"""Which metrics a scheme reads that events can give (built-in, or defined by the center), so
`appraise score --data` and a cycle with raw events compute only those."""

from __future__ import annotations

from collections.abc import Iterable

from appraise.schemes.model import (
    BandsRule,
    FormulaRule,
    HoursProration,
    PayFormula,
    Pool,
    RankRule,
    RatedBonus,
    SalaryChange,
    Scheme,
    TargetRule,
    ThresholdRule,
)
from appraise.schemes.validate import all_indicators


def rule_names(rule: object) -> set[str]:
    """The names one indicator's rule reads (metrics, declared metrics, constants)."""
    names: set[str] = set()
    if isinstance(rule, BandsRule | TargetRule | ThresholdRule | RankRule) and rule.metric:
        names.add(rule.metric)
    if isinstance(rule, RankRule) and rule.eligible is not None:
        names |= rule.eligible.names
    if isinstance(rule, FormulaRule):
        names |= rule.expr.names
    return names


def needed_metrics(scheme: Scheme, defined: Iterable[str] = ()) -> set[str]:
    """The ids the scheme reads among the library's and ``defined`` (the center's own)."""
    from appraise.metrics.catalog import LIBRARY

    names: set[str] = set()
    for node, _ in all_indicators(scheme):
        names |= rule_names(node.rule)
    for e in scheme.eligibility:
        names |= e.when.names
    for g in scheme.grades:
        if g.when is not None:
            names |= g.when.names
    for comp in scheme.pay.components if scheme.pay else []:
        if isinstance(comp, HoursProration):
            names.add(comp.hours_metric)
        elif isinstance(comp, Pool):
            names.add(comp.metric)
        elif isinstance(comp, PayFormula):
            names |= comp.expr.names
        elif isinstance(comp, RatedBonus) and isinstance(comp.amount, str):
            names.add(comp.amount)
        elif isinstance(comp, SalaryChange) and isinstance(comp.base, str):
            names.add(comp.base)
    return names & (set(LIBRARY) | set(defined))
