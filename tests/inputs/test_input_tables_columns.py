"""The column reader (pyarrow) behind load_inputs: the same records and the same problems as the
row reader, row numbers as the file shows them; files whose rows are not lines (a blank line, a
line break inside a quoted cell) go to the row reader."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from appraise.inputs import MetricValue, Rating, Source, load_inputs, tables
from appraise.inputs.reading import ColumnFrame, Layout, read_csv_columns
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
    text = "agent_id,period,metric,value\nA1,2026-10,csat,0.1\n"
    read = read_csv_columns(text, Layout(header_rows=1, skip_totals=False), "m.csv", ())
    assert read is not None
    frame, skipped = read
    assert isinstance(frame, ColumnFrame)
    assert frame.numbers == [2] and frame.columns[3] == ["0.1"] and skipped == {}


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
