"""A cycle reads metric values that a Spark job computed elsewhere (issue 14, docs/scale.md).

A center too large for one machine runs `appraise import --engine spark` and `appraise metrics
--engine spark --format csv` on its cluster; the CSV (one row per agent, a column per metric) is
the cycle's ``metric_values.csv`` as it is. Here a generated center (4 agents, 3 days) goes
through the Spark CLI on local[2]; the CSV is read as a cycle's uploaded file, and every value
the scheme reads equals the one DuckDB computes from the same events, to 1e-9, and scores.
"""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appraise.cli import app
from appraise.metrics.generate import generate_center
from appraise.periods import Period
from appraise.schemes.loader import parse_scheme
from appraise.scoring.engine import score_period
from appraise.web.cycles.scoring import read_files

pytestmark = pytest.mark.spark

SCHEME = """\
id: spark-values
name: 集群口径
indicators:
  - id: frt
    name: 首次响应
    weight: 50%
    rule: {type: bands, metric: first_response_time_mean, bands: [{range: "<= 60", score: 100}, {range: "> 60", score: 60}]}
  - id: sat
    name: 满意度
    weight: 50%
    rule: {type: formula, expr: "min(100, csat)"}
"""


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_cycle_reads_the_spark_jobs_csv_as_its_metric_values(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_center(data, agents=4, days=3, seed=5, start=date(2026, 10, 12))
    dataset = tmp_path / "dataset"
    store = tmp_path / "store.duckdb"
    _run("import", str(data), "--store", str(dataset), "--engine", "spark")
    _run("import", str(data), "--store", str(store))
    out = _run(
        "metrics", "--data", str(dataset), "--period", "2026-10", "--engine", "spark",
        "--master", "local[2]", "--format", "csv",
    )  # fmt: skip
    csv = out[out.index("agent_id,") :].encode()  # Spark's own log lines may come first
    duck = json.loads(_run("metrics", "--data", str(store), "--period", "2026-10"))["metrics"]

    scheme = parse_scheme(SCHEME, "s.yaml").scheme
    inputs, computed = read_files(scheme, Period.parse("2026-10"), {"metric_values.csv": csv})
    assert computed is None  # values, not events: nothing is computed in the app
    read = {(v.agent_id, v.metric): v.value for v in inputs.metric_values}
    assert {a for a, _ in read} == set(duck) and len(duck) == 4
    for agent, values in duck.items():
        for metric in ("first_response_time_mean", "csat"):
            expected = values[metric]
            got = read[(agent, metric)]
            assert isinstance(got, Decimal)
            assert math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-9)

    # And the cycle scores on them: each agent's total is 50% of the bands' score plus 50% of
    # min(100, csat), worked here from DuckDB's values.
    agents = [a.agent_id for a in inputs.agents] or sorted(duck)
    result = score_period(scheme, inputs, "2026-10")
    for agent in agents:
        frt = Decimal(100) if duck[agent]["first_response_time_mean"] <= 60 else Decimal(60)
        csat = min(Decimal(100), read[(agent, "csat")])
        total = next(r for r in result.results if r.agent_id == agent).total
        assert total is not None
        assert abs(total - (frt / 2 + csat / 2)) < Decimal("0.01"), (agent, total)
