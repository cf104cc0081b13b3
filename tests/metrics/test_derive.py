"""The ordered pass that builds the facts gives exactly what the window definition gives.

The pass reads messages in storage order and cuts them into blocks of whole conversations; the
window SQL (``runs_sql``, what Spark runs) sorts them. Both run here on the same random chats,
stored in order and shuffled, with tiny blocks so that conversations straddle block edges, with
and without a calendar. Hand-worked cases are in test_catalog_chat.py and
test_catalog_calendar.py; these checks cover the shapes nobody writes by hand.
"""

from __future__ import annotations

import random
from datetime import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from events import add, at, new_db

from appraise.metrics.config import Calendar, CenterConfig, Interval
from appraise.metrics.derive import (
    CALENDAR_BOUNDS_SQL,
    CALENDAR_TABLE,
    _Clock,
    calendar_minutes,
    conversation_facts_sql,
    conversation_messages_sql,
    derive_facts,
    ordered_pass,
    reply_facts_sql,
    runs_sql,
)
from appraise.metrics.engine import compute_metrics
from appraise.metrics.generate import generate_center
from appraise.metrics.importer import import_folder
from appraise.metrics.store import open_store
from appraise.periods import Period

CALENDAR = CenterConfig(
    timezone="Asia/Shanghai",
    calendar=Calendar(
        hours={d: [Interval(start=time(9), end=time(18))] for d in ("mon", "tue", "wed", "fri")},
        holidays=["2026-10-01"],
        workdays=["2026-10-10"],
    ),
)
CONFIGS = [CenterConfig(timezone="UTC"), CALENDAR]


def _messages(seed: int) -> list[dict[str, Any]]:
    """Chats with ties, bots, greetings, agents taking over, unanswered ends, missing ids."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for c in range(40):
        start = (
            f"2026-10-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
        )
        offset = 0.0
        for seq in range(rng.randint(0, 12)):
            offset += rng.choice([0, 0, 0.5, 7, 400, 20_000])
            sender = rng.choice(["customer", "customer", "agent", "agent", "bot", "system"])
            agent = rng.choice(["a1", "a1", "a2", "", None]) if sender == "agent" else None
            rows.append(
                {
                    "conversation_id": f"c{c:02d}",
                    "sent_at": at(start, offset),
                    "sender": sender,
                    "agent_id": agent,
                    # equal seq with equal times: customer before agent decides
                    "seq": rng.choice([seq, seq, 0]),
                }
            )
    return rows


def _store(rows: list[dict[str, Any]], shuffle: bool) -> duckdb.DuckDBPyConnection:
    conn = new_db()
    if shuffle:
        rows = rows[:]
        random.Random(99).shuffle(rows)
        add(conn, "messages", *rows)
    else:
        add(conn, "messages", *rows)
        conn.execute(
            "CREATE OR REPLACE TABLE messages AS SELECT * FROM messages "
            "ORDER BY conversation_id, sent_at, seq, sender = 'agent'"
        )
    for c in sorted({r["conversation_id"] for r in rows}):
        add(conn, "conversations", {"conversation_id": c, "agent_id": "a1",
                                    "started_at": "2026-10-01 00:00:00"})  # fmt: skip
    return conn


def _window_facts(conn: duckdb.DuckDBPyConnection, config: CenterConfig) -> tuple[Any, Any]:
    """The facts as the window definition computes them, on DuckDB."""
    with_calendar = config.calendar is not None
    if with_calendar:
        ((lo, hi),) = conn.execute(CALENDAR_BOUNDS_SQL).fetchall()
        cal = calendar_minutes(config, lo, hi).to_arrow()  # noqa: F841 - replacement scan
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {CALENDAR_TABLE} AS SELECT * FROM cal")
    conn.execute(f"CREATE OR REPLACE TEMP TABLE message_runs AS {runs_sql()}")
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE conversation_messages AS {conversation_messages_sql()}"
    )
    replies = conn.execute(
        "SELECT conversation_id, agent_id, runs, reply_us FROM "
        f"({reply_facts_sql(with_calendar)}) ORDER BY ALL"
    ).fetchall()
    convs = conn.execute(
        f"SELECT * EXCLUDE (started_at) FROM ({conversation_facts_sql(with_calendar)}) ORDER BY ALL"
    ).fetchall()
    conn.execute("DROP TABLE message_runs")
    conn.execute("DROP TABLE conversation_messages")
    return replies, convs


def _derived(conn: duckdb.DuckDBPyConnection, config: CenterConfig) -> tuple[Any, Any]:
    derive_facts(conn, config)
    replies = conn.execute(
        "SELECT conversation_id, agent_id, runs, reply_us FROM reply_facts ORDER BY ALL"
    ).fetchall()
    convs = conn.execute(
        "SELECT * EXCLUDE (started_at) FROM conversation_facts ORDER BY ALL"
    ).fetchall()
    return replies, convs


@pytest.mark.parametrize("config", CONFIGS, ids=["all-hours", "calendar"])
@pytest.mark.parametrize("shuffle", [False, True], ids=["stored-in-order", "shuffled"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ordered_pass_equals_the_window_definition(
    config: CenterConfig, shuffle: bool, seed: int
) -> None:
    conn = _store(_messages(seed), shuffle)
    expected = _window_facts(conn, config)
    assert expected[0], "the data has replies"
    assert _derived(conn, config) == expected


@pytest.mark.parametrize("block_rows", [1, 3, 10])
def test_conversations_straddling_blocks_are_joined_before_they_are_counted(
    block_rows: int,
) -> None:
    conn = _store(_messages(4), shuffle=False)
    whole_parts, whole_messages = ordered_pass(conn, _Clock(None), block_rows=10_000)
    parts, messages = ordered_pass(conn, _Clock(None), block_rows=block_rows)
    # same conversations, each counted once, with the same message counts and replies
    assert messages.sort_by("conversation_id").to_pylist() == (
        whole_messages.sort_by("conversation_id").to_pylist()
    )
    key = [("conversation_id", "ascending"), ("agent_id", "ascending")]
    assert parts.sort_by(key).to_pylist() == whole_parts.sort_by(key).to_pylist()


def test_a_reply_at_the_same_instant_and_seq_answers_the_customer() -> None:
    # customer and agent share sent_at and seq, stored agent first: the order check notices,
    # the pass sorts, and the agent's message answers the customer's in 0 s
    conn = new_db()
    add(conn, "conversations", {"conversation_id": "c", "agent_id": "a1",
                                "started_at": "2026-10-05 10:00:00"})  # fmt: skip
    add(
        conn,
        "messages",
        {"conversation_id": "c", "sent_at": "2026-10-05 10:00:05", "sender": "agent",
         "agent_id": "a1", "seq": 1},
        {"conversation_id": "c", "sent_at": "2026-10-05 10:00:05", "sender": "customer",
         "seq": 1},
    )  # fmt: skip
    derive_facts(conn, CenterConfig(timezone="UTC"))
    assert conn.execute("SELECT agent_id, runs, reply_us FROM reply_facts").fetchall() == [
        ("a1", 1, 0)
    ]
    assert conn.execute(
        "SELECT n_messages, has_customer, first_response_us FROM conversation_facts"
    ).fetchall() == [(2, True, 0)]


def test_an_imported_generated_center_has_the_window_definitions_facts_and_metrics(
    tmp_path: Path,
) -> None:
    """The import writes the facts in its own way (the ordered pass over the rows it has just
    stored, which also checks their keys); on a generated center they are row for row the
    window definition's, and the whole catalog computed on the window definition's facts
    gives the same values as on the import's."""
    generate_center(tmp_path / "center", agents=6, days=3, seed=7)
    config = CenterConfig()
    conn = open_store(tmp_path / "store.duckdb")
    import_folder(conn, tmp_path / "center", config=config)
    imported = compute_metrics(conn, Period.parse("2026-10"), config=config)
    stored = (
        conn.execute(
            "SELECT conversation_id, agent_id, runs, reply_us FROM reply_facts ORDER BY ALL"
        ).fetchall(),
        conn.execute(
            "SELECT * EXCLUDE (started_at) FROM conversation_facts ORDER BY ALL"
        ).fetchall(),
    )
    assert stored[0] and stored[1], "the center has replies and conversations"
    assert stored == _window_facts(conn, config)
    # The window definition's facts in place of the import's (same row counts, so the engine
    # keeps them as current).
    conn.execute(f"CREATE TEMP TABLE message_runs AS {runs_sql()}")
    conn.execute(f"CREATE TEMP TABLE conversation_messages AS {conversation_messages_sql()}")
    conn.execute(
        "CREATE OR REPLACE TABLE reply_facts AS SELECT conversation_id, agent_id, runs, reply_us "
        f"FROM ({reply_facts_sql(False)})"
    )
    conn.execute(f"CREATE OR REPLACE TABLE conversation_facts AS {conversation_facts_sql(False)}")
    assert compute_metrics(conn, Period.parse("2026-10"), config=config) == imported
    assert any(v is not None for agent in imported.values() for v in agent.values())


def test_the_pass_converts_arrays_as_pyarrow_does() -> None:
    """The pass's own conversions (through the buffers, to keep pandas unloaded) give what
    pyarrow's to_numpy and pa.array give: every slice offset (bits of a boolean array start
    mid-byte), nulls replaced, masks applied, and timestamps stored as their integers."""
    import numpy as np
    import pyarrow as pa

    from appraise.metrics.derive import _from_numpy, _to_numpy

    flags = pa.array([True, False, True, True, False, False, True, False, True, True] * 3)
    numbers = pa.array(range(30), pa.int64())
    indices = pa.array([1, None, 3, None, 5] * 6, pa.int32())
    for offset in range(12):
        for array, null in ((flags, None), (numbers, None), (indices, -1)):
            part = array.slice(offset)
            expected = (part if null is None else part.fill_null(null)).to_numpy(
                zero_copy_only=False
            )
            got = _to_numpy(part, null=null)
            assert got.dtype == expected.dtype and got.tolist() == expected.tolist()
    with pytest.raises(AssertionError):
        _to_numpy(indices)  # nulls, and no value given for them
    values = np.array([5, 1, -1, 7, 9, 0, 3, 8, 2], dtype=np.int64)
    # Nulls where value % 3 == 2 (numpy: -1 % 3 is 2): rows 0, 2, 7 and 8, the last in the
    # bitmap's second byte.
    mask = values % 3 == 2
    assert _from_numpy(values, mask=mask).equals(pa.array(values, pa.int64(), mask=mask))
    assert _from_numpy(values, mask=mask).null_count == 4
    assert _from_numpy(values[::2]).equals(pa.array(values[::2], pa.int64()))
    stamp = pa.timestamp("us", tz="UTC")
    assert _from_numpy(values, stamp, mask).equals(
        pa.array(values, pa.int64(), mask=mask).cast(stamp)
    )
    assert len(_from_numpy(values[:0])) == 0 and len(_to_numpy(flags.slice(30))) == 0


def test_an_import_loads_no_pandas_and_stores_the_ids_of_its_facts_as_zstd(
    tmp_path: Path,
) -> None:
    """pyarrow loads pandas on the first Python-to-Arrow conversion (0.25 CPU s); an import
    (a fresh process: the test run has pandas loaded) needs none. The facts' one-value-a-row id
    columns are stored with ZSTD, their types those of the facts' queries."""
    import subprocess
    import sys

    generate_center(tmp_path / "center", agents=3, days=2, seed=5)
    store = tmp_path / "store.duckdb"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from appraise.metrics.config import CenterConfig\n"
        "from appraise.metrics.importer import import_folder\n"
        "from appraise.metrics.store import open_store\n"
        f"conn = open_store(Path({str(store)!r}))\n"
        f"import_folder(conn, Path({str(tmp_path / 'center')!r}), config=CenterConfig())\n"
        "conn.close()\n"
        "print('pandas' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "False"
    conn = duckdb.connect(str(store))
    conn.execute("CHECKPOINT")
    compressions = dict(
        conn.execute(
            "SELECT column_name, list(DISTINCT compression ORDER BY compression) "
            "FROM pragma_storage_info('conversation_facts') "
            "WHERE column_name IN ('conversation_id', 'customer_id', 'owner_id') "
            "AND segment_type = 'VARCHAR' GROUP BY 1"
        ).fetchall()
    )
    assert compressions["conversation_id"] == ["ZSTD"]
    assert compressions["customer_id"] == ["ZSTD"]
    assert compressions["owner_id"] != ["ZSTD"]  # a few agents: left to DuckDB
    # The types CREATE TABLE AS gave them (before the columns were declared): the pass's
    # output in memory, the facts' queries over it.
    conn.execute("SET TimeZone = 'UTC'")
    parts, messages = ordered_pass(conn, _Clock(None))
    conn.register("_appraise_reply_parts", parts)
    conn.register("conversation_messages", messages)
    conn.execute("CREATE TEMP TABLE rf AS SELECT * FROM _appraise_reply_parts")
    conn.execute(f"CREATE TEMP TABLE cf AS {conversation_facts_sql(False, native=True)}")
    for stored, created in (("reply_facts", "rf"), ("conversation_facts", "cf")):
        types = [conn.execute(f"DESCRIBE {t}").fetchall() for t in (stored, created)]
        assert [r[:2] for r in types[0]] == [r[:2] for r in types[1]]
        assert conn.execute(
            f"SELECT count(*) FROM (FROM {stored} EXCEPT ALL FROM {created})"
        ).fetchone() == (0,)
