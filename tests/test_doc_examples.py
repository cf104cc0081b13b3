"""The runnable examples of the docs run, and give the numbers the docs say."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from appraise.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_the_chitu_daily_example_scores_as_data_format_md_says() -> None:
    folder = EXAMPLES / "chitu-daily"
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(folder / "scheme.yaml"),
            "--inputs",
            str(folder),
            "-p",
            "2026-10",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    totals = {r["agent_id"]: float(r["total"]) for r in out["results"]}
    # 小王: conversion (8 + 3 + 6) / (20 + 10 + 15) = 37.78 % -> 80; response weighted by 接待
    # (65 × 48 + 35 × 30 + 25 × 40) / 118 = 43.81 s -> 80; 0.6 × 80 + 0.4 × 80 = 80.
    # 小李: 15 / 30 = 50 % -> 100; (120 × 12 + 20 × 10 + 18 × 20) / 42 = 47.62 s -> 80;
    # 0.6 × 100 + 0.4 × 80 = 92.
    assert totals == {"小王": 80.0, "小李": 92.0}
    skipped = [w for w in out["warnings"] if w["code"] == "rows_skipped"]
    # The reader's language (Chinese unless --lang en): the rows left out, each kind counted.
    assert skipped and "1 行标题、1 行备注、1 行合计(表头在第 2 行)" in skipped[0]["message"]
