from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from appraise.inputs import Agent, Incident, MetricValue, Rating, Source, load_inputs
from appraise.problems import ProblemsError


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def _replace_in_sheet(path: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old.encode() in members[sheet]
    members[sheet] = members[sheet].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def test_a_workbook_with_one_sheet_per_table_loads_every_table(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "book.xlsx",
        {
            "agents": [
                ["agent_id", "name", "hired_on"],
                [1001, "张三", datetime(2026, 8, 12)],
            ],
            "metric_values": [
                ["agent_id", "period", "客户满意度", "流失率"],
                [1001, "2026-10", 92.5, 0.35],
            ],
            "ratings": [
                ["agent_id", "indicator", "rater_role", "value"],
                [1001, "服务态度", None, "A"],
            ],
            "incidents": [
                ["agent_id", "date", "kind", "count"],
                [1001, datetime(2026, 10, 5, 14, 30), "complaint", 2],
            ],
            "history": [["agent_id", "period", "total"], [1001, "2026-09", 88]],
            "说明": [["这张表是填表说明"]],
        },
    )
    workbook = openpyxl.load_workbook(path)
    workbook["metric_values"]["D2"].number_format = "0%"
    workbook.save(path)

    loaded = load_inputs(path)

    assert loaded.agents == [Agent("1001", "张三", None, None, None, date(2026, 8, 12), {})]
    assert loaded.metric_values == [
        MetricValue(
            "1001",
            "2026-10",
            "客户满意度",
            Decimal("92.5"),
            Source("book.xlsx[metric_values]", 2, "客户满意度"),
        ),
        # Shown as 35%, stored as 0.35: percent units, so 35.
        MetricValue(
            "1001",
            "2026-10",
            "流失率",
            Decimal(35),
            Source("book.xlsx[metric_values]", 2, "流失率"),
        ),
    ]
    assert loaded.ratings == [
        Rating("1001", None, "服务态度", None, None, "A", Source("book.xlsx[ratings]", 2))
    ]
    assert loaded.incidents == [
        Incident(
            "1001",
            date(2026, 10, 5),
            "complaint",
            Decimal(2),
            None,
            None,
            "",
            Source("book.xlsx[incidents]", 2),
        )
    ]
    assert loaded.history[0].total == Decimal(88)
    assert [(w.code, w.file) for w in loaded.warnings] == [("unknown_sheet", "book.xlsx[说明]")]
    assert loaded.files == [
        "book.xlsx[agents]",
        "book.xlsx[metric_values]",
        "book.xlsx[ratings]",
        "book.xlsx[incidents]",
        "book.xlsx[history]",
    ]


def test_float_cells_are_read_as_excel_shows_them(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "book.xlsx",
        {
            "metric_values": [
                ["agent_id", "metric", "value"],
                ["A1", "a", 0.1],
                ["A1", "b", 0.123],
                ["A1", "c", 85.0],
                ["A1", "d", time(0, 3, 25)],
            ],
        },
    )
    # Excel stores the result of =0.1+0.2 as 0.30000000000000004 and shows (and means) 0.3.
    # openpyxl rounds floats when it writes, so put Excel's text into the sheet directly.
    _replace_in_sheet(path, "<v>0.123</v>", "<v>0.30000000000000004</v>")
    values = {v.metric: v.value for v in load_inputs(path).metric_values}
    assert values["a"] == Decimal("0.1")
    assert values["b"] == Decimal("0.3")
    assert str(values["c"]) == "85"
    # A time cell is a duration: 3 * 60 + 25 = 205 seconds.
    assert values["d"] == Decimal(205)


def test_a_month_that_excel_turned_into_a_date_is_read_as_the_month(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "book.xlsx",
        {
            "history": [
                ["agent_id", "period", "total"],
                ["A1", datetime(2026, 10, 1), 70],
                ["A1", datetime(2026, 10, 5), 71],
                ["A1", 2025, 72],
            ]
        },
    )
    workbook = openpyxl.load_workbook(path)
    workbook["history"]["B2"].number_format = "mmm-yy"
    workbook["history"]["B3"].number_format = "yyyy-mm-dd"
    workbook.save(path)
    assert [h.period for h in load_inputs(path).history] == ["2026-10", "2026-10-05", "2025"]


def test_a_table_saved_as_its_own_xlsx_in_a_folder_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    _book(folder / "agents.xlsx", {"Sheet1": [["agent_id", "name"], ["A1", "张三"]]})
    (folder / "metric_values.csv").write_text("agent_id,metric,value\nA1,csat,90\n", "utf-8")
    loaded = load_inputs(folder)
    assert loaded.agents == [Agent("A1", "张三", None, None, None, None, {})]
    assert loaded.files == ["agents.xlsx", "metric_values.csv"]


def test_problems_in_a_workbook_name_the_sheet_row_and_column(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "book.xlsx",
        {
            "metric_values": [
                ["agent_id", "period", "客户满意度"],
                ["A1", "2026-10", "#DIV/0!"],
                ["A2", "2026-13", 90],
            ]
        },
    )
    with pytest.raises(ProblemsError) as caught:
        load_inputs(path)
    assert [(p.code, p.file, p.row, p.field) for p in caught.value.problems] == [
        ("bad_value", "book.xlsx[metric_values]", 2, "客户满意度"),
        ("bad_period", "book.xlsx[metric_values]", 3, "period"),
    ]


def test_a_file_that_is_not_a_workbook_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"agent_id,name\n")
    with pytest.raises(ProblemsError) as caught:
        load_inputs(path)
    assert [(p.code, p.file) for p in caught.value.problems] == [("bad_file", "book.xlsx")]
