"""The team dashboard's heat map and leaderboard, for one team and for a manager over several.

The paper ratings of conftest: A001 rated 80 on every s000 indicator, A002 100, B001 50. Each
leaf then earns 80%, 100% and 50% of its weight (weighted = rating / 100 x weight), whatever the
weight, so every cell of the heat map is that share.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from appraise.web.cycles.models import Cycle, State
from appraise.web.pages import views_team

from .conftest import S000_WEIGHTS, Advance, People


def _dashboard(user: Any, cycle: Cycle, query: str = "") -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(f"/team/?cycle={cycle.pk}{query}")
    assert response.status_code == 200
    return response


def _heat_rows(response: Any) -> dict[str, set[float]]:
    """Each heat-map row's label and the set of its cell values."""
    chart = response.context["heat_chart"]
    labels = chart["yAxis"]["data"]
    rows: dict[str, set[float]] = {label: set() for label in labels}
    for x, y, pct in chart["series"][0]["data"]:
        assert 0 <= x < len(S000_WEIGHTS)
        rows[labels[y]].add(pct)
    return rows


@pytest.mark.django_db
def test_a_supervisor_sees_a_row_per_agent(people: People, cycle: Cycle, advance: Advance) -> None:
    advance(cycle, State.PUBLISHED)
    response = _dashboard(people.sup1, cycle)
    assert _heat_rows(response) == {"张三 A001": {80.0}, "李四 A002": {100.0}}
    assert response.context["heat_by_team"] is False


@pytest.mark.django_db
def test_a_manager_over_two_teams_sees_a_row_per_team(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    response = _dashboard(people.manager, cycle)
    # 一组: the mean of A001's 80% and A002's 100% = 90%; 二组: B001 alone, 50%.
    assert _heat_rows(response) == {"一组 (2)": {90.0}, "二组 (1)": {50.0}}
    assert response.context["heat_by_team"] is True


@pytest.mark.django_db
def test_a_long_leaderboard_shows_its_head_and_the_rest_on_request(
    people: People, cycle: Cycle, advance: Advance, monkeypatch: pytest.MonkeyPatch
) -> None:
    advance(cycle, State.PUBLISHED)
    monkeypatch.setattr(views_team, "LEADERBOARD_ROWS", 2)
    head = _dashboard(people.hr, cycle)
    # Totals: A002 90, A001 72, B001 45 (conftest): the first two by rank, then a link to all.
    assert [r["agent"]["agent_id"] for r in head.context["leaderboard"]] == ["A002", "A001"]
    link = f'href="?cycle={cycle.pk}&amp;all=1"'
    assert link in head.content.decode()
    everyone = _dashboard(people.hr, cycle, "&all=1")
    assert [r["agent"]["agent_id"] for r in everyone.context["leaderboard"]] == [
        "A002",
        "A001",
        "B001",
    ]
    assert link not in everyone.content.decode()
