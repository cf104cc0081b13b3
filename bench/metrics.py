"""Benchmark: the whole metric catalog on a synthetic month, against pandas and the read floor.

    python bench/metrics.py [--agents 1000] [--days 30] [--seed 1] [--keep DIR] [--with-import]

Generates the center as Parquet (into a temporary folder, or ``--keep DIR``, reused when its
manifest matches), then measures, each in a fresh child process so that no measurement inherits
another's caches or memory:

* ``floor``: reading just the columns the catalog uses into Arrow (pyarrow, all cores);
* ``catalog``: every metric of the catalog for the month with the DuckDB engine, on views over
  the Parquet files (the per-conversation facts are derived inside the run and timed with it);
* ``engine4``: the engine on only the four metrics the pandas baseline computes;
* ``pandas``: bench/pandas_baseline.py, those four metrics in plain pandas;
* ``import`` (with ``--with-import``): `open_data(folder)`, the store import with validation.

Each prints wall seconds, input rows per second and the child's peak RSS (``os.wait4``). The
engine's and pandas' values for the four metrics are compared. The last line is machine-readable:
``catalog_s=X pandas_s=Y floor_s=Z peak_mb=M`` (``peak_mb`` of the catalog run).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


# --- children ---------------------------------------------------------------------------------


def _table_rows(folder: Path, tables: list[str]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(folder / f"{t}.parquet").metadata.num_rows for t in tables)


def needed_columns() -> dict[str, list[str]]:
    """Columns of each canonical table that the catalog's SQL (and the facts' SQL) mention."""
    from appraise.metrics import derive
    from appraise.metrics.catalog import SOURCES
    from appraise.metrics.schema import TABLES

    facts_sql = derive.reply_facts_sql(False) + derive.conversation_facts_sql(False)
    needed: dict[str, list[str]] = {}
    for name, table in TABLES.items():
        sqls = [s.sql for s in SOURCES.values() if name in s.tables]
        if name in ("conversations", "messages"):
            sqls.append(facts_sql)
        if not sqls:
            continue
        text = "\n".join(sqls)
        cols = [c for c in table.column_names if re.search(rf"\b{re.escape(c)}\b", text)]
        if cols:
            needed[name] = cols
    return needed


def _child_floor(folder: Path, period: str) -> dict[str, Any]:
    import pyarrow.dataset  # noqa: F401 - read_table loads it on first use; not part of the floor
    import pyarrow.parquet as pq

    needed = needed_columns()
    began = time.perf_counter()
    rows = 0
    for name, cols in needed.items():
        rows += pq.read_table(folder / f"{name}.parquet", columns=cols).num_rows
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "rows": rows, "columns": needed}


def _views(folder: Path) -> Any:
    import duckdb

    from appraise.metrics.schema import TABLES

    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    for name in TABLES:
        path = str(folder / f"{name}.parquet").replace("'", "''")
        conn.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return conn


def _child_engine(folder: Path, period: str, metric_ids: list[str] | None) -> dict[str, Any]:
    from appraise.metrics.catalog import METRICS
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.derive import ensure_facts
    from appraise.metrics.engine import compute_metrics
    from appraise.periods import Period

    ids = metric_ids or list(METRICS)
    tables = sorted({t for m in ids for t in METRICS[m].tables})
    rows = _table_rows(folder, tables)
    began = time.perf_counter()
    conn = _views(folder)
    ensure_facts(conn, CenterConfig())
    facts_s = time.perf_counter() - began
    values = compute_metrics(conn, Period.parse(period), ids)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "facts_s": facts_s,
        "rows": rows,
        "metrics": len(ids),
        "agents": len(values),
        "values": {a: {m: v.get(m) for m in _FOUR} for a, v in values.items()},
    }


def _child_pandas(folder: Path, period: str) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    from appraise.periods import Period
    from pandas_baseline import pandas_metrics

    rows = _table_rows(folder, ["conversations", "messages", "surveys", "orders"])
    began = time.perf_counter()
    values = pandas_metrics(folder, Period.parse(period))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "rows": rows, "agents": len(values), "values": values}


def _child_import(folder: Path, period: str) -> dict[str, Any]:
    from appraise.metrics.schema import TABLES
    from appraise.metrics.store import open_data

    rows = _table_rows(folder, list(TABLES))
    began = time.perf_counter()
    conn = open_data(folder)
    seconds = time.perf_counter() - began
    conn.close()
    return {"seconds": seconds, "rows": rows}


_FOUR = ("first_response_time_mean", "reply_time_mean", "csat", "conversion_rate")


def run_child(kind: str, folder: Path, period: str, result: Path) -> None:
    if kind == "floor":
        out = _child_floor(folder, period)
    elif kind == "catalog":
        out = _child_engine(folder, period, None)
    elif kind == "engine4":
        out = _child_engine(folder, period, list(_FOUR))
    elif kind == "pandas":
        out = _child_pandas(folder, period)
    elif kind == "import":
        out = _child_import(folder, period)
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    result.write_text(json.dumps(out), encoding="utf-8")


# --- the parent -------------------------------------------------------------------------------


def measure(kind: str, folder: Path, period: str, scratch: Path) -> dict[str, Any]:
    """Run one measurement in a fresh process; add its peak RSS in MB."""
    result = scratch / f"{kind}.json"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--data",
        str(folder),
        "--period",
        period,
        "--result",
        str(result),
    ]
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"measurement {kind} failed with exit code {proc.returncode}")
    out: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    out["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return out


def compare(
    engine: dict[str, dict[str, float | None]], pandas: dict[str, dict[str, float | None]]
) -> str:
    """How far apart the two implementations are on the four metrics."""
    worst = 0.0
    mismatches = 0
    compared = 0
    for agent in sorted(set(engine) | set(pandas)):
        for metric in _FOUR:
            a = engine.get(agent, {}).get(metric)
            b = pandas.get(agent, {}).get(metric)
            if a is None and b is None:
                continue
            compared += 1
            if a is None or b is None:
                mismatches += 1
                continue
            diff = abs(a - b) / max(1.0, abs(a))
            worst = max(worst, diff)
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                mismatches += 1
    return (
        f"{compared} values compared, {mismatches} differ, largest relative difference {worst:.1e}"
    )


def _line(label: str, m: dict[str, Any]) -> str:
    rate = m["rows"] / m["seconds"] if m["seconds"] else float("inf")
    return (
        f"{label:<34} {m['seconds']:8.2f} s  {rate / 1e6:8.1f} M rows/s  "
        f"{m['peak_mb']:8,.0f} MB peak  ({m['rows']:,} input rows)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2026-10-01")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--with-import", action="store_true", help="also time open_data(folder)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.data, args.period, args.result)
        return 0

    from appraise.metrics.generate import generate_center, manifest_matches

    start = date.fromisoformat(args.start)
    period = f"{start.year:04d}-{start.month:02d}"
    temporary = args.keep is None
    folder = Path(tempfile.mkdtemp(prefix="appraise-bench-")) if temporary else args.keep
    scratch = Path(tempfile.mkdtemp(prefix="appraise-bench-results-"))
    try:
        what = f"{args.agents} agents x {args.days} days from {start}, seed {args.seed}"
        print(f"data: {what}, in {folder}")
        if manifest_matches(
            folder, agents=args.agents, days=args.days, seed=args.seed, start=start, fmt="parquet"
        ):
            print("data: reusing the folder (manifest matches)")
        else:
            report = generate_center(
                folder, agents=args.agents, days=args.days, seed=args.seed, start=start
            )
            print(f"data: {report.summary()}")
        size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
        print(f"data: {size / 2**20:,.0f} MiB of Parquet; period {period}; {os.cpu_count()} CPUs")

        floor = measure("floor", folder, period, scratch)
        catalog = measure("catalog", folder, period, scratch)
        engine4 = measure("engine4", folder, period, scratch)
        pandas = measure("pandas", folder, period, scratch)
        print()
        print(_line("floor (needed columns into Arrow)", floor))
        print(
            _line(f"catalog, DuckDB ({catalog['metrics']} metrics)", catalog)
            + f"  facts {catalog['facts_s']:.2f} s, {catalog['agents']} agents"
        )
        print(
            _line("4 chat metrics, DuckDB engine", engine4) + f"  facts {engine4['facts_s']:.2f} s"
        )
        print(_line("4 chat metrics, pandas", pandas))
        if args.with_import:
            imported = measure("import", folder, period, scratch)
            print(_line("import into a store (open_data)", imported))
        print()
        print(f"pandas / catalog:          {pandas['seconds'] / catalog['seconds']:.2f}x")
        print(f"pandas / engine (same 4):  {pandas['seconds'] / engine4['seconds']:.2f}x")
        print(f"catalog / floor:           {catalog['seconds'] / floor['seconds']:.2f}x")
        print(f"agreement engine vs pandas: {compare(engine4['values'], pandas['values'])}")
        print(
            f"catalog_s={catalog['seconds']:.2f} pandas_s={pandas['seconds']:.2f} "
            f"floor_s={floor['seconds']:.2f} peak_mb={catalog['peak_mb']:.0f}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
