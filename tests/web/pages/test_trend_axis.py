"""The trend chart's axis fits the totals (charts.trend_axis), worked by hand from the rule:
down to the multiple of ten below the lowest total (one step lower when it is a multiple),
up to the multiple of ten at or above the highest."""

from __future__ import annotations

import pytest

from appraise.web.pages.charts import trend_axis, trend_option


@pytest.mark.parametrize(
    ("totals", "axis"),
    [
        ([62.5, 100.0], (60, 100)),  # floor(6.25)·10 = 60; ceil(10)·10 = 100, not 140
        ([80.0], (70, 80)),  # 80 is a multiple: one step lower, so the point is not on the floor
        ([95.0, 118.0], (90, 120)),  # a scheme with bonus points above 100
        ([-5.0, 30.0], (-10, 30)),  # a total below zero (deductions) keeps its own floor
        ([], (0, 100)),
        ([None], (0, 100)),
    ],
)
def test_the_axis_runs_from_below_the_lowest_to_the_highest_total(
    totals: list[float | None], axis: tuple[int, int]
) -> None:
    assert trend_axis(totals) == {"min": axis[0], "max": axis[1]}


def test_the_trend_option_uses_it_over_every_line() -> None:
    option = trend_option([("s000", [("2026-09", 71.0)]), ("s002", [("2026-10", 96.5)])], "趋势")
    assert option["yAxis"] == {"type": "value", "min": 70, "max": 100}
