"""DuckDB and Spark give the same numbers for every metric, nulls included.

The data set is small but touches every rule: bots, ties, transfers, unanswered runs,
conversations across the month end, a previous month for review change, targets, a calendar.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from events import add, at, chat, new_db

from appraise.metrics.catalog import LIBRARY, METRICS
from appraise.metrics.config import Calendar, CenterConfig, Interval
from appraise.metrics.engine import compute_metrics
from appraise.metrics.schema import TABLES
from appraise.metrics.spark import compute_metrics_spark, to_spark_sql
from appraise.periods import Period

pytestmark = pytest.mark.spark

AGENTS = ["a1", "a2", "a3", "a4"]
OCT = Period.parse("2026-10")
CALENDAR_CONFIG = CenterConfig(
    timezone="Asia/Shanghai",
    calendar=Calendar(
        hours={d: [Interval(start=time(9), end=time(18))] for d in ("mon", "tue", "wed", "thu")}
        | {"fri": [Interval(start=time(9), end=time(12)), Interval(start=time(13), end=time(0))]},
        holidays=["2026-10-01", "2026-10-02"],
        workdays=["2026-10-10"],
        workday_hours=[Interval(start=time(10), end=time(16))],
    ),
)


def _stamp(rng: random.Random, month: int) -> str:
    return (
        f"2026-{month:02d}-{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )


def _build(conn: duckdb.DuckDBPyConnection) -> None:
    rng = random.Random(7)
    senders = ["customer", "customer", "agent", "agent", "bot", "system"]
    for i in range(60):
        agent = AGENTS[i % 4]
        start = _stamp(rng, rng.choice([9, 10, 10, 10, 11]))
        msgs: list[tuple[Any, ...]] = []
        offset = 0.0
        for _ in range(rng.randint(0, 9)):
            offset += rng.choice([0, 0.5, 3, 40, 700, 5000, 90_000])
            sender = rng.choice(senders)
            msgs.append((offset, sender, rng.choice([agent, agent, "a4"]) if sender == "agent"
                         else None))  # fmt: skip
        chat(
            conn, f"c{i}", agent if i % 13 else "", start, msgs,
            customer_id=f"u{rng.randint(1, 15)}", resolved=rng.random() < 0.7,
            reopened=rng.random() < 0.2, ended_at=at(start, rng.randint(-10, 200_000)),
            transferred_to=rng.choice(["", "", "", "a3"]),
        )  # fmt: skip
    for i in range(40):
        offered = _stamp(rng, rng.choice([9, 10, 10]))
        answered = rng.random() < 0.8
        wait = rng.choice([1.5, 10, 20, 20.000001, 45])
        add(conn, "calls", {
            "call_id": f"k{i}", "agent_id": rng.choice(AGENTS), "offered_at": offered,
            "answered_at": at(offered, wait) if answered else None,
            "ended_at": at(offered, wait + rng.randint(10, 900)),
            "abandoned": not answered, "wrap_seconds": rng.choice([None, 0.1, 15.5, 30]),
            "hold_seconds": 3.0,
        })  # fmt: skip
        add(conn, "surveys", {
            "survey_id": f"s{i}", "conversation_id": f"c{rng.randint(0, 70)}",
            "agent_id": rng.choice(AGENTS), "submitted_at": _stamp(rng, 10),
            "csat": rng.choice([None, 1, 2, 3, 4, 5]), "nps": rng.choice([None, 0, 6, 7, 8, 9, 10]),
        })  # fmt: skip
        add(conn, "orders", {
            "order_id": f"o{i}", "customer_id": f"u{rng.randint(1, 20)}",
            "agent_id": rng.choice(AGENTS), "created_at": _stamp(rng, rng.choice([9, 10])),
            "amount": f"{rng.randint(1, 99999) / 100:.2f}", "paid": rng.random() < 0.8,
            "refunded": rng.random() < 0.2,
        })  # fmt: skip
        add(conn, "reviews", {
            "review_id": f"r{i}", "agent_id": rng.choice(AGENTS),
            "created_at": _stamp(rng, rng.choice([9, 10])),
            "rating": rng.choice(["good", "good", "medium", "bad"]),
        })  # fmt: skip
        created = _stamp(rng, 10)
        add(conn, "tickets", {
            "ticket_id": f"t{i}", "agent_id": rng.choice(AGENTS), "created_at": created,
            "category": rng.choice(["complaint", "投诉", "callback", "回访", "billing"]),
            "resolved_at": rng.choice([None, at(created, 3600), at(created, 90_000)]),
            "sla_due_at": rng.choice([None, at(created, 86_400)]),
            "first_response_at": rng.choice([None, at(created, 45.5), at(created, 40_000)]),
            "reopened": rng.random() < 0.3,
        })  # fmt: skip
        add(conn, "qa_reviews", {
            "review_id": f"q{i}", "agent_id": rng.choice(AGENTS), "reviewed_at": _stamp(rng, 10),
            "score": rng.choice([None, 55.5, 80, 97.25]), "fatal_errors": rng.choice([0, 0, 1]),
            "nonfatal_errors": rng.randint(0, 4), "opportunities": rng.choice([0, 10, 20]),
        })  # fmt: skip
    for agent in AGENTS[:3]:
        for day in range(1, 15):
            add(conn, "attendance", {
                "agent_id": agent, "date": f"2026-10-{day:02d}",
                "scheduled_hours": rng.choice([0, 8, 8]), "worked_hours": rng.choice([0, 7.5, 8]),
                "late_minutes": rng.choice([0, 0, 12]), "absent": rng.random() < 0.1,
            })  # fmt: skip
        add(conn, "targets", {"agent_id": agent, "period": "2026-10", "metric": "sales",
                              "target": rng.choice([0, 1000, 2500.5])})  # fmt: skip


@pytest.fixture(scope="module")
def cat_spark_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    conn = new_db()
    _build(conn)
    folder = tmp_path_factory.mktemp("canonical")
    for name in TABLES:
        conn.execute(f"COPY {name} TO '{folder / (name + '.parquet')}' (FORMAT parquet)")
    return conn, folder


@pytest.fixture(scope="module")
def cat_spark() -> Iterator[Any]:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    spark = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("appraise-metrics-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield spark
    spark.stop()


def _same(a: dict[str, dict[str, float | None]], b: dict[str, dict[str, float | None]]) -> None:
    assert list(a) == list(b)
    for agent, values in a.items():
        for metric_id, value in values.items():
            other = b[agent][metric_id]
            if value is None or other is None:
                assert value is other, (agent, metric_id, value, other)
            else:
                assert math.isclose(value, other, rel_tol=1e-12, abs_tol=1e-9), (
                    agent,
                    metric_id,
                    value,
                    other,
                )


@pytest.mark.parametrize("config", [CenterConfig(timezone="UTC"), CALENDAR_CONFIG])
def test_spark_matches_duckdb_on_every_metric(
    cat_spark: Any, cat_spark_data: tuple[Any, Path], config: CenterConfig
) -> None:
    conn, folder = cat_spark_data
    duck = compute_metrics(conn, OCT, config=config)
    spark = compute_metrics_spark(cat_spark, folder, OCT, config=config)
    assert set(duck) == set(AGENTS)
    # every metric has a value for some agent, so the comparison compares numbers
    for metric_id in METRICS:
        assert any(duck[a][metric_id] is not None for a in duck), metric_id
    _same(duck, spark)


@pytest.mark.parametrize("config", [CenterConfig(timezone="UTC"), CALENDAR_CONFIG])
def test_spark_matches_duckdb_on_every_definition_of_the_library(
    cat_spark: Any, cat_spark_data: tuple[Any, Path], config: CenterConfig
) -> None:
    # the presets add time windows in local time, business-hour durations on tickets and the
    # calendar's open hours; the whole library at once also checks sources shared across them
    conn, folder = cat_spark_data
    ids = list(LIBRARY)
    duck = compute_metrics(conn, OCT, ids, config=config)
    spark = compute_metrics_spark(cat_spark, folder, OCT, ids, config=config)
    for metric_id in ids:
        assert any(duck[a][metric_id] is not None for a in duck), metric_id
    _same(duck, spark)


def test_spark_takes_dataframes_and_named_agents(
    cat_spark: Any, cat_spark_data: tuple[Any, Path]
) -> None:
    conn, folder = cat_spark_data
    frames = {n: cat_spark.read.parquet(str(folder / f"{n}.parquet")) for n in ("surveys",)}
    ids = ["csat", "nps", "late_count"]
    duck = compute_metrics(conn, OCT, ids, config=CenterConfig(), agents=["a2", "nobody"])
    spark = compute_metrics_spark(cat_spark, frames, OCT, ids, agents=["a2", "nobody"])
    assert spark["nobody"] == {"csat": None, "nps": None, "late_count": 0.0}
    # attendance was not given to Spark: a2's late count is 0 there
    assert spark["a2"]["csat"] == duck["a2"]["csat"]
    assert spark["a2"]["nps"] == duck["a2"]["nps"]


def test_percentile_is_rewritten_to_sparks_exact_form() -> None:
    assert to_spark_sql("SELECT quantile_cont(x, 0.9) FROM t") == "SELECT PERCENTILE(x, 0.9) FROM t"
