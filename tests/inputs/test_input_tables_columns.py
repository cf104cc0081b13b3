"""The column reader (pyarrow) behind load_inputs: the same records and the same problems as the
row reader, row numbers as the file shows them; files whose rows are not lines (a blank line, a
line break inside a quoted cell) go to the row reader."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from appraise.inputs import MetricValue, Rating, Source, load_inputs, tables
from appraise.inputs.reading import ColumnFrame, Layout, read_csv_columns
from appraise.inputs.records import from_columns
from appraise.problems import ProblemsError

WriteTable = Callable[[str, str], Path]


def _both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """What load_inputs gives (records, or the problems) by columns and by rows."""

    def run() -> Any:
        try:
            return load_inputs(folder)
        except ProblemsError as exc:
            return exc.problems

    by_columns = run()
    with monkeypatch.context() as m:
        m.setattr(tables, "read_csv_columns", lambda *a, **k: None)
        by_rows = run()
    return by_columns, by_rows


def test_a_plain_table_is_read_by_columns() -> None:
    text = "agent_id,period,metric,value\nA1,2026-10,csat,0.1\nA2,2026-10,aht,0.1\n"
    read = read_csv_columns(text, Layout(header_rows=1, skip_totals=False), "m.csv", ())
    assert read is not None
    frame, skipped = read
    assert isinstance(frame, ColumnFrame)
    assert frame.numbers == [2, 3] and skipped == {}
    # Each column holds its distinct texts once, and per row the index of its text.
    value = frame.columns[3]
    assert value.texts == ["0.1"] and value.rows() == ["0.1", "0.1"]
    assert frame.columns[2].texts == ["csat", "aht"] and list(frame.columns[2].codes) == [0, 1]
    assert frame.columns[0][1] == "A2"


def test_a_quoted_line_break_goes_to_the_row_reader() -> None:
    text = 'agent_id,period,metric,value\nA1,2026-10,"cs\nat",0.1\nA2,2026-10,csat,0.2\n'
    assert read_csv_columns(text, Layout(header_rows=1, skip_totals=False), "m.csv", ()) is None


def test_gbk_title_rows_and_dashes_read_as_by_rows(
    inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A GBK file (an older Excel's CSV) with two title lines above the header (row 3): the data
    # rows are rows 4 and 5; "-" is an empty cell, so A2 gives no 客户满意度.
    text = (
        "十月客服考核数据,,,\n导出：2026-11-01,,,\n"
        "agent_id,period,客户满意度,服务态度\n"
        "A1,2026-10,92.5,较好\n"
        "A2,2026-10,-,好\n"
    )
    (inputs_dir / "metric_values.csv").write_bytes(text.encode("gbk"))
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    file = "metric_values.csv"
    assert by_columns.metric_values == [
        MetricValue("A1", "2026-10", "客户满意度", Decimal("92.5"), Source(file, 4, "客户满意度")),
        MetricValue("A1", "2026-10", "服务态度", "较好", Source(file, 4, "服务态度")),
        MetricValue("A2", "2026-10", "服务态度", "好", Source(file, 5, "服务态度")),
    ]
    assert [w.code for w in by_columns.warnings] == ["rows_skipped"]


def test_a_bad_cell_is_named_by_its_row_and_column(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Header on row 1; the fourth data row (file row 5) holds "12..5%" (a percentage that is no number).
    rows = "".join(f"A{i},2026-10,csat,{v}\n" for i, v in enumerate(["1", "2", "3", "12..5%"]))
    write("metric_values.csv", "agent_id,period,metric,value\n" + rows)
    write(
        "ratings.csv",
        "agent_id,period,indicator,rater_role,rater_id,value\n"
        "A1,2026-10,态度,主管,S1,4\n"
        "A1,2026-10,态度,主管,S1,5\n",  # row 3: S1 rates 态度 of A1 twice
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    errors = [(p.code, p.file, p.row, p.field) for p in by_columns if p.level == "error"]
    assert ("bad_number", "metric_values.csv", 5, "value") in errors
    assert ("duplicate_rating", "ratings.csv", 3, "indicator") in errors


def test_long_ratings_by_columns_equal_the_rows(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        "ratings.csv",
        "agent_id,period,indicator,rater_role,rater_id,value\n"
        "A1,2026-10,态度,主管,,4.5\n"
        "Ａ2,2026-10,态度,,S2,优\n"  # a full-width id and a level name: the row converter
        "A3,,态度,主管,S1,3\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    assert by_columns.ratings[0] == Rating(
        "A1", "2026-10", "态度", "主管", None, Decimal("4.5"), Source("ratings.csv", 2)
    )
    assert by_columns.ratings[1].agent_id == "A2"
    assert by_columns.ratings[2].period is None


def test_agents_by_columns_equal_the_rows(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row 3 has no name and row 4 a date that does not exist: both are errors named by row and
    # column; the other rows convert as by rows (a full-width id folded, an extra column kept).
    write(
        "agents.csv",
        "agent_id,name,team,hired_on,工号\n"
        "A1,张三,T1,2024/3/5,001\n"
        "A2,,T1,,\n"
        "A3,王五,,2024-02-30,\n"
        "Ａ4,赵六,T2,2024年1月2日,-\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    errors = [(p.code, p.row, p.field) for p in by_columns]
    assert errors == [("missing_value", 3, "name"), ("bad_date", 4, "hired_on")]
    write(
        "agents.csv",
        "agent_id,name,team,hired_on,工号\nA1,张三,T1,2024/3/5,001\nＡ4,赵六,T2,2024年1月2日,-\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    assert [(a.agent_id, a.hired_on, a.extra) for a in by_columns.agents] == [
        ("A1", date(2024, 3, 5), {"工号": "001"}),
        ("A4", date(2024, 1, 2), {}),
    ]


def test_a_repeated_agent_by_columns_names_both_rows(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A1 on rows 2 and 4 (the second written full-width), and row 3 has no name.
    write("agents.csv", "agent_id,name\nA1,张三\nA2,\nＡ1,李四\n")
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    assert [(p.code, p.row, p.field) for p in by_columns] == [
        ("missing_value", 3, "name"),
        ("duplicate_agent", 4, "agent_id"),
    ]


def test_long_values_by_columns_skip_empty_values_and_name_bad_rows(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row 3: an empty value gives no record and no problem. Row 4: an empty agent_id with a name
    # is an error; row 5 (empty agent_id, no name) is a value for the whole center.
    write(
        "metric_values.csv",
        "agent_id,name,period,metric,value\n"
        "A1,张三,2026-10,csat,1:05\n"
        "A2,李四,2026-10,csat,\n"
        ",王五,2026-10,csat,3\n"
        ",,2026-10,csat,85%\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    assert [(p.code, p.row, p.field) for p in by_columns] == [("missing_value", 4, "agent_id")]
    write(
        "metric_values.csv",
        "agent_id,name,period,metric,value\nA1,张三,2026-10,csat,1:05\n,,2026-10,csat,85%\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    file = "metric_values.csv"
    # 1:05 is a duration of 65 seconds; 85% is 85 (percent units).
    assert by_columns.metric_values == [
        MetricValue("A1", "2026-10", "csat", Decimal(65), Source(file, 2)),
        MetricValue(None, "2026-10", "csat", Decimal(85), Source(file, 3)),
    ]


def test_wide_values_by_columns_equal_the_rows(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row 3 holds a negative duration (an error named by its column); rows 2 and 4 give a
    # record per non-empty cell, in row order.
    write(
        "metric_values.csv",
        "agent_id,period,csat,aht\nA1,2026-10,90,3分25秒\nA2,2026-10,80,-0:03\nA3,2026-10,,7\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    assert [(p.code, p.row, p.field) for p in by_columns] == [("bad_number", 3, "aht")]
    write("metric_values.csv", "agent_id,period,csat,aht\nA1,2026-10,90,3分25秒\nA3,2026-10,,7\n")
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    file = "metric_values.csv"
    assert by_columns.metric_values == [
        MetricValue("A1", "2026-10", "csat", Decimal(90), Source(file, 2, "csat")),
        MetricValue("A1", "2026-10", "aht", Decimal(205), Source(file, 2, "aht")),  # 3*60+25
        MetricValue("A3", "2026-10", "aht", Decimal(7), Source(file, 3, "aht")),
    ]


def test_records_built_by_columns_equal_the_records_built_by_rows() -> None:
    rows = [("A1", "2026-10", "csat", Decimal("0.1"), Source("m.csv", 2))] * 2
    built = from_columns(MetricValue, 2, list(zip(*rows, strict=True)))
    assert built == [MetricValue(*row) for row in rows]
    assert hash(built[0]) == hash(MetricValue(*rows[0]))
    with pytest.raises(ValueError):
        from_columns(Source, 2, (["m.csv"], [2, 3], [None, None]))


def test_a_value_given_twice_under_names_that_match_is_still_found(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "CSAT" (row 2) and "csat" (row 3) differ as written but are one metric (names match with
    # case ignored), so A1's second value is a repeat; the keys as written are all distinct,
    # which alone must not pass the check. The same for a rater's two ratings of 态度 / "态 度"
    # (spaces are removed when names match): row 3 of ratings.csv repeats row 2.
    write(
        "metric_values.csv",
        "agent_id,period,metric,value\nA1,2026-10,CSAT,90\nA1,2026-10,csat,80\n",
    )
    write(
        "ratings.csv",
        "agent_id,period,indicator,rater_role,rater_id,value\n"
        "A1,2026-10,态度,主管,S1,4\n"
        "A1,2026-10,态 度,主管,S1,5\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    errors = [(p.code, p.file, p.row, p.field) for p in by_columns if p.level == "error"]
    assert ("duplicate_value", "metric_values.csv", 3, "metric") in errors
    assert ("duplicate_rating", "ratings.csv", 3, "indicator") in errors


def test_an_id_read_in_one_table_reads_alike_in_the_next(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A text is converted once per load and reused by every table's column with the same
    # converter: the full-width "Ａ１" of agents.csv and of metric_values.csv are both the id A1
    # (NFKC). A cell that is no number ("12..5%", file row 3) is still its own file's error.
    write("agents.csv", "agent_id,name\nＡ１,甲\nA2,乙\n")
    write(
        "metric_values.csv",
        "agent_id,period,metric,value\nＡ１,2026-10,csat,90\nA2,2026-10,csat,12..5%\n",
    )
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    errors = [(p.code, p.file, p.row, p.field) for p in by_columns if p.level == "error"]
    assert errors == [("bad_number", "metric_values.csv", 3, "value")]
    write("metric_values.csv", "agent_id,period,metric,value\nＡ１,2026-10,csat,90\n")
    loaded, by_rows = _both(inputs_dir, monkeypatch)
    assert loaded == by_rows
    assert [a.agent_id for a in loaded.agents] == ["A1", "A2"]
    assert [(m.agent_id, m.value) for m in loaded.metric_values] == [("A1", Decimal(90))]


def _long_values(rows: list[tuple[str, str]]) -> str:
    """A long metric_values table of 60 agents (more new texts than tables._PLAIN_AT_LEAST, so
    that the column's plain texts are found by pyarrow) and then ``rows`` (agent_id, value)."""
    lines = [f"B{i:03d},2026-10,csat,{i}.5" for i in range(60)]
    lines += [f"{agent},2026-10,csat,{value}" for agent, value in rows]
    return "agent_id,period,metric,value\n" + "\n".join(lines) + "\n"


def test_texts_found_plain_by_pyarrow_read_as_by_rows(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows 2-61 are plain (an ASCII id, a plain number: pyarrow's match finds them). Rows 62-68
    # are not, and go through the converters as any cell: an id with an ideographic space (A1
    # after strip) and one written full-width (A9 after NFKC), a null token "无" (no value, no
    # record), "+7" and "１２" (numbers Python reads, the match does not), the null token "N/A" as
    # agent_id (plain ASCII, but empty: a value for the whole center), and "12..5%" (no number:
    # bad_number at row 68, column value).
    assert tables._PLAIN_AT_LEAST < 60
    rows = [
        ("\u3000A1", "1"),
        ("C1", "无"),
        ("C2", "+7"),
        ("C3", "１２"),
        ("Ａ9", "2"),
        ("N/A", "5"),
    ]
    write("metric_values.csv", _long_values([*rows, ("C4", "12..5%")]))
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    errors = [(p.code, p.file, p.row, p.field) for p in by_columns if p.level == "error"]
    assert errors == [("bad_number", "metric_values.csv", 68, "value")]
    write("metric_values.csv", _long_values(rows))
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    file = "metric_values.csv"
    assert by_columns.metric_values[0] == MetricValue(
        "B000", "2026-10", "csat", Decimal("0.5"), Source(file, 2)
    )
    assert by_columns.metric_values[60:] == [
        MetricValue("A1", "2026-10", "csat", Decimal(1), Source(file, 62)),
        MetricValue("C2", "2026-10", "csat", Decimal(7), Source(file, 64)),
        MetricValue("C3", "2026-10", "csat", Decimal(12), Source(file, 65)),
        MetricValue("A9", "2026-10", "csat", Decimal(2), Source(file, 66)),
        MetricValue(None, "2026-10", "csat", Decimal(5), Source(file, 67)),
    ]


def test_a_repeated_key_among_many_distinct_ones_names_both_rows(
    write: WriteTable, inputs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The keys of a column-read table are compared in numpy; B007's second csat (row 62, written
    # with a trailing space, which is stripped) repeats row 9, and the check across rows names it.
    write("metric_values.csv", _long_values([("B007 ", "3")]))
    by_columns, by_rows = _both(inputs_dir, monkeypatch)
    assert by_columns == by_rows
    errors = [(p.code, p.file, p.row, p.field) for p in by_columns if p.level == "error"]
    assert errors == [("duplicate_value", "metric_values.csv", 62, "metric")]


def test_the_texts_pyarrow_reads_as_themselves_keep_pythons_whitespace() -> None:
    # A text is plain for _as_text when str.strip leaves it as it is: the characters the
    # pattern treats as whitespace are exactly Python's.
    spaces = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    listed = tables._WHITESPACE.replace("\\x{", " ").replace("}", "").split()
    assert "".join(chr(int(h, 16)) for h in listed) == spaces


def test_the_column_reader_does_not_import_pandas(write: WriteTable, inputs_dir: Path) -> None:
    # pyarrow's Array.to_numpy imports pandas (half a second the first time a server loads).
    write("metric_values.csv", _long_values([]))
    code = (
        "import sys; from pathlib import Path; from appraise.inputs import load_inputs; "
        f"assert load_inputs(Path({str(inputs_dir)!r})).metric_values; "
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
