"""References by name: a scheme may name a metric or an indicator the way managers say it.

``metric: 询单转化率`` is the catalog's conversion_rate, ``expr: "服务态度 * 0.4"`` reads indicator
``attitude`` named 服务态度. The loader rewrites every such reference to the id once
(:func:`resolve_names`), so the validator, the scoring context, ``needed_metrics`` and the
engine only ever see ids. Names compare as :func:`~appraise.inputs.names.normalize_name` says
(case, full-width forms and spaces do not matter). An exact id always wins; a formula name that
is the name of an indicator and of a metric at once is left as written and the validator asks for
the id (``ambiguous_name``). A name that matches nothing gets "did you mean 询单转化率
(conversion_rate)?" from :meth:`Resolver.suggest`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from appraise.inputs.names import normalize_name
from appraise.messages import message
from appraise.metrics.direction import lower_is_better
from appraise.schemes.expr import Expr
from appraise.schemes.model import (
    BandsRule,
    Eligibility,
    FormulaRule,
    Grade,
    HoursProration,
    Indicator,
    PayFormula,
    Pool,
    RankRule,
    RatedBonus,
    SalaryChange,
    Scheme,
    TargetRule,
    ThresholdRule,
)


@dataclass(frozen=True, slots=True)
class MetricInfo:
    """What the validator knows of a metric: its id, Chinese name and unit."""

    id: str
    name: str
    unit: str | None

    @property
    def lower_is_better(self) -> bool:
        """Durations and rates of bad things (:mod:`appraise.metrics.direction`)."""
        return lower_is_better(self.id, self.unit)


@lru_cache(maxsize=1)
def catalog_metrics() -> dict[str, MetricInfo]:
    """Every built-in metric (:data:`appraise.metrics.catalog.LIBRARY`) by id."""
    from appraise.metrics.catalog import LIBRARY

    return {d.id: MetricInfo(d.id, d.name, d.unit) for d in LIBRARY.values()}


def _walk(nodes: Iterable[Indicator]) -> Iterable[Indicator]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


class Resolver:
    """The ids a scheme's names stand for: metrics of the catalog and of the scheme's
    ``metrics:``, and the scheme's indicators (by id, name or alias)."""

    def __init__(
        self, scheme: Scheme, catalog: Mapping[str, MetricInfo], fixed: Iterable[str] = ()
    ) -> None:
        declared = {m.id: MetricInfo(m.id, m.name, m.unit) for m in scheme.metrics}
        self.metrics: dict[str, MetricInfo] = {**catalog, **declared}
        nodes = [*_walk(scheme.indicators), *_walk(scheme.adjustments)]
        self.indicators: dict[str, Indicator] = {}
        for n in nodes:
            self.indicators.setdefault(n.id, n)
        # Names that are what they say: ids, constants and the engine's own names.
        self.fixed = frozenset([*fixed, *self.metrics, *self.indicators, *scheme.constants])
        self._metric_keys: dict[str, str] = {}
        for infos in (declared.values(), catalog.values()):  # the scheme's own first
            for info in infos:
                self._metric_keys.setdefault(normalize_name(info.id), info.id)
        for infos in (declared.values(), catalog.values()):
            for info in infos:
                self._metric_keys.setdefault(normalize_name(info.name), info.id)
        self._indicator_keys: dict[str, str] = {}
        for n in nodes:
            self._indicator_keys.setdefault(normalize_name(n.id), n.id)
        for n in nodes:
            for name in [n.name, *n.aliases]:
                self._indicator_keys.setdefault(normalize_name(name), n.id)

    def metric(self, name: str) -> str | None:
        """The metric id ``name`` stands for, or None."""
        if name in self.metrics:
            return name
        return self._metric_keys.get(normalize_name(name))

    def indicator(self, name: str) -> str | None:
        """The indicator id ``name`` stands for, or None."""
        if name in self.indicators:
            return name
        return self._indicator_keys.get(normalize_name(name))

    def candidates(self, name: str) -> tuple[str | None, str | None]:
        """(indicator id, metric id) a formula name could stand for."""
        return self.indicator(name), self.metric(name)

    def expr_name(self, name: str) -> str | None:
        """The id a formula name stands for; None when it is fixed, unknown or ambiguous."""
        if name in self.fixed:
            return None
        ind, met = self.candidates(name)
        if ind is not None and met is not None:
            return None
        return ind or met

    def label(self, metric_id: str) -> str:
        """``询单转化率 (conversion_rate)``: how a message names a metric."""
        info = self.metrics.get(metric_id)
        if info is None or info.name == metric_id:
            return metric_id
        return f"{info.name} ({metric_id})"

    def indicator_label(self, indicator_id: str) -> str:
        node = self.indicators.get(indicator_id)
        if node is None or node.name == indicator_id:
            return indicator_id
        return f"{node.name} ({indicator_id})"

    def suggest(self, name: str, *, metrics: bool = True, indicators: bool = False) -> str:
        """``"; did you mean 询单转化率 (conversion_rate)?"``, or ``""`` when nothing is close:
        the closest ids and Chinese names (:func:`difflib.get_close_matches`)."""
        labels: dict[str, str] = {}
        if metrics:
            for info in self.metrics.values():
                for key in (info.id, info.name):
                    labels.setdefault(normalize_name(key), self.label(info.id))
        if indicators:
            for node in self.indicators.values():
                for key in (node.id, node.name):
                    labels.setdefault(normalize_name(key), self.indicator_label(node.id))
        close = difflib.get_close_matches(normalize_name(name), list(labels), n=6, cutoff=0.6)
        picked = list(dict.fromkeys(labels[c] for c in close))[:3]
        if not picked:
            return ""
        if len(picked) == 1:
            return message("did_you_mean", "; did you mean {name}?", name=picked[0])
        return message(
            "did_you_mean_any",
            "; did you mean {names} or {last}?",
            names=", ".join(picked[:-1]),
            last=picked[-1],
        )


def _expr(e: Expr, r: Resolver) -> Expr:
    mapping = {n: to for n in e.names if (to := r.expr_name(n)) is not None and to != n}
    return e.renamed(mapping) if mapping else e


def _metric(name: str, r: Resolver) -> str:
    return r.metric(name) or name


def _node(node: Indicator, r: Resolver) -> Indicator:
    rule = node.rule
    if isinstance(rule, BandsRule | TargetRule | ThresholdRule) and rule.metric is not None:
        rule = rule.model_copy(update={"metric": _metric(rule.metric, r)})
    elif isinstance(rule, RankRule):
        update: dict[str, object] = {}
        if rule.metric is not None:
            update["metric"] = _metric(rule.metric, r)
        if rule.of is not None:
            update["of"] = r.indicator(rule.of) or rule.of
        if rule.eligible is not None:
            update["eligible"] = _expr(rule.eligible, r)
        rule = rule.model_copy(update=update)
    elif isinstance(rule, FormulaRule):
        rule = rule.model_copy(update={"expr": _expr(rule.expr, r)})
    children = [_node(ch, r) for ch in node.children]
    return node.model_copy(update={"rule": rule, "children": children})


def resolve_names(scheme: Scheme, r: Resolver) -> Scheme:
    """The scheme with every metric and indicator reference written as the id."""
    pay = scheme.pay
    if pay is not None:
        comps = []
        for comp in pay.components:
            update: dict[str, object] = {}
            if comp.when is not None:
                update["when"] = _expr(comp.when, r)
            if isinstance(comp, PayFormula):
                update["expr"] = _expr(comp.expr, r)
            elif isinstance(comp, Pool):
                update["metric"] = _metric(comp.metric, r)
            elif isinstance(comp, HoursProration):
                update["hours_metric"] = _metric(comp.hours_metric, r)
            elif isinstance(comp, RatedBonus) and isinstance(comp.amount, str):
                update["amount"] = _metric(comp.amount, r)
            elif isinstance(comp, SalaryChange) and isinstance(comp.base, str):
                update["base"] = _metric(comp.base, r)
            comps.append(comp.model_copy(update=update))
        pay = pay.model_copy(update={"components": comps})
    grades: list[Grade] = [
        g if g.when is None else g.model_copy(update={"when": _expr(g.when, r)})
        for g in scheme.grades
    ]
    eligibility: list[Eligibility] = [
        e.model_copy(update={"when": _expr(e.when, r)}) for e in scheme.eligibility
    ]
    ranking = scheme.ranking.model_copy(
        update={"tie_breakers": [r.indicator(t) or t for t in scheme.ranking.tie_breakers]}
    )
    return scheme.model_copy(
        update={
            "indicators": [_node(n, r) for n in scheme.indicators],
            "adjustments": [_node(n, r) for n in scheme.adjustments],
            "pay": pay,
            "grades": grades,
            "eligibility": eligibility,
            "consequences": [
                c.model_copy(update={"when": _expr(c.when, r)}) for c in scheme.consequences
            ],
            "ranking": ranking,
        }
    )
