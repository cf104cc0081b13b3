"""ECharts options for the points pages (no database): the page puts each in a ``json_script``
and ``static/appraise/app.js`` draws it. Points go to the chart as floats only here, for drawing;
every number a person reads is printed from the Decimal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

# The stylesheet's colours (static/appraise/app.css), as the other pages' charts use them.
ACCENT = "#2f6fed"
GOOD = "#2e8b57"
BAD = "#c8372d"
MUTED = "#9aa4b2"


def ledger_option(
    days: Sequence[tuple[date, Decimal, Decimal]], balance_label: str, earned_label: str
) -> dict[str, Any]:
    """Balance and accumulated points at the end of each day with an entry: the gap between
    the two lines is what has been redeemed."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [earned_label, balance_label], "top": 0},
        "grid": {"left": 44, "right": 16, "top": 32, "bottom": 30},
        "xAxis": {"type": "category", "data": [d.isoformat() for d, _, _ in days]},
        "yAxis": {"type": "value", "scale": True},
        "series": [
            {
                "name": earned_label,
                "type": "line",
                "step": "end",
                "data": [float(e) for _, _, e in days],
                "itemStyle": {"color": MUTED},
                "symbolSize": 5,
            },
            {
                "name": balance_label,
                "type": "line",
                "step": "end",
                "data": [float(b) for _, b, _ in days],
                "itemStyle": {"color": ACCENT},
                "areaStyle": {"opacity": 0.08},
                "symbolSize": 6,
            },
        ],
    }


def board_option(rows: Sequence[tuple[str, Decimal]], limit: int = 20) -> dict[str, Any]:
    """The top of a leaderboard as bars, best first; negative totals in red."""
    shown = list(rows)[:limit]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 44, "right": 16, "top": 16, "bottom": 60},
        "xAxis": {
            "type": "category",
            "data": [name for name, _ in shown],
            "axisLabel": {"rotate": 35, "interval": 0, "fontSize": 11},
        },
        "yAxis": {"type": "value"},
        "series": [
            {
                "type": "bar",
                "data": [
                    {"value": float(p), "itemStyle": {"color": BAD if p < 0 else ACCENT}}
                    for _, p in shown
                ],
                "label": {"show": len(shown) <= 12, "position": "top"},
            }
        ],
    }


def levels_option(counts: Sequence[tuple[str, int]], title: str) -> dict[str, Any]:
    """Head count per level, lowest level first (the ladder read upwards)."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 36, "right": 16, "top": 24, "bottom": 30},
        "xAxis": {"type": "category", "data": [name for name, _ in counts]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": title,
                "type": "bar",
                "data": [n for _, n in counts],
                "itemStyle": {"color": GOOD},
                "label": {"show": True, "position": "top"},
            }
        ],
    }
