from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from appraise.inputs import load_inputs
from appraise.problems import Problem, ProblemsError

WriteTable = Callable[[str, str], Path]
Where = tuple[str, str, str | None, int | None, str | None]


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(ProblemsError) as caught:
        load_inputs(path)
    return caught.value.problems


def _where(problems: list[Problem]) -> list[Where]:
    return [(p.level, p.code, p.file, p.row, p.field) for p in problems]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "agents.csv",
            "agent_id,team\nA1,售后\n",
            ("error", "missing_column", "agents.csv", 1, "name"),
        ),
        (
            "metric_values.csv",
            "agent_id,period,value\nA1,2026-10,90\n",
            ("error", "missing_column", "metric_values.csv", 1, "metric"),
        ),
        (
            "metric_values.csv",
            "period,metric,value\n2026-10,csat,90\n",
            ("error", "missing_column", "metric_values.csv", 1, "agent_id"),
        ),
        (
            "ratings.csv",
            "agent_id,rater_role\nA1,self\n",
            ("error", "missing_column", "ratings.csv", 1, "indicator"),
        ),
        (
            "incidents.csv",
            "agent_id,kind\nA1,complaint\n",
            ("error", "missing_column", "incidents.csv", 1, "date"),
        ),
        (
            "history.csv",
            "agent_id,total\nA1,80\n",
            ("error", "missing_column", "history.csv", 1, "period"),
        ),
        (
            "agents.csv",
            "agent_id,name\nA1,张三\nA2,李四\nA1,王五\n",
            ("error", "duplicate_agent", "agents.csv", 4, "agent_id"),
        ),
        (
            "agents.csv",
            "agent_id,name\nA1,\n",
            ("error", "missing_value", "agents.csv", 2, "name"),
        ),
        (
            "agents.csv",
            "agent_id,name,hired_on\nA1,张三,2026-02-30\n",
            ("error", "bad_date", "agents.csv", 2, "hired_on"),
        ),
        (
            "metric_values.csv",
            "agent_id,name,metric,value\n,张三,csat,90\n",
            ("error", "missing_value", "metric_values.csv", 2, "agent_id"),
        ),
        (
            "metric_values.csv",
            "agent_id,period,metric,value\nA1,2026-10,csat,90\nA1,2026-10,CSAT ,91\n",
            ("error", "duplicate_value", "metric_values.csv", 3, "metric"),
        ),
        (
            "metric_values.csv",
            "agent_id,period,csat\nA1,Oct 2026,90\n",
            ("error", "bad_period", "metric_values.csv", 2, "period"),
        ),
        (
            "metric_values.csv",
            "agent_id,csat\nA1,#N/A\n",
            ("error", "bad_value", "metric_values.csv", 2, "csat"),
        ),
        (
            "metric_values.csv",
            "agent_id,csat\nA1,abc%\n",
            ("error", "bad_number", "metric_values.csv", 2, "csat"),
        ),
        (
            "metric_values.csv",
            "agent_id,csat,,\nA1,90,,x\n",
            ("error", "unnamed_column", "metric_values.csv", 1, "column D"),
        ),
        (
            "incidents.csv",
            "agent_id,date,kind\nA1,2026-10-05,complaint,迟到\n",
            ("error", "unnamed_column", "incidents.csv", 1, "column D"),
        ),
        (
            "metric_values.csv",
            "agent_id,客户满意度,客户满意度 \nA1,90,91\n",
            ("error", "duplicate_column", "metric_values.csv", 1, "客户满意度"),
        ),
        (
            "ratings.csv",
            "agent_id,indicator,value\n,服务态度,A\n",
            ("error", "missing_value", "ratings.csv", 2, "agent_id"),
        ),
        (
            "ratings.csv",
            "agent_id,rater_role,rater_id,服务态度\nA1,supervisor,S1,80\nA1,supervisor,S1,85\n",
            ("error", "duplicate_rating", "ratings.csv", 3, "服务态度"),
        ),
        (
            "incidents.csv",
            "agent_id,date,kind,count\nA1,2026-10-05,complaint,0\n",
            ("error", "bad_count", "incidents.csv", 2, "count"),
        ),
        (
            "incidents.csv",
            "agent_id,date,kind,points\nA1,2026-10-05,complaint,20%\n",
            ("error", "bad_number", "incidents.csv", 2, "points"),
        ),
        (
            "incidents.csv",
            "agent_id,date,kind,amount\nA1,2026-10-05,complaint,一百\n",
            ("error", "bad_number", "incidents.csv", 2, "amount"),
        ),
        (
            "incidents.csv",
            "agent_id,date,kind\nA1,05/10/2026,complaint\n",
            ("error", "bad_date", "incidents.csv", 2, "date"),
        ),
        (
            "incidents.csv",
            "agent_id,date,kind\nA1,2026-10-05,\n",
            ("error", "missing_value", "incidents.csv", 2, "kind"),
        ),
        (
            "history.csv",
            "agent_id,period,total\nA1,2026-09,80\nA1,2026-9,81\n",
            ("error", "duplicate_history", "history.csv", 3, "period"),
        ),
        (
            "history.csv",
            "agent_id,period,total\nA1,2026-09,高\n",
            ("error", "bad_number", "history.csv", 2, "total"),
        ),
        (
            "history.csv",
            "agent_id,period,rank\nA1,2026-09,1.5\n",
            ("error", "bad_rank", "history.csv", 2, "rank"),
        ),
    ],
)
def test_each_bad_input_is_reported_with_file_row_and_field(
    inputs_dir: Path, write: WriteTable, name: str, text: str, expected: Where
) -> None:
    write(name, text)
    assert _where(_problems(inputs_dir)) == [expected]


def test_every_problem_in_every_file_is_reported_in_one_run(
    inputs_dir: Path, write: WriteTable
) -> None:
    write("agents.csv", "agent_id,name,extra\nA1,张三,x\nA1,李四,y\n")
    write(
        "metric_values.csv",
        "agent_id,period,metric,value,comment\nA1,2026-13,csat,90,x\nA1,2026-10,,91,\n",
    )
    write("ratings.csv", "agent_id,period,indicator,value\nB9,2026-10,服务态度,A\n")
    write("incidents.csv", "agent_id,date,kind,count\nA1,tomorrow,complaint,-1\n")
    write("history.csv", "agent_id,total\nA1,80\n")
    write("summary.csv", "x\n")
    assert _where(_problems(inputs_dir)) == [
        ("warning", "unknown_file", "summary.csv", None, None),
        ("error", "duplicate_agent", "agents.csv", 3, "agent_id"),
        ("warning", "unknown_column", "metric_values.csv", 1, "comment"),
        ("error", "bad_period", "metric_values.csv", 2, "period"),
        ("error", "missing_value", "metric_values.csv", 3, "metric"),
        ("error", "bad_date", "incidents.csv", 2, "date"),
        ("error", "bad_count", "incidents.csv", 2, "count"),
        ("error", "missing_column", "history.csv", 1, "period"),
    ]


def test_a_duplicate_agent_message_names_both_rows(inputs_dir: Path, write: WriteTable) -> None:
    write("agents.csv", "agent_id,name\nA1,张三\nA2,李四\nA1,王五\n")
    (problem,) = _problems(inputs_dir)
    assert "rows 2 and 4" in problem.message


def test_a_missing_column_message_lists_the_columns_found(
    inputs_dir: Path, write: WriteTable
) -> None:
    write("incidents.csv", "工号,date,kind\n")
    # 工号 itself is also reported, as an unknown column.
    (problem,) = [p for p in _problems(inputs_dir) if p.level == "error"]
    assert problem.field == "agent_id"
    assert "工号, date, kind" in problem.message


def test_unknown_columns_of_a_long_table_are_a_warning_not_an_error(
    inputs_dir: Path, write: WriteTable
) -> None:
    write("incidents.csv", "agent_id,date,kind,客户\nA1,2026-10-05,complaint,王先生\n")
    loaded = load_inputs(inputs_dir)
    assert len(loaded.incidents) == 1
    assert _where(loaded.warnings) == [
        ("warning", "unknown_column", "incidents.csv", 1, "客户"),
    ]


def test_a_table_given_twice_is_an_error(inputs_dir: Path, write: WriteTable) -> None:
    write("agents.csv", "agent_id,name\nA1,张三\n")
    write("agents.xlsx", "")
    # Files are read in name order, so the second one, never opened, is the one reported.
    assert _where(_problems(inputs_dir)) == [
        ("error", "duplicate_table", "agents.xlsx", None, None),
    ]


def test_a_gbk_or_utf16_csv_is_read_as_it_was_saved(inputs_dir: Path) -> None:
    # An older Excel saves CSV in GBK, a Windows tool in UTF-16 with a BOM.
    (inputs_dir / "agents.csv").write_bytes("agent_id,name\nA1,张三\n".encode("gbk"))
    assert [a.name for a in load_inputs(inputs_dir).agents] == ["张三"]
    (inputs_dir / "agents.csv").write_bytes("agent_id,name\nA1,李四\n".encode("utf-16"))
    assert [a.name for a in load_inputs(inputs_dir).agents] == ["李四"]


def test_a_csv_in_no_known_encoding_names_the_line_and_the_fix(inputs_dir: Path) -> None:
    # 0xFF is a byte neither UTF-8 nor GB18030 has; it is on the third line.
    (inputs_dir / "agents.csv").write_bytes(b"agent_id,name\nA1,Zhang\nA2,\xff\n")
    (problem,) = _problems(inputs_dir)
    assert _where([problem]) == [("error", "bad_encoding", "agents.csv", 3, None)]
    assert "encoding" in problem.message


def test_a_folder_without_tables_is_an_error(inputs_dir: Path, write: WriteTable) -> None:
    write("readme.txt", "nothing here")
    assert [p.code for p in _problems(inputs_dir)] == ["no_inputs"]


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    assert [p.code for p in _problems(tmp_path / "nowhere")] == ["bad_inputs"]


def test_a_ratings_workbook_with_an_uncalculated_formula_names_the_cell(inputs_dir: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ratings"
    sheet.append(["agent_id", "period", "indicator", "value"])
    sheet.append(["A1", "2026-10", "态度", "=80+10"])  # saved without its value, 90
    book.save(inputs_dir / "ratings.xlsx")
    assert _where(_problems(inputs_dir)) == [
        ("error", "formula_not_calculated", "ratings.xlsx", 2, "D"),
    ]


def test_a_negative_duration_is_not_taken_for_a_level_name(
    inputs_dir: Path, write: WriteTable
) -> None:
    write("metric_values.csv", "agent_id,period,metric,value\nA1,2026-10,aht,-0:03:25\n")
    (problem,) = _problems(inputs_dir)
    assert (problem.code, problem.row) == ("bad_number", 2)
    assert "cannot be negative" in problem.message
