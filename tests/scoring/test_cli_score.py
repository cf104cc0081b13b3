"""`appraise score`: JSON, table and Excel output, and errors with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from appraise.cli import app

ROOT = Path(__file__).resolve().parents[2]
SCHEME = str(ROOT / "schemes" / "seeds" / "s000-specialist.yaml")
INPUTS = str(ROOT / "schemes" / "seeds" / "examples" / "s000-specialist")


def test_json_output_has_the_documented_shape() -> None:
    result = CliRunner().invoke(
        app, ["score", SCHEME, "--inputs", INPUTS, "--period", "2026-10", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"scheme", "period", "warnings", "results"}
    (agent,) = out["results"]
    assert {
        "agent_id",
        "eligible",
        "total",
        "grade",
        "rank",
        "level",
        "pay",
        "flags",
        "indicators",
        "adjustments",
    } <= set(agent)
    assert agent["total"] == 77.5 and isinstance(agent["total"], float)
    assert {"id", "name", "weight", "value", "score", "weighted", "explain"} <= set(
        agent["indicators"][0]
    )
    assert out["warnings"][0]["code"] == "weights_sum"


def test_table_output_lists_each_agent() -> None:
    result = CliRunner().invoke(app, ["score", SCHEME, "-i", INPUTS, "-p", "2026-10"])
    assert result.exit_code == 0
    assert "A001" in result.output and "77.5" in result.output and "合格" in result.output


def test_xlsx_output_for_payroll(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(
        app, ["score", SCHEME, "-i", INPUTS, "-p", "2026-10", "-f", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["考核结果", "指标明细", "考核周期", "警告"]
    rows = list(wb["考核结果"].iter_rows(values_only=True))
    assert rows[0][:6] == ("工号", "姓名", "班组", "参加考核", "总分", "等级")
    assert rows[1][0] == "A001" and float(rows[1][4]) == 77.5
    assert len(list(wb["指标明细"].iter_rows())) == 1 + 14  # header + 4 categories + 10 leaves
    assert wb["考核结果"].freeze_panes == "C2"


def test_the_table_prints_totals_and_pay_as_plain_decimals() -> None:
    from decimal import Decimal

    from rich.console import Console

    from appraise.scoring.commands import render_table
    from appraise.scoring.results import AgentResult, PayLine, ScoreRun

    # Totals rounded to a step of 0.0001 are Decimal("80.0000"); str() of it normalized is
    # "8E+1". Pay 1000 + 500 = 1500, to the cent.
    pay = [
        PayLine("base", "绩效工资", Decimal("1000"), ""),
        PayLine("bonus", "奖金", Decimal("5E+2"), ""),
    ]
    run = ScoreRun(
        "s",
        "方案",
        "2026-10",
        [],
        [
            AgentResult(
                "A001", "张三", None, True, total=Decimal("80.0000"), grade="A", rank=1, pay=pay
            )
        ],
    )
    console = Console(width=200, record=True)
    render_table(run, console)
    text = console.export_text()
    assert "8E+1" not in text and "1.5E+3" not in text
    row = next(line for line in text.splitlines() if "A001" in line)
    assert [c.strip() for c in row.split("│")][3] == "80"
    assert "1500.00" in row


def test_bad_input_exits_1_and_names_file_row_and_field(tmp_path: Path) -> None:
    (tmp_path / "ratings.csv").write_text(
        "agent_id,period,indicator,rater_role,rater_id,value\n"
        "A001,2026-10,1.业务熟练度,,S01,180\n"
        "A001,2026-10,2.沟通能力,,S01,abc\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["score", SCHEME, "-i", str(tmp_path), "-p", "2026-10"])
    assert result.exit_code == 1
    # Chinese by default: where in the file, and the level.
    assert "ratings.csv:第 2 行:value" in result.output
    assert "ratings.csv:第 3 行:value" in result.output
    assert "(错误)" in result.output
    english = CliRunner().invoke(
        app, ["--lang", "en", "score", SCHEME, "-i", str(tmp_path), "-p", "2026-10"]
    )
    assert english.exit_code == 1
    assert "ratings.csv:row 2:value" in english.output
    assert "ratings.csv:row 3:value" in english.output
    assert "(error)" in english.output


def test_bad_period_exits_2() -> None:
    result = CliRunner().invoke(app, ["score", SCHEME, "-i", INPUTS, "-p", "October"])
    assert result.exit_code == 2
    assert "周期 'October' 的写法不对" in result.output
    english = CliRunner().invoke(app, ["--lang", "en", "score", SCHEME, "-i", INPUTS, "-p", "X"])
    assert english.exit_code == 2
    assert "period 'X' is not one of" in english.output


def test_the_scorecard_tree_prints_pay_to_the_cent() -> None:
    from decimal import Decimal

    from rich.console import Console

    from appraise.scoring.commands import render_scorecard
    from appraise.scoring.results import AgentResult, PayLine, ScoreRun

    # An amount computed as Decimal("5E+2") (500) must not print as 5E+2.
    pay = [PayLine("bonus", "奖金", Decimal("5E+2"), "排名第 1")]
    result = AgentResult("A001", "张三", None, True, total=Decimal("80"), grade="A", pay=pay)
    run = ScoreRun("s", "方案", "2026-10", [], [result])
    console = Console(width=200, record=True)
    render_scorecard(run, "A001", console)
    assert "奖金: 500.00" in console.export_text()
