"""`appraise import` and `appraise formats` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from appraise.cli import app

runner = CliRunner()


def test_formats_lists_every_preset_with_its_columns() -> None:
    result = runner.invoke(app, ["formats"])
    assert result.exit_code == 0, result.output
    for preset in ("chitu_daily", "zendesk_talk", "zammad_tickets", "tmall_orders"):
        assert preset in result.output
    assert "询单->最终付款人数" in result.output
    shown = runner.invoke(app, ["formats", "zendesk_talk"])
    assert "plus_seconds: wait_time" in shown.output
    assert runner.invoke(app, ["formats", "nope"]).exit_code == 1


def test_a_failed_first_import_leaves_no_store_and_no_emoji(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # offered_at comes from a column named "id": the location "...:row 2:id:" holds ":id:",
    # which rich would print as an emoji.
    (data / "calls.csv").write_text("call,id\nk1,yesterday\n", encoding="utf-8")
    (data / "mapping.yaml").write_text(
        "tables:\n  calls:\n    columns: {call_id: call, offered_at: id}\n"
    )
    store = tmp_path / "store.duckdb"
    result = runner.invoke(app, ["import", str(data), "--store", str(store)])
    assert result.exit_code == 1
    assert not store.exists()
    assert "第 2 行:id: 'yesterday'" in result.output
    assert "🆔" not in result.output
    english = runner.invoke(app, ["--lang", "en", "import", str(data), "--store", str(store)])
    assert "row 2:id: 'yesterday'" in english.output
    assert "🆔" not in english.output


def test_the_import_report_counts_rows_left_out_with_their_reason(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "surveys.csv").write_text(
        "问卷导出 2026-10\nsurvey_id,submitted_at,csat\ns1,2026-10-05 09:00,5\n"
        "s2,2026-10-05 09:00,\n",
        encoding="utf-8",
    )
    (data / "mapping.yaml").write_text("tables:\n  surveys:\n    skip_empty: [csat]\n")
    result = runner.invoke(
        app, ["--lang", "en", "import", str(data), "--store", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 0, result.output
    assert "surveys: 1 row(s) not imported: title" in result.output
    assert "surveys: 1 row(s) not imported: skipped: csat empty" in result.output
    chinese = runner.invoke(app, ["import", str(data), "--store", str(tmp_path / "t.duckdb")])
    assert "surveys:1 行未导入:表头上方的标题行" in chinese.output
    assert "surveys:1 行未导入:按规则跳过:csat empty" in chinese.output
