"""Metric definitions compiled to SQL: grouped sources and one expression per metric.

Definitions that read the same rows (the same ``from``, credit, period column, time window and
joins) share one *source*: a single grouped query, one row per agent, whose columns are the
exact aggregates every such definition needs (``count(*) FILTER (WHERE ...)``, integer sums of
microseconds, exact decimal sums). A definition's own ``where`` goes into the FILTER of its
columns, not into the source, so the 35 catalog metrics scan each table once, as the hand-written
catalog did. Each metric is then an expression over ``<source>.<column>`` with the one division
at the end; both engines therefore get the same bits (see docs/metrics.md, "Engines").

Source SQL is DuckDB dialect with the placeholders the engine fills in: ``{start}``/``{end}``
(the period as TIMESTAMPTZ literals), ``{start_date}``/``{end_date}``, ``{period}``, and their
``prev_`` forms for sources of the previous period. Values from the center's configuration (the
time zone, holidays, the service-level threshold) are written in at compile time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from appraise.messages import message
from appraise.metrics.config import CenterConfig
from appraise.metrics.definitions import (
    COMPARISONS,
    ROW_SOURCES,
    TAG_OPERATORS,
    TAG_SEPARATORS,
    ColumnRef,
    Condition,
    ConfigRef,
    Duration,
    Exists,
    Measure,
    MetricDefinition,
    Part,
    RowSource,
    Window,
    library_definitions,
    parse_dates,
    parse_hours,
)
from appraise.metrics.derive import CALENDAR_TABLE, bus_us_expr
from appraise.problems import Problem, ProblemsError

US = 1_000_000
DAY_US = 86_400 * US


@dataclass(frozen=True, slots=True)
class CompiledSource:
    """One grouped query: ``agent_id`` plus aggregate columns, one row per agent."""

    name: str
    tables: tuple[str, ...]
    sql: str
    needs_facts: bool
    # Reads the previous period: its agents are not agents of this period.
    previous: bool
    # Joins the business-hours minute table; these queries give the instants it must cover.
    calendar_bounds: tuple[str, ...] = ()
    # Aggregates that keep every value of their group (quantile_cont: a median, a percentile),
    # whose state DuckDB cannot spill; with some, ``parted_sql`` is the same query over the
    # agents whose hash falls in part ``$part`` of ``$parts`` (each agent in one part, so each
    # part's rows are exactly the query's rows of those agents), and ``rows_sql`` counts the
    # rows the query aggregates (appraise.metrics.engine splits it by their number).
    holistic: int = 0
    parted_sql: str = ""
    rows_sql: str = ""


@dataclass(frozen=True, slots=True)
class CompiledMetric:
    definition: MetricDefinition
    sources: tuple[str, ...]
    # SQL over ``<source>.<column>``; NULL when there is nothing to compute it from.
    expr: str

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def is_count(self) -> bool:
        return self.definition.is_count


@dataclass(frozen=True, slots=True)
class Compiled:
    metrics: tuple[CompiledMetric, ...]
    sources: tuple[CompiledSource, ...]

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for s in self.sources for t in s.tables))


def _lit(v: Any) -> str:
    """A SQL literal; braces doubled because source SQL is later filled in with format()."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    s = str(v).replace("'", "''").replace("{", "{{").replace("}", "}}")
    return f"'{s}'"


def _and(conds: Sequence[str]) -> str:
    return " AND ".join(conds) if len(conds) == 1 else " AND ".join(f"({c})" for c in conds)


def _filtered(agg: str, conds: Sequence[str]) -> str:
    return f"{agg} FILTER (WHERE {_and(conds)})" if conds else agg


def _local_us(t: str, tz: str) -> str:
    """Local wall-clock microseconds since 1970 of instant ``t`` (Spark: unix_micros of
    from_utc_timestamp, which does not depend on the session time zone)."""
    return f"epoch_us(({t}) AT TIME ZONE {_lit(tz)})"


def _clock_us(t: time | None) -> int:
    if t is None:
        return DAY_US
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US


def _date_us(d: date) -> int:
    return int(
        (datetime.combine(d, time(0), tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC))
        // timedelta(microseconds=1)
    )


@dataclass
class _Rows:
    """Compiling against one row source: collects the joins the SQL needs."""

    src: RowSource
    config: CenterConfig
    credit_sql: str
    joins: list[str] = field(default_factory=list)
    calendar: list[str] = field(default_factory=list)
    # Measures of float columns -> what a sum adds up (see summed).
    _summed: dict[str, str] = field(default_factory=dict)

    def col(self, name: str) -> str:
        return self.src.columns[name].sql

    def summed(self, measure_sql: str) -> str:
        """What ``sum`` adds up for a measure: a float column's values as decimals. Floats
        added in another order give another last digit, and DuckDB's threads add a group's rows
        in any order: the same month computed twice gave two QA averages a bit apart (a value
        exactly on a band's edge could have scored either side). Decimals add up exactly; each
        value is the float to nine decimals (a score typed as 89.3 is 89.300000000)."""
        return self._summed.get(measure_sql, measure_sql)

    def kind(self, name: str) -> str:
        return self.src.columns[name].kind

    def _cal_alias(self, instant_sql: str) -> str:
        join_on = f"date_trunc('minute', {instant_sql})"
        for j in self.joins:
            if j.endswith(f".minute_start = {join_on}"):
                return j.split(" AS ")[1].split(" ")[0]
        alias = f"w{sum(1 for j in self.joins if CALENDAR_TABLE in j) + 1}"
        self.joins.append(
            f"LEFT JOIN {CALENDAR_TABLE} AS {alias} ON {alias}.minute_start = {join_on}"
        )
        return alias

    def _bounds(self, column: str) -> None:
        if self.src.needs_facts:
            q = (
                "SELECT min(started_at) AS lo, max(coalesce(ended_at, started_at)) AS hi "
                "FROM conversations UNION ALL "
                "SELECT min(sent_at) AS lo, max(sent_at) AS hi FROM messages"
            )
        else:
            q = f"SELECT min({column}) AS lo, max({column}) AS hi FROM {self.src.tables[0]}"
        if q not in self.calendar:
            self.calendar.append(q)

    def duration(self, d: Duration) -> str:
        a, b = self.col(d.start), self.col(d.end)
        if d.time == "business" and self.config.calendar is not None:
            self._bounds(d.start)
            self._bounds(d.end)
            return bus_us_expr(a, b, self._cal_alias(a), self._cal_alias(b))
        return f"date_diff('microsecond', {a}, {b})"

    def value(self, v: Any, kind: str) -> str:
        if isinstance(v, ColumnRef):
            return self.col(v.column)
        if isinstance(v, ConfigRef):
            seconds = Decimal(str(self.config.service_level_seconds))
            return _lit(round(seconds * US)) if kind == "duration" else _lit(seconds)
        if kind == "duration":
            return _lit(round(Decimal(str(v)) * US))
        if kind == "date":
            return f"DATE {_lit(str(v))}"
        return _lit(v)

    def condition(self, c: Condition, two_valued: bool = False) -> str:
        """SQL that is true exactly when the row passes ``c``.

        A missing value fails every test. Where the SQL is read as a filter (FILTER, WHERE,
        CASE WHEN) NULL already counts as failing; under ``not`` it must be made false first
        (``two_valued``), or ``not`` of a missing value would fail too.
        """
        tv = two_valued
        if c.all is not None:
            return _and([self.condition(x, tv) for x in c.all])
        if c.any is not None:
            return " OR ".join(f"({self.condition(x, tv)})" for x in c.any)
        if c.not_ is not None:
            return f"NOT ({self.condition(c.not_, True)})"
        if c.exists is not None:
            return self.exists(c.exists)
        if c.open is not None:
            if self.config.calendar is None:
                return "true"
            self._bounds(c.open)
            return f"coalesce({self._cal_alias(self.col(c.open))}.is_open, false)"
        if c.duration is not None:
            subject, kind = self.duration(c.duration), "duration"
        else:
            assert c.column is not None
            subject, kind = self.col(c.column), self.kind(c.column)
        op = c.operator
        if op == "is_":
            if not c.is_:
                return f"NOT coalesce({subject}, false)"
            return f"coalesce({subject}, false)" if tv else subject
        if op == "is_null":
            return f"{subject} IS NULL" if c.is_null else f"{subject} IS NOT NULL"
        if c.ignore_case:
            subject = f"lower({subject})"

        def val(v: Any) -> str:
            out = self.value(v, kind)
            return f"lower({out})" if c.ignore_case and isinstance(v, str) else out

        if op in TAG_OPERATORS:
            return _tags_test(subject, op, getattr(c, op))
        if op in ("in_", "not_in"):
            values = [
                v.lower() if c.ignore_case and isinstance(v, str) else v for v in getattr(c, op)
            ]
            listed = ", ".join(self.value(v, kind) for v in values)
            test = f"{subject} {'IN' if op == 'in_' else 'NOT IN'} ({listed})"
        elif op == "between":
            lo, hi = c.between or (0, 0)
            test = f"{subject} BETWEEN {val(lo)} AND {val(hi)}"
        else:
            assert op is not None
            test = f"{subject} {COMPARISONS[op]} {val(getattr(c, op))}"
        return f"coalesce({test}, false)" if tv else test

    def exists(self, e: Exists) -> str:
        other = ROW_SOURCES[e.table]
        keys = [
            (f"k{i}", other.columns[theirs].sql, self.col(ours))
            for i, (theirs, ours) in enumerate(e.match.items())
        ]
        if e.same_agent:
            keys.append((f"k{len(keys)}", other.credits[other.default_credit], self.credit_sql))
        where = [f"{sql} IS NOT NULL" for _, sql, _ in keys]
        if e.in_period:
            where.append(_period_sql(other, other.period_by, previous=False))
        select = ", ".join(f"{sql} AS {k}" for k, sql, _ in keys)
        sub = f"SELECT DISTINCT {select} FROM {other.from_sql} WHERE {_and(where)}"
        alias = f"j{sum(1 for j in self.joins if ' AS j' in j) + 1}"
        on = " AND ".join(f"{alias}.{k} = {ours}" for k, _, ours in keys)
        join = f"LEFT JOIN (\n    {sub}\n) AS {alias} ON {on}"
        self.joins.append(join)
        return f"{alias}.k0 IS NOT NULL"

    def measure(self, m: Measure) -> tuple[str, bool]:
        """The measure's SQL and whether it is a duration (integer microseconds)."""
        if m.duration is not None:
            sql, is_duration = self.duration(m.duration), True
        elif m.cases is not None:
            whens = " ".join(f"WHEN {self.condition(c.when)} THEN {_lit(c.value)}" for c in m.cases)
            return f"CASE {whens} ELSE {_lit(m.else_)} END", False
        else:
            assert m.column is not None
            sql, is_duration = self.col(m.column), self.kind(m.column) == "duration"
        if m.missing is not None:
            miss = round(m.missing * US) if is_duration else m.missing
            sql = f"coalesce({sql}, {_lit(miss)})"
        if m.column is not None and self.kind(m.column) == "float":
            self._summed[sql] = f"CAST({sql} AS {EXACT_SUM})"
        return sql, is_duration

    def window(self, w: Window, on: str) -> list[str]:
        return [cond for cond, _ in self.window_parts(w, on)]

    def window_parts(self, w: Window, on: str) -> list[tuple[str, str]]:
        """Each condition of the window with what it checks: ``daily``, ``exclude <hours>``,
        ``dates`` or ``business_hours``."""
        tz = self.config.timezone
        local = _local_us(self.col(on), tz)
        tod = f"(({local} % {DAY_US}) + {DAY_US}) % {DAY_US}"
        conds: list[tuple[str, str]] = []

        def inside(text: str) -> str:
            start, end = parse_hours(text)
            s, e = _clock_us(start), _clock_us(end)
            if s < e:
                return f"{tod} >= {s} AND {tod} < {e}"
            return f"({tod} >= {s} OR {tod} < {e})"

        if w.daily:
            conds.append((" OR ".join(f"({inside(t)})" for t in w.daily), "daily"))
        conds.extend((f"NOT ({inside(t)})", f"exclude {t}") for t in w.exclude)
        dates = [parse_dates(t) for t in w.exempt]
        if w.holidays == "exclude" and self.config.calendar is not None:
            dates.extend((d, d) for d in self.config.calendar.holidays)
        for a, b in sorted(set(dates)):
            lo, hi = _date_us(a), _date_us(b + timedelta(days=1))
            conds.append((f"NOT ({local} >= {lo} AND {local} < {hi})", "dates"))
        if w.business_hours and self.config.calendar is not None:
            self._bounds(on)
            alias = self._cal_alias(self.col(on))
            conds.append((f"coalesce({alias}.is_open, false)", "business_hours"))
        return conds


# The type a float measure is summed in: exact, up to 10^29 (a larger value is DuckDB's
# conversion error, never a rounded sum).
EXACT_SUM = "DECIMAL(38, 9)"

# The aggregate of a median or a percentile; its state holds every value of its group.
_QUANTILE = "quantile_cont"


def _signed(terms: list[tuple[bool, str]]) -> str:
    """``a + b - c`` from (subtract, sql) terms."""
    out = ""
    for i, (subtract, sql) in enumerate(terms):
        if i == 0:
            out = f"-{sql}" if subtract else sql
        else:
            out += (" - " if subtract else " + ") + sql
    return out


def _period_sql(src: RowSource, column: str, *, previous: bool) -> str:
    col = src.columns[column].sql
    p = "prev_" if previous else ""
    kind = src.period_kind(column)
    if kind == "instant":
        return f"{col} >= {{{p}start}} AND {col} < {{{p}end}}"
    if kind == "date":
        return f"{col} >= {{{p}start_date}} AND {col} < {{{p}end_date}}"
    return f"{col} = {{{p}period}}"


@dataclass
class _Source:
    name: str
    src: RowSource
    credit_sql: str
    where: list[str]
    joins: list[str]
    previous: bool
    calendar: list[str]
    tables: list[str]
    # Counts distinct values of this SQL: every column is one, keyed by its condition.
    distinct: str | None = None
    columns: dict[str, str] = field(default_factory=dict)

    def column(self, agg: str) -> str:
        """The column computing ``agg`` (for a distinct source: the condition whose rows'
        distinct values it counts; ``true`` for all)."""
        if agg not in self.columns:
            self.columns[agg] = f"v{len(self.columns) + 1}"
        return f"{self.name}.{self.columns[agg]}"

    @property
    def _joins(self) -> str:
        return "".join(f"\n{j}" for j in self.joins)

    def sql(self, *, parted: bool = False) -> str:
        """The grouped query; ``parted``: over the agents of part ``$part`` of ``$parts``."""
        if self.distinct is not None:
            return self._distinct_sql(self._joins)
        cols = ",\n    ".join(f"{agg} AS {name}" for agg, name in self.columns.items())
        part = [f"hash({self.credit_sql}) % $parts = $part"] if parted else []
        return (
            f"SELECT {self.credit_sql} AS agent_id,\n    {cols}\n"
            f"FROM {self.src.from_sql}{self._joins}\n"
            f"WHERE {_and([*self.where, *part])}\n"
            f"GROUP BY {self.credit_sql}"
        )

    @property
    def holistic(self) -> int:
        """How many of its aggregates keep every value of their group."""
        if self.distinct is not None:
            return 0
        return sum(agg.startswith(f"{_QUANTILE}(") for agg in self.columns)

    def rows_sql(self) -> str:
        return f"SELECT count(*) FROM {self.src.from_sql}{self._joins}\nWHERE {_and(self.where)}"

    def _distinct_sql(self, joins: str) -> str:
        # One row per agent and value first, then plain counts: DuckDB's count(DISTINCT) per
        # group costs more than the extra grouping (the conversion rate was twice as slow).
        flags = ",\n        ".join(
            f"max(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}"
            for cond, name in self.columns.items()
        )
        counts = ",\n    ".join(
            f"count(*) FILTER (WHERE g.{name} = 1) AS {name}" for name in self.columns.values()
        )
        where = _and([*self.where, f"{self.distinct} IS NOT NULL"])
        return (
            f"SELECT g.agent_id,\n    {counts}\nFROM (\n"
            f"    SELECT {self.credit_sql} AS agent_id, {self.distinct} AS d,\n        {flags}\n"
            f"    FROM {self.src.from_sql}{joins}\n"
            f"    WHERE {where}\n"
            f"    GROUP BY {self.credit_sql}, {self.distinct}\n"
            ") AS g\nGROUP BY g.agent_id"
        )


@dataclass
class _Compiler:
    config: CenterConfig
    known: dict[str, MetricDefinition]
    sources: dict[str, _Source] = field(default_factory=dict)

    def rows(self, d: MetricDefinition) -> tuple[RowSource, _Rows]:
        assert d.from_ is not None
        src = ROW_SOURCES[d.from_]
        credit = src.credits[d.credit or src.default_credit]
        return src, _Rows(src, self.config, credit)

    def source(
        self, d: MetricDefinition, rows: _Rows, previous: bool, distinct: str | None = None
    ) -> _Source:
        """The shared source for these rows, made on first use."""
        src = rows.src
        period_by = d.period_by or src.period_by
        where = [_period_sql(src, period_by, previous=previous)]
        where.append(f"{rows.credit_sql} IS NOT NULL")
        if d.window is not None:
            where.extend(rows.window(d.window, d.window.on or period_by))
        key = json.dumps([src.name, rows.credit_sql, where, rows.joins, previous, distinct])
        found = self.sources.get(key)
        if found is None:
            credit_name = next(k for k, v in src.credits.items() if v == rows.credit_sql)
            base = f"{src.name}_{credit_name}" + ("_prev" if previous else "")
            if distinct is not None:
                base += "_distinct"
            names = {s.name for s in self.sources.values()}
            name, n = base, 2
            while name in names:
                name, n = f"{base}_{n}", n + 1
            tables = list(src.tables)
            for j in rows.joins:
                for t in ROW_SOURCES:
                    if f" FROM {t} AS t " in j and t not in tables:
                        tables.append(t)
            found = _Source(
                name,
                src,
                rows.credit_sql,
                where,
                list(rows.joins),
                previous,
                list(rows.calendar),
                tables,
                distinct,
            )
            self.sources[key] = found
        return found

    def simple(self, d: MetricDefinition, previous: bool) -> tuple[str, set[str]]:
        _, rows = self.rows(d)
        conds = [rows.condition(c) for c in d.where]
        a = d.aggregate
        scale = d.effective_scale
        mul = "" if scale == 1 else f" * {_lit(scale)}"
        measure: tuple[str, bool] | None = None
        if d.measure is not None:
            measure = rows.measure(d.measure)
        test = rows.condition(d.test) if d.test is not None else None
        if a in ("count", "distinct", "sum"):
            col, is_duration, name = self._agg_column(
                d, rows, previous, a, measure, d.distinct, conds
            )
            expr = f"coalesce({col}, 0)"
            if is_duration or mul:
                expr = f"CAST({expr} AS DOUBLE){mul}" + (f" / {US}" if is_duration else "")
            return expr, {name}
        if a == "share" and d.distinct is not None:
            assert test is not None
            s = self.source(d, rows, previous, distinct=rows.col(d.distinct))
            num = s.column(_and([*conds, test]))
            den = s.column(_and(conds) if conds else "true")
            return f"CAST({num} AS DOUBLE){mul} / NULLIF(CAST({den} AS DOUBLE), 0)", {s.name}
        s = self.source(d, rows, previous)
        used = {s.name}
        if a == "mean":
            assert measure is not None
            m, is_duration = measure
            num = s.column(_filtered(f"sum({rows.summed(m)})", conds))
            den = s.column(_filtered(f"count({m})", conds))
            tail = f" / {US}" if is_duration else ""
            return (
                f"CAST({num} AS DOUBLE){mul} / NULLIF(CAST({den} AS DOUBLE), 0){tail}",
                used,
            )
        if a in ("median", "percentile"):
            assert measure is not None
            m, is_duration = measure
            q = Decimal("0.5") if a == "median" else (d.percentile or Decimal(50)) / 100
            col = s.column(_filtered(f"{_QUANTILE}({m}, {_lit(q)})", conds))
            return col + (f" / {US}" if is_duration else "") + mul, used
        if a == "share":
            assert test is not None
            num = s.column(_filtered("count(*)", [*conds, test]))
            den = s.column(_filtered("count(*)", conds))
            return f"CAST({num} AS DOUBLE){mul} / NULLIF(CAST({den} AS DOUBLE), 0)", used
        raise AssertionError(a)

    def _agg_column(
        self,
        d: MetricDefinition,
        rows: _Rows,
        previous: bool,
        aggregate: str,
        measure: tuple[str, bool] | None,
        distinct: str | None,
        conds: list[str],
    ) -> tuple[str, bool, str]:
        """A count, distinct count or sum of ``d``'s rows: column, is it a duration, source."""
        if aggregate == "distinct":
            assert distinct is not None
            s = self.source(d, rows, previous, distinct=rows.col(distinct))
            return s.column(_and(conds) if conds else "true"), False, s.name
        s = self.source(d, rows, previous)
        if aggregate == "count":
            inner = "*" if measure is None else measure[0]
            return s.column(_filtered(f"count({inner})", conds)), False, s.name
        assert measure is not None
        return s.column(_filtered(f"sum({rows.summed(measure[0])})", conds)), measure[1], s.name

    def part(self, d: MetricDefinition, p: Part, previous: bool) -> tuple[str, bool, set[str]]:
        """A ratio part: its SQL (coalesced to 0), whether it is a duration, its sources."""
        if p.metric is not None:
            target = self.known[p.metric]
            _, rows = self.rows(target)
            conds = [rows.condition(c) for c in target.where]
            measure = rows.measure(target.measure) if target.measure is not None else None
            col, is_duration, name = self._agg_column(
                target, rows, previous, target.aggregate, measure, target.distinct, conds
            )
            return f"coalesce({col}, 0)", is_duration, {name}
        _, rows = self.rows(d)
        conds = [rows.condition(c) for c in [*d.where, *p.where]]
        measure = rows.measure(p.measure) if p.measure is not None else None
        assert p.aggregate is not None
        col, is_duration, name = self._agg_column(
            d, rows, previous, p.aggregate, measure, p.distinct, conds
        )
        return f"coalesce({col}, 0)", is_duration, {name}

    def side(
        self, d: MetricDefinition, parts: list[Part], previous: bool
    ) -> tuple[str, bool, set[str]]:
        compiled = [(p, *self.part(d, p, previous)) for p in parts]
        used = set().union(*(c[3] for c in compiled))
        kinds = {c[2] for c in compiled}
        if len(kinds) == 1:
            total = _signed([(p.subtract, sql) for p, sql, _, _ in compiled])
            return f"CAST({total} AS DOUBLE)", kinds.pop(), used
        terms = _signed(
            [
                (p.subtract, f"CAST({sql} AS DOUBLE)" + (f" / {US}" if is_duration else ""))
                for p, sql, is_duration, _ in compiled
            ]
        )
        return f"({terms})", False, used

    def expr(self, d: MetricDefinition, previous: bool = False) -> tuple[str, set[str]]:
        if d.aggregate == "change":
            assert d.of is not None
            target = self.known[d.of]
            now, a = self.expr(target, previous)
            before, b = self.expr(target, True)
            return f"({now}) - ({before})", a | b
        if d.aggregate == "ratio":
            assert d.numerator is not None and d.denominator is not None
            num, num_d, a = self.side(d, d.numerator, previous)
            den, den_d, b = self.side(d, d.denominator, previous)
            scale = d.effective_scale
            mul = "" if scale == 1 else f" * {_lit(scale)}"
            tail = f" / {US}" if num_d and not den_d else f" * {US}" if den_d and not num_d else ""
            return f"{num}{mul} / CASE WHEN {den} > 0 THEN {den} END{tail}", a | b
        return self.simple(d, previous)


def compile_metrics(
    definitions: Sequence[MetricDefinition],
    config: CenterConfig,
    known: dict[str, MetricDefinition] | None = None,
) -> Compiled:
    """The sources and expressions that compute ``definitions`` (in that order).

    ``known``: definitions that ratio parts and ``change`` may refer to (the built-in library by
    default, plus ``definitions`` themselves).
    """
    lookup = dict(library_definitions() if known is None else known)
    lookup.update({d.id: d for d in definitions})
    c = _Compiler(config, lookup)
    metrics: list[CompiledMetric] = []
    for d in definitions:
        expr, used = c.expr(d)
        order = [s.name for s in c.sources.values() if s.name in used]
        metrics.append(CompiledMetric(d, tuple(order), expr))
    sources = tuple(
        CompiledSource(
            s.name,
            tuple(s.tables),
            s.sql(),
            s.src.needs_facts,
            s.previous,
            tuple(s.calendar),
            s.holistic,
            s.sql(parted=True) if s.holistic else "",
            s.rows_sql() if s.holistic else "",
        )
        for s in c.sources.values()
    )
    return Compiled(tuple(metrics), sources)


def resolve(
    metric_ids: Sequence[str] | None,
    extra: Sequence[MetricDefinition] = (),
) -> tuple[MetricDefinition, ...]:
    """The definitions of the requested ids (the catalog when None), or every unknown id."""
    from appraise.metrics.definitions import catalog_definitions

    known = library_definitions() | {d.id: d for d in extra}
    if metric_ids is None:
        return tuple(catalog_definitions().values()) + tuple(extra)
    unknown = [m for m in metric_ids if m not in known]
    if unknown:
        raise ProblemsError(
            Problem(
                "error",
                "unknown_metric",
                message(
                    "metrics.unknown_metric",
                    "unknown metric {name}; known metrics: {known}",
                    name=repr(m),
                    known=", ".join(known),
                ),
                field="metric",
            )
            for m in unknown
        )
    return tuple(known[m] for m in dict.fromkeys(metric_ids))


def _tags_test(subject: str, op: str, tags: list[str]) -> str:
    """A tag-list test, the same SQL in DuckDB and Spark: the list is read as text, every
    separator (space, semicolon, JSON brackets and quotes) becomes a comma or goes, and each tag
    is looked for between commas (``,vip,`` in ``,vip,refund,``). Tags compare without case."""
    # translate(): characters of the second argument past the third's length are deleted.
    sep = TAG_SEPARATORS.replace(",", "")
    listed = f"',' || lower(translate(coalesce({subject}, ''), '{sep}', ',,')) || ','"
    quoted = [t.lower().replace("'", "''") for t in tags]
    found = [f"contains({listed}, ',{t},')" for t in quoted]
    if op == "has_all":
        return _and(found)
    any_ = " OR ".join(f"({f})" for f in found)
    return f"NOT ({any_})" if op == "has_none" else f"({any_})"
