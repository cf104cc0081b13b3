"""Benchmark: the whole metric catalog on a synthetic month, against pandas and the read floor.

    python bench/metrics.py [--agents 1000] [--days 30] [--seed 1] [--keep DIR] [--repeat 3]

Generates the center as Parquet (into a temporary folder, or ``--keep DIR``, reused when its
manifest matches), then measures, each in a fresh child process (peak RSS per child, from
``os.wait4``), so that no measurement inherits another's caches or memory:

* ``import``: ``appraise import`` of the folder into a new store file, checks and the
  per-conversation facts (derive) included; once, as it is a one-time cost per month of data;
* ``floor``: reading just the columns the catalog uses from the Parquet files into Arrow;
* ``catalog``: every metric of the catalog for the month with the DuckDB engine on that store
  (opening it read-only included; the facts were built by the import and are reused);
* ``engine4``: the engine, on the store, on only the four metrics the pandas baseline computes;
* ``pandas``: bench/pandas_baseline.py, those four metrics in plain pandas from the Parquet files
  (it sorts the messages itself each time: it has no import step).

Each but the import runs ``--repeat`` times; the figures are medians. The engine's and pandas'
values for the four metrics are compared. The last two lines are machine-readable:
``import_s=X import_peak_mb=M`` and ``catalog_s=X catalog_cpu_s=C pandas_s=Y floor_s=Z
peak_mb=M`` (``peak_mb`` of the catalog run; ``catalog_cpu_s``: CPU seconds of all its threads).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
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
    from appraise.metrics.catalog import METRICS
    from appraise.metrics.compile import compile_metrics
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.schema import TABLES

    sources = compile_metrics(list(METRICS.values()), CenterConfig()).sources
    facts_sql = derive.runs_sql() + derive.conversation_facts_sql(False)
    needed: dict[str, list[str]] = {}
    for name, table in TABLES.items():
        sqls = [s.sql for s in sources if name in s.tables and not s.needs_facts]
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


def _child_engine(store: Path, period: str, metric_ids: list[str] | None) -> dict[str, Any]:
    from appraise.metrics.catalog import METRICS
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.derive import facts_current
    from appraise.metrics.engine import compute_metrics
    from appraise.metrics.store import open_store
    from appraise.periods import Period

    ids = metric_ids or list(METRICS)
    began = time.perf_counter()
    cpu_began = time.process_time()
    conn = open_store(store, read_only=True)
    reused = facts_current(conn, CenterConfig())
    values = compute_metrics(conn, Period.parse(period), ids, config=CenterConfig())
    seconds = time.perf_counter() - began
    # CPU seconds of all threads: steadier than wall time on a machine shared with others.
    cpu_seconds = time.process_time() - cpu_began
    tables = sorted({t for m in ids for t in METRICS[m].tables})
    (rows,) = conn.execute(
        "SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in tables)
    ).fetchall()[0]
    conn.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "facts_reused": reused,
        "rows": int(rows),
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


def _child_import(folder: Path, store: Path) -> dict[str, Any]:
    from appraise.metrics import importer
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.schema import TABLES
    from appraise.metrics.store import open_store

    rows = _table_rows(folder, [t for t in TABLES if (folder / f"{t}.parquet").is_file()])
    derive_s: list[float] = []
    derive = importer.derive_facts

    def timed_derive(*args: Any, **kwargs: Any) -> None:
        began = time.perf_counter()
        derive(*args, **kwargs)
        derive_s.append(time.perf_counter() - began)

    importer.derive_facts = timed_derive  # type: ignore[assignment]
    began = time.perf_counter()
    conn = open_store(store)
    importer.import_folder(conn, folder, config=CenterConfig())
    conn.close()
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "rows": rows, "derive_s": sum(derive_s)}


_FOUR = ("first_response_time_mean", "reply_time_mean", "csat", "conversion_rate")


def run_child(kind: str, folder: Path, store: Path, period: str, result: Path) -> None:
    if kind == "floor":
        out = _child_floor(folder, period)
    elif kind == "catalog":
        out = _child_engine(store, period, None)
    elif kind == "engine4":
        out = _child_engine(store, period, list(_FOUR))
    elif kind == "pandas":
        out = _child_pandas(folder, period)
    elif kind == "import":
        out = _child_import(folder, store)
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    result.write_text(json.dumps(out), encoding="utf-8")


# --- the parent -------------------------------------------------------------------------------


def measure_once(
    kind: str, folder: Path, store: Path, period: str, scratch: Path
) -> dict[str, Any]:
    """Run one measurement in a fresh process; add its peak RSS in MB."""
    result = scratch / f"{kind}.json"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--data",
        str(folder),
        "--store",
        str(store),
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


def measure(
    kind: str, folder: Path, store: Path, period: str, scratch: Path, repeat: int
) -> dict[str, Any]:
    """Median wall time and median peak over ``repeat`` fresh processes (the machine is shared:
    one run can be slowed by a neighbour, the median of several rarely is)."""
    runs = [measure_once(kind, folder, store, period, scratch) for _ in range(repeat)]
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["peak_mb"] = statistics.median(r["peak_mb"] for r in runs)
    if "cpu_seconds" in out:
        out["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in runs)
    out["all_seconds"] = [r["seconds"] for r in runs]
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
    runs = m.get("all_seconds", [m["seconds"]])
    spread = f"  runs {'/'.join(f'{x:.2f}' for x in runs)}" if len(runs) > 1 else ""
    return (
        f"{label:<40} {m['seconds']:8.2f} s  {rate / 1e6:8.1f} M rows/s  "
        f"{m['peak_mb']:8,.0f} MB peak  ({m['rows']:,} input rows){spread}"
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
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.data, args.store, args.period, args.result)
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

        store = scratch / "store.duckdb"
        r = args.repeat
        imported = measure("import", folder, store, period, scratch, 1)
        floor = measure("floor", folder, store, period, scratch, r)
        catalog = measure("catalog", folder, store, period, scratch, r)
        engine4 = measure("engine4", folder, store, period, scratch, r)
        pandas = measure("pandas", folder, store, period, scratch, r)
        print()
        print(f"medians of {r} runs, each in a fresh process; peak = the process's peak RSS")
        print(
            _line("import into a store file (once)", imported)
            + f"  of which facts (derive) {imported['derive_s']:.2f} s"
        )
        print(_line("floor (needed columns into Arrow)", floor))
        print(
            _line(f"catalog, DuckDB ({catalog['metrics']} metrics)", catalog)
            + f"  {catalog['agents']} agents"
        )
        print(_line("4 chat metrics, DuckDB engine", engine4))
        print(_line("4 chat metrics, pandas", pandas))
        print()
        facts = "reused from the import" if catalog["facts_reused"] else "DERIVED IN THE RUN"
        print(
            "catalog = all metrics for the month on the imported store; the per-conversation "
            f"facts were {facts}."
        )
        print("pandas reads the Parquet files and sorts the messages itself (no import step).")
        print(f"pandas / catalog:            {pandas['seconds'] / catalog['seconds']:.2f}x")
        print(f"pandas / engine (same 4):    {pandas['seconds'] / engine4['seconds']:.2f}x")
        once = imported["seconds"] + catalog["seconds"]
        print(f"pandas / (import + catalog): {pandas['seconds'] / once:.2f}x")
        print(f"catalog / floor:             {catalog['seconds'] / floor['seconds']:.2f}x")
        print(f"agreement engine vs pandas:  {compare(engine4['values'], pandas['values'])}")
        print(f"import_s={imported['seconds']:.2f} import_peak_mb={imported['peak_mb']:.0f}")
        print(
            f"catalog_s={catalog['seconds']:.2f} catalog_cpu_s={catalog['cpu_seconds']:.2f} "
            f"pandas_s={pandas['seconds']:.2f} "
            f"floor_s={floor['seconds']:.2f} peak_mb={catalog['peak_mb']:.0f}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
