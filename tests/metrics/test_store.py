"""The event store: canonical tables, UTC sessions, store files and data folders."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from appraise.metrics.schema import DUCKDB_TYPES, TABLES
from appraise.metrics.store import open_data, open_store
from appraise.problems import ProblemsError


def test_a_new_store_has_every_canonical_table_with_the_schema_types() -> None:
    conn = open_store()
    stored = conn.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_name <> '_provided' ORDER BY table_name, ordinal_position"
    ).fetchall()
    expected = [(t.name, c.name, DUCKDB_TYPES[c.type]) for t in TABLES.values() for c in t.columns]
    # DuckDB spells TIMESTAMPTZ out in information_schema.
    spelled = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}
    assert sorted(stored) == sorted((t, c, spelled.get(d, d)) for t, c, d in expected)


def test_sessions_are_utc() -> None:
    conn = open_store()
    assert conn.execute("SELECT current_setting('TimeZone')").fetchall() == [("UTC",)]
    # An instant written with an offset reads back as UTC text: 09:00 at +08 is 01:00 UTC.
    text = conn.execute(
        "SELECT strftime(TIMESTAMPTZ '2026-10-05 09:00:00+08', '%Y-%m-%d %H:%M')"
    ).fetchall()
    assert text == [("2026-10-05 01:00",)]


def test_a_store_file_keeps_its_rows_and_opens_read_only_through_open_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.duckdb"
    conn = open_store(path)
    conn.execute("INSERT INTO targets VALUES ('a1', '2026-10', 'sales', 1000)")
    conn.close()
    again = open_data(path)
    assert again.execute("SELECT agent_id, target FROM targets").fetchall() == [("a1", 1000.0)]
    with pytest.raises(duckdb.Error):
        again.execute("DELETE FROM targets")


def test_opening_a_missing_store_read_only_is_a_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as caught:
        open_store(tmp_path / "nope.duckdb", read_only=True)
    assert caught.value.errors[0].code == "store_missing"
    with pytest.raises(ProblemsError) as missing:
        open_data(tmp_path / "nothing-here")
    assert missing.value.errors[0].code == "data_missing"


def test_open_data_imports_a_folder_with_its_center_time_zone(tmp_path: Path) -> None:
    (tmp_path / "center.yaml").write_text("timezone: Europe/London\n", encoding="utf-8")
    (tmp_path / "surveys.csv").write_text(
        "survey_id,submitted_at,csat\ns1,2026-10-05 09:00,4\n", encoding="utf-8"
    )
    conn = open_data(tmp_path)
    # London is on summer time (UTC+1) on 5 October: 09:00 local is 08:00 UTC.
    assert conn.execute("SELECT strftime(submitted_at, '%H:%M'), csat FROM surveys").fetchall() == [
        ("08:00", 4)
    ]
