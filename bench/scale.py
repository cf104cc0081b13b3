"""Benchmark: when a center should move from DuckDB to Spark (docs/scale.md, "When to move").

    python bench/scale.py [--agents 1000,3000,10000] [--days 30] [--keep DIR] [--seed 1]

For each size, a generated month (`appraise generate`, Parquet) is imported into a new DuckDB
store (`appraise import`: every check and the facts, under ``IMPORT_MEMORY_LIMIT``), then the
whole catalog is computed on that store for the month, each in a fresh process (the children of
bench/metrics.py, so the figures are the same kind as there). Printed per size: the rows, the
Parquet and the store on disk, and for the import and the catalog the wall time, the CPU seconds
of all threads and the peak RSS; then how each grows from the smallest size (time per
agent-month, peak against agents), so that a center can read off its own size. With ``--keep
DIR`` each size's files stay in ``DIR/agents-N`` and are reused when their manifest matches.

The last line is for machines: ``scale agents=N,... import_s=... catalog_s=... import_peak_mb=...
catalog_peak_mb=...`` (comma-separated, one value per size).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import metrics as bench  # bench/metrics.py: the generator call and the children


def _mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


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
        catalog = bench.measure("catalog", folder, store, period, scratch, args.repeat)
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
    args = parser.parse_args(argv)
    sizes = sorted({int(x) for x in args.agents.split(",") if x.strip()})
    start = date.fromisoformat(args.start)
    period = f"{start.year:04d}-{start.month:02d}"
    root = args.keep or Path(tempfile.mkdtemp(prefix="appraise-scale-data-"))
    try:
        rows = [one_size(n, args, root, period) for n in sizes]
    finally:
        if args.keep is None:
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


if __name__ == "__main__":
    raise SystemExit(main())
