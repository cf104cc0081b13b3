"""`import_folder`: formats, checks, time zones, transactions and idempotency."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from appraise.cli import app
from appraise.metrics.config import CenterConfig
from appraise.metrics.importer import import_folder
from appraise.metrics.schema import TABLES
from appraise.metrics.store import open_store
from appraise.problems import ProblemsError

SHANGHAI = CenterConfig()

CONVERSATIONS = [
    ["conversation_id", "channel", "agent_id", "started_at", "ended_at", "resolved"],
    ["c1", "chat", "a1", "2026-10-05 09:00:00", "2026-10-05 09:30:00", "true"],
    ["c2", "chat", "a2", "2026-10-05 10:00:00", "", "false"],
]


def _write_csv(path: Path, rows: list[list[str]], sep: str = ",") -> Path:
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _folder(tmp_path: Path, name: str = "data") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return conn.execute(sql).fetchall()


def _snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of every table, timestamps as UTC text (TIMESTAMPTZ needs pytz)."""
    snap = {}
    for table in TABLES.values():
        cols = ", ".join(
            f"strftime({c.name}, '%Y-%m-%d %H:%M:%S')" if c.type == "timestamp" else c.name
            for c in table.columns
        )
        snap[table.name] = _rows(conn, f"SELECT {cols} FROM {table.name} ORDER BY ALL")
    return snap


def _conversations(conn: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return _rows(
        conn,
        "SELECT conversation_id, channel, agent_id, strftime(started_at, '%Y-%m-%d %H:%M'), "
        "strftime(ended_at, '%Y-%m-%d %H:%M'), resolved FROM conversations ORDER BY 1",
    )


# Shanghai is UTC+8 all year: 09:00 local is 01:00 UTC, 09:30 is 01:30, 10:00 is 02:00.
EXPECTED_CONVERSATIONS = [
    ("c1", "chat", "a1", "2026-10-05 01:00", "2026-10-05 01:30", True),
    ("c2", "chat", "a2", "2026-10-05 02:00", None, False),
]


def test_csv_loads_and_naive_times_are_read_in_the_center_time_zone(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(folder / "conversations.csv", CONVERSATIONS)
    conn = open_store()
    report = import_folder(conn, folder, config=SHANGHAI)
    assert report.tables["conversations"].inserted == 2
    assert _conversations(conn) == EXPECTED_CONVERSATIONS


def test_xlsx_written_by_openpyxl_loads_with_typed_cells(tmp_path: Path) -> None:
    import datetime as dt

    folder = _folder(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CONVERSATIONS[0])
    sheet.append(
        ["c1", "chat", "a1", dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 9, 30), True]
    )
    sheet.append(["c2", "chat", "a2", dt.datetime(2026, 10, 5, 10), None, False])
    book.save(folder / "conversations.xlsx")
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    assert _conversations(conn) == EXPECTED_CONVERSATIONS


def test_jsonl_loads_with_json_booleans_and_nulls(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    header = CONVERSATIONS[0]
    records = [
        dict(
            zip(
                header,
                ["c1", "chat", "a1", "2026-10-05 09:00:00", "2026-10-05 09:30:00"],
                strict=False,
            )
        )
        | {"resolved": True},
        dict(zip(header, ["c2", "chat", "a2", "2026-10-05 10:00:00"], strict=False))
        | {"ended_at": None, "resolved": False},
    ]
    (folder / "conversations.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    assert _conversations(conn) == EXPECTED_CONVERSATIONS


def test_parquet_naive_timestamps_are_local_and_aware_ones_keep_their_instant(
    tmp_path: Path,
) -> None:
    import datetime as dt

    folder = _folder(tmp_path)
    table = pa.table(
        {
            "conversation_id": ["c1", "c2"],
            "channel": ["chat", "chat"],
            "agent_id": ["a1", "a2"],
            # naive: Shanghai local time
            "started_at": pa.array([dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 10)]),
            # aware: already UTC, 01:30 UTC is the 09:30 Shanghai of the other formats
            "ended_at": pa.array(
                [dt.datetime(2026, 10, 5, 1, 30), None], type=pa.timestamp("us", tz="UTC")
            ),
            "resolved": [True, False],
        }
    )
    pq.write_table(table, folder / "conversations.parquet")
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    assert _conversations(conn) == EXPECTED_CONVERSATIONS


def test_offset_in_the_text_keeps_the_instant_and_another_zone_is_honoured(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path)
    _write_csv(
        folder / "surveys.csv",
        [
            ["survey_id", "submitted_at"],
            ["s1", "2026-10-05 09:00"],  # naive, New York in October is UTC-4: 13:00 UTC
            ["s2", "2026-10-05T09:00:00+08:00"],  # offset given: 01:00 UTC whatever the zone
            ["s3", "2026-10-05T09:00:00Z"],
        ],
    )
    conn = open_store()
    import_folder(conn, folder, config=CenterConfig(timezone="America/New_York"))
    assert _rows(
        conn, "SELECT survey_id, strftime(submitted_at, '%H:%M') FROM surveys ORDER BY 1"
    ) == [
        ("s1", "13:00"),
        ("s2", "01:00"),
        ("s3", "09:00"),
    ]
    # The session is UTC again after the import.
    assert _rows(conn, "SELECT current_setting('TimeZone')") == [("UTC",)]


def test_booleans_accept_words_digits_and_chinese(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    words = ["true", "FALSE", "1", "0", "yes", "no", "是", "否"]
    _write_csv(
        folder / "orders.csv",
        [["order_id", "created_at", "amount", "paid"]]
        + [[f"o{i}", "2026-10-05", "1", w] for i, w in enumerate(words)],
    )
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    paid = [r[0] for r in _rows(conn, "SELECT paid FROM orders ORDER BY order_id")]
    assert paid == [True, False, True, False, True, False, True, False]


def test_money_is_exact_and_accepts_currency_sign_and_thousands(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(
        folder / "orders.csv",
        [
            ["order_id", "created_at", "amount"],
            ["o1", "2026-10-05", '"¥1,234.50"'],
            ["o2", "2026-10-05", "0.10"],
            ["o3", "2026-10-05", "-7"],
        ],
    )
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    amounts = [r[0] for r in _rows(conn, "SELECT amount FROM orders ORDER BY order_id")]
    assert amounts == [Decimal("1234.50"), Decimal("0.10"), Decimal("-7.00")]


def test_every_bad_value_is_reported_with_file_row_and_column(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(
        folder / "surveys.csv",
        [
            ["survey_id", "submitted_at", "csat", "nps"],
            ["s1", "2026-10-05 09:00", "5", "10"],
            ["s2", "yesterday", "6", "3.5"],
            ["s3", "", "4", "11"],
        ],
    )
    _write_csv(
        folder / "orders.csv",
        [["order_id", "created_at", "amount", "paid"], ["o1", "2026-10-05", "12.345", "maybe"]],
    )
    _write_csv(
        folder / "messages.csv",
        [["conversation_id", "sent_at", "sender"], ["c1", "2026-10-05 09:00", "robot"]],
    )
    conn = open_store()
    with pytest.raises(ProblemsError) as caught:
        import_folder(conn, folder, config=SHANGHAI)
    where = sorted((Path(p.file or "").name, p.row, p.field, p.code) for p in caught.value.errors)
    assert where == [
        ("messages.csv", 2, "sender", "bad_value"),
        ("orders.csv", 2, "amount", "bad_value"),
        ("orders.csv", 2, "paid", "bad_value"),
        ("surveys.csv", 3, "csat", "out_of_range"),
        ("surveys.csv", 3, "nps", "bad_value"),
        ("surveys.csv", 3, "submitted_at", "bad_value"),
        ("surveys.csv", 4, "nps", "out_of_range"),
        ("surveys.csv", 4, "submitted_at", "value_missing"),
    ]
    english = "\n".join(p.render("en") for p in caught.value.problems)
    assert "surveys.csv:row 3:submitted_at: 'yesterday' is not a time" in english
    assert "'robot' is not one of customer | agent | bot | system" in english
    # The reader's language (Chinese by default): row, field and the rule in Chinese.
    chinese = str(caught.value)
    assert "surveys.csv:第 3 行:submitted_at: 'yesterday' 不是时间" in chinese
    assert "'robot' 不是 customer | agent | bot | system 之一" in chinese


def test_a_failed_import_leaves_the_store_exactly_as_it_was(tmp_path: Path) -> None:
    good = _folder(tmp_path, "good")
    _write_csv(good / "conversations.csv", CONVERSATIONS)
    conn = open_store(tmp_path / "store.duckdb")
    import_folder(conn, good, config=SHANGHAI)
    before = _snapshot(conn)

    bad = _folder(tmp_path, "bad")
    # A clean new table, a correction of a stored row, and one bad file: nothing may land.
    _write_csv(
        bad / "surveys.csv",
        [["survey_id", "submitted_at", "csat"], ["s1", "2026-10-05 09:00", "5"]],
    )
    _write_csv(
        bad / "conversations.csv",
        [*CONVERSATIONS[:2], ["c2", "chat", "a9", "2026-10-05 10:00", "", "no"]],
    )
    _write_csv(bad / "orders.csv", [["order_id", "created_at", "amount"], ["o1", "never", "1"]])
    with pytest.raises(ProblemsError):
        import_folder(conn, bad, config=SHANGHAI)
    assert _snapshot(conn) == before
    assert before["conversations"] and not before["surveys"]
    # No staging tables are left behind either.
    assert _rows(conn, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_imp%'") == [
        (0,)
    ]


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(folder / "conversations.csv", CONVERSATIONS)
    _write_csv(
        folder / "messages.csv",
        [
            ["conversation_id", "sent_at", "sender", "text"],
            ["c1", "2026-10-05 09:00", "customer", "hi"],
            ["c1", "2026-10-05 09:00", "customer", "hi"],  # the same text twice is two messages
            ["c1", "2026-10-05 09:01", "agent", "hello"],
        ],
    )
    conn = open_store()
    first = import_folder(conn, folder, config=SHANGHAI)
    before = _snapshot(conn)
    second = import_folder(conn, folder, config=SHANGHAI)
    assert _snapshot(conn) == before
    assert (first.tables["messages"].inserted, second.tables["messages"].unchanged) == (3, 3)
    assert (second.tables["conversations"].inserted, second.tables["conversations"].updated) == (
        0,
        0,
    )
    assert second.tables["conversations"].unchanged == 2


def test_a_row_with_a_stored_key_and_new_content_replaces_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(folder / "conversations.csv", CONVERSATIONS)
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    corrected = [
        *CONVERSATIONS[:2],
        ["c2", "chat", "a2", "2026-10-05 10:00:00", "", "true"],
        ["c3", "chat", "a1", "2026-10-06 08:00", "", ""],
    ]
    _write_csv(folder / "conversations.csv", corrected)
    report = import_folder(conn, folder, config=SHANGHAI).tables["conversations"]
    assert (report.read, report.inserted, report.updated, report.unchanged) == (3, 1, 1, 1)
    assert _rows(conn, "SELECT conversation_id, resolved FROM conversations ORDER BY 1") == [
        ("c1", True),
        ("c2", True),
        ("c3", None),
    ]


def test_messages_without_seq_are_numbered_in_file_order_and_stored_by_conversation_and_time(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path)
    _write_csv(
        folder / "messages.csv",
        [
            ["conversation_id", "sent_at", "sender", "text"],
            ["c2", "2026-10-05 09:05", "customer", "second conversation"],
            ["c1", "2026-10-05 09:01", "agent", "reply"],
            ["c1", "2026-10-05 09:00", "customer", "question"],
            ["c1", "2026-10-05 09:01", "Agent", "reply again"],
        ],
    )
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    # seq counts rows of each conversation in file order: c1 rows are file rows 3, 4, 5.
    # Stored order (rowid) is conversation, time, seq.
    assert _rows(
        conn, "SELECT conversation_id, seq, sender, text FROM messages ORDER BY rowid"
    ) == [
        ("c1", 2, "customer", "question"),
        ("c1", 1, "agent", "reply"),
        ("c1", 3, "agent", "reply again"),
        ("c2", 1, "customer", "second conversation"),
    ]


def test_duplicate_keys_in_one_file_are_errors_naming_both_rows(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(
        folder / "surveys.csv",
        [
            ["survey_id", "submitted_at"],
            ["s1", "2026-10-05"],
            ["s2", "2026-10-05"],
            ["s1", "2026-10-06"],
        ],
    )
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), folder, config=SHANGHAI)
    (problem,) = caught.value.errors
    assert (problem.code, problem.row, problem.field) == ("duplicate_key", 4, "survey_id")
    assert "first in row 2" in problem.message


MESSAGES_SEQ = ["conversation_id", "sent_at", "sender", "seq", "agent_id"]


@pytest.mark.parametrize(
    ("rows", "duplicated"),
    [
        # A customer's message twice: the facts pass finds them as neighbours in the store.
        (
            [
                ["c1", "2026-10-05 09:00", "customer", "1", ""],
                ["c1", "2026-10-05 09:01", "agent", "2", "a1"],
                ["c1", "2026-10-05 09:00", "customer", "1", ""],
            ],
            (4, 2),
        ),
        # An agent's, with a customer's message at the same instant and seq between them.
        (
            [
                ["c1", "2026-10-05 09:01", "agent", "2", "a1"],
                ["c1", "2026-10-05 09:01", "customer", "2", ""],
                ["c1", "2026-10-05 09:01", "agent", "2", "a2"],
            ],
            (4, 2),
        ),
        # A bot's: the pass does not read bots, the check scan counts their keys.
        (
            [
                ["c1", "2026-10-05 09:00", "bot", "1", ""],
                ["c1", "2026-10-05 09:00", "customer", "1", ""],
                ["c1", "2026-10-05 09:00", "bot", "1", ""],
            ],
            (4, 2),
        ),
    ],
)
def test_duplicate_message_keys_are_errors_naming_both_rows_and_nothing_is_stored(
    tmp_path: Path, rows: list[list[str]], duplicated: tuple[int, int]
) -> None:
    """The key is (conversation, sent_at, sender, seq); the header is row 1, so the file's
    third data row is row 4 and its first row 2."""
    folder = _folder(tmp_path)
    _write_csv(folder / "conversations.csv", CONVERSATIONS)
    _write_csv(folder / "messages.csv", [MESSAGES_SEQ, *rows])
    conn = open_store()
    with pytest.raises(ProblemsError) as caught:
        import_folder(conn, folder, config=SHANGHAI)
    (problem,) = caught.value.errors
    row, first = duplicated
    assert (problem.code, problem.row) == ("duplicate_key", row)
    assert problem.field == "conversation_id,sent_at,sender,seq"
    assert f"first in row {first}" in problem.message
    # The key as the center reads it: the last row's local time, Shanghai's offset.
    assert f"sent_at={rows[-1][1]}:00+08" in problem.message
    assert _rows(conn, "SELECT count(*) FROM messages") == [(0,)]
    assert _rows(conn, "SELECT count(*) FROM conversations") == [(0,)]


def test_a_duplicate_message_key_is_reported_with_another_files_bad_value(tmp_path: Path) -> None:
    """Both problems at once, although the messages' keys are checked after the other files
    would have been written: a bad time in conversations.csv row 3 (c2's started_at) and the
    customer's message of messages.csv row 2 again in row 3."""
    folder = _folder(tmp_path)
    conversations = [list(r) for r in CONVERSATIONS]
    conversations[2][3] = "yesterday"
    _write_csv(folder / "conversations.csv", conversations)
    _write_csv(
        folder / "messages.csv",
        [
            MESSAGES_SEQ,
            ["c1", "2026-10-05 09:00", "customer", "1", ""],
            ["c1", "2026-10-05 09:00", "customer", "1", ""],
        ],
    )
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), folder, config=SHANGHAI)
    found = sorted((Path(p.file or "").name, p.code, p.row) for p in caught.value.errors)
    assert found == [("conversations.csv", "bad_value", 3), ("messages.csv", "duplicate_key", 3)]


def test_messages_sharing_instant_and_seq_but_not_sender_are_distinct(tmp_path: Path) -> None:
    """A customer's, a bot's and an agent's message at 09:00 with seq 1 have three keys: all
    three are stored, and the agent's answers the customer's (a 0-second reply)."""
    folder = _folder(tmp_path)
    _write_csv(folder / "conversations.csv", CONVERSATIONS)
    _write_csv(
        folder / "messages.csv",
        [
            MESSAGES_SEQ,
            ["c1", "2026-10-05 09:00", "agent", "1", "a1"],
            ["c1", "2026-10-05 09:00", "bot", "1", ""],
            ["c1", "2026-10-05 09:00", "customer", "1", ""],
        ],
    )
    conn = open_store()
    report = import_folder(conn, folder, config=SHANGHAI)
    assert report.tables["messages"].inserted == 3
    assert _rows(conn, "SELECT agent_id, runs, reply_us FROM reply_facts") == [("a1", 1, 0)]


def test_parquet_text_is_converted_only_where_a_row_needs_it_and_stored_the_same(
    tmp_path: Path,
) -> None:
    """The check scan finds which text columns the conversion changes in some row (sender:
    ' Agent' is 'agent'; agent_id: '' is empty) and copies the others as they are (the ids,
    the text); every value is stored as the conversion would have made it."""
    folder = _folder(tmp_path)
    table = pa.table(
        {
            "conversation_id": ["c1", "c1", "c2"],
            "sent_at": pa.array(
                [1_790_000_000_000_000, 1_790_000_060_000_000, 1_790_000_120_000_000],
                pa.timestamp("us", tz="UTC"),
            ),
            "sender": ["customer", " Agent", "customer"],
            "agent_id": ["", "a1", None],
            "text": ["你好", " 在的 ", "hi"],
            "seq": pa.array([1, 2, 1], pa.int64()),
        }
    )
    pq.write_table(table, folder / "messages.parquet")
    conn = open_store()
    import_folder(conn, folder, config=SHANGHAI)
    assert _rows(
        conn, "SELECT conversation_id, sender, agent_id, text, seq FROM messages ORDER BY rowid"
    ) == [
        ("c1", "customer", None, "你好", 1),
        ("c1", "agent", "a1", " 在的 ", 2),
        ("c2", "customer", None, "hi", 1),
    ]


@pytest.mark.parametrize(
    ("values", "statistics", "answered"),
    [
        # Every row group records its nulls and a least value that is not empty.
        (["k1", None], True, {"customer_id": 1}),
        ([None, None], True, {"customer_id": 0}),
        # An empty string is the least value: only the scan can tell what the conversion
        # makes of it (NULL).
        (["", ""], True, {}),
        (["k1", ""], True, {}),
        # No statistics: nothing to go by.
        (["k1", ""], False, {}),
    ],
)
def test_a_parquet_footer_answers_a_text_column_only_when_it_is_sure(
    tmp_path: Path, values: list[str | None], statistics: bool, answered: dict[str, int]
) -> None:
    """customer_id (optional text, no check reads it) is counted from the footer when every
    row group says it holds no empty string; else by the check scan. Either way the same
    values are stored (an empty string as NULL) and a column no row fills is warned about
    (conversion_rate reads it)."""
    from appraise.metrics.importer import _parquet_text_filled

    folder = _folder(tmp_path)
    table = pa.table(
        {
            "conversation_id": ["c1", "c2"],
            "channel": ["chat", "chat"],
            "agent_id": ["a1", "a2"],
            "customer_id": pa.array(values, pa.string()),
            "started_at": pa.array(
                [1_790_000_000_000_000, 1_790_000_060_000_000], pa.timestamp("us", tz="UTC")
            ),
        }
    )
    path = folder / "conversations.parquet"
    # One row a row group: the answer must hold for every group.
    pq.write_table(table, path, row_group_size=1, write_statistics=statistics)
    conn = open_store()
    assert _parquet_text_filled(conn, path, ["customer_id"]) == answered
    report = import_folder(conn, folder, config=SHANGHAI)
    stored = [v or None for v in values]
    assert _rows(conn, "SELECT customer_id FROM conversations ORDER BY conversation_id") == [
        (v,) for v in stored
    ]
    empty = {w.field for w in report.warnings if w.code == "column_empty"}
    assert ("customer_id" in empty) == (stored == [None, None])


def test_a_column_no_row_fills_is_stored_empty_and_still_counts_as_given(tmp_path: Path) -> None:
    """ended_at is in the file and empty in every row: the sorted insert leaves it out (NULL
    either way), the other columns are stored as the file has them, in storage order, the
    column is recorded as given, and a second import finds every row unchanged."""
    folder = _folder(tmp_path)
    table = pa.table(
        {
            "conversation_id": ["c2", "c1", "c1"],
            "sent_at": pa.array(
                [1_790_000_120_000_000, 1_790_000_060_000_000, 1_790_000_000_000_000],
                pa.timestamp("us", tz="UTC"),
            ),
            "sender": ["customer", "agent", "customer"],
            "agent_id": [None, "a1", None],
            "text": ["hi", "在的", "你好"],
            "seq": pa.array([1, 2, 1], pa.int64()),
            "ended_at": pa.array([None, None, None], pa.timestamp("us", tz="UTC")),
        }
    )
    pq.write_table(table, folder / "messages.parquet")
    conn = open_store()
    first = import_folder(conn, folder, config=SHANGHAI)
    # storage order: conversation, then sent_at (c1's customer message is the earlier one)
    stored = "SELECT conversation_id, sender, agent_id, text, seq, ended_at FROM messages"
    assert _rows(conn, stored + " ORDER BY rowid") == [
        ("c1", "customer", None, "你好", 1, None),
        ("c1", "agent", "a1", "在的", 2, None),
        ("c2", "customer", None, "hi", 1, None),
    ]
    assert _rows(
        conn, "SELECT provided FROM _provided WHERE tbl = 'messages' AND col = 'ended_at'"
    ) == [(True,)]
    second = import_folder(conn, folder, config=SHANGHAI)
    assert (first.tables["messages"].inserted, second.tables["messages"].unchanged) == (3, 3)


def test_missing_required_column_names_the_file_and_column(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(folder / "orders.csv", [["order_id", "created_at"], ["o1", "2026-10-05"]])
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), folder, config=SHANGHAI)
    (problem,) = caught.value.errors
    assert (Path(problem.file or "").name, problem.field, problem.code) == (
        "orders.csv",
        "amount",
        "column_missing",
    )


def test_unknown_files_and_columns_are_warnings_not_silence(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(
        folder / "conversations.csv", [[*CONVERSATIONS[0], "mood"], [*CONVERSATIONS[1], "ok"]]
    )
    _write_csv(folder / "agents.csv", [["agent_id"], ["a1"]])
    report = import_folder(open_store(), folder, config=SHANGHAI)
    warnings = sorted(
        (Path(w.file or "").name, w.code) for w in report.warnings if w.code != "column_empty"
    )
    assert warnings == [("agents.csv", "file_ignored"), ("conversations.csv", "columns_ignored")]
    # The file has no reopened column, which reopen_rate reads: said, not silent.
    empty = sorted(w.field or "" for w in report.warnings if w.code == "column_empty")
    assert "reopened" in empty
    assert "mood" in next(w.message for w in report.warnings if w.code == "columns_ignored")


def test_two_files_for_one_table_are_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(folder / "conversations.csv", CONVERSATIONS)
    _write_csv(folder / "conversations.tsv", CONVERSATIONS, sep="\t")
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), folder, config=SHANGHAI)
    assert {p.code for p in caught.value.errors} == {"table_twice"}
    assert len(caught.value.errors) == 2


def test_a_csv_row_with_too_many_fields_is_reported_by_row(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(
        folder / "conversations.csv",
        [*CONVERSATIONS, ["c3", "chat", "a1", "2026-10-05", "", "no", "extra"]],
    )
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), folder, config=SHANGHAI)
    (problem,) = caught.value.errors
    # header is row 1, c1 row 2, c2 row 3, c3 row 4
    assert (problem.code, problem.row) == ("bad_row", 4)


def test_jsonl_rows_are_counted_by_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    lines = [
        {"survey_id": "s1", "submitted_at": "2026-10-05 09:00", "csat": 5},
        {"survey_id": "s2", "submitted_at": "2026-10-05 09:00", "csat": 0},
    ]
    (folder / "surveys.jsonl").write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), folder, config=SHANGHAI)
    (problem,) = caught.value.errors
    assert (problem.row, problem.field, problem.code) == (2, "csat", "out_of_range")


def test_parquet_rows_are_counted_from_one_and_typed_bad_values_are_caught(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    pq.write_table(
        pa.table(
            {
                "survey_id": ["s1", "s2", "s3"],
                "submitted_at": ["2026-10-05 09:00", "2026-10-05 09:00", "not a time"],
                "csat": pa.array([5, 9, 4], type=pa.int32()),
            }
        ),
        folder / "surveys.parquet",
    )
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), folder, config=SHANGHAI)
    assert sorted((p.row, p.field) for p in caught.value.errors) == [
        (2, "csat"),
        (3, "submitted_at"),
    ]


def test_cli_imports_prints_counts_and_exits_1_listing_every_problem(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _write_csv(folder / "conversations.csv", CONVERSATIONS)
    store = tmp_path / "events.duckdb"
    runner = CliRunner()
    ok = runner.invoke(app, ["import", str(folder), "--store", str(store)])
    assert ok.exit_code == 0, ok.output
    assert "conversations" in ok.output and "新增" in ok.output

    _write_csv(
        folder / "orders.csv", [["order_id", "created_at", "amount"], ["o1", "2026-13-01", "x"]]
    )
    bad = runner.invoke(app, ["import", str(folder), "--store", str(store)])
    assert bad.exit_code == 1
    assert "orders.csv:第 2 行:created_at:" in bad.output
    assert "orders.csv:第 2 行:amount:" in bad.output
    assert "未导入任何数据:2 个错误" in bad.output
    english = runner.invoke(app, ["--lang", "en", "import", str(folder), "--store", str(store)])
    assert "orders.csv:row 2:amount: 'x' is not an amount of money" in english.output
    assert "nothing imported: 2 error(s)" in english.output
    conn = open_store(store, read_only=True)
    assert _rows(conn, "SELECT count(*) FROM orders") == [(0,)]
    assert _rows(conn, "SELECT count(*) FROM conversations") == [(2,)]
