"""cycle_compute does its long part outside the transaction, so a task's progress is seen while
it runs, and an input changed meanwhile leaves the results stale instead of passing as fresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State

from .conftest import Advance, People

# Transactional tests: the role groups made again (tests/web/conftest.py says why).
pytestmark = pytest.mark.usefixtures("role_groups")


@pytest.mark.django_db(transaction=True)
def test_progress_before_saving_is_reported_outside_any_transaction(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.DATA_IMPORTED)
    seen: list[tuple[int, bool]] = []
    cs.cycle_compute(
        cycle=cycle,
        by=people.hr,
        progress=lambda pct, _msg: seen.append((pct, connection.in_atomic_block)),
    )
    reading = [atomic for pct, atomic in seen if pct < 90]
    assert reading and not any(reading)  # each such update commits at once: the page sees it
    assert (90, False) in seen


@pytest.mark.django_db(transaction=True)
def test_an_input_changed_during_the_computation_leaves_the_results_stale(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.DATA_IMPORTED)

    def meanwhile(pct: int, _msg: str) -> None:
        if pct == 5:  # a supervisor saves a rating while the files are being read
            Cycle.objects.filter(pk=cycle.pk).update(inputs_changed_at=timezone.now())

    done = cs.cycle_compute(cycle=cycle, by=people.hr, progress=meanwhile)
    assert done.results.filter(is_current=True).count() == 3
    assert done.results_stale
    # Computed again with nothing changing, they are fresh.
    assert not cs.cycle_compute(cycle=cycle, by=people.hr).results_stale
