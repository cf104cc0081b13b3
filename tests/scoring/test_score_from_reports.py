"""`appraise score` on a per-agent report as exported: daily rows count for the month only
through a declared roll-up, and a table of daily rows without one is flagged, not ignored."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from appraise.cli import app

SCHEME = """
id: shop
name: 小店客服
indicators:
  - {id: conv, name: 询单转化, weight: 100%, rule: {type: bands, metric: conversion_rate, bands: [{range: ">= 40", score: 100}, {range: "< 40", score: 50}]}}
"""
REPORT = (
    "客服绩效日报（2026-10）\n"
    "日期,旺旺,询单人数,询单->最终付款人数,询单->最终付款成功率\n"
    "2026-10-01,小王,20,8,40.00%\n"
    "2026-10-02,小王,10,3,30.00%\n"
    "2026-10-01,小李,10,5,50.00%\n"
    "合计,,40,16,40.00%\n"
)
MAPPING = """
reports:
  daily:
    file: 日报.csv
    agent: 旺旺
    date: 日期
    metrics:
      inquiries: {source: 询单人数, unit: count}
      paid: {source: "询单->最终付款人数", unit: count}
      conversion_rate: {source: "询单->最终付款成功率", unit: percent, roll_up: {ratio: [paid, inquiries]}}
"""


def _score(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(tmp_path / "s.yaml"),
            "--inputs",
            str(tmp_path / "in"),
            "-p",
            "2026-10",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_daily_report_scores_the_month_by_its_declared_roll_up(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(textwrap.dedent(SCHEME), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "日报.csv").write_bytes(REPORT.encode("gbk"))
    (folder / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    results = {r["agent_id"]: r for r in _score(tmp_path)["results"]}
    # 小王: (8 + 3) / (20 + 10) = 36.67 % < 40 -> 50 (the mean of daily rates, 35 %, would give
    # the same band; the sum of rates, 70 %, would not). 小李: 5 / 10 = 50 % -> 100.
    assert float(results["小王"]["total"]) == 50
    assert float(results["小李"]["total"]) == 100


def test_daily_metric_values_without_a_roll_up_are_flagged(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(textwrap.dedent(SCHEME), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "metric_values.csv").write_text(
        "agent_id,period,metric,value\n小王,2026-10-01,conversion_rate,40\n"
        "小王,2026-10-02,conversion_rate,30\n",
        encoding="utf-8",
    )
    out = _score(tmp_path)
    codes = [w["code"] for w in out["warnings"]]
    assert "values_of_shorter_periods" in codes
