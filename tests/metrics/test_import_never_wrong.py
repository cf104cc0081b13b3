"""The import refuses what cannot be right, and says so naming file, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appraise.metrics.config import CenterConfig
from appraise.metrics.importer import import_folder
from appraise.metrics.mapping import ColumnMapping
from appraise.metrics.store import open_store
from appraise.problems import Problem, ProblemsError

SHANGHAI = CenterConfig()
CALLS = "call_id,agent_id,offered_at,answered_at,ended_at,hold_seconds\n"


def _errors(folder: Path, mapping: str = "") -> list[Problem]:
    with pytest.raises(ProblemsError) as caught:
        import_folder(
            open_store(),
            folder,
            config=SHANGHAI,
            mapping=ColumnMapping.parse(mapping, "mapping.yaml") if mapping else None,
        )
    return caught.value.errors


def test_a_call_answered_before_it_was_offered_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        CALLS + "k1,a1,2026-10-05 09:00:30,2026-10-05 09:00:10,2026-10-05 09:05,0\n",
        encoding="utf-8",
    )
    (problem,) = _errors(tmp_path)
    assert (problem.code, problem.row, problem.field) == ("bad_order", 2, "answered_at")
    assert "answered_at is before offered_at" in problem.message


@pytest.mark.parametrize(
    ("hold", "code"),
    [("-0:03:25", "bad_value"), ("-5", "bad_value"), ("三分钟", "bad_value")],
)
def test_a_negative_or_unreadable_duration_is_an_error(
    tmp_path: Path, hold: str, code: str
) -> None:
    (tmp_path / "calls.csv").write_text(
        CALLS + f"k1,a1,2026-10-05 09:00,2026-10-05 09:01,2026-10-05 09:05,{hold}\n",
        encoding="utf-8",
    )
    (problem,) = _errors(tmp_path)
    assert (problem.code, problem.row, problem.field) == (code, 2, "hold_seconds")


def test_durations_as_exports_write_them(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        CALLS
        + "k1,a1,2026-10-05 09:00,2026-10-05 09:01,2026-10-05 09:05,1分23秒\n"
        + "k2,a1,2026-10-05 10:00,2026-10-05 10:01,2026-10-05 10:05,00:01:23\n"
        + "k3,a1,2026-10-05 11:00,2026-10-05 11:01,2026-10-05 11:05,1 minute 5 seconds\n"
        + "k4,a1,2026年10月5日 12:00,2026/10/5 12:01,-,83s\n",
        encoding="utf-8",
    )
    conn = open_store()
    import_folder(conn, tmp_path, config=SHANGHAI)
    assert conn.execute("SELECT call_id, hold_seconds FROM calls ORDER BY 1").fetchall() == [
        ("k1", 83.0),
        ("k2", 83.0),
        ("k3", 65.0),
        ("k4", 83.0),
    ]
    # 2026年10月5日 12:00 Shanghai is 04:00 UTC; "-" is no end time.
    assert conn.execute(
        "SELECT strftime(offered_at, '%H:%M'), ended_at FROM calls WHERE call_id = 'k4'"
    ).fetchall() == [("04:00", None)]


def test_a_time_before_2000_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(CALLS + "k1,a1,1970-01-01 08:00,,,0\n", encoding="utf-8")
    (problem,) = _errors(tmp_path)
    assert (problem.code, problem.field) == ("bad_time", "offered_at")
    assert "earliest:" in problem.message
    # An archive that old says so.
    report = import_folder(
        open_store(),
        tmp_path,
        config=SHANGHAI,
        mapping=ColumnMapping.parse("tables:\n  calls:\n    earliest: 1960-01-01\n", "m.yaml"),
    )
    assert report.tables["calls"].inserted == 1


def test_keeping_the_last_row_refuses_rows_that_are_different_calls(tmp_path: Path) -> None:
    # The Anonymous Bank log: call_id restarts per vru line, so one id is several calls.
    (tmp_path / "calls.csv").write_text(
        "vru,line,call_id,offered_at\n"
        "AA01,1,33116,2026-10-05 09:00\n"
        "AA02,1,33116,2026-10-05 09:30\n",
        encoding="utf-8",
    )
    mapping = "tables:\n  calls:\n    on_duplicate: last\n    columns: {call_id: call_id}\n"
    (problem,) = _errors(tmp_path, mapping)
    assert problem.code == "duplicate_key_distinct"
    assert "different records" in problem.message and "[column, column" in problem.message
    # With the key that tells them apart, both calls are kept.
    conn = open_store()
    key = "tables:\n  calls:\n    columns: {call_id: {source: [vru, line, call_id], join: '-'}}\n"
    report = import_folder(
        conn, tmp_path, config=SHANGHAI, mapping=ColumnMapping.parse(key, "mapping.yaml")
    )
    assert report.tables["calls"].inserted == 2
    assert conn.execute("SELECT call_id FROM calls ORDER BY 1").fetchall() == [
        ("AA01-1-33116",),
        ("AA02-1-33116",),
    ]


def test_a_duplicate_key_suggests_last_only_for_states_of_one_record(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(
        "ticket_id,created_at,resolved_at\nT1,2026-10-05 09:00,\nT1,2026-10-05 09:00,"
        "2026-10-05 10:00\n",
        encoding="utf-8",
    )
    (problem,) = _errors(tmp_path)
    assert problem.code == "duplicate_key" and "on_duplicate: last" in problem.message


def test_unscored_surveys_are_skipped_and_counted(tmp_path: Path) -> None:
    (tmp_path / "surveys.csv").write_text(
        "survey_id,agent_id,submitted_at,csat\ns1,a1,2026-10-05 09:00,5\n"
        "s2,a1,2026-10-05 09:10,\ns3,a1,2026-10-05 09:20,未评价\n",
        encoding="utf-8",
    )
    mapping = (
        "tables:\n  surveys:\n    skip_empty: [csat]\n"
        "    columns: {csat: {source: csat, values: {未评价: null}}}\n"
    )
    conn = open_store()
    report = import_folder(
        conn, tmp_path, config=SHANGHAI, mapping=ColumnMapping.parse(mapping, "mapping.yaml")
    )
    counts = report.tables["surveys"]
    assert (counts.read, counts.inserted, counts.skipped) == (1, 1, {"skipped: csat empty": 2})


def test_invalid_rows_skip_leaves_them_out_with_a_warning_each(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(
        CALLS
        + "k1,a1,2026-10-05 09:00,2026-10-05 09:01,2026-10-05 09:05,0\n"
        + "k2,a1,2026-10-05 09:00,2026-10-05 08:59,2026-10-05 09:05,0\n",
        encoding="utf-8",
    )
    conn = open_store()
    report = import_folder(
        conn,
        tmp_path,
        config=SHANGHAI,
        mapping=ColumnMapping.parse("tables:\n  calls:\n    invalid_rows: skip\n", "m.yaml"),
    )
    assert report.tables["calls"].inserted == 1
    assert report.tables["calls"].skipped == {"invalid (invalid_rows: skip)": 1}
    assert [(w.code, w.row) for w in report.warnings if w.code == "bad_order"] == [("bad_order", 3)]


def test_a_pretty_printed_json_array_imports(tmp_path: Path) -> None:
    rows = [{"survey_id": "s1", "submitted_at": "2026-10-05 09:00", "csat": 4}]
    (tmp_path / "surveys.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    conn = open_store()
    import_folder(conn, tmp_path, config=SHANGHAI)
    assert conn.execute("SELECT survey_id, csat FROM surveys").fetchall() == [("s1", 4)]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("surveys.json", '[{"survey_id": "s1",', "bad_json"),
        ("surveys.json", '{"a": [1, 2], "b": [3]}', "bad_json"),
        ("surveys.csv", 'survey_id,submitted_at\n"s1,2026-10-05\n', "file_empty"),
    ],
)
def test_an_unreadable_file_is_a_problem_not_a_traceback(
    tmp_path: Path, name: str, content: str, code: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    problems = _errors(tmp_path)
    assert problems and all(p.file and p.file.endswith(name) for p in problems)
    assert problems[0].code in (code, "bad_row", "value_missing", "column_missing")


def test_a_gbk_and_a_utf16_canonical_csv_import(tmp_path: Path) -> None:
    text = "ticket_id,agent_id,created_at\nT1,张三,2026-10-05 09:00\n"
    (tmp_path / "tickets.csv").write_bytes(text.encode("gbk"))
    conn = open_store()
    import_folder(conn, tmp_path, config=SHANGHAI)
    (tmp_path / "tickets.csv").write_bytes(text.replace("T1", "T2").encode("utf-16"))
    import_folder(conn, tmp_path, config=SHANGHAI)
    assert conn.execute("SELECT ticket_id, agent_id FROM tickets ORDER BY 1").fetchall() == [
        ("T1", "张三"),
        ("T2", "张三"),
    ]


def test_calls_without_an_answer_time_name_the_metrics_left_without_data(tmp_path: Path) -> None:
    # Zendesk Talk's raw export has no answered_at: abandonment would read 100 % for everyone.
    (tmp_path / "calls.csv").write_text(
        "call_id,agent_id,offered_at\nk1,a1,2026-10-05 09:00\n", encoding="utf-8"
    )
    report = import_folder(open_store(), tmp_path, config=SHANGHAI)
    (warning,) = [w for w in report.warnings if w.field == "answered_at"]
    assert warning.code == "column_empty"
    assert "abandonment_rate" in warning.message and "asa" in warning.message


def test_a_bare_carriage_return_inside_an_unquoted_value_is_read_as_a_space(
    tmp_path: Path,
) -> None:
    # The Twitter customer-support export has a tweet with "\r\r" in an unquoted text field;
    # DuckDB's parser refuses the file and Python's csv module would split the row.
    (tmp_path / "messages.csv").write_bytes(
        b"conversation_id,sent_at,sender,text\n"
        b"c1,2026-10-05 09:00,customer,hello \r\rthere\n"
        b"c1,2026-10-05 09:01,agent,hi\n"
    )
    conn = open_store()
    report = import_folder(conn, tmp_path, config=SHANGHAI)
    assert report.tables["messages"].inserted == 2
    assert conn.execute("SELECT text FROM messages ORDER BY seq").fetchall() == [
        ("hello   there",),
        ("hi",),
    ]
    assert [w.code for w in report.warnings] == ["bare_carriage_return"]


def test_a_file_duckdb_cannot_parse_does_not_hide_the_other_files_problems(
    tmp_path: Path,
) -> None:
    (tmp_path / "messages.csv").write_bytes(
        b"conversation_id,sent_at,sender,text\nc1,2026-10-05 09:00,customer,a \r\rb\n"
        b"c1,yesterday,agent,hi\n"
    )
    (tmp_path / "calls.csv").write_text(CALLS + "k1,a1,soon,,,0\n", encoding="utf-8")
    problems = _errors(tmp_path)
    assert {(Path(p.file or "").name, p.row, p.field) for p in problems} == {
        ("messages.csv", 3, "sent_at"),
        ("calls.csv", 2, "offered_at"),
    }


def test_a_date_and_a_time_column_make_one_time(tmp_path: Path) -> None:
    # The Anonymous Bank layout: date 990201 (YYMMDD) and a time column, local time.
    (tmp_path / "calls.txt").write_text(
        "vru+line\tcall_id\tdate\tvru_exit\n AA0101\t1\t990201\t7:02:56\n", encoding="utf-8"
    )
    mapping = (
        'tables:\n  calls:\n    file: calls.txt\n    delimiter: "\\t"\n    earliest: 1999-01-01\n'
        "    columns:\n      call_id: {source: [vru+line, call_id], join: '-'}\n"
        '      offered_at: {source: [date, vru_exit], format: "%y%m%d %H:%M:%S"}\n'
    )
    conn = open_store()
    import_folder(
        conn, tmp_path, config=SHANGHAI, mapping=ColumnMapping.parse(mapping, "mapping.yaml")
    )
    # 1999-02-01 07:02:56 in Shanghai is 1999-01-31 23:02:56 UTC; the id's spaces are trimmed.
    assert conn.execute(
        "SELECT call_id, strftime(offered_at, '%Y-%m-%d %H:%M:%S') FROM calls"
    ).fetchall() == [("AA0101-1", "1999-01-31 23:02:56")]
