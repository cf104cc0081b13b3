"""Per-conversation facts, derived once from the messages so that metrics never sort them again.

Sorting 30 million messages by conversation and time is most of the cost of the chat metrics.
It happens here, once per import (or once per connection when the store has no facts yet), in a
single window pass that numbers each message by how many agent messages came before it:

* customer messages with ``k`` agent messages before them form run ``k``, and the agent message
  with ``k`` agent messages before it is the reply to that run, so a GROUP BY on
  ``(conversation, k)`` yields every run with its start and its reply, with no self-join;
* the first response is the reply to the first run that has a customer message: replies grow with
  ``k`` and only the last run can be unanswered, so it is a plain ``min``.

Two tables result. ``reply_facts``: one row per conversation and replying agent (answered runs,
exact business microseconds of reply time, message counts). ``conversation_facts``: one row per
conversation with everything the conversation metrics read. Business time uses the center's
calendar (see :mod:`appraise.metrics.calendar`), so the facts record which configuration they were
derived with and are derived again when it, or the data, changes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from appraise.metrics.calendar import minute_table
from appraise.metrics.config import CenterConfig

FACTS_VERSION = 1
CALENDAR_TABLE = "cal_minutes"
META_TABLE = "conversation_facts_meta"


def bus_us_expr(a: str, b: str, cal_a: str | None, cal_b: str | None) -> str:
    """Exact business microseconds from ``a`` to ``b``.

    With no calendar it is the plain difference. With one, ``cal_a``/``cal_b`` are aliases of
    ``cal_minutes`` rows joined on the minutes of ``a`` and ``b``; business time before an instant
    is the minute's running total plus, in an open minute, the time since the minute began.
    """
    if cal_a is None or cal_b is None:
        return f"date_diff('microsecond', {a}, {b})"

    def before(t: str, cal: str) -> str:
        return (
            f"({cal}.cum_us + CASE WHEN {cal}.is_open "
            f"THEN date_diff('microsecond', {cal}.minute_start, {t}) ELSE 0 END)"
        )

    return f"({before(b, cal_b)} - {before(a, cal_a)})"


def cal_join(alias: str, t: str) -> str:
    return (
        f"LEFT JOIN {CALENDAR_TABLE} AS {alias} ON {alias}.minute_start = date_trunc('minute', {t})"
    )


def reply_facts_sql(with_calendar: bool) -> str:
    """One row per conversation and replying agent (NULL agent: unanswered run, or no agent_id)."""
    if with_calendar:
        bus = bus_us_expr("r.run_start", "r.reply_at", "ca", "cb")
        joins = cal_join("ca", "r.run_start") + "\n" + cal_join("cb", "r.reply_at")
    else:
        bus = bus_us_expr("r.run_start", "r.reply_at", None, None)
        joins = ""
    return f"""
WITH m AS (
    SELECT conversation_id, sent_at, coalesce(seq, 0) AS seq, sender = 'agent' AS is_agent,
        nullif(agent_id, '') AS agent_id
    FROM messages
    WHERE sender IN ('customer', 'agent')
),
k AS (
    SELECT conversation_id, sent_at, is_agent, agent_id,
        coalesce(sum(CASE WHEN is_agent THEN 1 ELSE 0 END) OVER (
            PARTITION BY conversation_id ORDER BY sent_at, seq, is_agent
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0) AS k
    FROM m
),
runs AS (
    SELECT conversation_id,
        min(sent_at) FILTER (WHERE NOT is_agent) AS run_start,
        min(sent_at) FILTER (WHERE is_agent) AS reply_at,
        min(agent_id) FILTER (WHERE is_agent) AS reply_agent,
        count(*) AS n
    FROM k
    GROUP BY conversation_id, k
)
SELECT r.conversation_id,
    r.reply_agent AS agent_id,
    sum(r.n) AS n_messages,
    min(r.run_start) AS first_customer_at,
    min(r.reply_at) FILTER (WHERE r.run_start IS NOT NULL) AS first_reply_at,
    count(*) FILTER (WHERE r.run_start IS NOT NULL AND r.reply_at IS NOT NULL) AS runs,
    sum({bus}) FILTER (WHERE r.run_start IS NOT NULL AND r.reply_at IS NOT NULL) AS reply_us
FROM runs AS r
{joins}
GROUP BY r.conversation_id, r.reply_agent
"""


def conversation_facts_sql(with_calendar: bool) -> str:
    """One row per conversation: who owns it, who ended with it, and its exact durations."""
    if with_calendar:
        first = bus_us_expr("r.first_customer_at", "r.first_reply_at", "c1", "c2")
        resolution = bus_us_expr("c.started_at", "c.ended_at", "c3", "c4")
        joins = "\n".join(
            [
                cal_join("c1", "r.first_customer_at"),
                cal_join("c2", "r.first_reply_at"),
                cal_join("c3", "c.started_at"),
                cal_join("c4", "c.ended_at"),
            ]
        )
    else:
        first = bus_us_expr("r.first_customer_at", "r.first_reply_at", None, None)
        resolution = bus_us_expr("c.started_at", "c.ended_at", None, None)
        joins = ""
    return f"""
SELECT c.conversation_id,
    nullif(c.agent_id, '') AS owner_id,
    coalesce(nullif(c.transferred_to, ''), nullif(c.agent_id, '')) AS final_id,
    nullif(c.customer_id, '') AS customer_id,
    c.started_at,
    coalesce(c.resolved, false) AS resolved,
    coalesce(c.reopened, false) AS reopened,
    nullif(c.transferred_to, '') IS NOT NULL AS transferred,
    coalesce(r.n_messages, 0) AS n_messages,
    r.first_customer_at IS NOT NULL AS has_customer,
    CASE WHEN r.first_reply_at IS NOT NULL THEN {first} END AS first_response_us,
    CASE WHEN coalesce(c.resolved, false) AND c.ended_at >= c.started_at
        THEN {resolution} END AS resolution_us
FROM conversations AS c
LEFT JOIN (
    SELECT conversation_id,
        sum(n_messages) AS n_messages,
        min(first_customer_at) AS first_customer_at,
        min(first_reply_at) AS first_reply_at
    FROM reply_facts
    GROUP BY conversation_id
) AS r ON r.conversation_id = c.conversation_id
{joins}
"""


# Epoch microseconds: TIMESTAMPTZ values do not convert to Python without pytz.
CALENDAR_BOUNDS_SQL = """
SELECT epoch_us(min(lo)), epoch_us(max(hi)) FROM (
    SELECT min(started_at) AS lo, max(coalesce(ended_at, started_at)) AS hi FROM conversations
    UNION ALL
    SELECT min(sent_at) AS lo, max(sent_at) AS hi FROM messages
) AS b
"""


def calendar_arrow(config: CenterConfig, lo_us: int | None, hi_us: int | None) -> pa.Table:
    """The minute table between the earliest and latest instant (epoch microseconds) looked up."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    lo = epoch + timedelta(microseconds=lo_us or 0)
    hi = epoch + timedelta(microseconds=hi_us or 0)
    return minute_table(config, lo, max(lo, hi)).to_arrow()


def fingerprint(config: CenterConfig, counts: tuple[int, int]) -> str:
    """What the facts depend on: derivation version, time zone, calendar and the row counts."""
    return json.dumps(
        {
            "version": FACTS_VERSION,
            "timezone": config.timezone,
            "calendar": None
            if config.calendar is None
            else config.calendar.model_dump(mode="json"),
            "conversations": counts[0],
            "messages": counts[1],
        },
        sort_keys=True,
    )


def _duck_counts(conn: Any) -> tuple[int, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM messages)"
    ).fetchone()
    return int(row[0]), int(row[1])


def _duck_exists(conn: Any, name: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
        [name],
    ).fetchone()
    return bool(row[0])


def facts_current(conn: Any, config: CenterConfig) -> bool:
    """Whether the connection already holds facts derived from this data and configuration."""
    if not (
        _duck_exists(conn, "conversation_facts")
        and _duck_exists(conn, "reply_facts")
        and _duck_exists(conn, META_TABLE)
    ):
        return False
    row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'fingerprint'").fetchone()
    return row is not None and row[0] == fingerprint(config, _duck_counts(conn))


def derive_facts(
    conn: Any, config: CenterConfig | None = None, *, temporary: bool | None = None
) -> None:
    """Build ``reply_facts`` and ``conversation_facts`` on a DuckDB connection.

    The importer calls this after a load so the store keeps the facts (``temporary=False``);
    the engine calls it when they are missing or stale. ``temporary=None`` keeps them in the
    store when the connection can write to it, else in the connection's temporary schema.
    """
    config = config or CenterConfig()
    if temporary is None:
        temporary = _read_only(conn)
    kind = "TEMP TABLE" if temporary else "TABLE"
    with_calendar = config.calendar is not None
    counts = _duck_counts(conn)
    if with_calendar:
        lo, hi = conn.execute(CALENDAR_BOUNDS_SQL).fetchone()
        cal = calendar_arrow(config, lo, hi)  # noqa: F841 - read by DuckDB's replacement scan
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {CALENDAR_TABLE} AS SELECT * FROM cal")
    _drop_facts(conn, temporary)
    conn.execute(f"CREATE {kind} reply_facts AS {reply_facts_sql(with_calendar)}")
    conn.execute(f"CREATE {kind} conversation_facts AS {conversation_facts_sql(with_calendar)}")
    conn.execute(f"CREATE {kind} {META_TABLE} (key VARCHAR, value VARCHAR)")
    conn.execute(
        f"INSERT INTO {META_TABLE} VALUES ('fingerprint', ?)", [fingerprint(config, counts)]
    )
    if with_calendar:
        conn.execute(f"DROP TABLE IF EXISTS {CALENDAR_TABLE}")


def _drop_facts(conn: Any, temporary: bool) -> None:
    """Drop earlier facts; a read-only store keeps its own, shadowed by the temporary ones."""
    for name in ("conversation_facts", "reply_facts", META_TABLE):
        rows = conn.execute(
            "SELECT database_name, schema_name FROM duckdb_tables() "
            "WHERE table_name = ? AND (temporary OR NOT ?)",
            [name, temporary],
        ).fetchall()
        for database, schema in rows:
            conn.execute(f'DROP TABLE "{database}"."{schema}"."{name}"')


def _read_only(conn: Any) -> bool:
    row = conn.execute(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return bool(row and row[0])


def ensure_facts(conn: Any, config: CenterConfig) -> None:
    """Derive the facts unless the connection already has current ones."""
    if not facts_current(conn, config):
        derive_facts(conn, config)
