"""The team dashboard's cached part follows every change to the results it was drawn from
(docs/architecture.md, "The pages' cache"): never the old grade after a calibration, which
changes a result in place, nor the old totals after a recompute, which adds result rows.

conftest's paper ratings: A001 72 (合格), A002 90 (称职), B001 45 (不合格).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State

from ..conftest import PAPER, Advance, People, every, ratings_csv


def _grades(client: Client, cycle: Cycle) -> dict[str, Any]:
    response = client.get(f"/team/?cycle={cycle.pk}")
    assert response.status_code == 200
    return {
        r["agent"]["agent_id"]: (r["grade"], r["total"]) for r in response.context["leaderboard"]
    }


@pytest.mark.django_db
def test_a_calibration_shows_on_the_next_request(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.CALIBRATION)
    client = Client()
    client.force_login(people.manager)
    assert _grades(client, cycle)["B001"][0] == "不合格"
    assert _grades(client, cycle)["B001"][0] == "不合格"  # now from the cache
    cs.cycle_calibrate(
        cycle=cycle, by=people.hr, agent=people.agent_b1, grade="合格", note="复核后调整"
    )
    assert _grades(client, cycle)["B001"][0] == "合格"


@pytest.mark.django_db
def test_a_recompute_shows_on_the_next_request(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.DATA_IMPORTED)
    cs.cycle_compute(cycle=cycle, by=people.hr)
    client = Client()
    client.force_login(people.hr)
    assert float(_grades(client, cycle)["B001"][1]) == 45.0
    # B001 rated 60 on every indicator instead of 50: 60 x 90 / 100 = 54.
    files = {"ratings.csv": ratings_csv({**PAPER, "B001": every(60)})}
    cs.cycle_import_data(cycle=cycle, by=people.hr, files=files)
    cs.cycle_compute(cycle=cycle, by=people.hr)
    assert float(_grades(client, cycle)["B001"][1]) == 54.0
