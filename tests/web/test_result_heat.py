"""``Result.heat``: each result's leaf indicators as the dashboard's heat map reads them, kept
beside its data by every writer (compute, calibration, re-score, correction) and filled for the
rows stored before it by migration 0004 (issue 14).

The reference is what the dashboard read before: each leaf of the full ``data`` (an indicator
that is no other's parent) with its weighted score over its weight in percent, to one decimal.
The paper ratings of conftest: A001 rated 80 on every s000 indicator, A002 100, B001 50, so
each of A001's ten leaves earns 80% of its weight, A002's 100%, B001's 50%.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from appraise.web.appeals import services as aps
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result
from appraise.web.schemes.services import scheme_version_create

from .conftest import S000_WEIGHTS, Advance, People

EVERY_SHARE = {"A001": 80.0, "A002": 100.0, "B001": 50.0}


def _from_data(data: dict[str, Any]) -> list[list[Any]]:
    """The cells read from the full data, written out independently of evaluations/heat.py."""
    indicators = data["indicators"]
    parents = {i.get("parent") for i in indicators}
    return [
        [
            i["id"],
            i["name"],
            None
            if not i.get("weight") or i.get("weighted") is None
            else round(float(Decimal(str(i["weighted"])) / Decimal(str(i["weight"])) * 100), 1),
        ]
        for i in indicators
        if i["id"] not in parents
    ]


def _current(cycle: Cycle) -> dict[str, Result]:
    rows = Result.objects.filter(cycle=cycle, is_current=True).select_related("agent")
    return {r.agent.agent_id: r for r in rows}


@pytest.mark.django_db
def test_a_computed_result_keeps_the_cells_its_full_data_gives(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    results = _current(cycle)
    assert set(results) == set(EVERY_SHARE)
    for agent_id, r in results.items():
        assert r.heat == _from_data(r.data)
        # The ten rated leaves of s000 in the scheme's order, each at the agent's share.
        assert [c[0] for c in r.heat] == list(S000_WEIGHTS)
        assert {c[2] for c in r.heat} == {EVERY_SHARE[agent_id]}


@pytest.mark.django_db
def test_a_calibration_writes_the_cells_again(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.CALIBRATION)
    # Emptied behind the services' back, so that only the calibration can write them back.
    Result.objects.filter(cycle=cycle).update(heat=[])
    cs.cycle_calibrate(
        cycle=cycle, by=people.hr, agent=people.agent_b1, grade="待改进", note="新人首月"
    )
    results = _current(cycle)
    b1 = results["B001"]
    assert b1.grade == "待改进" and b1.heat == _from_data(b1.data)
    assert {c[2] for c in b1.heat} == {50.0}
    assert results["A001"].heat == []  # not calibrated: not written


SCHEME = """\
id: heat-test
name: 话务质量考核
period: month
indicators:
  - id: call_quality
    name: 话务质量
    weight: 100%
    rule: {type: formula, expr: "qa_average", min: 0, max: 100}
"""
FILE = (
    b"agent_id,period,metric,value\n"
    b"A001,2026-10,qa_average,84\nA002,2026-10,qa_average,70\nB001,2026-10,qa_average,60\n"
)


@pytest.mark.django_db
def test_a_correction_gives_the_new_version_its_own_cells(people: People, advance: Advance) -> None:
    version = scheme_version_create(by=people.hr, text=SCHEME, file="heat-test.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"metric_values.csv": FILE})
    advance(cycle, State.APPEAL_WINDOW)
    aps.correction_apply(
        cycle=cycle,
        agent_id="A001",
        by=people.hr,
        kind="metric",
        name="qa_average",
        value="90",
        reason="质检复核后改为 90",
    )
    old, new = Result.objects.filter(cycle=cycle, agent__agent_id="A001").order_by("version")
    # One leaf with the whole weight: the share is the metric, 84 before and 90 after.
    assert old.heat == [["call_quality", "话务质量", 84.0]]
    assert new.heat == [["call_quality", "话务质量", 90.0]] == _from_data(new.data)


@pytest.mark.django_db
def test_the_migration_fills_the_cells_of_results_stored_before_it(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    Result.objects.filter(cycle=cycle).update(heat=[])
    migration = importlib.import_module("appraise.web.evaluations.migrations.0004_result_heat")
    migration.fill_heat(apps, None)
    for r in _current(cycle).values():
        assert r.heat == _from_data(r.data) != []


@pytest.mark.django_db
def test_the_scorecard_compares_the_agent_with_the_team_cells(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    client = Client()
    client.force_login(people.a1)
    weak = client.get(f"/me/{cycle.pk}/").context["weak"]
    # 一组 is A001 (80%) and A002 (100%): a team mean of 90% on every leaf, A001 10 below on
    # each; the five shown are the first by id, as the gaps are equal.
    assert [(w["id"], w["mine"], w["team"], w["gap"]) for w in weak] == [
        (leaf, 80.0, 90.0, 10.0) for leaf in sorted(S000_WEIGHTS)[:5]
    ]
