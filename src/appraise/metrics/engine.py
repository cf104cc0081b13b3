"""Compute the catalog's metrics for every agent of a period on DuckDB.

The engine owns nothing but the plan: which sources the requested metrics need, the SQL of each
with the period filled in, and one final query that joins their per-agent rows and evaluates the
metric expressions. :mod:`appraise.metrics.spark` runs the very same plan on Spark.

Which agents appear: the ``agents`` given, in that order; otherwise every agent with a row in
the period in any table the requested metrics read (a sales target for the period counts).
An agent with no data for a metric gets NULL, except count metrics, which get 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from appraise.metrics.calendar import period_bounds
from appraise.metrics.catalog import METRICS, SOURCES, MetricDef
from appraise.metrics.config import CenterConfig
from appraise.metrics.derive import ensure_facts
from appraise.metrics.schema import DUCKDB_TYPES, TABLES
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError

MetricValues = dict[str, dict[str, float | None]]

# Sources whose agents are not agents of this period.
_NOT_AGENT_SOURCES = frozenset({"reviews_prev"})
_FACT_TABLES = ("conversations", "messages")


@dataclass(frozen=True, slots=True)
class Plan:
    metrics: tuple[MetricDef, ...]
    # (source name, SQL) in DuckDB dialect, placeholders filled in.
    sources: tuple[tuple[str, str], ...]
    needs_facts: bool
    tables: tuple[str, ...]
    agents: tuple[str, ...] | None

    def final_sql(self, relation: dict[str, str]) -> str:
        """The query joining the sources' per-agent rows; ``relation`` maps source -> table."""
        if self.agents is not None:
            rows = ", ".join("(" + _str_lit(a) + ")" for a in self.agents)
            agents = f"SELECT v.agent_id FROM (VALUES {rows}) AS v(agent_id)"
        else:
            agents = "\nUNION\n".join(
                f"SELECT agent_id FROM {relation[name]} WHERE agent_id IS NOT NULL"
                for name, _ in self.sources
                if name not in _NOT_AGENT_SOURCES
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


def check_metric_ids(metric_ids: Sequence[str] | None) -> tuple[MetricDef, ...]:
    """The definitions of the requested metrics (all when None), or every unknown id at once."""
    if metric_ids is None:
        return tuple(METRICS.values())
    unknown = [m for m in metric_ids if m not in METRICS]
    if unknown:
        raise ProblemsError(
            Problem(
                "error",
                "unknown_metric",
                f"unknown metric {m!r}; known metrics: {', '.join(METRICS)}",
                field="metric",
            )
            for m in unknown
        )
    return tuple(METRICS[m] for m in dict.fromkeys(metric_ids))


def build_plan(
    period: Period,
    metric_ids: Sequence[str] | None,
    config: CenterConfig,
    agents: Sequence[str] | None,
) -> Plan:
    metrics = check_metric_ids(metric_ids)
    start, end = period_bounds(period, config)
    prev_start, prev_end = period_bounds(period.previous(), config)
    values = {
        "start": _ts_lit(start),
        "end": _ts_lit(end),
        "prev_start": _ts_lit(prev_start),
        "prev_end": _ts_lit(prev_end),
        "start_date": f"DATE '{period.start.isoformat()}'",
        "end_date": f"DATE '{period.end.isoformat()}'",
        "period": _str_lit(str(period)),
        "sl_us": str(round(config.service_level_seconds * 1_000_000)),
    }
    names = list(dict.fromkeys(s for m in metrics for s in m.sources))
    sources = tuple((n, SOURCES[n].sql.format(**values)) for n in names)
    needs_facts = any(SOURCES[n].needs_facts for n in names)
    tables = dict.fromkeys(t for n in names for t in SOURCES[n].tables)
    if needs_facts:
        tables.update(dict.fromkeys(_FACT_TABLES))
    return Plan(
        metrics,
        sources,
        needs_facts,
        tuple(tables),
        None if agents is None else tuple(dict.fromkeys(agents)),
    )


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
) -> MetricValues:
    """agent_id -> metric_id -> value (None: no data to compute it from) on a DuckDB connection.

    Tables the connection lacks are read as empty. Conversation facts are derived first when the
    connection has none for this data and configuration.
    """
    config = config or CenterConfig()
    plan = build_plan(period, metric_ids, config, agents)
    if plan.agents == ():
        return {}
    present = _duck_relations(conn)
    for table in plan.tables:
        if table not in present:
            conn.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS {empty_table_sql(table)}")
    if plan.needs_facts:
        ensure_facts(conn, config)
    relation = {name: f"_appraise_src_{name}" for name, _ in plan.sources}
    try:
        for name, sql in plan.sources:
            conn.execute(f"CREATE OR REPLACE TEMP TABLE {relation[name]} AS {sql}")
        rows = conn.execute(plan.final_sql(relation)).fetchall()
    finally:
        for name in relation.values():
            conn.execute(f"DROP TABLE IF EXISTS temp.main.{name}")
    return rows_to_values(plan, rows)
