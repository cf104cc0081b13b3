"""Appending a day to an imported month re-derives the facts of only the conversations it touches.

Day 1 holds two conversations: c1 begins at 23:50 and is still open at midnight, c2 is over by
noon. Day 2's export carries c1 again (now ended and resolved, so its row is updated) with its
messages after midnight, and a new conversation c3. After day 2 the facts of c1 and c3 are
derived again and c2's are kept: the test marks c2's stored row after day 1 (a message count no
derivation gives) and finds the mark still there. Then a full derivation agrees with the
incremental one on every row but the marked one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from appraise.metrics.config import CenterConfig
from appraise.metrics.derive import derive_facts, facts_current
from appraise.metrics.importer import import_folder
from appraise.metrics.store import open_store

UTC = CenterConfig(timezone="UTC")
CONV = "conversation_id,channel,agent_id,started_at,ended_at,resolved"
MSG = "conversation_id,sent_at,sender,agent_id,seq"


def _day(root: Path, name: str, conversations: list[str], messages: list[str]) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "conversations.csv").write_text("\n".join([CONV, *conversations]) + "\n")
    (folder / "messages.csv").write_text("\n".join([MSG, *messages]) + "\n")
    return folder


DAY1 = (
    [
        "c1,chat,a1,2026-10-01 23:50:00,,false",
        "c2,chat,a2,2026-10-01 10:00:00,2026-10-01 10:30:00,true",
    ],
    [
        "c1,2026-10-01 23:50:00,customer,,1",
        "c1,2026-10-01 23:55:00,agent,a1,2",
        "c2,2026-10-01 10:00:00,customer,,1",
        "c2,2026-10-01 10:01:00,agent,a2,2",
    ],
)
DAY2 = (
    [
        "c1,chat,a1,2026-10-01 23:50:00,2026-10-02 00:10:00,true",
        "c3,chat,a2,2026-10-02 09:00:00,2026-10-02 09:20:00,true",
    ],
    [
        "c1,2026-10-02 00:05:00,customer,,3",
        "c1,2026-10-02 00:10:00,agent,a1,4",
        "c3,2026-10-02 09:00:00,customer,,1",
        "c3,2026-10-02 09:02:00,agent,a2,2",
    ],
)


def _facts(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "conversation": conn.execute(
            "SELECT conversation_id, n_messages, first_response_us, resolution_us, resolved "
            "FROM conversation_facts ORDER BY conversation_id"
        ).fetchall(),
        "reply": conn.execute(
            "SELECT conversation_id, agent_id, runs, reply_us FROM reply_facts ORDER BY ALL"
        ).fetchall(),
    }


def test_day_two_rederives_touched_conversations_and_keeps_the_rest(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.duckdb")
    import_folder(conn, _day(tmp_path, "day1", *DAY1), config=UTC)
    # The mark: c2 has 2 messages; no derivation gives 99.
    conn.execute("UPDATE conversation_facts SET n_messages = 99 WHERE conversation_id = 'c2'")
    report = import_folder(conn, _day(tmp_path, "day2", *DAY2), config=UTC)
    assert (report.tables["conversations"].updated, report.tables["conversations"].inserted) == (
        1,
        1,
    )
    assert facts_current(conn, UTC)
    minute = 60_000_000
    assert _facts(conn) == {
        "conversation": [
            # c1: 4 messages; first response 23:50 -> 23:55 = 5 min; resolved 23:50 -> 00:10.
            ("c1", 4, 5 * minute, 20 * minute, True),
            ("c2", 99, 1 * minute, 30 * minute, True),  # kept: the mark is still there
            # c3: 09:00 -> 09:02 first response, 20 min to resolve.
            ("c3", 2, 2 * minute, 20 * minute, True),
        ],
        "reply": [
            # c1: two answered runs, 5 min each (23:50 -> 23:55 and 00:05 -> 00:10).
            ("c1", "a1", 2, 10 * minute),
            ("c2", "a2", 1, 1 * minute),
            ("c3", "a2", 1, 2 * minute),
        ],
    }
    incremental = _facts(conn)
    derive_facts(conn, UTC, temporary=False)
    full = _facts(conn)
    assert full["conversation"][1][1] == 2  # the full derivation counts c2's two messages
    full["conversation"][1] = incremental["conversation"][1]
    assert full == incremental
    conn.close()


def test_reimporting_the_same_day_derives_nothing(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.duckdb")
    import_folder(conn, _day(tmp_path, "day1", *DAY1), config=UTC)
    conn.execute("UPDATE conversation_facts SET n_messages = 99")
    import_folder(conn, tmp_path / "day1", config=UTC)
    # Nothing changed, the facts are current: every row keeps the mark.
    assert {n for (_, n, *_) in _facts(conn)["conversation"]} == {99}
    conn.close()


def test_a_day_of_only_new_conversations_goes_in_whole_and_derives_only_them(
    tmp_path: Path,
) -> None:
    # Day 3 shares no conversation with the store, so it is inserted as into an empty table
    # (importer._merge's shortcut): every row counted as new, c4's facts derived, c2's mark kept.
    conn = open_store(tmp_path / "store.duckdb")
    import_folder(conn, _day(tmp_path, "day1", *DAY1), config=UTC)
    conn.execute("UPDATE conversation_facts SET n_messages = 99 WHERE conversation_id = 'c2'")
    day3 = _day(
        tmp_path,
        "day3",
        ["c4,chat,a1,2026-10-03 08:00:00,2026-10-03 08:30:00,true"],
        ["c4,2026-10-03 08:00:00,customer,,1", "c4,2026-10-03 08:03:00,agent,a1,2"],
    )
    report = import_folder(conn, day3, config=UTC)
    got = {
        name: (t.inserted, t.updated, t.unchanged)
        for name, t in report.tables.items()
        if name in ("conversations", "messages")
    }
    assert got == {"conversations": (1, 0, 0), "messages": (2, 0, 0)}
    minute = 60_000_000
    conversation = _facts(conn)["conversation"]
    # c4: 08:00 -> 08:03 first response, 30 min to resolve; c2 still carries the mark.
    assert conversation[-1] == ("c4", 2, 3 * minute, 30 * minute, True)
    assert [c[:2] for c in conversation] == [("c1", 2), ("c2", 99), ("c4", 2)]
    assert conn.execute("SELECT count(*) FROM messages").fetchone() == (6,)
    conn.close()


def test_a_new_day_is_read_in_storage_order_and_a_day_that_continues_one_is_sorted(
    tmp_path: Path,
) -> None:
    """The facts pass over the touched conversations reads a day of only new ones in storage
    order (they went in whole, sorted, after the stored rows: no sort), and sorts those of a
    day that continues a stored conversation (DAY2's c1 has messages on both days). The facts
    are those of a full derivation either way."""
    passes: list[str] = []

    class Recording:
        """The store's connection, noting the queries the facts pass streams."""

        def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
            self._conn = conn

        def sql(self, query: str) -> Any:
            if "epoch_us(sent_at) AS t" in query:
                passes.append(query)
            return self._conn.sql(query)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._conn, name)

    conn = open_store(tmp_path / "store.duckdb")
    recording: Any = Recording(conn)
    import_folder(recording, _day(tmp_path, "day1", *DAY1), config=UTC)
    import_folder(recording, _day(tmp_path, "day2", *DAY2), config=UTC)
    day3 = _day(
        tmp_path,
        "day3",
        ["c4,chat,a1,2026-10-03 08:00:00,2026-10-03 08:30:00,true"],
        ["c4,2026-10-03 08:00:00,customer,,1", "c4,2026-10-03 08:03:00,agent,a1,2"],
    )
    import_folder(recording, day3, config=UTC)
    first, day2, new = passes
    assert "ORDER BY" not in first and "BETWEEN" not in first  # the whole table, in order
    # Day 2 touches c1 and c3, and c2 lies between them untouched: sorted.
    assert "ORDER BY" in day2 and "IN (SELECT conversation_id FROM _imp_touched)" in day2
    assert "ORDER BY" not in new and "BETWEEN 'c4' AND 'c4'" in new
    incremental = _facts(conn)
    derive_facts(conn, UTC)
    assert _facts(conn) == incremental
    conn.close()


def test_a_new_day_with_two_messages_of_one_key_is_refused_naming_both(tmp_path: Path) -> None:
    """A day none of whose conversations the store holds has its customer and agent
    messages' keys checked by the facts pass (as a first import does): two rows of c4 with
    one key roll the import back, and the exact query names them (rows 2 and 3: the header
    is row 1)."""
    import pytest

    from appraise.problems import ProblemsError

    conn = open_store(tmp_path / "store.duckdb")
    import_folder(conn, _day(tmp_path, "day1", *DAY1), config=UTC)
    before = _facts(conn)
    day3 = _day(
        tmp_path,
        "day3",
        ["c4,chat,a1,2026-10-03 08:00:00,2026-10-03 08:30:00,true"],
        [
            "c4,2026-10-03 08:00:00,customer,,1",
            "c4,2026-10-03 08:00:00,customer,,1",
            "c4,2026-10-03 08:03:00,agent,a1,2",
        ],
    )
    with pytest.raises(ProblemsError) as caught:
        import_folder(conn, day3, config=UTC)
    (problem,) = caught.value.errors
    assert (problem.code, problem.row) == ("duplicate_key", 3)
    assert "first in row 2" in problem.message
    assert conn.execute("SELECT count(*) FROM messages").fetchone() == (4,)
    assert conn.execute("SELECT count(*) FROM conversations").fetchone() == (2,)
    assert _facts(conn) == before
    conn.close()
