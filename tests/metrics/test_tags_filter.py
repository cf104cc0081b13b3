"""The tags filter (has_any / has_all / has_none) on tickets' tags, as the help-desk exports give
them: comma-separated (Freshdesk, Zammad), space-separated (Zendesk CSV) or a JSON list (Zendesk
API). DuckDB and Spark count the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from events import add, new_db

from appraise.metrics.config import CenterConfig
from appraise.metrics.definitions import MetricDefinition, parse_definitions
from appraise.metrics.engine import compute_metrics
from appraise.metrics.schema import TABLES
from appraise.periods import Period

OCT = Period.parse("2026-10")
UTC = CenterConfig(timezone="UTC")

TICKETS = [
    ("t1", "vip,refund"),  # Freshdesk: commas
    ("t2", "vip refund_request"),  # Zendesk CSV: spaces; refund_request is not refund
    ("t3", '["VIP","complaint"]'),  # Zendesk API: a JSON list, upper case
    ("t4", None),  # no tags
    ("t5", "refund; complaint"),  # semicolon and space
]

DEFS = """
metrics:
  - id: refund_or_complaint
    name: 退款或投诉工单数
    name_en: Refund or complaint tickets
    unit: count
    description: Tickets tagged refund or complaint.
    from: tickets
    aggregate: count
    where:
      - {column: tags, has_any: [refund, complaint]}
  - id: vip_complaints
    name: VIP 投诉工单数
    name_en: VIP complaint tickets
    unit: count
    description: Tickets tagged both vip and complaint.
    from: tickets
    aggregate: count
    where:
      - {column: tags, has_all: [vip, complaint]}
  - id: not_vip_share
    name: 非 VIP 工单占比
    name_en: Share of tickets not tagged vip
    unit: percent
    description: Share of tickets without the vip tag.
    from: tickets
    aggregate: share
    test: {column: tags, has_none: [vip]}
"""


def _definitions() -> list[MetricDefinition]:
    return [x.definition for x in parse_definitions(DEFS, "tags.yaml")]


@pytest.fixture(scope="module")
def tags_db() -> duckdb.DuckDBPyConnection:
    conn = new_db()
    for tid, tags in TICKETS:
        add(conn, "tickets", {"ticket_id": tid, "agent_id": "k", "created_at": "2026-10-05 10:00:00",
                              "tags": tags})  # fmt: skip
    return conn


def test_tags_filters_count_the_tickets_with_any_all_or_none_of_the_tags(
    tags_db: duckdb.DuckDBPyConnection,
) -> None:
    defs = _definitions()
    out = compute_metrics(tags_db, OCT, [d.id for d in defs], config=UTC, definitions=defs)
    # any of refund/complaint: t1 (refund), t3 (complaint), t5 (both); t2's refund_request is
    # another tag and t4 has none -> 3
    assert out["k"]["refund_or_complaint"] == 3.0
    # vip and complaint: only t3 (VIP matches vip: tags compare without case) -> 1
    assert out["k"]["vip_complaints"] == 1.0
    # without vip: t4 (no tags) and t5 -> 2 of 5 tickets = 40 %
    assert out["k"]["not_vip_share"] == pytest.approx(40.0)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("appraise-tags-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_counts_the_same_tagged_tickets(
    spark: Any, tags_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from appraise.metrics.spark import compute_metrics_spark

    for name in TABLES:
        tags_db.execute(f"COPY {name} TO '{tmp_path / (name + '.parquet')}' (FORMAT parquet)")
    defs = _definitions()
    ids = [d.id for d in defs]
    duck = compute_metrics(tags_db, OCT, ids, config=UTC, definitions=defs)
    other = compute_metrics_spark(spark, tmp_path, OCT, ids, config=UTC, definitions=defs)
    assert other == duck


def test_help_desk_exports_bring_their_tags_and_the_filter_reads_them(tmp_path: Path) -> None:
    from appraise.metrics.importer import import_folder
    from appraise.metrics.mapping import ColumnMapping
    from appraise.metrics.store import open_store

    # Freshdesk: a "Tags" column, comma-separated; read by its name without a mapping line
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "freshdesk_tickets.csv").write_text(
        "Ticket ID,Priority,Type,Agent,Created time,Due by Time,Resolved time,"
        "Initial response time,Tags\n"
        '5,Medium,Refund,Carol,2026-10-05 09:00:00,,,2026-10-05 09:45:00,"refund, vip"\n'
        "6,Medium,Question,Carol,2026-10-05 10:00:00,,,2026-10-05 10:05:00,\n",
        encoding="utf-8",
    )
    # Zendesk API: "tags" is a JSON list
    zen = tmp_path / "zen"
    zen.mkdir()
    (zen / "tickets.json").write_text(
        '{"tickets": [{"id": 7, "assignee_id": 900, "created_at": "2026-10-05T01:00:00Z", '
        '"type": "incident", "priority": "high", "due_at": null, '
        '"tags": ["complaint", "refund"], "metric_set": {"solved_at": null, "reopens": 0, '
        '"reply_time_in_minutes": {"calendar": 30}}}], "count": 1}',
        encoding="utf-8",
    )
    defs = _definitions()
    counted = {}
    for folder, preset in ((fresh, "freshdesk_tickets"), (zen, "zendesk_tickets_json")):
        conn = open_store()
        import_folder(conn, folder, config=UTC,
                      mapping=ColumnMapping.parse(f"preset: {preset}\n", "mapping.yaml"))  # fmt: skip
        out = compute_metrics(conn, OCT, ["refund_or_complaint"], config=UTC, definitions=defs)
        counted.update({agent: v["refund_or_complaint"] for agent, v in out.items()})
    # Carol: ticket 5 is tagged refund, ticket 6 has no tags -> 1; agent 900: ticket 7 -> 1
    assert counted == {"Carol": 1.0, "900": 1.0}


def test_a_store_made_before_tags_gets_the_column_empty(tmp_path: Path) -> None:
    from appraise.metrics.store import open_store

    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute(
        "CREATE TABLE tickets (ticket_id VARCHAR, agent_id VARCHAR, created_at TIMESTAMPTZ)"
    )
    old.execute("INSERT INTO tickets VALUES ('t1', 'k', '2026-10-05 10:00:00+00')")
    old.close()
    conn = open_store(path)
    assert conn.execute("SELECT ticket_id, tags FROM tickets").fetchall() == [("t1", None)]
