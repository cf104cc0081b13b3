"""Hand-made events for metric tests: an in-memory store built straight from the schema.

Timestamps are written as UTC text (``"2026-10-05 10:00:00"``); the helpers add nothing the
tests do not say, so every expected number can be worked out from the test alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import duckdb

from appraise.metrics.config import CenterConfig
from appraise.metrics.engine import compute_metrics
from appraise.metrics.schema import DUCKDB_TYPES, TABLES
from appraise.periods import Period

UTC_CONFIG = CenterConfig(timezone="UTC")
_FMT = "%Y-%m-%d %H:%M:%S"


def new_db(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """Every canonical table, empty, with the session in UTC like the real store."""
    conn = duckdb.connect(path)
    conn.execute("SET TimeZone = 'UTC'")
    for table in TABLES.values():
        cols = ", ".join(f"{c.name} {DUCKDB_TYPES[c.type]}" for c in table.columns)
        conn.execute(f"CREATE TABLE {table.name} ({cols})")
    return conn


def add(conn: duckdb.DuckDBPyConnection, table: str, *rows: dict[str, Any]) -> None:
    """Insert rows given as column -> value; missing columns are NULL."""
    spec = TABLES[table]
    for row in rows:
        unknown = set(row) - set(spec.column_names)
        assert not unknown, f"{table} has no column {unknown}"
        names = list(row)
        casts = ", ".join(f"CAST(? AS {DUCKDB_TYPES[spec.column(n).type]})" for n in names)
        conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({casts})",
            [str(row[n]) if row[n] is not None else None for n in names],
        )


def at(start: str, seconds: float) -> str:
    """``start`` plus ``seconds``, as UTC text with microseconds."""
    t = datetime.strptime(start, _FMT) + timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")


def chat(
    conn: duckdb.DuckDBPyConnection,
    conversation_id: str,
    agent: str | None,
    start: str,
    messages: Sequence[tuple[Any, ...]] = (),
    **fields: Any,
) -> None:
    """A conversation and its messages: ``(seconds after start, sender[, agent_id])``.

    Agent messages without an explicit agent_id are sent by the conversation's agent.
    """
    add(
        conn,
        "conversations",
        {"conversation_id": conversation_id, "agent_id": agent, "started_at": start, **fields},
    )
    for seq, msg in enumerate(messages):
        offset, sender = msg[0], msg[1]
        sender_agent = msg[2] if len(msg) > 2 else (agent if sender == "agent" else None)
        add(
            conn,
            "messages",
            {
                "conversation_id": conversation_id,
                "sent_at": at(start, offset),
                "sender": sender,
                "agent_id": sender_agent,
                "seq": seq,
            },
        )


def metric(
    conn: duckdb.DuckDBPyConnection,
    metric_id: str,
    period: str = "2026-10",
    config: CenterConfig = UTC_CONFIG,
    agents: Sequence[str] | None = None,
) -> dict[str, float | None]:
    """agent -> value of one metric."""
    out = compute_metrics(conn, Period.parse(period), [metric_id], config=config, agents=agents)
    return {agent: values[metric_id] for agent, values in out.items()}
