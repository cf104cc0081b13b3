"""Phone metrics on hand-made calls (UTC, service level 20 s unless said).

Agent p1, October 2026:
  k1 10:00:00 offered, answered +10 s, ended +310 s (connected 300 s), wrap 30 s
  k2 11:00:00 offered, answered +20 s, ended +140 s (connected 120 s), no wrap recorded
  k3 12:00:00 offered, answered +45 s, ended +645 s (connected 600 s), wrap 60 s
  k4 13:00:00 offered, abandoned before an answer
  k5 09-30 23:00 (September), ignored
"""

from __future__ import annotations

import duckdb
import pytest
from events import UTC_CONFIG, add, at, metric, new_db


def _call(cid: str, offered: str, wait: float | None, talk: float, wrap: float | None) -> dict:
    return {
        "call_id": cid,
        "agent_id": "p1",
        "offered_at": offered,
        "answered_at": None if wait is None else at(offered, wait),
        "ended_at": at(offered, (wait or 0) + talk),
        "abandoned": wait is None,
        "wrap_seconds": wrap,
    }


@pytest.fixture(scope="module")
def cat_calls_db() -> duckdb.DuckDBPyConnection:
    conn = new_db()
    add(
        conn,
        "calls",
        _call("k1", "2026-10-05 10:00:00", 10, 300, 30),
        _call("k2", "2026-10-05 11:00:00", 20, 120, None),
        _call("k3", "2026-10-05 12:00:00", 45, 600, 60),
        _call("k4", "2026-10-05 13:00:00", None, 30, None),
        _call("k5", "2026-09-30 23:00:00", 5, 60, 5),
    )
    return conn


def test_aht_is_connected_plus_wrap_time_per_answered_call(
    cat_calls_db: duckdb.DuckDBPyConnection,
) -> None:
    # (300 + 30) + (120 + 0) + (600 + 60) = 1110 over 3 answered calls = 370
    assert metric(cat_calls_db, "aht") == {"p1": pytest.approx(370.0)}


def test_asa_averages_wait_of_answered_calls(cat_calls_db: duckdb.DuckDBPyConnection) -> None:
    # (10 + 20 + 45) / 3 = 25; the abandoned call has no answer to time
    assert metric(cat_calls_db, "asa") == {"p1": pytest.approx(25.0)}


def test_service_level_threshold_is_inclusive_and_counts_abandoned_as_missed(
    cat_calls_db: duckdb.DuckDBPyConnection,
) -> None:
    # within 20 s: k1 (10), k2 (exactly 20); offered 4: 2/4 = 50 %
    assert metric(cat_calls_db, "service_level") == {"p1": pytest.approx(50.0)}


def test_service_level_threshold_comes_from_the_config(
    cat_calls_db: duckdb.DuckDBPyConnection,
) -> None:
    config = UTC_CONFIG.model_copy(update={"service_level_seconds": 10.0})
    # within 10 s: k1 only: 1/4 = 25 %
    assert metric(cat_calls_db, "service_level", config=config) == {"p1": pytest.approx(25.0)}


def test_abandonment_rate_is_unanswered_share_of_offered(
    cat_calls_db: duckdb.DuckDBPyConnection,
) -> None:
    # k4 of 4 offered: 25 %
    assert metric(cat_calls_db, "abandonment_rate") == {"p1": pytest.approx(25.0)}
