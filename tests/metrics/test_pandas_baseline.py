"""The benchmark's pandas baseline computes the engine's numbers, or the ratio means nothing."""

from __future__ import annotations

import importlib.util
import math
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from appraise.metrics.engine import compute_metrics
from appraise.metrics.generate import generate_center
from appraise.metrics.schema import DUCKDB_TYPES, TABLES
from appraise.periods import Period

OCTOBER = Period.parse("2026-10")


def _load_baseline() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "pandas_baseline.py"
    spec = importlib.util.spec_from_file_location("pandas_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pandas_baseline"] = module
    spec.loader.exec_module(module)
    return module


baseline = _load_baseline()


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows with the canonical columns of ``name`` (missing ones null)."""
    return pd.DataFrame([{c: r.get(c) for c in TABLES[name].column_names} for r in rows])


# Times are UTC; the period 2026-10 in Asia/Shanghai is [2026-09-30 16:00, 2026-10-31 16:00) UTC.
CONVERSATIONS = [
    dict(
        conversation_id="c1", agent_id="A1", customer_id="U1", started_at=t("2026-10-01 02:00:00")
    ),
    dict(
        conversation_id="c2",
        agent_id="A1",
        customer_id="U2",
        started_at=t("2026-10-01 03:00:00"),
        transferred_to="A2",
    ),
    dict(
        conversation_id="c3", agent_id="A2", customer_id="U1", started_at=t("2026-10-02 00:00:00")
    ),
    dict(
        conversation_id="c4", agent_id="A2", customer_id="U3", started_at=t("2026-10-02 01:00:00")
    ),
    # 23:59:59 local on 30 September: the previous period, although answered in October.
    dict(
        conversation_id="c5", agent_id="A1", customer_id="U5", started_at=t("2026-09-30 15:59:59")
    ),
    # Never assigned.
    dict(
        conversation_id="c6", agent_id=None, customer_id="U4", started_at=t("2026-10-03 00:00:00")
    ),
]


def _m(conv: str, at: str, sender: str, seq: int, agent: str | None = None) -> dict[str, Any]:
    return dict(conversation_id=conv, sent_at=t(at), sender=sender, agent_id=agent, seq=seq)


MESSAGES = [
    _m("c1", "2026-10-01 02:00:00", "customer", 1),
    _m("c1", "2026-10-01 02:00:01", "bot", 2),
    _m("c1", "2026-10-01 02:00:10", "customer", 3),
    _m("c1", "2026-10-01 02:00:40", "agent", 4, "A1"),
    _m("c1", "2026-10-01 02:00:50", "agent", 5, "A1"),
    _m("c1", "2026-10-01 02:01:50", "customer", 6),
    _m("c1", "2026-10-01 02:02:20", "system", 7),
    _m("c1", "2026-10-01 02:02:50", "agent", 8, "A1"),
    _m("c1", "2026-10-01 02:03:00", "customer", 9),
    _m("c2", "2026-10-01 03:00:00", "system", 1),
    _m("c2", "2026-10-01 03:00:00", "customer", 2),
    _m("c2", "2026-10-01 03:01:40", "agent", 3, "A1"),
    _m("c2", "2026-10-01 03:02:00", "customer", 4),
    _m("c2", "2026-10-01 03:02:30", "system", 5),
    _m("c2", "2026-10-01 03:03:00", "agent", 6, "A2"),
    _m("c3", "2026-10-02 00:00:00", "customer", 1),
    _m("c3", "2026-10-02 00:00:20", "customer", 2),
    _m("c3", "2026-10-02 00:00:20", "agent", 3, "A2"),
    _m("c4", "2026-10-02 01:00:00", "customer", 1),
    _m("c5", "2026-09-30 15:59:59", "customer", 1),
    _m("c5", "2026-09-30 16:00:30", "agent", 2, "A1"),
    _m("c6", "2026-10-03 00:00:00", "customer", 1),
]

SURVEYS = [
    dict(survey_id="s1", agent_id="A1", submitted_at=t("2026-10-01 05:00:00"), csat=5),
    dict(survey_id="s2", agent_id="A1", submitted_at=t("2026-10-01 06:00:00"), csat=4),
    dict(survey_id="s3", agent_id="A1", submitted_at=t("2026-10-01 07:00:00"), csat=2),
    dict(survey_id="s4", agent_id="A1", submitted_at=t("2026-10-01 08:00:00"), csat=None, nps=9),
    dict(survey_id="s5", agent_id="A1", submitted_at=t("2026-09-30 12:00:00"), csat=1),
    dict(survey_id="s6", agent_id="A2", submitted_at=t("2026-10-05 08:00:00"), csat=3),
    dict(survey_id="s7", agent_id="", submitted_at=t("2026-10-05 08:00:00"), csat=1),
]

ORDERS = [
    dict(order_id="o1", agent_id="A1", customer_id="U1", created_at=t("2026-10-01 02:05:00")),
    dict(order_id="o2", agent_id="A1", customer_id="U1", created_at=t("2026-10-09 02:05:00")),
    # 00:00 local on 1 November: the next period.
    dict(order_id="o3", agent_id="A1", customer_id="U2", created_at=t("2026-10-31 16:00:00")),
    dict(order_id="o4", agent_id="A2", customer_id="U3", created_at=t("2026-10-20 10:00:00")),
    dict(order_id="o5", agent_id="A2", customer_id="U9", created_at=t("2026-10-20 10:00:00")),
    dict(order_id="o6", agent_id="A1", customer_id="U3", created_at=t("2026-10-20 10:00:00")),
]

EXPECTED = {
    "A1": {
        # c1: 02:00:00 -> 02:00:40 = 40 s (the bot at 02:00:01 is not a response);
        # c2: 03:00:00 -> 03:01:40 = 100 s; c5 started in September. (40 + 100) / 2 = 70.
        "first_response_time_mean": 70.0,
        # Runs A1 answered: c1 run 1 = 40 s, c1 run 2 from 02:01:50 to 02:02:50 = 60 s,
        # c2 run 1 = 100 s. The unanswered 02:03:00 is no run. (40 + 60 + 100) / 3.
        "reply_time_mean": 200 / 3,
        # October surveys with a CSAT: 5, 4, 2 (s4 has none, s5 is September): 2 of 3.
        "csat": 200 / 3,
        # Chatted with U1 (c1) and U2 (c2); U1 ordered from A1 in October, U2's order is in
        # November; o6 (U3) is a customer A1 never chatted with. 1 of 2.
        "conversion_rate": 50.0,
    },
    "A2": {
        # c3: 00:00:00 -> 00:00:20 (the customer message in the same second comes first) = 20 s.
        "first_response_time_mean": 20.0,
        # c2's second run, 03:02:00 -> 03:03:00 = 60 s after the transfer, and c3's 20 s: 40.
        "reply_time_mean": 40.0,
        # One survey, CSAT 3: 0 of 1.
        "csat": 0.0,
        # Chatted with U1 (c3) and U3 (c4, unanswered); U3 ordered from A2 (o5's U9 never
        # chatted). 1 of 2.
        "conversion_rate": 50.0,
    },
}


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "conversations": _frame("conversations", CONVERSATIONS),
        "messages": _frame("messages", MESSAGES),
        "surveys": _frame("surveys", SURVEYS),
        "orders": _frame("orders", ORDERS),
    }


def _assert_same(
    got: dict[str, dict[str, float | None]], want: dict[str, dict[str, float | None]]
) -> None:
    assert sorted(got) == sorted(want)
    for agent, metrics in want.items():
        for metric, value in metrics.items():
            other = got[agent][metric]
            if value is None or other is None:
                assert value is other, (agent, metric, other, value)
            else:
                assert math.isclose(other, value, rel_tol=1e-12, abs_tol=1e-9), (agent, metric)


def test_baseline_on_hand_made_events_gives_the_hand_worked_values() -> None:
    got = baseline.compute(_frames(), *baseline.period_bounds_us(OCTOBER))
    _assert_same(got, EXPECTED)


def test_engine_gives_the_same_hand_worked_values() -> None:
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    for name, frame in _frames().items():
        cols = ", ".join(f"{c.name} {DUCKDB_TYPES[c.type]}" for c in TABLES[name].columns)
        conn.execute(f"CREATE TABLE {name} ({cols})")
        rows = pa.Table.from_pandas(frame, preserve_index=False)  # noqa: F841 - read by DuckDB
        conn.execute(f"INSERT INTO {name} SELECT * FROM rows")
    got = compute_metrics(conn, OCTOBER, list(baseline.METRICS), agents=["A1", "A2"])
    _assert_same(got, EXPECTED)


def _parquet_views(folder: Path) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    for name in TABLES:
        path = str(folder / f"{name}.parquet").replace("'", "''")
        conn.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return conn


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_baseline_and_engine_agree_on_a_generated_center(tmp_path: Path, fmt: str) -> None:
    generate_center(tmp_path / "pq", agents=12, days=7, seed=11)
    if fmt == "parquet":
        folder = tmp_path / "pq"
    else:
        folder = tmp_path / "csv"
        generate_center(folder, agents=12, days=7, seed=11, fmt="csv")
    engine = compute_metrics(_parquet_views(tmp_path / "pq"), OCTOBER, list(baseline.METRICS))
    engine = {a: v for a, v in engine.items() if any(x is not None for x in v.values())}
    got = baseline.pandas_metrics(folder, OCTOBER)
    assert len(got) >= 10  # 12 agents, less the one on leave
    _assert_same(got, engine)
