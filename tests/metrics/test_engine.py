"""The engine's contract: which agents, which metrics, and the facts it derives and reuses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from events import UTC_CONFIG, add, chat, metric, new_db

from appraise.metrics.catalog import METRICS
from appraise.metrics.derive import derive_facts, facts_current
from appraise.metrics.engine import compute_metrics
from appraise.periods import Period
from appraise.problems import ProblemsError

OCT = Period.parse("2026-10")


def test_catalog_has_the_35_issue_metrics_with_units_and_names() -> None:
    assert len(METRICS) == 35
    assert next(iter(METRICS)) == "first_response_time_mean"
    assert list(METRICS)[-1] == "nonfatal_accuracy"
    assert all(m.name and m.name_zh and m.description and m.tables for m in METRICS.values())
    assert METRICS["nps"].unit == "nps"
    assert METRICS["late_count"].unit == "count"


def test_unknown_metric_ids_are_all_named() -> None:
    with pytest.raises(ProblemsError) as err:
        compute_metrics(new_db(), OCT, ["csat", "csta", "fcr"], config=UTC_CONFIG)
    assert [p.code for p in err.value.problems] == ["unknown_metric", "unknown_metric"]
    assert "'csta'" in err.value.problems[0].message
    assert "'fcr'" in err.value.problems[1].message


def test_all_metrics_when_none_are_named() -> None:
    conn = new_db()
    chat(conn, "c", "a1", "2026-10-05 10:00:00", [(0, "customer"), (10, "agent")])
    out = compute_metrics(conn, OCT, config=UTC_CONFIG)
    assert list(out["a1"]) == list(METRICS)


def test_named_agents_without_data_get_zero_counts_and_null_rates() -> None:
    conn = new_db()
    chat(conn, "c", "a1", "2026-10-05 10:00:00", [(0, "customer"), (10, "agent")])
    out = compute_metrics(conn, OCT, config=UTC_CONFIG, agents=["zz", "a1"])
    assert list(out) == ["zz", "a1"]
    assert out["zz"]["late_count"] == 0.0
    assert out["zz"]["absences"] == 0.0
    assert {k for k, v in out["zz"].items() if v is not None} == {"late_count", "absences"}
    assert out["a1"]["first_response_time_mean"] == 10.0


def test_no_agents_requested_means_no_rows() -> None:
    assert compute_metrics(new_db(), OCT, ["csat"], config=UTC_CONFIG, agents=[]) == {}


def test_missing_tables_read_as_empty() -> None:
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("CREATE TABLE surveys (survey_id VARCHAR, conversation_id VARCHAR, "
                 "agent_id VARCHAR, submitted_at TIMESTAMPTZ, csat BIGINT, nps BIGINT)")  # fmt: skip
    conn.execute("INSERT INTO surveys VALUES ('s', NULL, 'a1', '2026-10-05 10:00:00', 5, 9)")
    out = compute_metrics(conn, OCT, ["csat", "fcr_rate"], config=UTC_CONFIG)
    # csat: 1 of 1 surveys scores 4-5; no conversations at all, so no FCR
    assert out == {"a1": {"csat": 100.0, "fcr_rate": None}}


def test_facts_are_kept_in_a_writable_store_and_rederived_when_data_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.duckdb"
    conn = new_db(str(path))
    chat(conn, "c", "a1", "2026-10-05 10:00:00", [(0, "customer"), (10, "agent")])
    derive_facts(conn, UTC_CONFIG)
    assert facts_current(conn, UTC_CONFIG)
    # a different calendar or time zone makes the facts stale
    assert not facts_current(conn, UTC_CONFIG.model_copy(update={"timezone": "Asia/Shanghai"}))
    chat(conn, "d", "a1", "2026-10-06 10:00:00", [(0, "customer"), (30, "agent")])
    assert not facts_current(conn, UTC_CONFIG)
    # the engine derives again: (10 + 30) / 2
    assert metric(conn, "first_response_time_mean") == {"a1": 20.0}
    conn.close()
    # a read-only store with current facts is used as it is
    ro = duckdb.connect(str(path), read_only=True)
    ro.execute("SET TimeZone = 'UTC'")
    assert facts_current(ro, UTC_CONFIG)
    assert metric(ro, "first_response_time_mean") == {"a1": 20.0}
    # and one whose facts do not fit the configuration gets temporary ones
    shanghai = UTC_CONFIG.model_copy(update={"timezone": "Asia/Shanghai"})
    assert metric(ro, "first_response_time_mean", config=shanghai) == {"a1": 20.0}


def test_results_do_not_depend_on_the_session_time_zone() -> None:
    conn = new_db()
    chat(conn, "c", "a1", "2026-10-31 23:30:00", [(0, "customer"), (90, "agent")])
    add(conn, "orders", {"order_id": "o", "agent_id": "a1", "created_at": "2026-10-31 23:30:00",
                         "amount": "10.00", "paid": True})  # fmt: skip
    conn.execute("SET TimeZone = 'America/New_York'")
    # counted in October UTC whatever the session's zone: first response 90 s, AOV 10
    out = compute_metrics(
        conn, OCT, ["first_response_time_mean", "average_order_value"], config=UTC_CONFIG
    )
    assert out == {"a1": {"first_response_time_mean": 90.0, "average_order_value": 10.0}}
