"""The team dashboard's summary is the same built afresh (the pages' cache emptied) as read from
the cache, and its figures are those worked out by hand from the ratings (issue 14: the cache
miss reads the results as plain rows and each team's heat cells at once).

s000's ten rated leaves (tests/web/conftest.py, S000_WEIGHTS, 90 points): a rating of r on a
leaf of weight w is worth r / 100 x w, so the leaf's cell in the heat map (the share of its
weight earned) is r itself. The ratings, the "rest" being the other eight leaves (70 points):

    A001 (一组): courtesy 70, patience 85, the rest 80
        -> 7 + 8.5 + 0.8 x 70 = 71.5   合格 ([70, 85))
    A002 (一组): courtesy 90, patience 100, the rest 60
        -> 9 + 10 + 0.6 x 70 = 61.0    待改进 ([50, 70)): 待改进绩效面谈
    B001 (二组): courtesy 45, the rest 50
        -> 4.5 + 0.5 x 80 = 44.5      不合格 (< 50): 待改进绩效面谈

Team means of the cells: 一组 courtesy (70 + 90) / 2 = 80.0, patience (85 + 100) / 2 = 92.5,
the rest (80 + 60) / 2 = 70.0; 二组 (one agent) courtesy 45.0, the rest 50.0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result

from ..conftest import S000_WEIGHTS, Advance, People, every, ratings_csv

RATINGS = {
    "A001": {**every(80), "courtesy": 70, "patience": 85},
    "A002": {**every(60), "courtesy": 90, "patience": 100},
    "B001": {**every(50), "courtesy": 45},
}

# What the cache keeps of the dashboard (views_team._summary), all of it compared.
SUMMARY = (
    "results_count",
    "team_ids",
    "leaderboard",
    "grade_chart",
    "score_chart",
    "heat_chart",
    "heat_by_team",
    "heat_height",
    "flagged_count",
    "flagged",
    "basis_rows",
)


@pytest.fixture
def published(people: People, cycle: Cycle, advance: Advance) -> Cycle:
    advance(cycle, State.DATA_IMPORTED)
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(RATINGS)})
    return advance(cycle, State.PUBLISHED)


def _summary(user: Any, cycle: Cycle, *, cold: bool) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    caches["pages"].clear()  # the page drawn, not a kept copy of it
    if cold:
        cache.clear()
    response = client.get(f"/team/?cycle={cycle.pk}")
    assert response.status_code == 200
    return {k: response.context[k] for k in SUMMARY}


def _cells(summary: dict[str, Any]) -> dict[tuple[str, str], float]:
    """The heat map as {(row label, leaf id): cell}; the columns are in the scheme's order."""
    chart = summary["heat_chart"]
    leaf_ids = [c[0] for c in Result.objects.filter(agent__agent_id="A001").get().heat]
    names = dict(zip(chart["xAxis"]["data"], leaf_ids, strict=True))
    labels = chart["yAxis"]["data"]
    return {
        (labels[y], names[chart["xAxis"]["data"][x]]): pct
        for x, y, pct in chart["series"][0]["data"]
    }


def _by_rest(means: dict[str, float], rest: float) -> dict[str, float]:
    return {leaf: means.get(leaf, rest) for leaf in S000_WEIGHTS}


@pytest.mark.django_db
def test_the_managers_summary_is_the_same_built_and_cached_and_worked_by_hand(
    people: People, published: Cycle
) -> None:
    cold = _summary(people.manager, published, cold=True)
    warm = _summary(people.manager, published, cold=False)
    assert warm == cold
    team1 = _by_rest({"courtesy": 80.0, "patience": 92.5}, 70.0)
    team2 = _by_rest({"courtesy": 45.0}, 50.0)
    expected = {("一组 (2)", leaf): pct for leaf, pct in team1.items()}
    expected |= {("二组 (1)", leaf): pct for leaf, pct in team2.items()}
    assert _cells(cold) == expected
    assert cold["heat_by_team"] is True
    assert cold["results_count"] == 3
    assert cold["team_ids"] == {people.team1.pk, people.team2.pk}
    # The leaderboard by rank, its totals the Decimals of the results (four places).
    assert [(r["agent"]["agent_id"], r["total"], r["grade"]) for r in cold["leaderboard"]] == [
        ("A001", Decimal("71.5000"), "合格"),
        ("A002", Decimal("61.0000"), "待改进"),
        ("B001", Decimal("44.5000"), "不合格"),
    ]
    assert cold["leaderboard"][2]["agent"]["team"] == {"name": "二组"}
    # Grades in the scheme's order: one 合格, one 待改进, one 不合格.
    assert cold["grade_chart"]["xAxis"]["data"] == ["优秀", "称职", "合格", "待改进", "不合格"]
    assert cold["grade_chart"]["series"][0]["data"] == [0, 0, 1, 1, 1]
    # Totals in bands of 10 from 40 (44.5) to 70 (71.5): 44.5 | none | 61.0 | 71.5.
    assert cold["score_chart"]["xAxis"]["data"] == ["40-49", "50-59", "60-69", "70-79"]
    assert cold["score_chart"]["series"][0]["data"] == [1, 0, 1, 1]
    # Both below 合格 hear it in an interview; nobody's grade needs a factual basis in s000.
    assert cold["flagged_count"] == 2
    assert [(f["result"]["agent"]["agent_id"], f["flags"]) for f in cold["flagged"]] == [
        ("A002", ["待改进绩效面谈"]),
        ("B001", ["待改进绩效面谈"]),
    ]
    assert cold["basis_rows"] == []


@pytest.mark.django_db
def test_a_supervisors_summary_is_the_same_built_and_cached_with_a_row_per_agent(
    people: People, published: Cycle
) -> None:
    cold = _summary(people.sup1, published, cold=True)
    warm = _summary(people.sup1, published, cold=False)
    assert warm == cold
    expected = {("张三 A001", leaf): float(pct) for leaf, pct in RATINGS["A001"].items()} | {
        ("李四 A002", leaf): float(pct) for leaf, pct in RATINGS["A002"].items()
    }
    assert _cells(cold) == expected
    assert cold["heat_by_team"] is False
    assert [r["agent"]["agent_id"] for r in cold["leaderboard"]] == ["A001", "A002"]


@pytest.mark.django_db
def test_every_row_asked_for_gives_the_same_charts_as_the_cached_head(
    people: People, published: Cycle
) -> None:
    client = Client()
    client.force_login(people.hr)
    head = _summary(people.hr, published, cold=True)
    caches["pages"].clear()
    response = client.get(f"/team/?cycle={published.pk}&all=1")
    assert response.status_code == 200
    everyone = {k: response.context[k] for k in SUMMARY}
    assert everyone == head  # three agents: the head of 50 rows is all of them
