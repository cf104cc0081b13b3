"""Turn the raw input records into what each agent's scoring reads.

Names are matched the way managers write them (:func:`normalize_name`): an indicator by its id,
its name or an alias; a metric by its id, the name the scheme declares or the catalog's name.
Rows for other periods are left out; rows with no period apply to the period scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from appraise.inputs.names import normalize_name
from appraise.inputs.records import (
    Agent,
    HistoryEntry,
    Incident,
    Inputs,
    MetricValue,
    Rating,
    Source,
)
from appraise.messages import message
from appraise.periods import Period, PeriodKind
from appraise.problems import Problem
from appraise.schemes.model import BonusRule, DeductionRule, KindPoints, Scheme
from appraise.schemes.names import catalog_metrics
from appraise.schemes.validate import BUILTIN_NAMES, all_indicators, expression_names

InputValue = Decimal | str


@dataclass(frozen=True)
class Sourced:
    value: InputValue
    source: Source | None  # None: computed from events by the metric engine


# A value an agent's scoring reads: a row of the files as it was read (its value and source,
# not copied into a Sourced: 170,000 of them in a large period), or one computed from events.
Given = Sourced | MetricValue


@dataclass
class AgentData:
    agent: Agent
    metrics: dict[str, Given] = field(default_factory=dict)
    direct: dict[str, Given] = field(default_factory=dict)
    ratings: dict[str, list[Rating]] = field(default_factory=lambda: defaultdict(list))
    incidents: list[Incident] = field(default_factory=list)
    history: dict[str, HistoryEntry] = field(default_factory=dict)
    # Names read from the history and the calendar (month_to_date, month_end ...).
    builtins: dict[str, Decimal | bool | None] = field(default_factory=dict)


def where(source: Source | None) -> str:
    if source is None:
        return "computed from events"
    text = f"{source.file} row {source.row}"
    return f"{text} ({source.field})" if source.field else text


@dataclass
class Context:
    period: Period
    agents: dict[str, AgentData]
    # History of every agent, for consequences over earlier periods: period -> agent -> entry.
    history_by_period: dict[str, dict[str, HistoryEntry]]
    kinds: dict[str, KindPoints]
    problems: list[Problem]
    # Values given for the whole center (metric_values rows with no agent_id), by metric.
    center: dict[str, Given] = field(default_factory=dict)
    # The worst rank in each agent's ranking group, once ranks are known (末位 with ties).
    last_rank: dict[str, int] = field(default_factory=dict)
    # How a rolled-up period's total was made, by (agent, period): for the explanation.
    rolled: dict[tuple[str, str], str] = field(default_factory=dict)


def build_context(
    scheme: Scheme,
    inputs: Inputs,
    period: Period,
    computed: Mapping[str, Mapping[str, float | Decimal | None]] | None = None,
) -> Context:
    problems: list[Problem] = list(inputs.warnings)
    indicator_names: dict[str, str] = {}
    for node, _ in all_indicators(scheme):
        for name in [node.id, node.name, *node.aliases]:
            indicator_names.setdefault(normalize_name(name), node.id)
    # A row names a metric by its id or its Chinese name (询单转化率 is conversion_rate), as a
    # scheme does (appraise.schemes.names); the scheme's own metrics before the catalog's.
    catalog = catalog_metrics()
    metric_names: dict[str, str] = {normalize_name(m.id): m.id for m in scheme.metrics}
    for info in catalog.values():
        metric_names.setdefault(normalize_name(info.id), info.id)
    for m in scheme.metrics:
        metric_names.setdefault(normalize_name(m.name), m.id)
    for info in catalog.values():
        metric_names.setdefault(normalize_name(info.name), info.id)
    kinds: dict[str, KindPoints] = {}
    for node, _ in all_indicators(scheme):
        if isinstance(node.rule, DeductionRule | BonusRule):
            for k in node.rule.kinds:
                for name in [k.kind, k.name or k.kind, *k.aliases]:
                    kinds.setdefault(normalize_name(name), k)
    wanted = str(period)

    def in_period(p: str | None) -> bool:
        return p is None or p == wanted

    agents: dict[str, AgentData] = {a.agent_id: AgentData(a) for a in inputs.agents}
    known_from_file = bool(inputs.agents)

    def agent(agent_id: str, row: MetricValue | Rating | Incident) -> AgentData:
        if agent_id not in agents:
            if known_from_file:
                # The row's source is read only here: it is made when first read.
                source = row.source
                problems.append(
                    Problem(
                        "warning",
                        "unknown_agent",
                        message(
                            "unknown_agent",
                            'agent "{agent}" is not in the agents file; scored anyway',
                            agent=agent_id,
                        ),
                        source.file,
                        row=source.row,
                        field="agent_id",
                    )
                )
            agents[agent_id] = AgentData(Agent(agent_id, agent_id, None, None, None, None, {}))
        return agents[agent_id]

    # The first rating of each indicator that the scheme does not have (its source read when
    # the warning is written).
    unknown: dict[str, Rating] = {}
    center: dict[str, Given] = {}
    center_direct: dict[str, Given] = {}
    # Everyone named in the files is an agent, even with rows only for other periods.
    # Rows of shorter periods inside this one (days of the month) are not this period's figure:
    # adding them up needs a rule per metric, which a mapping's reports: declare.
    inside: list[MetricValue] = []
    # What a metric's name in the files is (an indicator given directly, or a metric), once per
    # name: a large center repeats a dozen names on a hundred thousand rows.
    resolved: dict[str, tuple[str | None, str | None]] = {}
    for mv in inputs.metric_values:
        agent_id = mv.agent_id
        if agent_id is not None and agent_id not in agents:
            agent(agent_id, mv)
        if mv.period is not None and mv.period != wanted:
            if _within(mv.period, period):
                inside.append(mv)
            continue
        found = resolved.get(mv.metric)
        if found is None:
            key = normalize_name(mv.metric)
            ind = indicator_names.get(key)
            found = resolved[mv.metric] = (
                ind,
                metric_names.get(key) or (mv.metric if ind is None else None),
            )
        ind, metric = found
        sourced = mv
        if agent_id is None:
            (center_direct if ind else center)[ind or metric or mv.metric] = sourced
            continue
        data = agents[agent_id]
        if ind is not None:
            data.direct[ind] = sourced
        else:
            data.metrics[metric or mv.metric] = sourced
    if inside:
        first = min(inside, key=lambda mv: (mv.source.file, mv.source.row))
        problems.append(
            Problem(
                "warning",
                "values_of_shorter_periods",
                message(
                    "values_of_shorter_periods",
                    "{n} metric value(s) are for periods inside {wanted} (such as "
                    "{first}), not for {wanted} itself, and are not counted: a mapping's "
                    "reports: section adds daily rows up to the period by a rule per metric",
                    n=len(inside),
                    wanted=wanted,
                    first=first.period,
                ),
                first.source.file,
                row=first.source.row,
            )
        )
    # The indicator a rating's name is, once per name (a dozen names on 100,000 rows).
    rated_as: dict[str, str | None] = {}
    for r in inputs.ratings:
        if r.agent_id not in agents:
            agent(r.agent_id, r)
        if not in_period(r.period):
            continue
        name = r.indicator
        if name in rated_as:
            ind = rated_as[name]
        else:
            ind = rated_as[name] = indicator_names.get(normalize_name(name))
        if ind is None:
            unknown.setdefault(r.indicator, r)
            continue
        agents[r.agent_id].ratings[ind].append(r)
    for name, first_rating in unknown.items():
        src = first_rating.source
        problems.append(
            Problem(
                "warning",
                "unknown_indicator",
                message(
                    "unknown_indicator_rated",
                    '"{name}" is not an indicator of scheme {scheme}; its ratings are ignored',
                    name=name,
                    scheme=scheme.id,
                ),
                src.file,
                row=src.row,
                field=src.field or "indicator",
            )
        )
    unknown_kinds: dict[str, Incident] = {}
    for inc in inputs.incidents:
        data = agent(inc.agent_id, inc)
        if not period.contains(inc.date):
            continue
        if normalize_name(inc.kind) not in kinds:
            unknown_kinds.setdefault(inc.kind, inc)
        data.incidents.append(inc)
    for name, first_incident in unknown_kinds.items():
        src = first_incident.source
        problems.append(
            Problem(
                "warning",
                "unknown_incident_kind",
                message(
                    "unknown_incident_kind",
                    'incident kind "{kind}" is not used by scheme {scheme}; it counts for nothing',
                    kind=name,
                    scheme=scheme.id,
                ),
                src.file,
                row=src.row,
                field="kind",
            )
        )
    history_by_period: dict[str, dict[str, HistoryEntry]] = defaultdict(dict)
    for h in inputs.history:
        history_by_period[h.period][h.agent_id] = h
        if h.agent_id in agents:
            agents[h.agent_id].history[h.period] = h
    if computed:
        for agent_id, values in computed.items():
            if agent_id not in agents:
                if known_from_file:
                    continue  # events of people who are not appraised (supervisors, leavers)
                agents[agent_id] = AgentData(Agent(agent_id, agent_id, None, None, None, None, {}))
            for metric, v in values.items():
                if v is not None and metric not in agents[agent_id].metrics:
                    num = v if isinstance(v, Decimal) else Decimal(repr(float(v)))
                    agents[agent_id].metrics[metric] = Sourced(num, None)
    for data in agents.values():
        for name, given in center.items():
            data.metrics.setdefault(name, given)
        for name, given in center_direct.items():
            data.direct.setdefault(name, given)
    if _reads_builtins(scheme):
        flags = calendar_flags(period)
        for data in agents.values():
            data.builtins = {**flags, **to_date(period, data.history)}
    return Context(period, agents, dict(history_by_period), kinds, problems, center)


_LONGER: tuple[PeriodKind, ...] = ("week", "month", "quarter", "year")  # see BUILTIN_NAMES


def _reads_builtins(scheme: Scheme) -> bool:
    """Whether any formula or condition reads month_to_date and the like (most do not, and
    working them out for 10,000 agents is not free)."""
    return bool(expression_names(scheme) & BUILTIN_NAMES)


def _within(text: str, period: Period) -> bool:
    try:
        other = Period.parse(text)
    except ValueError:
        return False
    return other != period and period.contains(other.start) and other.end <= period.end


def calendar_flags(period: Period) -> dict[str, Decimal | bool | None]:
    """``month_end`` and the like: whether this period is the last of its week, month ...

    A daily points scheme awards its weekly and monthly lists on the day that closes them.
    """
    return {f"{k}_end": Period.containing(period.start, k).end == period.end for k in _LONGER}


def to_date(period: Period, history: dict[str, HistoryEntry]) -> dict[str, Decimal | bool | None]:
    """Sums of the history's totals for earlier periods of the same kind: within this week,
    month, quarter and year (``month_to_date``), and over all time (``cumulative``); null
    where the history has none."""
    earlier: list[tuple[Period, Decimal]] = []
    for text, h in history.items():
        try:
            p = Period.parse(text)
        except ValueError:
            continue
        if p.kind == period.kind and p < period and h.total is not None:
            earlier.append((p, h.total))
    out: dict[str, Decimal | bool | None] = {}
    for k in _LONGER:
        enclosing = Period.containing(period.start, k)
        values = [t for p, t in earlier if enclosing.contains(p)]
        out[f"{k}_to_date"] = sum(values, Decimal(0)) if values else None
    out["cumulative"] = sum((t for _, t in earlier), Decimal(0)) if earlier else None
    return out
