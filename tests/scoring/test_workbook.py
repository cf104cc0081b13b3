"""The payroll workbook's layout on plain rows (appraise.scoring.workbook), without the web."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from appraise.scoring.workbook import PayrollRow, flag_names, payroll_workbook


def test_flags_are_written_by_their_names_in_the_reader_s_language() -> None:
    consequences = {"pay_cut_or_training": "降薪或培训"}
    flags = ["pay_cut_or_training", "requires_basis", "unknown_rule"]
    assert flag_names(flags, consequences, "zh") == ["降薪或培训", "需附评定依据", "unknown_rule"]
    assert flag_names(flags, consequences, "en")[1] == "needs the grounds of the grade"


def test_each_pay_line_is_a_yuan_column_and_the_sheet_prints_one_page_wide() -> None:
    row = PayrollRow(
        agent_id="A001",
        name="张三",
        team="@一组",
        eligible=True,
        total=Decimal("80.0000"),
        grade="A",
        rank=1,
        level="",
        # 1000.00 + 500.50 = 1500.50
        pay={"base": Decimal("1000.00"), "bonus": Decimal("500.50")},
        pay_total=Decimal("1500.50"),
        flags=["降薪或培训"],
    )
    book = load_workbook(
        io.BytesIO(
            payroll_workbook(
                [row], pay_lines=[("base", "绩效工资"), ("bonus", "全勤奖")], versions=False
            )
        )
    )
    ws = book["考核结果"]
    header = [c.value for c in ws[1]]
    assert header[9:12] == ["绩效工资", "全勤奖", "绩效工资合计"]
    values = [c.value for c in ws[2]]
    assert values[9:12] == [1000, 500.5, 1500.5] and values[4] == 80
    assert {ws.cell(row=2, column=c).number_format for c in (10, 11, 12)} == {'"¥"#,##0.00'}
    assert ws["C2"].quotePrefix and ws["C2"].value == "@一组"
    assert values[-1] == "降薪或培训"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1"
