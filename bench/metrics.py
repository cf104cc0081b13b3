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

``--sizes 100,300,1000`` measures only the import against ``plain``, a plain DuckDB load of the
same files with every table sorted in storage order under the import's memory budget (no
checks, no facts), at each size, and prints both ratios: wall, and CPU seconds of each child
(all threads, from ``os.wait4``: the steadier one on a shared machine; both children's include
their module imports, the yardstick's too as it imports the importer for its order and budget).
The import's phases are functions of the importer timed from outside, plus ``module imports``
(what the child loads before it starts, in its CPU but not in its wall time). ``--append``
imports days 1 to ``--days`` - 1, then times the last day appended to a copy of that store.
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
    """``appraise import`` of the folder, with the seconds of each phase (wrapped functions)."""
    entered, entered_cpu = time.perf_counter(), time.process_time()
    from appraise.metrics import importer
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.schema import TABLES
    from appraise.metrics.store import open_store

    # What `appraise import` loads before it reads a file; the child's CPU seconds (the ratio's)
    # include it, the import's wall seconds do not.
    imports_s = time.perf_counter() - entered
    imports_cpu = time.process_time() - entered_cpu

    rows = _table_rows(folder, [t for t in TABLES if (folder / f"{t}.parquet").is_file()])
    phases: dict[str, float] = {}
    phases_cpu: dict[str, float] = {}
    inner = {"_check_duplicates": "duplicates", "_warn_empty_columns": "empty columns"}

    def timed(name: str, label: str) -> None:
        original = getattr(importer, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - began
                # CPU seconds of every thread of the process (DuckDB's included).
                phases_cpu[label] = phases_cpu.get(label, 0.0) + time.process_time() - cpu

        setattr(importer, name, wrapper)

    # _stage includes the duplicate and empty-column scans; they are subtracted below.
    for name, label in {
        "_read": "read (describe)",
        "_stage": "check scan",
        "_merge": "merge (insert sorted)",
        "derive_facts": "facts (derive)",
        **inner,
    }.items():
        timed(name, label)
    began, cpu = time.perf_counter(), time.process_time()
    conn = open_store(store)
    importer.import_folder(conn, folder, config=CenterConfig())
    conn.close()
    seconds = time.perf_counter() - began
    cpu_total = time.process_time() - cpu
    for label in inner.values():
        phases["check scan"] -= phases.get(label, 0.0)
        phases_cpu["check scan"] -= phases_cpu.get(label, 0.0)
    phases["other (open, commit, close)"] = seconds - sum(phases.values())
    phases_cpu["other (open, commit, close)"] = cpu_total - sum(phases_cpu.values())
    phases["module imports (before the import)"] = imports_s
    phases_cpu["module imports (before the import)"] = imports_cpu
    return {
        "seconds": seconds,
        "rows": rows,
        "derive_s": phases["facts (derive)"],
        "phases": phases,
        "phases_cpu": phases_cpu,
    }


def _child_append(folder: Path, store: Path) -> dict[str, Any]:
    """``appraise import`` of one more day into a copy of the imported month's store."""
    from appraise.metrics import importer
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.schema import TABLES
    from appraise.metrics.store import open_store

    rows = _table_rows(folder, [t for t in TABLES if (folder / f"{t}.parquet").is_file()])
    copy = store.with_name("append.duckdb")
    shutil.copyfile(store, copy)
    derive_s: list[float] = []
    derive = getattr(importer, "derive_facts")  # noqa: B009 - not re-exported; replaced below

    def timed_derive(*args: Any, **kwargs: Any) -> None:
        began = time.perf_counter()
        derive(*args, **kwargs)
        derive_s.append(time.perf_counter() - began)

    setattr(importer, "derive_facts", timed_derive)  # noqa: B010
    began = time.perf_counter()
    conn = open_store(copy)
    report = importer.import_folder(conn, folder, config=CenterConfig())
    conn.close()
    seconds = time.perf_counter() - began
    copy.unlink()
    counts = {t: (c.inserted, c.updated) for t, c in report.tables.items()}
    return {"seconds": seconds, "rows": rows, "derive_s": sum(derive_s), "counts": counts}


def split_last_day(folder: Path, month: Path, day: Path, last: date) -> None:
    """Split a generated folder into the days before ``last`` and ``last`` itself, as a daily
    export would: each row by its event time (messages by ``sent_at``, so a conversation begun
    before midnight has messages in both), in the center's time zone."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from appraise.metrics.config import CenterConfig
    from appraise.metrics.importer import ORDER

    zone = CenterConfig().timezone
    month.mkdir(parents=True, exist_ok=True)
    day.mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.glob("*.parquet")):
        table = pq.read_table(path)
        column = "sent_at" if path.stem == "messages" else ORDER[path.stem][0]
        values = table.column(column)
        if column == "period":
            pq.write_table(table, month / path.name)
            continue
        if isinstance(values.type, pa.TimestampType):
            # Instants (UTC) to the local calendar day.
            local = pc.local_timestamp(pc.cast(values, pa.timestamp("us", tz=zone)))
            days = pc.cast(local, pa.date32())
        else:
            days = pc.cast(values, pa.date32())
        is_last = pc.fill_null(pc.equal(days, pa.scalar(last, pa.date32())), False)
        pq.write_table(table.filter(pc.invert(is_last)), month / path.name)
        pq.write_table(table.filter(is_last), day / path.name)


def _child_plain(folder: Path, store: Path) -> dict[str, Any]:
    """The yardstick: a plain DuckDB load of the same Parquet files into a new store file, each
    table sorted in the importer's storage order, under the importer's memory budget; no checks,
    no facts."""
    import duckdb

    from appraise.metrics.importer import IMPORT_MEMORY_LIMIT, _order_sql
    from appraise.metrics.schema import TABLES

    present = [t for t in TABLES if (folder / f"{t}.parquet").is_file()]
    rows = _table_rows(folder, present)
    plain = store.with_name("plain.duckdb")
    plain.unlink(missing_ok=True)
    began = time.perf_counter()
    conn = duckdb.connect(str(plain))
    conn.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}B'")
    for t in present:
        path = str(folder / f"{t}.parquet").replace("'", "''")
        conn.execute(
            f"CREATE TABLE \"{t}\" AS SELECT * FROM read_parquet('{path}') ORDER BY {_order_sql(t)}"
        )
    conn.close()
    seconds = time.perf_counter() - began
    plain.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": rows}


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
    elif kind == "append":
        out = _child_append(folder, store)
    elif kind == "plain":
        out = _child_plain(folder, store)
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
    # CPU seconds of the child and all its threads: on a shared machine a steadier figure than
    # the wall time, which waits for the neighbours.
    out["child_cpu_s"] = usage.ru_utime + usage.ru_stime
    return out


def measure(
    kind: str, folder: Path, store: Path, period: str, scratch: Path, repeat: int
) -> dict[str, Any]:
    """Median wall time and median peak over ``repeat`` fresh processes (the machine is shared:
    one run can be slowed by a neighbour, the median of several rarely is)."""
    runs = []
    for _ in range(repeat):
        if kind == "import":
            # Each import goes into a new store file, as the first import of a month does.
            for leftover in store.parent.glob(store.name + "*"):
                leftover.unlink()
        runs.append(measure_once(kind, folder, store, period, scratch))
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["peak_mb"] = statistics.median(r["peak_mb"] for r in runs)
    out["child_cpu_s"] = statistics.median(r["child_cpu_s"] for r in runs)
    if "cpu_seconds" in out:
        out["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in runs)
    out["all_seconds"] = [r["seconds"] for r in runs]
    out["all_cpu_s"] = [r["child_cpu_s"] for r in runs]
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


def _data(folder: Path, agents: int, days: int, seed: int, start: date) -> None:
    from appraise.metrics.generate import generate_center, manifest_matches

    what = f"{agents} agents x {days} days from {start}, seed {seed}"
    print(f"data: {what}, in {folder}", flush=True)
    if manifest_matches(folder, agents=agents, days=days, seed=seed, start=start, fmt="parquet"):
        print("data: reusing the folder (manifest matches)")
    else:
        report = generate_center(folder, agents=agents, days=days, seed=seed, start=start)
        print(f"data: {report.summary()}")
    size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    print(f"data: {size / 2**20:,.0f} MiB of Parquet; {os.cpu_count()} CPUs", flush=True)


def _cpu_runs(imported: dict[str, Any], plain: dict[str, Any]) -> str:
    """Each run's CPU seconds, when there were several (the medians hide the spread)."""
    runs = imported.get("all_cpu_s", [])
    if len(runs) < 2:
        return ""
    fmt = "/".join
    return (
        f"  (runs: import {fmt(f'{x:.2f}' for x in runs)}, "
        f"plain {fmt(f'{x:.2f}' for x in plain.get('all_cpu_s', []))})"
    )


def import_lines(imported: dict[str, Any], plain: dict[str, Any]) -> list[str]:
    """The import against the plain load + sort, and where the import's time went."""
    ratio = imported["seconds"] / plain["seconds"]
    lines = [
        _line("appraise import (checks + facts)", imported),
        _line("plain DuckDB load + sort (no checks)", plain),
        f"import / plain:              {ratio:.2f}x  (target <= 1.5x)",
        f"CPU seconds (all threads):   import {imported['child_cpu_s']:.2f}, "
        f"plain {plain['child_cpu_s']:.2f}, "
        f"{imported['child_cpu_s'] / plain['child_cpu_s']:.2f}x" + _cpu_runs(imported, plain),
        "import phases (first run): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in imported["phases"].items()),
        "import phases, CPU seconds (first run): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in imported["phases_cpu"].items()),
    ]
    return lines


def import_ratio_sizes(args: argparse.Namespace, sizes: list[int]) -> int:
    """``--sizes``: only the import and the plain load, at several sizes, one ratio each."""
    start = date.fromisoformat(args.start)
    root = args.keep or Path(tempfile.mkdtemp(prefix="appraise-bench-"))
    scratch = Path(tempfile.mkdtemp(prefix="appraise-bench-results-"))
    summary: list[str] = []
    try:
        for agents in sizes:
            folder = root / f"agents-{agents}" if args.keep else root
            _data(folder, agents, args.days, args.seed, start)
            store = scratch / "store.duckdb"
            period = f"{start.year:04d}-{start.month:02d}"
            imported = measure("import", folder, store, period, scratch, args.repeat)
            plain = measure("plain", folder, store, period, scratch, args.repeat)
            print(f"medians of {args.repeat} runs, each in a fresh process")
            for line in import_lines(imported, plain):
                print(line)
            print()
            summary.append(
                f"agents={agents} import_s={imported['seconds']:.2f} "
                f"plain_s={plain['seconds']:.2f} "
                f"ratio={imported['seconds'] / plain['seconds']:.2f} "
                f"import_peak_mb={imported['peak_mb']:.0f} "
                f"import_cpu_s={imported['child_cpu_s']:.2f} "
                f"plain_cpu_s={plain['child_cpu_s']:.2f} "
                f"cpu_ratio={imported['child_cpu_s'] / plain['child_cpu_s']:.2f}"
            )
            if not args.keep:
                for leftover in root.iterdir():
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        for line in summary:
            print(line)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def append_day(args: argparse.Namespace) -> int:
    """``--append``: day ``--days`` appended to the days before it, against importing those."""
    start = date.fromisoformat(args.start)
    root = args.keep or Path(tempfile.mkdtemp(prefix="appraise-bench-"))
    scratch = Path(tempfile.mkdtemp(prefix="appraise-bench-results-"))
    try:
        folder = root / f"agents-{args.agents}-days-{args.days}"
        _data(folder, args.agents, args.days, args.seed, start)
        last = date.fromordinal(start.toordinal() + args.days - 1)
        month, day = root / "split" / "month", root / "split" / "day"
        shutil.rmtree(root / "split", ignore_errors=True)
        split_last_day(folder, month, day, last)
        period = f"{start.year:04d}-{start.month:02d}"
        store = scratch / "store.duckdb"
        imported = measure("import", month, store, period, scratch, 1)
        appended = measure("append", day, store, period, scratch, args.repeat)
        print(f"the {args.days - 1} days before {last} imported, then {last} appended")
        print(
            _line(f"import of {args.days - 1} days", imported)
            + f"  of which facts {imported['derive_s']:.2f} s"
        )
        print(
            _line(f"append day {args.days} (median of {args.repeat})", appended)
            + f"  of which facts {appended['derive_s']:.2f} s"
        )
        print(f"appended (inserted, updated) per table: {appended['counts']}")
        share = appended["rows"] / imported["rows"]
        cost = appended["seconds"] / imported["seconds"]
        print(f"the day is {share:.1%} of the rows and costs {cost:.1%} of the month's import")
        print(
            f"append_s={appended['seconds']:.2f} append_facts_s={appended['derive_s']:.2f} "
            f"month_import_s={imported['seconds']:.2f}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


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
    parser.add_argument(
        "--sizes",
        help="only the import against a plain DuckDB load + sort, at these agent counts "
        "(comma-separated, e.g. 100,300,1000; 1,000 agents takes minutes per run)",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="only the incremental day: day --days appended to the days before it",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.data, args.store, args.period, args.result)
        return 0
    if args.append:
        return append_day(args)
    if args.sizes:
        return import_ratio_sizes(args, [int(x) for x in args.sizes.split(",")])

    start = date.fromisoformat(args.start)
    period = f"{start.year:04d}-{start.month:02d}"
    temporary = args.keep is None
    folder = Path(tempfile.mkdtemp(prefix="appraise-bench-")) if temporary else args.keep
    scratch = Path(tempfile.mkdtemp(prefix="appraise-bench-results-"))
    try:
        _data(folder, args.agents, args.days, args.seed, start)
        store = scratch / "store.duckdb"
        r = args.repeat
        imported = measure("import", folder, store, period, scratch, 1)
        plain = measure("plain", folder, store, period, scratch, 1)
        floor = measure("floor", folder, store, period, scratch, r)
        catalog = measure("catalog", folder, store, period, scratch, r)
        engine4 = measure("engine4", folder, store, period, scratch, r)
        pandas = measure("pandas", folder, store, period, scratch, r)
        print()
        print(f"medians of {r} runs, each in a fresh process; peak = the process's peak RSS")
        for line in import_lines(imported, plain):
            print(line)
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
        print(
            f"import_s={imported['seconds']:.2f} plain_s={plain['seconds']:.2f} "
            f"import_peak_mb={imported['peak_mb']:.0f}"
        )
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
