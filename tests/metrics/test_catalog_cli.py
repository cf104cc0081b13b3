"""`appraise metrics` on a small store file."""

from __future__ import annotations

import json
from pathlib import Path

from events import chat, new_db
from typer.testing import CliRunner

from appraise.cli import app


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    conn = new_db(str(path))
    # Shanghai (the default zone): 10-05 02:00 UTC is 10:00 local; replies after 12 s and 30 s
    chat(conn, "c1", "a1", "2026-10-05 02:00:00", [(0, "customer"), (12, "agent")])
    chat(conn, "c2", "a1", "2026-10-06 02:00:00", [(0, "customer"), (30, "agent")])
    conn.close()
    return path


def test_json_output_has_period_and_agent_metric_values(tmp_path: Path) -> None:
    store = _store(tmp_path)
    result = CliRunner().invoke(
        app,
        ["metrics", "--data", str(store), "--period", "2026-10", "--metric", "reply_rate",
         "--metric", "first_response_time_mean", "--metric", "csat"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # first response (12 + 30) / 2 = 21; both answered; no surveys, so no CSAT
    assert json.loads(result.stdout) == {
        "period": "2026-10",
        "metrics": {"a1": {"reply_rate": 100.0, "first_response_time_mean": 21.0, "csat": None}},
    }


def test_csv_output_leaves_unknown_values_empty(tmp_path: Path) -> None:
    store = _store(tmp_path)
    result = CliRunner().invoke(
        app,
        ["metrics", "--data", str(store), "--period", "2026-10", "--format", "csv",
         "--metric", "first_response_time_mean", "--metric", "csat"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "agent_id,first_response_time_mean,csat\na1,21.0,\n"


def test_unknown_metric_exits_with_its_name(tmp_path: Path) -> None:
    store = _store(tmp_path)
    result = CliRunner().invoke(
        app, ["metrics", "--data", str(store), "--period", "2026-10", "--metric", "csta"]
    )
    assert result.exit_code == 1
    assert "metric: 未知的指标 'csta';已知的指标:" in result.stderr
    english = CliRunner().invoke(
        app,
        [
            "--lang",
            "en",
            "metrics",
            "--data",
            str(store),
            "--period",
            "2026-10",
            "--metric",
            "csta",
        ],
    )
    assert "metric: unknown metric 'csta'; known metrics:" in english.stderr


def test_bad_period_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["metrics", "--data", str(_store(tmp_path)), "--period", "October"]
    )
    assert result.exit_code == 2
    assert "October" in result.stderr
