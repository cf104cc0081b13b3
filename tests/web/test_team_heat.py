"""Each team's heat-map means, kept with the results (``TeamHeat``, issue 14): written by every
service that changes what they are taken from, so that the dashboard over several teams shows
the new figure after each, and taken from the cells again when a row is missing or stale.

The one-leaf scheme below scores an agent on ``qa_average`` alone with the whole weight, so the
leaf's cell is the metric itself: A001 84 and A002 70 in 一组, B001 60 in 二组. Team means by
hand: 一组 (84 + 70) / 2 = 77.0, 二组 60.0.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from appraise.web.appeals import services as aps
from appraise.web.appeals.models import Correction, CorrectionKind
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result, TeamHeat
from appraise.web.evaluations.teamheat import computed_team_means
from appraise.web.org import services as org
from appraise.web.org.models import Agent
from appraise.web.schemes.services import scheme_version_create

from .conftest import PAPER, Advance, People, ratings_csv

SCHEME = """\
id: team-heat-test
name: 话务质量考核
period: month
indicators:
  - id: call_quality
    name: 话务质量
    weight: 100%
    rule: {type: formula, expr: "qa_average", min: 0, max: 100}
"""


def _file(a001: int = 84, a002: int = 70, b001: int = 60) -> bytes:
    return (
        b"agent_id,period,metric,value\n"
        + f"A001,2026-10,qa_average,{a001}\nA002,2026-10,qa_average,{a002}\n".encode()
        + f"B001,2026-10,qa_average,{b001}\n".encode()
    )


@pytest.fixture
def one_leaf(people: People) -> Cycle:
    """The one-leaf cycle of both teams, data imported and computed (before publication)."""
    version = scheme_version_create(by=people.hr, text=SCHEME, file="team-heat-test.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"metric_values.csv": _file()})
    cs.cycle_compute(cycle=cycle, by=people.hr)
    return cycle


def _team_map(client: Client, cycle: Cycle) -> dict[str, list[float]]:
    """The dashboard's heat map over several teams: each row's label and its cells, in order."""
    response = client.get(f"/team/?cycle={cycle.pk}")
    assert response.status_code == 200
    chart = response.context["heat_chart"]
    assert response.context["heat_by_team"] is True
    labels = chart["yAxis"]["data"]
    cells: dict[str, list[float]] = {label: [] for label in labels}
    for _x, y, pct in chart["series"][0]["data"]:
        cells[labels[y]].append(pct)
    return cells


def _manager(people: People) -> Client:
    client = Client()
    client.force_login(people.manager)
    return client


def _kept(cycle: Cycle) -> dict[str, tuple[int, list[list[Any]]]]:
    """The kept rows by team name, each (count, means); and they are fresh: what the cells of
    the team's current results give now, over those very results."""
    rows = TeamHeat.objects.filter(cycle=cycle).select_related("team")
    kept = {r.team_id: r for r in rows}
    fresh = computed_team_means(cycle.pk, kept)
    assert set(fresh) == set(kept)
    for team, r in kept.items():
        m = fresh[team]
        assert (r.results, r.count, r.first, r.means) == (m.digest, m.count, m.first, m.means)
    return {r.team.name: (r.count, r.means) for r in kept.values()}


@pytest.mark.django_db
def test_a_computation_keeps_each_teams_means(people: People, one_leaf: Cycle) -> None:
    assert _kept(one_leaf) == {
        "一组": (2, [["call_quality", 77.0]]),
        "二组": (1, [["call_quality", 60.0]]),
    }
    # The columns: 一组's first result by rank, A001 (84).
    first = TeamHeat.objects.get(cycle=one_leaf, team=people.team1).first
    assert first == [["call_quality", "话务质量", 84.0]]
    assert _team_map(_manager(people), one_leaf) == {"一组 (2)": [77.0], "二组 (1)": [60.0]}


@pytest.mark.django_db
def test_a_recompute_shows_the_new_means(people: People, one_leaf: Cycle) -> None:
    client = _manager(people)
    assert _team_map(client, one_leaf)["一组 (2)"] == [77.0]  # and now cached
    # Recomputed before publication: the results are written in place (the same ids), so only
    # the refresh can tell. A002 90: 一组 (84 + 90) / 2 = 87.0.
    files = {"metric_values.csv": _file(a002=90)}
    cs.cycle_import_data(cycle=one_leaf, by=people.hr, files=files)
    cs.cycle_compute(cycle=one_leaf, by=people.hr)
    assert _kept(one_leaf)["一组"] == (2, [["call_quality", 87.0]])
    assert _team_map(client, one_leaf) == {"一组 (2)": [87.0], "二组 (1)": [60.0]}


@pytest.mark.django_db
def test_a_correction_shows_the_new_means(
    people: People, one_leaf: Cycle, advance: Advance
) -> None:
    advance(one_leaf, State.APPEAL_WINDOW)
    client = _manager(people)
    assert _team_map(client, one_leaf)["一组 (2)"] == [77.0]
    aps.correction_apply(
        cycle=one_leaf,
        agent_id="A001",
        by=people.hr,
        kind="metric",
        name="qa_average",
        value="90",
        reason="质检复核后改为 90",
    )
    # A001's new version 90 beside A002's 70: (90 + 70) / 2 = 80.0; 二组 as it was.
    assert _kept(one_leaf) == {
        "一组": (2, [["call_quality", 80.0]]),
        "二组": (1, [["call_quality", 60.0]]),
    }
    assert _team_map(client, one_leaf) == {"一组 (2)": [80.0], "二组 (1)": [60.0]}


@pytest.mark.django_db
def test_a_rescore_shows_the_new_means(people: People, one_leaf: Cycle, advance: Advance) -> None:
    advance(one_leaf, State.APPEAL_WINDOW)
    client = _manager(people)
    assert _team_map(client, one_leaf)["二组 (1)"] == [60.0]
    # An input corrected without correction_apply, then the re-score on its own: B001 66.
    Correction.objects.create(
        cycle=one_leaf,
        agent=people.agent_b1,
        kind=CorrectionKind.METRIC,
        name="qa_average",
        value=Decimal("66"),
        reason="复核",
    )
    created = cs.cycle_rescore(cycle=one_leaf, by=people.hr, reason="复核")
    assert [r.agent.agent_id for r in created] == ["B001"]
    assert _kept(one_leaf)["二组"] == (1, [["call_quality", 66.0]])
    assert _team_map(client, one_leaf) == {"一组 (2)": [77.0], "二组 (1)": [66.0]}


@pytest.mark.django_db
def test_a_calibration_changes_the_grade_and_leaves_the_means(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    """On s000 with the paper ratings (A001 80, A002 100, B001 50 on every leaf): a calibration
    changes a grade in place, never a cell, so the kept rows stay (the same rows) and fresh."""
    advance(cycle, State.CALIBRATION)
    before = set(TeamHeat.objects.filter(cycle=cycle).values_list("id", flat=True))
    client = _manager(people)
    grades = client.get(f"/team/?cycle={cycle.pk}").context["grade_chart"]
    assert grades["series"][0]["data"] == [0, 1, 1, 0, 1]  # 称职 A002, 合格 A001, 不合格 B001
    cs.cycle_calibrate(
        cycle=cycle, by=people.hr, agent=people.agent_b1, grade="合格", note="复核后调整"
    )
    response = client.get(f"/team/?cycle={cycle.pk}")
    assert response.context["grade_chart"]["series"][0]["data"] == [0, 1, 2, 0, 0]
    assert set(TeamHeat.objects.filter(cycle=cycle).values_list("id", flat=True)) == before
    # 一组's mean of every leaf (80 + 100) / 2 = 90.0, 二组's 50.0.
    assert {name: {p for _, p in means} for name, (_, means) in _kept(cycle).items()} == {
        "一组": {90.0},
        "二组": {50.0},
    }


@pytest.mark.django_db
def test_an_agent_moved_by_hr_moves_in_the_map(people: People, one_leaf: Cycle) -> None:
    client = _manager(people)
    assert _team_map(client, one_leaf) == {"一组 (2)": [77.0], "二组 (1)": [60.0]}
    org.agent_update(by=people.hr, agent=people.agent_a2, team=people.team2)
    # 一组 is A001 alone (84); 二组 A002 (70, rank 2) and B001 (60): (70 + 60) / 2 = 65.0.
    assert _kept(one_leaf) == {
        "一组": (1, [["call_quality", 84.0]]),
        "二组": (2, [["call_quality", 65.0]]),
    }
    assert _team_map(client, one_leaf) == {"一组 (1)": [84.0], "二组 (2)": [65.0]}


@pytest.mark.django_db
def test_an_agent_moved_by_an_uploaded_table_moves_in_the_map(
    people: People, one_leaf: Cycle
) -> None:
    client = _manager(people)
    assert _team_map(client, one_leaf) == {"一组 (2)": [77.0], "二组 (1)": [60.0]}
    rows = [
        org.AgentRow(agent_id="B001", name=people.agent_b1.name, team="一组", file="a.csv", row=2),
        org.AgentRow(agent_id="A001", name=people.agent_a1.name, team="一组", file="a.csv", row=3),
    ]
    org.agents_upsert(by=people.hr, rows=rows)
    # Everyone in 一组, by rank: (84 + 70 + 60) / 3 = 71.333... -> 71.3; 二组 has no result.
    assert _kept(one_leaf) == {"一组": (3, [["call_quality", 71.3]])}
    response = _manager(people).get(f"/team/?cycle={one_leaf.pk}")
    assert response.context["heat_by_team"] is False  # one team: a row per agent
    assert [r["agent"]["agent_id"] for r in response.context["leaderboard"]] == [
        "A001",
        "A002",
        "B001",
    ]
    assert {r["agent"]["team"]["name"] for r in response.context["leaderboard"]} == {"一组"}
    assert client.get(f"/team/?cycle={one_leaf.pk}").context["heat_by_team"] is False


@pytest.mark.django_db
def test_a_missing_or_stale_row_is_taken_from_the_cells(people: People, one_leaf: Cycle) -> None:
    kept = _team_map(_manager(people), one_leaf)
    TeamHeat.objects.filter(cycle=one_leaf, team=people.team1).delete()
    assert _team_map(_manager(people), one_leaf) == kept
    # An agent moved behind the services' back: the kept 二组 row was taken over B001 alone,
    # the team's results are now A002's and B001's, so its means come from their cells.
    Agent.objects.filter(pk=people.agent_a2.pk).update(team=people.team2)
    from django.core.cache import cache

    cache.clear()  # no service ran: nothing made a new version of the cached charts
    assert _team_map(_manager(people), one_leaf) == {"一组 (1)": [84.0], "二组 (2)": [65.0]}


@pytest.mark.django_db
def test_the_migration_keeps_the_means_of_results_stored_before_it(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    expected = _kept(cycle)
    TeamHeat.objects.all().delete()
    migration = importlib.import_module("appraise.web.evaluations.migrations.0005_team_heat")
    migration.fill_team_heats(apps, None)
    assert _kept(cycle) == expected
    assert expected["一组"][0] == 2 and expected["二组"][0] == 1


@pytest.mark.django_db
def test_a_supervisors_page_reads_the_cells_of_the_one_team(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    """sup1's map is a row per agent from the cells, whatever the kept rows say."""
    advance(cycle, State.DATA_IMPORTED)
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)})
    cs.cycle_compute(cycle=cycle, by=people.hr)
    TeamHeat.objects.all().update(first=[], means=[])
    client = Client()
    client.force_login(people.sup1)
    response = client.get(f"/team/?cycle={cycle.pk}")
    chart = response.context["heat_chart"]
    assert response.context["heat_by_team"] is False
    assert chart["yAxis"]["data"] == ["李四 A002", "张三 A001"]  # by rank: 100 before 80
    values = {chart["yAxis"]["data"][y]: pct for _x, y, pct in chart["series"][0]["data"]}
    assert values == {"李四 A002": 100.0, "张三 A001": 80.0}
    assert Result.objects.filter(cycle=cycle, is_current=True).count() == 3


@pytest.mark.django_db
def test_an_agent_renamed_by_hr_is_shown_by_the_new_name_at_once(
    people: People, one_leaf: Cycle
) -> None:
    """A rename changes no result and is audited without the cycle: the dashboard's kept
    summary (leaderboard and flags, names read when it was built) is built again."""
    client = _manager(people)
    old = people.agent_a2.name
    assert old in client.get(f"/team/?cycle={one_leaf.pk}").content.decode()
    org.agent_update(by=people.hr, agent=people.agent_a2, name="新名字")
    page = client.get(f"/team/?cycle={one_leaf.pk}").content.decode()
    assert "新名字" in page and old not in page
