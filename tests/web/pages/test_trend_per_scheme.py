"""The scorecard's trend chart draws one line per scheme (issue 13): totals of two schemes are
not on one scale, so an agent appraised monthly on s000 and once on s002 sees two lines, and a
month a scheme has no result for is a gap in its line, not a segment across it."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from appraise.web.evaluations.models import Result
from appraise.web.pages.charts import trend_option
from appraise.web.pages.views_agent import trend


def _result(pk: int, period: str, scheme: str, name: str, total: str | None) -> Result:
    version = SimpleNamespace(scheme_id=scheme, name=name)
    cycle = SimpleNamespace(pk=pk, period=period, scheme_version=version)
    return cast(
        Result, SimpleNamespace(cycle=cycle, total=None if total is None else Decimal(total))
    )


RESULTS = [
    _result(1, "2026-08", "s000-specialist", "专员考核", "72"),
    _result(2, "2026-09", "s000-specialist", "专员考核", "81.5"),
    _result(3, "2026-09", "s002-department", "客服部考核", "88.25"),
    _result(4, "2026-10", "s000-specialist", "专员考核", "69"),
    # A second s000 cycle of October (a re-run): the later cycle is the one drawn.
    _result(5, "2026-10", "s000-specialist", "专员考核", "70"),
]


def test_each_scheme_is_its_own_line_in_the_order_of_its_first_period() -> None:
    lines = trend(RESULTS)
    assert lines == [
        ("专员考核", [("2026-08", 72.0), ("2026-09", 81.5), ("2026-10", 70.0)]),
        ("客服部考核", [("2026-09", 88.25)]),
    ]


def test_the_chart_has_a_legend_and_gaps_where_a_scheme_has_no_period() -> None:
    option: dict[str, Any] = trend_option(trend(RESULTS), "我的得分")
    assert option["xAxis"]["data"] == ["2026-08", "2026-09", "2026-10"]
    assert [s["name"] for s in option["series"]] == ["专员考核", "客服部考核"]
    assert option["series"][0]["data"] == [72.0, 81.5, 70.0]
    assert option["series"][1]["data"] == [None, 88.25, None]
    assert option["series"][1]["connectNulls"] is False
    assert option["legend"]["data"] == ["专员考核", "客服部考核"]
    assert option["series"][0]["itemStyle"] != option["series"][1]["itemStyle"]


def test_one_scheme_is_one_shaded_line_without_a_legend() -> None:
    option = trend_option(trend(RESULTS[:2]), "我的得分")
    assert len(option["series"]) == 1 and "legend" not in option
    assert option["series"][0]["areaStyle"] == {"opacity": 0.08}


def test_the_last_twelve_periods_are_shown() -> None:
    # 14 months of one scheme, 2025-09 .. 2026-10: the chart starts at 2025-11.
    months = [f"{y}-{m:02d}" for y, m in [(2025, 9), (2025, 10), (2025, 11), (2025, 12)]] + [
        f"2026-{m:02d}" for m in range(1, 11)
    ]
    results = [_result(i, p, "s000", "专员考核", str(60 + i)) for i, p in enumerate(months)]
    option = trend_option(trend(results), "我的得分")
    assert option["xAxis"]["data"][0] == "2025-11" and len(option["xAxis"]["data"]) == 12
    assert option["series"][0]["data"][0] == 62.0  # 2025-11 is the third month: 60 + 2
