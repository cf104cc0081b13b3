"""A quarterly (half-yearly, annual) scheme that reads another scheme's monthly results as its
metrics (``months:``), the third way to a quarter besides a history file and ``rollup:``.

The months are history entries of month periods inside the period scored: on the command line
the rows of the history file, in the web application the published results of the named
scheme's cycles. Each agent gets ``month_total_1`` .. ``month_total_N`` (the months in order;
left out for a month without a result, so a rule says what a missing value means) and, over the
months the agent has, ``months_mean``, ``months_count``, ``months_min`` and ``months_max``. A
metric value given for the same agent and name in the files wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from appraise.inputs import HistoryEntry, Inputs, MetricValue, Source
from appraise.periods import Period
from appraise.schemes.model import MONTHS_IN, Scheme

MONTHS_SOURCE = "months"


def month_values(
    scheme: Scheme, period: Period, history: Iterable[HistoryEntry]
) -> list[MetricValue]:
    """The month metrics of every agent with a monthly total inside ``period``."""
    if scheme.months is None or period.kind not in MONTHS_IN:
        return []
    first = Period.containing(period.start, "month")
    months = [str(first.shift(k)) for k in range(MONTHS_IN[period.kind])]
    place = {m: i for i, m in enumerate(months, start=1)}
    by_agent: dict[str, dict[int, HistoryEntry]] = {}
    for h in history:
        i = place.get(h.period)
        if i is not None and h.total is not None:
            # A later entry of the same month wins (the web app passes them oldest first).
            by_agent.setdefault(h.agent_id, {})[i] = h
    text = str(period)
    out: list[MetricValue] = []
    for agent_id, got in sorted(by_agent.items()):
        totals: list[Decimal] = []
        for i, h in sorted(got.items()):
            assert h.total is not None
            totals.append(h.total)
            out.append(MetricValue(agent_id, text, f"month_total_{i}", h.total, h.source))
        source = Source(MONTHS_SOURCE, 0, ",".join(months[i - 1] for i in sorted(got)))
        aggregates = {
            "months_mean": sum(totals, Decimal(0)) / len(totals),
            "months_count": Decimal(len(totals)),
            "months_min": min(totals),
            "months_max": max(totals),
        }
        out += [MetricValue(agent_id, text, k, v, source) for k, v in aggregates.items()]
    return out


def with_months(scheme: Scheme, inputs: Inputs, period: Period) -> Inputs:
    """The inputs with the month metrics put before the files' own values (which win)."""
    made = month_values(scheme, period, inputs.history)
    if not made:
        return inputs
    return replace(inputs, metric_values=[*made, *inputs.metric_values])
