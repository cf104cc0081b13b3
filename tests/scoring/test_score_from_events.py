"""`appraise score --data`: the metrics a scheme needs are computed from raw events in one run."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from appraise.cli import app

SCHEME = """
id: events-demo
name: 事件计算
indicators:
  - {id: sat, name: 客户满意度, weight: 60%, rule: {type: bands, metric: csat, bands: [{range: ">= 80", score: 100}, {range: "[70, 80)", score: 60}, {range: "< 70", score: 0}]}}
  - {id: late, name: 迟到, weight: 40%, rule: {type: threshold, metric: late_count, range: "<= 1", score: 100}}
"""


def test_score_computes_needed_metrics_from_events(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(textwrap.dedent(SCHEME), encoding="utf-8")
    events = tmp_path / "events"
    events.mkdir()
    (events / "surveys.csv").write_text(
        "survey_id,conversation_id,agent_id,submitted_at,csat,nps\n"
        "s1,c1,a,2026-10-02 10:00:00,5,\n"
        "s2,c2,a,2026-10-03 10:00:00,4,\n"
        "s3,c3,a,2026-10-04 10:00:00,3,\n"
        "s4,c4,a,2026-10-05 10:00:00,5,\n"
        "s5,c5,b,2026-10-05 10:00:00,2,\n"
        "s6,c6,b,2026-09-30 10:00:00,5,\n",
        encoding="utf-8",
    )
    (events / "attendance.csv").write_text(
        "agent_id,date,scheduled_hours,worked_hours,late_minutes,left_early,absent\n"
        "a,2026-10-01,8,8,0,false,false\n"
        "a,2026-10-02,8,8,5,false,false\n"
        "b,2026-10-01,8,8,3,false,false\n"
        "b,2026-10-02,8,8,12,false,false\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(tmp_path / "s.yaml"),
            "--data",
            str(events),
            "--period",
            "2026-10",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = {r["agent_id"]: r for r in json.loads(result.output)["results"]}
    a = {i["id"]: i for i in out["a"]["indicators"]}
    # a: 3 of 4 October surveys are 4 or 5 -> CSAT 75% -> band [70, 80) = 60 -> 60 × 60% = 36;
    # one late day -> late_count 1 <= 1 -> 100 × 40% = 40. Total 76.
    assert a["sat"]["value"] == 75 and a["sat"]["weighted"] == 36
    assert out["a"]["total"] == 76
    # b: the September survey is outside the period; 0 of 1 -> 0; two late days -> 0. Total 0.
    assert out["b"]["total"] == 0
