"""The Spark path a user runs: `appraise import --engine spark`, `appraise metrics --engine spark`.

A generated center (6 agents, 3 days spanning the September/October month end, so the dataset
has two month partitions) is imported twice, into a DuckDB store file and into a Parquet dataset
folder; the whole catalog for October is computed by DuckDB from the store and by Spark on
local[2] from the dataset, both through the CLI, and every value agrees to 1e-9 (nulls too).
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from appraise.cli import app
from appraise.metrics.generate import generate_center

pytestmark = pytest.mark.spark


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_spark_cli_gives_duckdb_numbers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_center(data, agents=6, days=3, seed=3, start=date(2026, 9, 30))
    store = tmp_path / "store.duckdb"
    dataset = tmp_path / "dataset"
    _run("import", str(data), "--store", str(store))
    _run("import", str(data), "--store", str(dataset), "--engine", "spark")
    # One partition per month of each event table.
    assert sorted(p.name for p in (dataset / "messages").iterdir()) == [
        "month=2026-09",
        "month=2026-10",
    ]
    duck: dict[str, Any] = json.loads(_run("metrics", "--data", str(store), "--period", "2026-10"))
    spark_out = _run(
        "metrics",
        "--data",
        str(dataset),
        "--period",
        "2026-10",
        "--engine",
        "spark",
        "--master",
        "local[2]",
    )
    spark: dict[str, Any] = json.loads(spark_out[spark_out.index("{") :])
    assert duck["period"] == spark["period"] == "2026-10"
    assert set(duck["metrics"]) == set(spark["metrics"])
    assert len(duck["metrics"]) == 6
    compared = 0
    for agent, values in duck["metrics"].items():
        assert set(values) == set(spark["metrics"][agent])
        for metric, a in values.items():
            b = spark["metrics"][agent][metric]
            if a is None or b is None:
                assert a is None and b is None, (agent, metric, a, b)
                continue
            assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (agent, metric, a, b)
            compared += 1
    assert compared > 6 * 20  # most of the catalog has a value for every agent


def test_reimporting_a_month_replaces_only_that_month(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # Two working days across a month end (31 August, 1 September; the generator leaves
    # 1 October, 国庆, without work).
    generate_center(data, agents=2, days=2, seed=3, start=date(2026, 8, 31))
    dataset = tmp_path / "dataset"
    _run("import", str(data), "--store", str(dataset), "--engine", "spark")
    later = dataset / "conversations" / "month=2026-09"
    marker = later / "stale.parquet"
    marker.write_bytes(b"")
    earlier = sorted((dataset / "conversations" / "month=2026-08").iterdir())
    _run("import", str(data), "--store", str(dataset), "--engine", "spark")
    assert not marker.exists()  # the month was written again, whole
    assert [p.name for p in sorted((dataset / "conversations" / "month=2026-08").iterdir())] != []
    assert len(earlier) == 1
