"""The layout reader: files as tools lay them out, read into a header and numbered rows."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from appraise.inputs.reading import Frame, Layout, read_frame
from appraise.problems import Problem


def _read(path: Path, layout: Layout | None = None, expected: tuple[str, ...] = ()) -> Frame:
    problems: list[Problem] = []
    frame = read_frame(path, layout or Layout(), problems, label=path.name, expected=expected)
    assert frame is not None, problems
    return frame


def _rows(frame: Frame) -> list[tuple[int, list[str]]]:
    return [(n, [c.text for c in cells]) for n, cells in frame.rows]


def test_a_semicolon_csv_with_a_title_line_and_a_note(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Report 2026-10\nagent;calls;talk\nA1;3;1:05\nA2;4;0:30\nExported: today\n")
    frame = _read(path)
    assert frame.delimiter == ";"
    assert frame.headers == ["agent", "calls", "talk"]
    assert frame.header_row == 2
    assert _rows(frame) == [(3, ["A1", "3", "1:05"]), (4, ["A2", "4", "0:30"])]
    assert frame.skipped == {"title": 1, "footer": 1}


def test_declared_rows_win_over_detection(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("x,y\nagent,calls\nA1,3\nA2,4\n")
    frame = _read(path, Layout(header_row=2, footer_rows=1))
    assert frame.headers == ["agent", "calls"]
    assert _rows(frame) == [(3, ["A1", "3"])]
    assert frame.skipped == {"title": 1, "footer": 1}
    skipped = _read(path, Layout(skip_rows=1))
    assert skipped.header_row == 2


def test_totals_rows_are_left_out_unless_declared_data(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("agent,calls\nA1,3\n合计,3\nTotal:,3\n")
    assert _read(path).skipped == {"totals": 2}
    assert len(_read(path, Layout(skip_totals=False)).rows) == 3


def test_a_two_level_header_names_columns_by_the_lower_cell_and_by_upper_slash_lower(
    tmp_path: Path,
) -> None:
    # 人数 appears under 询单 and under 接待: only 询单/人数 and 接待/人数 name them.
    path = tmp_path / "r.csv"
    path.write_text("日期,接待,,询单,\n,人数,时长,人数,转化率\n2026-10-01,5,60,3,20%\n")
    frame = _read(path)
    assert frame.headers == ["日期", "接待/人数", "时长", "询单/人数", "转化率"]
    assert frame.index("询单/人数") == 3
    assert frame.index("接待/人数") == 1
    assert frame.index("人数") is None  # ambiguous: under two upper cells
    assert frame.index("转化率") == 4 and frame.index("询单/转化率") == 4
    assert frame.header_row == 2


def test_an_xlsx_sheet_by_position_or_name(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["这是说明"])
    data = book.create_sheet("明细")
    data.append(["agent", "calls"])
    data.append(["A1", 3])
    book.save(tmp_path / "b.xlsx")
    assert _read(tmp_path / "b.xlsx", Layout(sheet=2)).headers == ["agent", "calls"]
    assert _read(tmp_path / "b.xlsx", Layout(sheet="明细")).headers == ["agent", "calls"]
    problems: list[Problem] = []
    assert read_frame(tmp_path / "b.xlsx", Layout(sheet=3), problems) is None
    assert problems[0].code == "sheet_missing" and "明细" in problems[0].message


def test_json_envelopes_records_paths_and_nested_names(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    doc = {"data": {"items": [{"id": 1, "sla": {"due": "2026-10-05"}, "tags": ["a", "b"]}]}}
    path.write_text(json.dumps(doc, indent=2))
    frame = _read(path, Layout(records="data.items"))
    assert frame.headers == ["id", "sla.due", "tags"]
    assert _rows(frame) == [(1, ["1", "2026-10-05", '["a", "b"]'])]
    problems: list[Problem] = []
    assert read_frame(path, Layout(records="data.rows"), problems) is None
    assert problems[0].code == "bad_json"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_the_encoding_is_found(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("客服,接待人数\n小王,5\n".encode(encoding))
    assert _rows(_read(path)) == [(2, ["小王", "5"])]


def test_a_formula_without_a_calculated_value_is_an_error_not_an_empty_cell(
    tmp_path: Path,
) -> None:
    # openpyxl, like many export scripts, writes formulas without computing them.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["agent", "calls", "talk"])
    sheet.append(["A1", 3, 60])
    sheet.append(["A2", "=B2+1", 30])
    book.save(tmp_path / "f.xlsx")
    problems: list[Problem] = []
    assert read_frame(tmp_path / "f.xlsx", Layout(), problems, label="f.xlsx") is None
    assert [(p.code, p.row, p.field) for p in problems] == [("formula_not_calculated", 3, "B")]
