"""Numbers for the charts, computed from stored results (no Django, no database).

Every function takes the engine's ``result_dict`` shapes (``Result.data``), a result's heat
cells (``Result.heat``, evaluations/heat.py) or plain rows and returns ECharts options as
JSON-ready dicts; the page puts them in a ``json_script`` and ``static/appraise/app.js`` hands
them to ECharts. Percentages are of an indicator's weight, so
that indicators of different weights can sit on one colour scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from appraise.web.evaluations.heat import Cell, achieved, leaves

# Re-exported: the scorecard's team averages are read with the rest of its charts.
from appraise.web.evaluations.heat import heat_averages as heat_averages

# Colours of the stylesheet (static/appraise/app.css), so the charts match the pages.
ACCENT = "#2f6fed"
MUTED = "#9aa4b2"
WARN = "#d9822b"


def weak_indicators(
    data: Mapping[str, Any], averages: Mapping[str, float], limit: int = 5
) -> list[dict[str, Any]]:
    """The person's leaf indicators below the team's average, furthest below first."""
    out = []
    for leaf in leaves(data):
        mine, avg = achieved(leaf), averages.get(leaf["id"])
        if mine is None or avg is None or mine >= avg:
            continue
        out.append(
            {
                "id": leaf["id"],
                "name": leaf["name"],
                "mine": mine,
                "team": avg,
                "gap": round(avg - mine, 1),
                "explain": leaf.get("explain", ""),
            }
        )
    out.sort(key=lambda x: (-x["gap"], x["id"]))
    return out[:limit]


# Line colours of the trend chart, one per scheme (the first is the pages' accent).
TREND_COLOURS = (ACCENT, "#e8833a", "#2a9d8f", "#9b5de5", "#d62828", "#6c757d")

TrendLine = tuple[str, Sequence[tuple[str, float | None]]]


def trend_axis(values: Sequence[float | None]) -> dict[str, float]:
    """The totals' axis: from the multiple of ten below the lowest total (a step lower when the
    total is one) to the multiple of ten at or above the highest; totals 62 to 100 give 60 to
    100. ECharts' own ``scale`` rounds outwards to its nice steps and drew 40 to 140 for totals
    out of 100, as if 140 could be reached."""
    seen = [v for v in values if v is not None]
    if not seen:
        return {"min": 0, "max": 100}
    lo, hi = min(seen), max(seen)
    low = math.floor(lo / 10) * 10 - (10 if lo % 10 == 0 else 0)
    high = max(math.ceil(hi / 10) * 10, low + 10)
    return {"min": max(low, 0) if lo >= 0 else low, "max": high}


def trend_option(lines: Sequence[TrendLine], title: str) -> dict[str, Any]:
    """One line of totals per scheme over the periods, oldest first (the last twelve periods
    any line has). Totals of different schemes are not comparable (another full score, other
    indicators), so each scheme is its own line and a period it has no result for is a gap."""
    periods = sorted({p for _, points in lines for p, _ in points})[-12:]
    series: list[dict[str, Any]] = []
    for i, (name, points) in enumerate(lines):
        by_period = dict(points)
        series.append(
            {
                "name": name,
                "type": "line",
                "data": [by_period.get(p) for p in periods],
                # Straight segments: a spline would draw totals between periods that never were.
                "smooth": False,
                "symbolSize": 8,
                "label": {"show": True, "position": "top", "fontSize": 11},
                "itemStyle": {"color": TREND_COLOURS[i % len(TREND_COLOURS)]},
                # A missing month of one scheme stays a gap rather than a line across it.
                "connectNulls": False,
            }
        )
    if len(series) == 1:
        series[0]["areaStyle"] = {"opacity": 0.08}
    option: dict[str, Any] = {
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 40 if len(lines) < 2 else 64, "bottom": 30},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", **trend_axis([v for _, pts in lines for _, v in pts])},
        "series": series,
    }
    if len(lines) > 1:
        option["legend"] = {"top": 26, "left": 0, "data": [name for name, _ in lines]}
    return option


def distribution_option(rows: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    """Head count per grade, with the quota's head count beside it where the scheme caps one."""
    grades = [r["grade"] for r in rows]
    counts = [r["count"] for r in rows]
    caps = [quota_count(r) for r in rows]
    series: list[dict[str, Any]] = [
        {
            "name": title,
            "type": "bar",
            "data": counts,
            "itemStyle": {"color": ACCENT},
            "label": {"show": True, "position": "top"},
        }
    ]
    if any(c is not None for c in caps):
        series.append(
            {
                "name": "quota",
                "type": "line",
                "data": caps,
                "step": "middle",
                "lineStyle": {"type": "dashed", "color": WARN},
                "itemStyle": {"color": WARN},
            }
        )
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 36, "right": 16, "top": 24, "bottom": 30},
        "xAxis": {"type": "category", "data": grades},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }


def quota_count(row: Mapping[str, Any]) -> float | None:
    """The most agents a grade may hold: its ``max_share`` (or fixed ``share``) of everyone."""
    share = row.get("max_share")
    if share is None:
        share = row.get("share")
    if share is None:
        return None
    return round(float(share) * int(row["of"]), 2)


def over_quota(row: Mapping[str, Any]) -> bool:
    cap = quota_count(row)
    return cap is not None and row.get("max_share") is not None and row["count"] > cap


def histogram_option(totals: Sequence[float], title: str, width: int = 10) -> dict[str, Any]:
    """Totals counted in bands of ``width`` points (0-9, 10-19, ...), the score distribution."""
    if not totals:
        return distribution_option([], title)
    low = int(min(totals) // width) * width
    high = int(max(totals) // width) * width
    bands = list(range(low, high + width, width))
    counts = [0] * len(bands)
    for t in totals:
        counts[int((t - low) // width)] += 1
    rows = [
        {"grade": f"{b}-{b + width - 1}", "count": c, "of": len(totals)}
        for b, c in zip(bands, counts, strict=True)
    ]
    return distribution_option(rows, title)


def heat_option(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Agents (rows) by leaf indicators (columns), coloured by the share of weight achieved.

    ``results`` are dicts with ``label`` (the agent) and ``heat`` (its ``Result.heat``: the
    leaves' cells); the columns are the first result's leaves, the order of the scheme.
    """
    if not results:
        return {}
    rows = [(r["label"], {c[0]: c[2] for c in r["heat"]}) for r in results]
    return _heatmap(results[0]["heat"], rows)


def team_means_option(
    columns: Sequence[Cell], rows: Sequence[tuple[str, Mapping[str, float | None]]]
) -> dict[str, Any]:
    """Teams (rows) by leaf indicators (columns), coloured by the team's mean share achieved.

    For a manager over many teams, where a row per agent would be a chart a thousand rows tall.
    ``columns`` are the first team's first result's cells (``Result.heat``), ``rows`` each
    team's label and means (``heat.team_means``, kept per team in ``TeamHeat``).
    """
    if not rows:
        return {}
    return _heatmap(columns, rows)


def _heatmap(
    columns: Sequence[Cell], rows: Sequence[tuple[str, Mapping[str, float | None]]]
) -> dict[str, Any]:
    col_index = {c[0]: i for i, c in enumerate(columns)}
    cells: list[list[Any]] = []
    for y, (_, values) in enumerate(rows):
        for leaf_id, pct in values.items():
            x = col_index.get(leaf_id)
            if x is not None and pct is not None:
                cells.append([x, y, pct])
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 110, "right": 20, "top": 10, "bottom": 110},
        "xAxis": {
            "type": "category",
            "data": [c[1] for c in columns],
            "axisLabel": {"rotate": 40, "interval": 0, "fontSize": 11},
            "splitArea": {"show": True},
        },
        "yAxis": {
            "type": "category",
            "data": [label for label, _ in rows],
            "inverse": True,
            "splitArea": {"show": True},
        },
        "visualMap": {
            "min": 0,
            "max": 100,
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "inRange": {"color": ["#f4d6d2", "#fbf3d5", "#d6ecdb", "#3f9b5f"]},
        },
        "series": [
            {
                "type": "heatmap",
                "data": cells,
                "label": {"show": len(rows) <= 40, "fontSize": 10},
            }
        ],
    }
