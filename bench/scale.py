"""Benchmark: when a center should move from DuckDB to Spark (docs/scale.md, "When to move").

    python bench/scale.py [--agents 1000,3000,10000] [--days 30] [--keep DIR] [--seed 1]
    python bench/scale.py --agents 5000 --months 10 --start 2026-02-01
    (either) [--memory-limit 2GiB] [--threads N]

For each size, a generated month (`appraise generate`, Parquet) is imported into a new DuckDB
store (`appraise import`: every check and the facts, under ``IMPORT_MEMORY_LIMIT``; the child of
bench/metrics.py), then the whole catalog is computed on that store for the month, each in a
fresh process. The catalog opens the store as `appraise metrics` does (``open_data``: read-only,
under the catalog's DuckDB budget, ``appraise.metrics.store.Budget``; ``--memory-limit`` and
``--threads`` set it through the ``APPRAISE_DUCKDB_*`` variables, spilling to the system's
temporary folder). Printed per size: the rows, the Parquet and the store on disk, and for the
import and the catalog the wall time, the CPU seconds of all threads and the peak RSS; then how
each grows from the smallest size (time per agent-month, peak against agents), so that a center
can read off its own size. With ``--keep DIR`` each size's files stay in ``DIR/agents-N`` and are
reused when their manifest matches.

``--months N`` (N > 1) is a center's history instead: N calendar months from ``--start`` (the
first of a month), each generated on its own (``appraise generate --start``, the same agents; the
ids of month k start at k x 10^9 so that no month's conversations replace another's) and imported
into the same store, one after the other, as a center imports a month at a time. Printed per
month: its rows, the import's wall / CPU / peak and the store's size after it; then the rows
stored per local month (every earlier month must still be there), and the catalog for the last
month and for the smallest period (quarter, half or year) that holds all N months. Each month's
Parquet is deleted once imported unless ``--keep``. ``--each``: the same two catalogs (the month
just imported, and the smallest period holding the months so far) after every month as well, so
that a run stopped early still says how the catalog grows with the history. ``--days`` is not
used (calendar months). ``--resume DIR`` goes on with the store a stopped run left in its scratch
folder ``DIR`` (``DIR/store.duckdb``; stop a run with SIGTERM or SIGKILL, as an interrupt
deletes its folder): the months the store holds are skipped, the others generated into
``DIR/data`` (a month already generated there is reused) and imported, and the store is kept.

The last line is for machines: ``scale agents=N,... import_s=... catalog_s=... import_peak_mb=...
catalog_peak_mb=...`` (comma-separated, one value per size); with ``--months``: ``history
agents=N months=M import_s=... (sum) import_peak_mb=... (max) store_mib=... month_catalog_s=...
span_catalog_s=... month_catalog_peak_mb=... span_catalog_peak_mb=...``.
"""

from __future__ import annotations

import argparse
import calendar
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import metrics as bench  # bench/metrics.py: the generator call and the children


def _mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


# --- the catalog child: the store opened as `appraise metrics` opens it --------------------------


def _child_catalog(store: Path, period: str) -> dict[str, Any]:
    from appraise.metrics.catalog import METRICS
    from appraise.metrics.config import CenterConfig
    from appraise.metrics.derive import facts_current
    from appraise.metrics.engine import compute_metrics
    from appraise.metrics.store import Budget, open_data
    from appraise.periods import Period

    budget = Budget.from_env()
    began = time.perf_counter()
    conn = open_data(store, config=CenterConfig(), budget=budget)
    reused = facts_current(conn, CenterConfig())
    values = compute_metrics(conn, Period.parse(period), list(METRICS), config=CenterConfig())
    seconds = time.perf_counter() - began
    ((limit, threads),) = conn.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')"
    ).fetchall()
    conn.close()
    # The values in one word, to compare runs under different budgets.
    digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]
    return {
        "seconds": seconds,
        "digest": digest,
        "facts_reused": reused,
        "metrics": len(METRICS),
        "agents": len(values),
        "memory_limit": str(limit),
        "threads": int(threads),
    }


def measure_catalog(store: Path, period: str, scratch: Path, repeat: int) -> dict[str, Any]:
    """The catalog in ``repeat`` fresh processes: median wall, CPU and peak RSS."""
    runs = []
    for _ in range(repeat):
        result = scratch / "catalog.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child-catalog", str(store)]
        cmd += ["--period", period, "--result", str(result)]
        proc = subprocess.Popen(cmd)
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise SystemExit(f"the catalog for {period} failed with exit code {code}")
        out: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        out["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
        out["child_cpu_s"] = usage.ru_utime + usage.ru_stime
        runs.append(out)
    runs.sort(key=lambda r: r["seconds"])
    middle = dict(runs[len(runs) // 2])
    for key in ("peak_mb", "child_cpu_s"):
        middle[key] = sorted(r[key] for r in runs)[len(runs) // 2]
    return middle


def one_size(agents: int, args: argparse.Namespace, root: Path, period: str) -> dict[str, Any]:
    folder = root / f"agents-{agents}"
    folder.mkdir(parents=True, exist_ok=True)
    start = date.fromisoformat(args.start)
    bench._data(folder, agents, args.days, args.seed, start)
    scratch = Path(tempfile.mkdtemp(prefix="appraise-scale-"))
    try:
        store = scratch / "store.duckdb"
        imported = bench.measure("import", folder, store, period, scratch, 1)
        store_mib = _mib(store)
        catalog = measure_catalog(store, period, scratch, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    present = sorted(p.stem for p in folder.glob("*.parquet"))
    return {
        "agents": agents,
        "rows": bench._table_rows(folder, present),
        "parquet_mib": sum(_mib(folder / f"{t}.parquet") for t in present),
        "store_mib": store_mib,
        "import": imported,
        "catalog": catalog,
    }


# --- --months: a center's history, imported a month at a time ----------------------------------

# Month k's ids (conversations, calls, tickets, surveys, orders, reviews, QA) start here.
ID_STRIDE = 10**9


def _add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _generate_month(folder: Path, agents: int, seed: int, first: date, index: int) -> int:
    """``appraise generate --start FIRST`` for one calendar month, its ids offset by the month's
    index so that months imported into one store add up. Returns the month's days."""
    from appraise.metrics import generate as gen

    days = calendar.monthrange(first.year, first.month)[1]
    marker = folder / ".ids-from"
    offset = str(index * ID_STRIDE)
    if (
        gen.manifest_matches(
            folder, agents=agents, days=days, seed=seed, start=first, fmt="parquet"
        )
        and marker.is_file()
        and marker.read_text(encoding="utf-8") == offset
    ):
        print(f"data: {first:%Y-%m} reused from {folder}", flush=True)
        return days
    plain = gen._Counters

    def counters() -> Any:
        c = plain()
        for f in dataclasses.fields(c):
            setattr(c, f.name, index * ID_STRIDE)
        return c

    setattr(gen, "_Counters", counters)  # noqa: B010 - the generator has no id offset of its own
    try:
        report = gen.generate_center(folder, agents=agents, days=days, seed=seed, start=first)
    finally:
        setattr(gen, "_Counters", plain)  # noqa: B010
    marker.write_text(offset, encoding="utf-8")
    print(f"data: {first:%Y-%m}: {report.summary()}", flush=True)
    return days


def span_period(first: date, last: date) -> str | None:
    """The smallest quarter, half or year that holds the months ``first`` to ``last``."""
    from appraise.periods import Period

    for kind in ("quarter", "half", "year"):
        p = Period.containing(first, kind)  # type: ignore[arg-type]
        if p.contains(last):
            return str(p)
    return None


def stored_months(store: Path) -> dict[str, int]:
    """Conversations stored per local month (the center's zone): are the earlier months kept?"""
    import duckdb

    from appraise.metrics.config import CenterConfig

    conn = duckdb.connect(str(store), read_only=True)
    zone = CenterConfig().timezone.replace("'", "''")
    rows = conn.execute(
        f"SELECT strftime(timezone('{zone}', started_at), '%Y-%m') AS m, count(*) "
        "FROM conversations GROUP BY m ORDER BY m"
    ).fetchall()
    conn.close()
    return {str(m): int(n) for m, n in rows}


def history(agents: int, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    first = date.fromisoformat(args.start)
    if first.day != 1:
        raise SystemExit("--months needs --start on the first of a month")
    if args.resume is not None:
        # A run stopped part-way goes on: its store keeps the months imported so far.
        scratch = args.resume
        store = scratch / "store.duckdb"
        if not store.is_file():
            raise SystemExit(f"--resume {scratch}: there is no store.duckdb in it")
        have = stored_months(store)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="appraise-scale-", dir=args.store_dir))
        store = scratch / "store.duckdb"
        have = {}
    biggest = max(have.values(), default=0)
    months: list[dict[str, Any]] = []
    before: list[str] = []
    try:
        for k in range(args.months):
            month = _add_months(first, k)
            if have.get(f"{month:%Y-%m}", 0) * 2 > biggest > 0:
                # In the store already (a month also holds the next one's first night, a few
                # conversations, hence "most of the biggest month").
                before.append(f"{month:%Y-%m}")
                print(f"month {month:%Y-%m}: in the store already (--resume)", flush=True)
                continue
            folder = root / f"agents-{agents}-months" / f"{month:%Y-%m}"
            folder.mkdir(parents=True, exist_ok=True)
            days = _generate_month(folder, agents, args.seed, month, k)
            present = sorted(p.stem for p in folder.glob("*.parquet"))
            rows = bench._table_rows(folder, present)
            parquet = sum(_mib(folder / f"{t}.parquet") for t in present)
            period = f"{month:%Y-%m}"
            imported = bench.measure_once("import", folder, store, period, scratch)
            done = {
                "month": period,
                "days": days,
                "rows": rows,
                "parquet_mib": parquet,
                "import": imported,
                "store_mib": _mib(store),
                "conversations": bench._table_rows(folder, ["conversations"]),
            }
            months.append(done)
            print(
                f"month {period}: {rows:,} rows, {parquet:,.0f} MiB Parquet; import "
                f"{imported['seconds']:.1f} s wall, {imported['child_cpu_s']:.1f} s CPU, "
                f"{imported['peak_mb']:,.0f} MB peak; store {done['store_mib']:,.0f} MiB; "
                f"load {os.getloadavg()[0]:.1f}, {time.strftime('%H:%M:%S')}",
                flush=True,
            )
            if args.keep is None:
                shutil.rmtree(folder, ignore_errors=True)
            if args.each and k < args.months - 1:
                # The catalogs on the history so far: how they grow with the months stored.
                so_far = span_period(first, month)
                for p in dict.fromkeys([period, so_far]):
                    if p is not None:
                        c = measure_catalog(store, p, scratch, 1)
                        done.setdefault("catalogs", {})[p] = c
                        print(f"  catalog {p} after {k + 1} months: {_catalog_line(c)}", flush=True)
        kept = stored_months(store)
        print("conversations stored per local month: " + json.dumps(kept), flush=True)
        last = months[-1]["month"]
        month_catalog = measure_catalog(store, last, scratch, args.repeat)
        print(f"catalog {last}: {_catalog_line(month_catalog)}", flush=True)
        span = span_period(first, _add_months(first, args.months - 1))
        span_catalog = None
        if span is None:
            print(f"no quarter, half or year holds the {args.months} months: no span catalog")
        else:
            span_catalog = measure_catalog(store, span, scratch, args.repeat)
            print(f"catalog {span}: {_catalog_line(span_catalog)}", flush=True)
        return {
            "agents": agents,
            "months": months,
            "before": before,
            "kept": kept,
            "store_mib": _mib(store),
            "last": last,
            "month_catalog": month_catalog,
            "span": span,
            "span_catalog": span_catalog,
        }
    finally:
        if args.resume is None:
            shutil.rmtree(scratch, ignore_errors=True)


def _catalog_line(c: dict[str, Any]) -> str:
    return (
        f"{c['seconds']:.1f} s wall, {c['child_cpu_s']:.1f} s CPU, {c['peak_mb']:,.0f} MB peak "
        f"({c['metrics']} metrics, {c['agents']:,} agents, memory_limit {c['memory_limit']}, "
        f"{c['threads']} threads, facts {'reused' if c['facts_reused'] else 'DERIVED'}, "
        f"values {c.get('digest', '?')}; "
        f"load {os.getloadavg()[0]:.1f}, {time.strftime('%H:%M:%S')})"
    )


def history_report(h: dict[str, Any]) -> list[str]:
    months = h["months"]
    before = h.get("before", [])
    agent_months = h["agents"] * len(months)
    # The store's months: this run's and those an earlier run imported (--resume).
    stored_agent_months = h["agents"] * (len(months) + len(before))
    rows = sum(m["rows"] for m in months)
    import_s = sum(m["import"]["seconds"] for m in months)
    import_cpu = sum(m["import"]["child_cpu_s"] for m in months)
    peak = max(m["import"]["peak_mb"] for m in months)
    lines = [
        f"{h['agents']:,} agents x {len(months)} months = {agent_months:,} agent-months, "
        f"{rows:,} rows, store {h['store_mib']:,.0f} MiB"
        + (
            f" (holding {len(before)} more months of an earlier run: "
            f"{stored_agent_months:,} agent-months)"
            if before
            else ""
        ),
        f"imports: {import_s:,.0f} s wall, {import_cpu:,.0f} s CPU in all, peak {peak:,.0f} MB "
        f"(first month {months[0]['import']['seconds']:.0f} s / "
        f"{months[0]['import']['peak_mb']:,.0f} MB, last {months[-1]['import']['seconds']:.0f} s"
        f" / {months[-1]['import']['peak_mb']:,.0f} MB); "
        f"{1000 * import_s / agent_months:.1f} ms per agent-month",
    ]
    stored = sum(h["kept"].values())
    made = sum(m["conversations"] for m in months)
    if before:
        stored_before = sum(n for m, n in h["kept"].items() if m in before)
        lines.append(
            f"conversations: {made:,} in this run's month files, {stored:,} in the store, "
            f"{stored_before:,} of them in the months before it"
            + ("" if stored >= made + stored_before else " (SOME WERE REPLACED OR LOST)")
        )
    else:
        lines.append(
            f"conversations: {made:,} in the month files, {stored:,} in the store "
            f"({'every month kept' if stored == made else 'SOME WERE REPLACED OR LOST'})"
        )
    c = h["month_catalog"]
    lines.append(
        f"catalog {h['last']} on the {len(months) + len(before)}-month store: "
        f"{_catalog_line(c)}; "
        f"{1000 * c['seconds'] / h['agents']:.2f} ms per agent-month"
    )
    if h["span_catalog"] is not None:
        c = h["span_catalog"]
        lines.append(
            f"catalog {h['span']} ({len(months) + len(before)} months of data): "
            f"{_catalog_line(c)}; {1000 * c['seconds'] / stored_agent_months:.2f} ms per "
            "agent-month"
        )
    return lines


def report(rows: list[dict[str, Any]], days: int) -> list[str]:
    lines = [
        f"{'agents':>7} {'rows':>13} {'parquet':>9} {'store':>9}  "
        f"{'import wall/CPU/peak':>26}  {'catalog wall/CPU/peak':>26}",
    ]
    for r in rows:
        i, c = r["import"], r["catalog"]
        lines.append(
            f"{r['agents']:>7,} {r['rows']:>13,} {r['parquet_mib']:>6,.0f} MiB "
            f"{r['store_mib']:>5,.0f} MiB  "
            f"{i['seconds']:>7.1f} s {i['child_cpu_s']:>7.1f} s {i['peak_mb']:>6,.0f} MB  "
            f"{c['seconds']:>7.2f} s {c['child_cpu_s']:>7.1f} s {c['peak_mb']:>6,.0f} MB"
        )
    base = rows[0]
    for r in rows[1:]:
        grow = r["agents"] / base["agents"]
        lines.append(
            f"{r['agents']:,} against {base['agents']:,} agents ({grow:.1f}x): import time "
            f"{r['import']['seconds'] / base['import']['seconds']:.1f}x, catalog time "
            f"{r['catalog']['seconds'] / base['catalog']['seconds']:.1f}x, import peak "
            f"{r['import']['peak_mb'] / base['import']['peak_mb']:.2f}x, catalog peak "
            f"{r['catalog']['peak_mb'] / base['catalog']['peak_mb']:.2f}x"
        )
    for r in rows:
        months = r["agents"] * days / 30
        lines.append(
            f"{r['agents']:,} agents: import {1000 * r['import']['seconds'] / months:.1f} ms and "
            f"catalog {1000 * r['catalog']['seconds'] / months:.2f} ms per agent-month"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", default="1000,3000,10000", help="sizes, comma-separated")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2026-10-01")
    parser.add_argument("--repeat", type=int, default=1, help="catalog runs per size (median)")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) DIR/agents-N")
    parser.add_argument(
        "--months", type=int, default=1, help="N > 1: N calendar months into one store, in turn"
    )
    parser.add_argument(
        "--each",
        action="store_true",
        help="with --months: the catalogs (the month, the span so far) after every month too",
    )
    parser.add_argument("--memory-limit", help="the catalog's DuckDB memory_limit (e.g. 2GiB)")
    parser.add_argument("--threads", type=int, help="the catalog's DuckDB threads")
    parser.add_argument(
        "--store-dir", type=Path, help="where the store is made (default: the temporary folder)"
    )
    parser.add_argument(
        "--resume",
        type=Path,
        help="with --months: go on with the store of an earlier run (DIR/store.duckdb, its "
        "scratch folder), skipping the months it holds; the data is made in DIR/data and the "
        "store is kept",
    )
    parser.add_argument("--child-catalog", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_catalog:
        out = _child_catalog(args.child_catalog, args.period)
        args.result.write_text(json.dumps(out), encoding="utf-8")
        return 0
    # The catalog children read the budget from the environment, as the web app does.
    from appraise.metrics.store import MEMORY_LIMIT_ENV, THREADS_ENV

    if args.memory_limit:
        os.environ[MEMORY_LIMIT_ENV] = args.memory_limit
    if args.threads:
        os.environ[THREADS_ENV] = str(args.threads)
    if args.months > 1:
        return main_history(args)
    sizes = sorted({int(x) for x in args.agents.split(",") if x.strip()})
    start = date.fromisoformat(args.start)
    period = f"{start.year:04d}-{start.month:02d}"
    root = args.keep or Path(tempfile.mkdtemp(prefix="appraise-scale-data-"))
    try:
        rows = [one_size(n, args, root, period) for n in sizes]
    finally:
        if args.keep is None and args.resume is None:
            shutil.rmtree(root, ignore_errors=True)
    print()
    for line in report(rows, args.days):
        print(line)
    print(
        "scale "
        + " ".join(
            f"{k}={','.join(v)}"
            for k, v in {
                "agents": [str(r["agents"]) for r in rows],
                "import_s": [f"{r['import']['seconds']:.1f}" for r in rows],
                "catalog_s": [f"{r['catalog']['seconds']:.2f}" for r in rows],
                "import_peak_mb": [f"{r['import']['peak_mb']:.0f}" for r in rows],
                "catalog_peak_mb": [f"{r['catalog']['peak_mb']:.0f}" for r in rows],
            }.items()
        )
    )
    return 0


def main_history(args: argparse.Namespace) -> int:
    sizes = sorted({int(x) for x in args.agents.split(",") if x.strip()})
    if len(sizes) != 1:
        raise SystemExit("--months takes one size (--agents N)")
    if args.keep is not None:
        root = args.keep
    elif args.resume is not None:
        root = args.resume / "data"
    else:
        root = Path(tempfile.mkdtemp(prefix="appraise-scale-data-", dir=args.store_dir))
    try:
        h = history(sizes[0], args, root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print()
    for line in history_report(h):
        print(line)
    months = h["months"]
    span = h["span_catalog"] or {"seconds": float("nan"), "peak_mb": float("nan")}
    print(
        f"history agents={h['agents']} months={len(months)} "
        f"import_s={sum(m['import']['seconds'] for m in months):.1f} "
        f"import_peak_mb={max(m['import']['peak_mb'] for m in months):.0f} "
        f"store_mib={h['store_mib']:.0f} "
        f"month_catalog_s={h['month_catalog']['seconds']:.2f} span_catalog_s={span['seconds']:.2f} "
        f"month_catalog_peak_mb={h['month_catalog']['peak_mb']:.0f} "
        f"span_catalog_peak_mb={span['peak_mb']:.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
