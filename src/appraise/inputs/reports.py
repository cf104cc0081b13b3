"""Per-agent reports as scoring inputs: a 赤兔/千牛 客服绩效 sheet read as it is exported.

A report has one row per agent (monthly) or per agent and day (daily) and a column per figure.
The mapping's ``reports:`` section names the agent column, the date or period column and, per
metric id, the column it comes from and its unit. Rows of a daily report are added up to the
period being scored by a rule declared per metric, because the right rule depends on the figure:

- ``sum``: counts and amounts (询单人数, 销售额) — the default for ``count`` and ``money``;
- ``ratio: [numerator, denominator]``: a rate recomputed from two summed figures of the same
  report (询单→付款人数 ÷ 询单人数), times 100 for a ``percent``;
- ``weighted_mean: COLUMN``: a mean weighted by another figure (平均响应 by 接待人数);
- ``mean``, ``min``, ``max``, ``last``: only when declared. A plain mean of daily rates is wrong
  for most figures, so a rate or a time without a rule is an error, not a guess.

Rows outside the period are reported (how many, which dates), never silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from appraise.inputs.reading import Cell, Frame, Layout, read_frame
from appraise.inputs.records import Agent, Incident, MetricValue, Rating, Source
from appraise.messages import message
from appraise.periods import Period
from appraise.problems import Problem

Unit = Literal["count", "money", "seconds", "percent", "number"]
Simple = Literal["sum", "mean", "min", "max", "last"]
ADDITIVE: frozenset[str] = frozenset({"count", "money"})


def _skipped(kind: str, n: int) -> str:
    if kind == "title":
        return message("report.title_rows", "{n} title row(s)", n=n)
    if kind == "totals":
        return message("report.totals_rows", "{n} totals row(s)", n=n)
    if kind == "footer":
        return message("report.note_rows", "{n} note row(s)", n=n)
    return f"{n} {kind}"


class RollUp(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ratio: list[str] | None = None
    weighted_mean: str | None = None

    @model_validator(mode="after")
    def _one(self) -> RollUp:
        if (self.ratio is None) == (self.weighted_mean is None):
            raise ValueError(
                message(
                    "report.roll_up_one",
                    "say ratio: [numerator, denominator] or weighted_mean: COLUMN",
                )
            )
        if self.ratio is not None and len(self.ratio) != 2:
            raise ValueError(message("report.ratio_two", "ratio takes [numerator, denominator]"))
        return self


class ReportMetric(BaseModel):
    """One figure of a report: its column, unit and roll-up rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str | int
    unit: Unit = "number"
    # A percent column written 0.853 for 85.3% (declared; "85.3%" is read either way).
    fraction: bool = False
    roll_up: Simple | RollUp | None = None
    values: dict[str, str | None] = Field(default_factory=dict)

    @field_validator("values", mode="before")
    @classmethod
    def _text_values(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): None if v is None else str(v) for k, v in value.items()}
        return value

    @field_validator("roll_up", mode="before")
    @classmethod
    def _known_rule(cls, value: Any) -> Any:
        if (
            value is None
            or isinstance(value, dict)
            or value in ("sum", "mean", "min", "max", "last")
        ):
            return value
        raise ValueError(
            message(
                "report.roll_up_rule",
                "roll_up is sum, mean, min, max, last, {{ratio: [numerator, denominator]}} or "
                "{{weighted_mean: COLUMN}}, not {value}",
                value=repr(value),
            )
        )

    def rule(self) -> Simple | RollUp | None:
        if self.roll_up is not None:
            return self.roll_up
        return "sum" if self.unit in ADDITIVE else None


class ReportMapping(Layout):
    """A per-agent report: which column names the agent, the day or period, and the figures."""

    agent: str | int
    name: str | int | None = None
    team: str | int | None = None
    date: str | int | None = None
    period: str | int | None = None
    null_values: list[str] | None = None
    metrics: dict[str, ReportMetric] = Field(default_factory=dict)
    # Incident kind -> the column counting them (投诉次数): one incident per row with a count,
    # on the row's date (or the period's first day), for the scheme's deductions and bonuses.
    incidents: dict[str, str | int] = Field(default_factory=dict)
    # Indicator -> the column of a rater's score (a QA team's 质检分 sheet): ratings of that
    # indicator by ``rater_role`` (a role of the scheme; empty for a scheme with one rater).
    ratings: dict[str, str | int] = Field(default_factory=dict)
    rater_role: str | None = None

    @field_validator("metrics", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: {"source": v} if isinstance(v, str | int) and not isinstance(v, bool) else v
                for k, v in value.items()
            }
        return value

    def expected_sources(self) -> list[str]:
        cols = [self.agent, self.name, self.team, self.date, self.period]
        cols += [m.source for m in self.metrics.values()]
        cols += list(self.incidents.values()) + list(self.ratings.values())
        cols += [
            m.roll_up.weighted_mean
            for m in self.metrics.values()
            if isinstance(m.roll_up, RollUp)
            and m.roll_up.weighted_mean
            and m.roll_up.weighted_mean not in self.metrics
        ]
        return [c for c in cols if isinstance(c, str)]

    def problems(self, file: str, line: Callable[..., int | None]) -> list[Problem]:
        found: list[Problem] = []

        def add(code: str, said: str, *path: str | int) -> None:
            found.append(Problem("error", code, said, file, line(*path)))

        if self.date is not None and self.period is not None:
            add(
                "report_date_and_period",
                message("report.date_or_period", "a report has a date column or a period column"),
                "date",
            )
        if not self.metrics and not self.incidents and not self.ratings:
            add(
                "report_no_metrics",
                message(
                    "report.no_metrics",
                    "a report maps at least one column to a metric or an incident kind",
                ),
                "metrics",
            )
        for mid, metric in self.metrics.items():
            rule = metric.rule()
            if isinstance(rule, RollUp) and rule.ratio is not None:
                for part in rule.ratio:
                    if part not in self.metrics:
                        add(
                            "report_unknown_metric",
                            message(
                                "report.ratio_unknown",
                                "{metric}: ratio reads {part}, which this report does not map "
                                "({metrics})",
                                metric=mid,
                                part=repr(part),
                                metrics=", ".join(self.metrics),
                            ),
                            "metrics",
                            mid,
                        )
                    elif self.metrics[part].unit not in ADDITIVE:
                        add(
                            "report_ratio_not_additive",
                            message(
                                "report.ratio_not_additive",
                                "{metric}: ratio parts are summed, so {part} must be a count "
                                "or money",
                                metric=mid,
                                part=repr(part),
                            ),
                            "metrics",
                            mid,
                        )
            if rule is None and (self.date is not None or self.period is not None):
                add(
                    "report_roll_up_missing",
                    message(
                        "report.roll_up_missing",
                        "{metric} is {unit}: say how its rows add up to the period (roll_up: "
                        "ratio: [a, b], weighted_mean: COLUMN, or mean/min/max/last); a plain "
                        "mean of daily rates is not assumed",
                        metric=mid,
                        unit=metric.unit,
                    ),
                    "metrics",
                    mid,
                )
        return found


@dataclass(slots=True)
class _Value:
    row: int
    day: str | None
    value: Decimal
    weight: Decimal | None


@dataclass(slots=True)
class ReportRead:
    values: list[MetricValue]
    agents: list[Agent]
    problems: list[Problem]
    incidents: list[Incident] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)


def _column(frame: Frame, spec: str | int | None, what: str, problems: list[Problem]) -> int | None:
    if spec is None:
        return None
    if isinstance(spec, int):
        if spec > frame.width():
            problems.append(
                Problem(
                    "error",
                    "column_missing",
                    message(
                        "report.column_number",
                        "{what} is column {spec}, but the file has {width} columns",
                        what=what,
                        spec=spec,
                        width=frame.width(),
                    ),
                    frame.label,
                    row=frame.header_row or None,
                )
            )
            return -1
        return spec - 1
    index = frame.index(spec)
    if index is None:
        shown = ", ".join(h for h in frame.headers if h)
        problems.append(
            Problem(
                "error",
                "column_missing",
                message(
                    "report.column_missing",
                    "{what} is read from the column {spec}, which the file does not have "
                    "(its columns: {shown})",
                    what=what,
                    spec=repr(spec),
                    shown=shown,
                ),
                frame.label,
                row=frame.header_row or None,
                field=spec,
            )
        )
        return -1
    return index


def read_report(
    path: Path,
    report: ReportMapping,
    period: Period | None,
    *,
    label: str,
) -> ReportRead:
    """Metric values (one per agent and metric, rolled up to ``period``) and the agents a
    report names. With no period given, every row keeps its own day or period."""
    from appraise.inputs import tables as t

    problems: list[Problem] = []
    out = ReportRead([], [], problems)
    frame = read_frame(path, report, problems, label=label, expected=report.expected_sources())
    if frame is None:
        return out
    if frame.skipped:
        problems.append(
            Problem(
                "warning",
                "rows_skipped",
                message(
                    "report.rows_skipped",
                    "not read as data: {shown} (the header is row {row})",
                    shown=[_skipped(k, n) for k, n in frame.skipped.items()],
                    row=frame.header_row,
                ),
                frame.label,
            )
        )
    nulls = set(report.null_values or ())
    agent_i = _column(frame, report.agent, message("report.the_agent", "the agent"), problems)
    name_i = _column(frame, report.name, message("report.the_name", "the agent's name"), problems)
    team_i = _column(frame, report.team, message("report.the_team", "the team"), problems)
    day_i = _column(frame, report.date, message("report.the_date", "the date"), problems)
    period_i = _column(frame, report.period, message("report.the_period", "the period"), problems)
    metric_i = {
        mid: _column(frame, m.source, message("report.metric", "metric {id}", id=mid), problems)
        for mid, m in report.metrics.items()
    }
    incident_i = {
        kind: _column(
            frame, col, message("report.incident", "incident kind {kind}", kind=kind), problems
        )
        for kind, col in report.incidents.items()
    }
    rating_i = {
        ind: _column(
            frame, col, message("report.rating_of", "the rating of {id}", id=ind), problems
        )
        for ind, col in report.ratings.items()
    }
    weight_i = {
        mid: _column(
            frame,
            m.roll_up.weighted_mean,
            message("report.weight_of", "the weight of {id}", id=mid),
            problems,
        )
        for mid, m in report.metrics.items()
        if isinstance(m.roll_up, RollUp)
        and m.roll_up.weighted_mean is not None
        and m.roll_up.weighted_mean not in report.metrics
    }
    if any(
        i == -1
        for i in [agent_i, name_i, team_i, day_i, period_i, *metric_i.values(), *weight_i.values()]
    ):
        return out

    def header(i: int | None) -> str:
        if i is not None and frame.headers[i]:
            return frame.headers[i]
        return message("where.column_n", "column {n}", n=(i or 0) + 1)

    def cell(cells: list[Cell], i: int | None) -> Cell:
        if i is None or i >= len(cells):
            return t._EMPTY
        c = cells[i]
        if isinstance(c.value, str) and c.value.strip() in nulls:
            return t._EMPTY
        return c

    def bad(row: int, i: int | None, exc: Any) -> None:
        problems.append(
            Problem("error", exc.code, exc.message, frame.label, row=row, field=header(i))
        )

    if report.incidents and day_i is None and period_i is None and period is None:
        problems.append(
            Problem(
                "error",
                "report_incidents_undated",
                message(
                    "report.incidents_undated",
                    "incidents from a report need its date or period column, or the period scored",
                ),
                frame.label,
            )
        )
    series: dict[tuple[str, str | None, str], list[_Value]] = defaultdict(list)
    agents: dict[str, tuple[int, str | None, str | None]] = {}
    outside: dict[str, int] = defaultdict(int)
    for number, cells in frame.rows:
        try:
            agent = t._as_id(cell(cells, agent_i))
        except t._BadCell as exc:
            bad(number, agent_i, exc)
            continue
        if not agent:
            problems.append(
                Problem(
                    "error",
                    "missing_value",
                    message("report.agent_empty", "the agent is empty"),
                    frame.label,
                    row=number,
                    field=header(agent_i),
                )
            )
            continue
        own_period: str | None = None
        day: str | None = None
        try:
            if day_i is not None:
                c = cell(cells, day_i)
                if c.empty:
                    raise t._BadCell(
                        "missing_value", message("report.date_empty", "the date is empty")
                    )
                d = t._as_date(c)
                day = d.isoformat()
                own_period = day
                if period is not None and not period.contains(d):
                    outside[day] += 1
                    continue
            elif period_i is not None:
                c = cell(cells, period_i)
                if c.empty:
                    raise t._BadCell(
                        "missing_value", message("report.period_empty", "the period is empty")
                    )
                own_period = t._as_period(c)
                if period is not None and not period.contains(Period.parse(own_period).start):
                    outside[own_period] += 1
                    continue
        except t._BadCell as exc:
            bad(number, day_i if day_i is not None else period_i, exc)
            continue
        key_period = str(period) if period is not None else own_period
        if agent not in agents:
            texts = []
            for i in (name_i, team_i):
                c = cell(cells, i)
                texts.append(None if c.empty else t._as_text(c))
            agents[agent] = (number, texts[0], texts[1])
        on: date | None = None
        if day is not None:
            on = date.fromisoformat(day)
        elif own_period is not None:
            on = Period.parse(own_period).start
        elif period is not None:
            on = period.start
        for kind, i in incident_i.items():
            c = cell(cells, i)
            if c.empty or on is None:
                continue
            try:
                count = t._as_number(c, percent_ok=False)
                if count < 0 or count != count.to_integral_value():
                    raise t._BadCell("bad_count", _not_a_count(count))
            except t._BadCell as exc:
                bad(number, i, exc)
                continue
            if count:
                out.incidents.append(
                    Incident(
                        agent,
                        on,
                        kind,
                        count,
                        None,
                        None,
                        "",
                        Source(frame.label, number, header(i)),
                    )
                )
        for ind, i in rating_i.items():
            c = cell(cells, i)
            if c.empty:
                continue
            try:
                value = t._as_value(c)
            except t._BadCell as exc:
                bad(number, i, exc)
                continue
            out.ratings.append(
                Rating(
                    agent,
                    key_period,
                    ind,
                    report.rater_role,
                    None,
                    value,
                    Source(frame.label, number, header(i)),
                )
            )
        for mid, metric in report.metrics.items():
            i = metric_i[mid]
            c = cell(cells, i)
            if isinstance(c.value, str) and c.value.strip() in metric.values:
                mapped = metric.values[c.value.strip()]
                c = t._EMPTY if mapped is None else Cell(mapped)
            if c.empty:
                continue
            try:
                value = _convert(c, metric)
            except t._BadCell as exc:
                bad(number, i, exc)
                continue
            weight: Decimal | None = None
            rule = metric.rule()
            if isinstance(rule, RollUp) and rule.weighted_mean is not None:
                wname = rule.weighted_mean
                wi = metric_i.get(wname) if wname in report.metrics else weight_i[mid]
                wc = cell(cells, wi)
                try:
                    weight = Decimal(0) if wc.empty else t._as_number(wc, percent_ok=False)
                except t._BadCell as exc:
                    bad(number, wi, exc)
                    continue
            series[(agent, key_period, mid)].append(_Value(number, day, value, weight))
    if outside:
        days = sorted(outside)
        shown = ", ".join(days[:5]) + (" …" if len(days) > 5 else "")
        problems.append(
            Problem(
                "warning",
                "rows_outside_period",
                message(
                    "report.rows_outside",
                    "{n} row(s) are not in {period} and are not counted ({shown})",
                    n=sum(outside.values()),
                    period=str(period),
                    shown=shown,
                ),
                frame.label,
            )
        )
    for mid, metric in report.metrics.items():
        rule = metric.rule()
        if isinstance(rule, RollUp) and rule.ratio is not None:
            # A rate the report left empty on some days is still its parts' ratio.
            for agent, p, part in list(series):
                if part in rule.ratio:
                    series.setdefault((agent, p, mid), [])
    for key in list(series):
        rolled = _roll_up(key, series, report, frame.label, problems)
        if rolled is not None:
            agent, p, mid = key
            rows = series[key] or [
                v for part in _parts(report, mid) for v in series.get((agent, p, part), [])
            ]
            src = Source(frame.label, min(v.row for v in rows), header(metric_i[mid]))
            out.values.append(MetricValue(agent, p, mid, rolled, src))
    out.agents = [
        Agent(a, name or a, team, None, None, None) for a, (_, name, team) in agents.items()
    ]
    return out


def _parts(report: ReportMapping, mid: str) -> list[str]:
    rule = report.metrics[mid].rule()
    return list(rule.ratio) if isinstance(rule, RollUp) and rule.ratio else [mid]


def _convert(c: Cell, metric: ReportMetric) -> Decimal:
    from appraise.inputs import tables as t

    if metric.unit == "money":
        return t._as_money(c)
    if metric.unit == "seconds":
        return t._as_number(c, percent_ok=False, duration_ok=True)
    if metric.unit == "percent":
        number = t._as_number(c)
        written_percent = c.percent or (isinstance(c.value, str) and "%" in c.value)
        if metric.fraction and not written_percent:
            return t._plain(number.scaleb(2))
        return number
    if metric.unit == "count":
        number = t._as_number(c, percent_ok=False)
        if number < 0 or number != number.to_integral_value():
            raise t._BadCell("bad_count", _not_a_count(number))
        return number
    return t._as_number(c, duration_ok=True)


def _not_a_count(number: Decimal) -> str:
    return message("report.count", "a count is a whole number from 0, not {v}", v=number)


def _roll_up(
    key: tuple[str, str | None, str],
    series: dict[tuple[str, str | None, str], list[_Value]],
    report: ReportMapping,
    label: str,
    problems: list[Problem],
) -> Decimal | None:
    agent, period, mid = key
    values = series[key]
    metric = report.metrics[mid]
    rule = metric.rule()
    if len(values) == 1:
        # One row is the period's own figure, as the tool computed it.
        return values[0].value
    if not values and not (isinstance(rule, RollUp) and rule.ratio):
        return None
    if rule is None:
        # Validation requires a rule for dated reports; an undated report that lists an agent
        # twice has no right answer.
        problems.append(
            Problem(
                "error",
                "report_duplicate_agent",
                message(
                    "report.duplicate_agent",
                    "agent {agent} has {n} rows for {metric} (rows {rows}); a report without "
                    "dates has one row per agent",
                    agent=repr(agent),
                    n=len(values),
                    metric=mid,
                    rows=", ".join(str(v.row) for v in values[:5]),
                ),
                label,
                row=values[1].row,
            )
        )
        return None
    numbers = [v.value for v in values]
    if rule == "sum":
        return sum(numbers, Decimal(0))
    if rule == "mean":
        return sum(numbers, Decimal(0)) / len(numbers)
    if rule == "min":
        return min(numbers)
    if rule == "max":
        return max(numbers)
    if rule == "last":
        return max(values, key=lambda v: (v.day or "", v.row)).value
    assert isinstance(rule, RollUp)
    if rule.weighted_mean is not None:
        weights = [v.weight or Decimal(0) for v in values]
        total = sum(weights, Decimal(0))
        if total == 0:
            return None
        return sum((v * w for v, w in zip(numbers, weights, strict=True)), Decimal(0)) / total
    assert rule.ratio is not None
    num_key, den_key = rule.ratio
    num = sum((v.value for v in series.get((agent, period, num_key), [])), Decimal(0))
    den = sum((v.value for v in series.get((agent, period, den_key), [])), Decimal(0))
    if den == 0:
        return None
    ratio = num / den
    return ratio * 100 if metric.unit == "percent" else ratio
