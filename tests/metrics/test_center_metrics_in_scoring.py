"""A metric the center defines in center.yaml is computed when scoring from events, with the
center's own configuration (issue 10): `appraise score --data` as `appraise metrics` does.

The store and the definition are those of test_metrics_define_cli.py: agent a1's first messages
at 08:00:00 (reply after 180 s), 10:00:00 (200 s), 07:59:59 the day before (20 s) and 11:00:00
the next day (never answered), local time in Asia/Shanghai, the default zone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_metrics_define_cli import DEFINED, _store
from typer.testing import CliRunner

from appraise.cli import app

SCHEME = """\
id: center-metric
name: 中心口径
metrics:
  - {id: reply_within_200s, name: 200秒回复率, unit: percent}
indicators:
  - id: reply
    name: 首响及时
    weight: 100%
    rule: {type: bands, metric: reply_within_200s, bands: [{range: ">= 90", score: 100}, {range: "< 90", score: 50}]}
"""


def _score(tmp_path: Path, center: str) -> dict[str, object]:
    store = _store(tmp_path)
    (tmp_path / "center.yaml").write_text(center + DEFINED, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SCHEME, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["score", str(tmp_path / "s.yaml"), "--data", str(store), "--period", "2026-10",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (a1,) = json.loads(result.stdout)["results"]
    return {i["id"]: i for i in a1["indicators"]}["reply"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("zone", "value", "score"),
    [
        # Shanghai: 07:59:59 is outside 08:00-24:00; of 180 s, 200 s and never: 2 of 3 within
        # 200 s = 66.67 % -> band "< 90" -> 50.
        ("Asia/Shanghai", 200 / 3, 50),
        # The same instants in UTC are 00:00, 02:00, 23:59:59 (the day before) and 03:00: only the
        # 20-s reply falls in 08:00-24:00 -> 1 of 1 = 100 % -> band ">= 90" -> 100. So the
        # center's time zone reached the computation.
        ("UTC", 100, 100),
    ],
)
def test_score_computes_the_centers_metric_in_the_centers_time_zone(
    tmp_path: Path, zone: str, value: float, score: int
) -> None:
    reply = _score(tmp_path, f"timezone: {zone}\n")
    assert reply["value"] == pytest.approx(value)
    assert reply["score"] == score


def test_a_bad_center_definition_stops_scoring_at_its_line(tmp_path: Path) -> None:
    store = _store(tmp_path)
    bad = DEFINED.replace("aggregate: share", "aggregate: sharee")
    (tmp_path / "center.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SCHEME, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["score", str(tmp_path / "s.yaml"), "--data", str(store), "--period", "2026-10"]
    )
    assert result.exit_code != 0
    line = DEFINED.splitlines().index("    aggregate: share") + 1  # the file's line of it
    assert f"center.yaml:{line}" in result.output
    assert "aggregate" in result.output and "'share'" in result.output  # what it may be
