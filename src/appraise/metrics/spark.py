"""The same metric plan on Spark, for centers that outgrow one machine.

Nothing is defined twice: the DuckDB SQL compiled from the definitions is transpiled by
sqlglot, and the business calendar is the same minute table, built by
:mod:`appraise.metrics.calendar` and handed to Spark as a DataFrame. Only what sqlglot gets
silently wrong is patched here (see docs/metrics.md, "Engines"):

* ``quantile_cont(x, q)`` becomes ``PERCENTILE(x, q)``, Spark's exact interpolating percentile
  (sqlglot writes ``PERCENTILE_CONT(x, q)``, which Spark rejects);
* ``epoch_us`` becomes ``unix_micros`` (sqlglot passes it through untranslated); local
  wall-clock microseconds for time windows are ``unix_micros(from_utc_timestamp(t, zone))``,
  which does not depend on the session time zone.

Averages never divide decimals in SQL, divisions go through ``NULLIF`` (Spark 4 raises on a zero
divisor), and durations are exact integer microseconds, so both engines produce the same doubles.
pyspark is imported lazily: it is a development dependency, not needed for DuckDB.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from appraise.messages import message
from appraise.metrics.config import CenterConfig
from appraise.metrics.definitions import MetricDefinition
from appraise.metrics.derive import (
    CALENDAR_TABLE,
    calendar_arrow,
    conversation_facts_sql,
    conversation_messages_sql,
    reply_facts_sql,
    runs_sql,
)
from appraise.metrics.engine import MetricValues, build_plan, calendar_bounds_sql, rows_to_values
from appraise.metrics.schema import TABLES
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError

SPARK_TYPES = {
    "string": "STRING",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "int": "BIGINT",
    "float": "DOUBLE",
    "money": "DECIMAL(18,2)",
    "date": "DATE",
}

_SPARK_BOUNDS_SQL = """
SELECT unix_micros(min(lo)) AS lo, unix_micros(max(hi)) AS hi FROM (
    SELECT min(started_at) AS lo, max(coalesce(ended_at, started_at)) AS hi FROM conversations
    UNION ALL
    SELECT min(sent_at) AS lo, max(sent_at) AS hi FROM messages
) AS b
"""


# The partition column of the Parquet dataset (``<table>/month=YYYY-MM/*.parquet``).
PARTITION_COLUMN = "month"


def write_dataset(conn: Any, root: Path, timezone: str) -> dict[str, list[str]]:
    """Write every table of a DuckDB store under ``root`` as a Parquet dataset for Spark.

    Each table goes to ``root/<table>/month=YYYY-MM/``, the month of the row's event time (the
    first time in its storage order, see :data:`appraise.metrics.importer.ORDER`) in the
    center's time zone. The months this store holds replace the same months already in
    ``root``; other months are left alone, so a center keeps its history by importing a month
    at a time. Returns the months written per table.
    """
    import shutil

    from appraise.metrics.importer import ORDER

    written: dict[str, list[str]] = {}
    for name, table in TABLES.items():
        column = next(
            c for c in ORDER[name] if c == "period" or table.column(c).type in ("timestamp", "date")
        )
        kind = table.column(column).type
        if kind == "timestamp":
            month = f"strftime(timezone('{timezone}', \"{column}\"), '%Y-%m')"
        elif kind == "date":
            month = f"strftime(\"{column}\", '%Y-%m')"
        else:
            month = f'substr("{column}", 1, 7)'
        months = [
            str(m)
            for (m,) in conn.execute(
                f'SELECT DISTINCT {month} FROM "{name}" WHERE {month} IS NOT NULL ORDER BY 1'
            ).fetchall()
        ]
        if not months:
            continue
        folder = root / name
        for m in months:
            shutil.rmtree(folder / f"{PARTITION_COLUMN}={m}", ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        target = str(folder).replace("'", "''")
        conn.execute(
            f'COPY (SELECT *, {month} AS {PARTITION_COLUMN} FROM "{name}" '
            f"WHERE {month} IS NOT NULL) TO '{target}' "
            f"(FORMAT parquet, PARTITION_BY ({PARTITION_COLUMN}), OVERWRITE_OR_IGNORE, "
            "FILENAME_PATTERN 'part-{uuid}')"
        )
        written[name] = months
    return written


def spark_session(master: str) -> Any:
    """A Spark session on ``master`` (``local[2]``, ``spark://host:7077``, ``yarn``...).

    Session time zone UTC: the stored times are instants, and the SQL never depends on it.
    """
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName("appraise-metrics")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if master.startswith("local"):
        # Local workers run this interpreter, not whatever `python3` is first on PATH (PySpark
        # refuses a worker of another minor version); a cluster names its own PYSPARK_PYTHON.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return builder.getOrCreate()


def _patch(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.PercentileCont):
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "epoch_us":
        return exp.Anonymous(this="UNIX_MICROS", expressions=list(node.expressions))
    return node


def to_spark_sql(duckdb_sql: str) -> str:
    """One statement of the compiled DuckDB SQL as Spark SQL."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    return str(tree.transform(_patch).sql(dialect="spark"))


def _table_schema(name: str) -> str:
    return ", ".join(f"{c.name} {SPARK_TYPES[c.type]}" for c in TABLES[name].columns)


def _register_tables(spark: Any, tables: Mapping[str, Any] | Path | str) -> None:
    """Every canonical table as a temporary view; the ones not given are empty."""
    frames: dict[str, Any] = {}
    if isinstance(tables, (str, Path)):
        folder = Path(tables)
        if not folder.is_dir():
            raise ProblemsError(
                [
                    Problem(
                        "error",
                        "data_missing",
                        message("spark.no_folder", "no such folder of Parquet files"),
                        str(folder),
                    )
                ]
            )
        for name in TABLES:
            for candidate in (folder / f"{name}.parquet", folder / name):
                if candidate.exists():
                    frame = spark.read.parquet(str(candidate))
                    # A dataset written by write_dataset: its month partition is layout only.
                    if PARTITION_COLUMN in frame.columns:
                        frame = frame.drop(PARTITION_COLUMN)
                    frames[name] = frame
                    break
    else:
        unknown = sorted(set(tables) - set(TABLES))
        if unknown:
            raise ProblemsError(
                Problem(
                    "error",
                    "unknown_table",
                    message("spark.unknown_table", "{name} is not a canonical table", name=repr(t)),
                    field=t,
                )
                for t in unknown
            )
        frames = dict(tables)
    for name in TABLES:
        frame = frames.get(name)
        if frame is None:
            frame = spark.createDataFrame([], _table_schema(name))
        frame.createOrReplaceTempView(name)


def _derive_facts(spark: Any, config: CenterConfig) -> list[Any]:
    """The conversation facts as checkpointed views; returns the frames to release later.

    Each is materialised once, eagerly (``localCheckpoint``): the metric queries then read
    stored rows instead of re-planning the calendar and the message window in every query,
    which multiplied Spark jobs and shipped the minute table inside each task until the
    driver ran out of heap.
    """
    with_calendar = config.calendar is not None
    cached: list[Any] = []
    if with_calendar:
        row = spark.sql(_SPARK_BOUNDS_SQL).collect()[0]
        cal = calendar_arrow(config, row["lo"], row["hi"])
        frame = spark.createDataFrame(cal)
        frame = frame.selectExpr(
            "CAST(minute_start AS TIMESTAMP) AS minute_start", "is_open", "cum_us"
        ).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(CALENDAR_TABLE)
        cached.append(frame)
    for name, sql in (
        ("message_runs", runs_sql()),
        ("reply_facts", reply_facts_sql(with_calendar)),
        ("conversation_messages", conversation_messages_sql()),
        ("conversation_facts", conversation_facts_sql(with_calendar)),
    ):
        frame = spark.sql(to_spark_sql(sql)).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        cached.append(frame)
    return cached


def compute_metrics_spark(
    spark: Any,
    tables: Mapping[str, Any] | Path | str,
    period: Period,
    metric_ids: Sequence[str] | None = None,
    *,
    config: CenterConfig | None = None,
    agents: Sequence[str] | None = None,
    definitions: Sequence[MetricDefinition] = (),
) -> MetricValues:
    """Same result as :func:`appraise.metrics.engine.compute_metrics`, computed by Spark.

    ``tables`` maps canonical table names to DataFrames, or names a folder holding
    ``<table>.parquet`` files (or ``<table>/`` folders of parts). Timestamps are instants; the
    session time zone does not change the result.
    """
    config = config or CenterConfig()
    plan = build_plan(period, metric_ids, config, agents, definitions)
    if plan.agents == ():
        return {}
    _register_tables(spark, tables)
    cached: list[Any] = []
    try:
        if plan.needs_facts:
            cached.extend(_derive_facts(spark, config))
        if plan.calendar_bounds and config.calendar is not None:
            row = spark.sql(to_spark_sql(calendar_bounds_sql(plan))).collect()[0]
            frame = spark.createDataFrame(calendar_arrow(config, row[0], row[1]))
            frame = frame.selectExpr(
                "CAST(minute_start AS TIMESTAMP) AS minute_start", "is_open", "cum_us"
            ).localCheckpoint(eager=True)
            frame.createOrReplaceTempView(CALENDAR_TABLE)
            cached.append(frame)
        relation = {name: f"_appraise_src_{name}" for name, _ in plan.sources}
        for name, sql in plan.sources:
            frame = spark.sql(to_spark_sql(sql)).cache()
            frame.createOrReplaceTempView(relation[name])
            cached.append(frame)
        rows = spark.sql(to_spark_sql(plan.final_sql(relation))).collect()
    finally:
        for frame in cached:
            frame.unpersist()
    return rows_to_values(plan, [tuple(r) for r in rows])
