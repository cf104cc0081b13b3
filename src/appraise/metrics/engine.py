"""Compute metric definitions for every agent of a period on DuckDB.

The engine owns nothing but the plan: which sources the requested metrics need, the SQL of each
with the period filled in, and one final query that joins their per-agent rows and evaluates the
metric expressions. :mod:`appraise.metrics.spark` runs the very same plan on Spark.

Which agents appear: the ``agents`` given, in that order; otherwise every agent with a row in
the period in any table the requested metrics read (a target row for the period counts).
An agent with no data for a metric gets NULL, except count metrics, which get 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from appraise.messages import message
from appraise.metrics.calendar import period_bounds, zone
from appraise.metrics.compile import CompiledMetric, CompiledSource, compile_metrics, resolve
from appraise.metrics.config import CenterConfig
from appraise.metrics.definitions import MetricDefinition, library_definitions
from appraise.metrics.derive import CALENDAR_TABLE, calendar_arrow, ensure_facts
from appraise.metrics.schema import DUCKDB_TYPES, TABLES
from appraise.metrics.store import PROVIDED_TABLE, size_bytes
from appraise.periods import Period, PeriodKind
from appraise.problems import Problem

MetricValues = dict[str, dict[str, float | None]]

_FACT_TABLES = ("conversations", "messages")


@dataclass(frozen=True, slots=True)
class Plan:
    metrics: tuple[CompiledMetric, ...]
    # (source name, SQL) in DuckDB dialect, placeholders filled in.
    sources: tuple[tuple[str, str], ...]
    needs_facts: bool
    tables: tuple[str, ...]
    agents: tuple[str, ...] | None
    # Sources of the previous period (their agents are not agents of this period).
    previous: frozenset[str] = frozenset()
    # Queries (lo, hi) whose instants the business-hours minute table must cover.
    calendar_bounds: tuple[str, ...] = ()
    # Sources with aggregates that keep every value (CompiledSource.holistic): name ->
    # (parted SQL, rows SQL, how many such aggregates), placeholders filled in.
    parted: tuple[tuple[str, str, str, int], ...] = ()

    def final_sql(self, relation: dict[str, str]) -> str:
        """The query joining the sources' per-agent rows; ``relation`` maps source -> table."""
        if self.agents is not None:
            rows = ", ".join("(" + _str_lit(a) + ")" for a in self.agents)
            agents = f"SELECT v.agent_id FROM (VALUES {rows}) AS v(agent_id)"
        else:
            agents = "\nUNION\n".join(
                f"SELECT agent_id FROM {relation[name]} WHERE agent_id IS NOT NULL"
                for name, _ in self.sources
                if name not in self.previous
            )
        joins = "\n".join(
            f"LEFT JOIN {relation[name]} AS {name} ON {name}.agent_id = agents.agent_id"
            for name, _ in self.sources
        )
        columns = ",\n    ".join(f'{m.expr} AS "{m.id}"' for m in self.metrics)
        return (
            f"WITH agents AS (\n{agents}\n)\n"
            f"SELECT agents.agent_id,\n    {columns}\nFROM agents\n{joins}\n"
            "ORDER BY agents.agent_id"
        )


def _str_lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _ts_lit(t: datetime) -> str:
    return f"TIMESTAMPTZ '{t.strftime('%Y-%m-%d %H:%M:%S')}+00:00'"


def check_metric_ids(
    metric_ids: Sequence[str] | None, extra: Sequence[MetricDefinition] = ()
) -> tuple[MetricDefinition, ...]:
    """The definitions of the requested metrics (the catalog when None), or every unknown id."""
    return resolve(metric_ids, extra)


def period_values(period: Period, config: CenterConfig) -> dict[str, str]:
    """What the sources' placeholders stand for in this period."""
    start, end = period_bounds(period, config)
    previous = period.previous()
    prev_start, prev_end = period_bounds(previous, config)
    return {
        "start": _ts_lit(start),
        "end": _ts_lit(end),
        "prev_start": _ts_lit(prev_start),
        "prev_end": _ts_lit(prev_end),
        "start_date": f"DATE '{period.start.isoformat()}'",
        "end_date": f"DATE '{period.end.isoformat()}'",
        "prev_start_date": f"DATE '{previous.start.isoformat()}'",
        "prev_end_date": f"DATE '{previous.end.isoformat()}'",
        "period": _str_lit(str(period)),
        "prev_period": _str_lit(str(previous)),
    }


def build_plan(
    period: Period,
    metric_ids: Sequence[str] | None,
    config: CenterConfig,
    agents: Sequence[str] | None,
    definitions: Sequence[MetricDefinition] = (),
) -> Plan:
    """The plan for the requested ids; ``definitions`` are defined beyond the built-in library
    (and computed too when ``metric_ids`` is None)."""
    wanted = check_metric_ids(metric_ids, definitions)
    compiled = compile_metrics(wanted, config, _known(definitions))
    values = period_values(period, config)
    used: list[CompiledSource] = list(compiled.sources)
    sources = tuple((s.name, s.sql.format(**values)) for s in used)
    needs_facts = any(s.needs_facts for s in used)
    tables = dict.fromkeys(compiled.tables)
    if needs_facts:
        tables.update(dict.fromkeys(_FACT_TABLES))
    bounds = tuple(dict.fromkeys(q for s in used for q in s.calendar_bounds))
    parted = tuple(
        (s.name, s.parted_sql.format(**values), s.rows_sql.format(**values), s.holistic)
        for s in used
        if s.holistic
    )
    return Plan(
        compiled.metrics,
        sources,
        needs_facts,
        tuple(tables),
        None if agents is None else tuple(dict.fromkeys(agents)),
        frozenset(s.name for s in used if s.previous),
        bounds,
        parted,
    )


def _known(definitions: Sequence[MetricDefinition]) -> dict[str, MetricDefinition]:
    from appraise.metrics.definitions import library_definitions

    return library_definitions() | {d.id: d for d in definitions}


def calendar_bounds_sql(plan: Plan) -> str:
    """Epoch microseconds of the earliest and latest instant the calendar joins look up."""
    union = "\nUNION ALL\n".join(plan.calendar_bounds)
    return f"SELECT epoch_us(min(lo)), epoch_us(max(hi)) FROM (\n{union}\n) AS b"


def rows_to_values(plan: Plan, rows: Sequence[Sequence[Any]]) -> MetricValues:
    """Shape the final query's rows as agent -> metric -> value, in the plan's agent order."""
    out: MetricValues = {}
    for row in rows:
        out[str(row[0])] = {
            m.id: None if v is None else float(v)
            for m, v in zip(plan.metrics, row[1:], strict=True)
        }
    if plan.agents is not None:
        return {a: out[a] for a in plan.agents}
    return out


def empty_table_sql(name: str) -> str:
    """A typed, empty relation standing in for a table the data does not have."""
    cols = ", ".join(
        f"CAST(NULL AS {DUCKDB_TYPES[c.type]}) AS {c.name}" for c in TABLES[name].columns
    )
    return f"SELECT {cols} WHERE false"


def _duck_relations(conn: Any) -> set[str]:
    rows = conn.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {str(r[0]) for r in rows}


def compute_metrics(
    conn: Any,
    period: Period,
    metric_ids: Sequence[str] | None = None,
    *,
    config: CenterConfig | None = None,
    agents: Sequence[str] | None = None,
    definitions: Sequence[MetricDefinition] = (),
    problems: list[Problem] | None = None,
) -> MetricValues:
    """agent_id -> metric_id -> value (None: no data to compute it from) on a DuckDB connection.

    ``metric_ids``: built-in or given ``definitions`` (None: the catalog and the definitions).
    Tables the connection lacks are read as empty. Conversation facts are derived first when the
    connection has none for this data and configuration.

    A metric that reads a column no imported file gave (calls without answered_at) is None for
    everyone, not 0 % or 100 %; a count metric of a table with no rows is 0 for everyone. Both
    are said in ``problems`` (warnings) when a list is given.
    """
    config = config or CenterConfig()
    plan = build_plan(period, metric_ids, config, agents, definitions)
    if plan.agents == ():
        return {}
    values = _compute(conn, plan, config)
    blocked = _not_computable(conn, plan, definitions)
    for row in values.values():
        for mid in blocked:
            row[mid] = None
    if problems is not None:
        for mid, columns in blocked.items():
            problems.append(
                Problem(
                    "warning",
                    "metric_not_computable",
                    message(
                        "metrics.not_computable",
                        "{metric} is not computable: no imported file gave {columns} (map the "
                        "column, or use a preset that derives it)",
                        metric=mid,
                        columns=", ".join(f"{t}.{c}" for t, c in columns),
                    ),
                    field=mid,
                )
            )
        problems.extend(_empty_count_tables(conn, plan, period))
    return values


def columns_required(
    definition: MetricDefinition,
    known: dict[str, MetricDefinition],
    seen: frozenset[str] = frozenset(),
) -> set[tuple[str, str]]:
    """(table, column) pairs a definition ``requires``, and those of the metrics it is built
    from (a complaint rate per answered call needs the calls' answer times)."""
    found: set[tuple[str, str]] = set()
    if definition.from_ is not None:
        found |= {(definition.from_, c) for c in definition.requires}
    refs = [definition.of] if definition.of else []
    refs += [
        p.metric
        for side in (definition.numerator, definition.denominator)
        for p in side or []
        if p.metric
    ]
    for ref in refs:
        if ref in known and ref not in seen:
            found |= columns_required(known[ref], known, seen | {definition.id})
    return found


def _not_computable(
    conn: Any, plan: Plan, definitions: Sequence[MetricDefinition]
) -> dict[str, list[tuple[str, str]]]:
    """Metrics of the plan that read a column the imported files never gave."""
    if PROVIDED_TABLE not in _duck_relations(conn):
        return {}
    missing = {
        (str(t), str(c))
        for t, c in conn.execute(
            f"SELECT tbl, col FROM {PROVIDED_TABLE} WHERE NOT provided"
        ).fetchall()
    }
    if not missing:
        return {}
    known = {**library_definitions(), **{d.id: d for d in definitions}}
    blocked: dict[str, list[tuple[str, str]]] = {}
    for m in plan.metrics:
        columns = sorted(columns_required(m.definition, known) & missing)
        if columns:
            blocked[m.id] = columns
    return blocked


def _empty_count_tables(conn: Any, plan: Plan, period: Period) -> list[Problem]:
    """Count metrics are 0 for an agent without rows; a table without rows makes that everyone."""
    present = _duck_relations(conn)
    found: list[Problem] = []
    by_table: dict[str, list[str]] = {}
    for m in plan.metrics:
        table = m.definition.model_dump().get("from_")
        if m.is_count and isinstance(table, str) and table in TABLES:
            by_table.setdefault(table, []).append(m.id)
    for table, ids in by_table.items():
        rows = (
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table in present else 0
        )
        if not rows:
            found.append(
                Problem(
                    "warning",
                    "table_empty",
                    message(
                        "metrics.table_empty",
                        "no {table} rows were imported: {metrics} are 0 for everyone in {period}",
                        table=table,
                        metrics=", ".join(ids),
                        period=str(period),
                    ),
                    field=table,
                )
            )
    return found


def _compute(conn: Any, plan: Plan, config: CenterConfig) -> MetricValues:
    present = _duck_relations(conn)
    for table in plan.tables:
        if table not in present:
            conn.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS {empty_table_sql(table)}")
    if plan.needs_facts:
        ensure_facts(conn, config)
    relation = {name: f"_appraise_src_{name}" for name, _ in plan.sources}
    with_calendar = bool(plan.calendar_bounds) and config.calendar is not None
    try:
        if with_calendar:
            ((lo, hi),) = conn.execute(calendar_bounds_sql(plan)).fetchall()
            cal = calendar_arrow(config, lo, hi)  # noqa: F841 - read by DuckDB's replacement scan
            conn.execute(f"CREATE OR REPLACE TEMP TABLE {CALENDAR_TABLE} AS SELECT * FROM cal")
        parted = {p[0]: p for p in plan.parted}
        for name, sql in plan.sources:
            if name in parted:
                _, parted_sql, rows_sql, holistic = parted[name]
                _holistic_source(conn, relation[name], sql, parted_sql, rows_sql, holistic)
            else:
                conn.execute(f"CREATE OR REPLACE TEMP TABLE {relation[name]} AS {sql}")
        rows = conn.execute(plan.final_sql(relation)).fetchall()
    finally:
        for name in relation.values():
            conn.execute(f"DROP TABLE IF EXISTS temp.main.{name}")
        if with_calendar:
            conn.execute(f"DROP TABLE IF EXISTS temp.main.{CALENDAR_TABLE}")
    return rows_to_values(plan, rows)


# Bytes of DuckDB's memory a quantile_cont state takes per value of its group: 17-33 measured on
# DuckDB 2.0 (BIGINT microseconds; the least budget each of 3, 4.5 and 9 million rows with one or
# two such aggregates ran under), rounded up. Those states cannot spill: a year of 5,000
# agents' first response times ran out of the 2 GiB budget (docs/scale.md).
HOLISTIC_BYTES_PER_VALUE = 40


def holistic_parts(rows: int, holistic: int, memory_limit: int | None) -> int:
    """In how many parts (by agent) a source must run for its quantile states to take at most
    half of DuckDB's memory: ``ceil(rows x aggregates x 40 bytes / (limit / 2))``, at least 1."""
    if memory_limit is None or memory_limit <= 0:
        return 1
    need = rows * holistic * HOLISTIC_BYTES_PER_VALUE
    return max(1, math.ceil(need / (memory_limit / 2)))


def _holistic_source(
    conn: Any, relation: str, sql: str, parted_sql: str, rows_sql: str, holistic: int
) -> None:
    """The source's per-agent rows, in parts of agents when their quantiles would not fit in
    DuckDB's memory at once. The same rows and aggregates in every part: the same values."""
    ((limit,),) = conn.execute("SELECT current_setting('memory_limit')").fetchall()
    ((rows,),) = conn.execute(rows_sql).fetchall()
    parts = holistic_parts(int(rows), holistic, size_bytes(str(limit)))
    if parts == 1:
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {relation} AS {sql}")
        return
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE {relation} AS {parted_sql}", {"parts": parts, "part": 0}
    )
    for part in range(1, parts):
        conn.execute(f"INSERT INTO {relation} {parted_sql}", {"parts": parts, "part": part})


def sub_periods(period: Period, by: PeriodKind) -> list[Period]:
    """The days, ISO weeks or months that make up ``period``, in order.

    A week or month is whole even where it runs past the period (a month's first ISO week may
    begin in the month before), so each value is the metric of a real period of that kind.
    """
    out: dict[Period, None] = {}
    day = period.start
    while day < period.end:
        out[Period.containing(day, by)] = None
        day += timedelta(days=1)
    return list(out)


def compute_metrics_by(
    conn: Any,
    period: Period,
    by: PeriodKind,
    metric_ids: Sequence[str] | None = None,
    *,
    config: CenterConfig | None = None,
    agents: Sequence[str] | None = None,
    definitions: Sequence[MetricDefinition] = (),
) -> dict[str, MetricValues]:
    """The daily, weekly or monthly variant of any metrics: sub-period -> agent -> metric -> value.

    Each sub-period is computed exactly as the whole period would be (same definitions, same
    rules for which rows fall in it), so a day's value is what ``--period 2026-10-05`` gives.
    """
    return {
        str(p): compute_metrics(
            conn, p, metric_ids, config=config, agents=agents, definitions=definitions
        )
        for p in sub_periods(period, by)
    }


@dataclass(frozen=True, slots=True)
class DrillRow:
    """One row behind a value: its key, when it happened, its value, and why it was left out."""

    key: str
    at: str
    # The row's measure (a number; for a distinct count, the value counted).
    value: float | str | None
    # None: the row counted.
    left_out: str | None
    # For a share: whether the row passed the test.
    passed: bool | None


def drilldown_rows(
    conn: Any,
    period: Period,
    definition: MetricDefinition,
    agent: str,
    *,
    config: CenterConfig | None = None,
    lang: Literal["zh", "en"] = "zh",
    known: dict[str, MetricDefinition] | None = None,
) -> list[tuple[str, list[DrillRow]]]:
    """For each part of the metric, every row credited to ``agent`` in the period (the rows of
    the previous period too for a change), with whether it counted and why not."""
    from appraise.metrics.explain import drilldown

    config = config or CenterConfig()
    lookup = known if known is not None else _known([definition])
    queries = drilldown(definition, agent, config, lookup, lang)
    tables = dict.fromkeys(compile_metrics([definition], config, lookup).tables)
    present = _duck_relations(conn)
    for table in tables:
        if table not in present:
            conn.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS {empty_table_sql(table)}")
    if any(t in _FACT_TABLES for t in tables):
        ensure_facts(conn, config)
    values = period_values(period, config)
    out: list[tuple[str, list[DrillRow]]] = []
    cal_needed = config.calendar is not None and any(CALENDAR_TABLE in q.sql for q in queries)
    if cal_needed:
        ((lo, hi),) = conn.execute(
            "SELECT epoch_us(min(lo)), epoch_us(max(hi)) FROM ("
            + "\nUNION ALL\n".join(_all_bounds(list(tables)))
            + ") AS b"
        ).fetchall()
        cal = calendar_arrow(config, lo, hi)  # noqa: F841 - read by DuckDB's replacement scan
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {CALENDAR_TABLE} AS SELECT * FROM cal")
    try:
        for q in queries:
            found = conn.execute(f"SELECT * FROM ({q.sql.format(**values)}) AS q").fetchall()
            n = len(q.key)
            out.append(
                (
                    q.label,
                    [
                        DrillRow(
                            "/".join("" if k is None else str(k) for k in r[:n]),
                            _shown(r[n], zone(config)),
                            _value(r[n + 1]),
                            r[n + 2],
                            r[n + 3],
                        )
                        for r in found
                    ],
                )
            )
    finally:
        if cal_needed:
            conn.execute(f"DROP TABLE IF EXISTS temp.main.{CALENDAR_TABLE}")
    return out


def _value(v: Any) -> float | str | None:
    if v is None or isinstance(v, str):
        return v
    return float(v)


def _shown(value: Any, tz: tzinfo) -> str:
    """An instant in the center's local time (the store keeps UTC); anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(tz) if value.tzinfo else value
        return local.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _all_bounds(tables: Sequence[str]) -> list[str]:
    """Instants of every timestamp column of the tables read (the calendar must cover them)."""
    out: list[str] = []
    for t in tables:
        for c in TABLES[t].columns:
            if c.type == "timestamp":
                out.append(f"SELECT min({c.name}) AS lo, max({c.name}) AS hi FROM {t}")
    return out
