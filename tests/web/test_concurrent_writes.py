"""Writes at the same moment from many threads: no "database is locked", no 500 (issue 16.2).

Each test runs its writers with ``threads.at_once``. A writer may be refused for a reason a
person can read (an AppError: 409 "not now"), never fail with a database error (a 500).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import AppError
from appraise.web.evaluations.models import Rating
from appraise.web.evaluations.services import rating_set
from appraise.web.org.models import Agent

from .conftest import S000_WEIGHTS, Advance, People
from .threads import at_once, database_errors

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


def test_sixty_ratings_saved_at_once_are_all_kept(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    # 3 agents x 10 indicators = 30 ratings, each saved twice at the same moment (60 writers):
    # first pass value 60 + i, the second 70 + i for the same cell; whichever lands last stays.
    cells = [
        (agent_id, indicator) for agent_id in ("A001", "A002", "B001") for indicator in S000_WEIGHTS
    ]
    supervisors = {"A001": people.sup1.pk, "A002": people.sup1.pk, "B001": people.sup2.pk}

    def save(i: int) -> Rating:
        agent_id, indicator = cells[i % len(cells)]
        return rating_set(
            cycle=Cycle.objects.get(pk=cycle.pk),
            agent=Agent.objects.get(agent_id=agent_id),
            indicator=indicator,
            role="supervisor",
            value=str(60 + 10 * (i // len(cells)) + i % len(cells) % 10),  # pass 0: 60+, 1: 70+
            by=User.objects.get(pk=supervisors[agent_id]),
        )

    outcome = at_once(2 * len(cells), save)
    assert database_errors(outcome) == []
    assert [x for x in outcome if isinstance(x, BaseException)] == []
    stored = {
        (r.agent.agent_id, r.indicator): r.value
        for r in Rating.objects.filter(cycle=cycle, role="supervisor").select_related("agent")
    }
    assert len(stored) == 30
    for n, cell in enumerate(cells):
        # cell n got 60 + n % 10 and 70 + n % 10, in either order.
        assert stored[cell] in {str(60 + n % 10), str(70 + n % 10)}, cell


def test_a_cycle_published_from_eight_requests_at_once_is_published_once(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.CALIBRATION)
    cs.cycle_compute(cycle=cycle, by=people.hr)

    def publish(_: int) -> Cycle:
        return cs.cycle_publish(cycle=Cycle.objects.get(pk=cycle.pk), by=people.hr)

    outcome = at_once(8, publish)
    assert database_errors(outcome) == []
    published = [x for x in outcome if isinstance(x, Cycle)]
    assert len(published) == 1  # the other seven are told the cycle is no longer in calibration
    assert all(getattr(x, "status", None) == 409 for x in outcome if isinstance(x, AppError))
    assert AuditLog.objects.filter(action="cycle.publish").count() == 1
    cycle.refresh_from_db()
    assert cycle.state == State.PUBLISHED


def test_two_computes_of_one_cycle_at_once_both_end_without_a_database_error(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.DATA_IMPORTED)

    def compute(_: int) -> Cycle:
        return cs.cycle_compute(cycle=Cycle.objects.get(pk=cycle.pk), by=people.hr)

    outcome = at_once(2, compute)
    assert database_errors(outcome) == []
    cycle.refresh_from_db()
    # One set of current results, one per agent, whichever compute saved last.
    assert cycle.results.filter(is_current=True).count() == 3


def test_sqlite_is_opened_in_wal_mode_with_a_busy_timeout() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 30_000  # settings: APPRAISE_SQLITE_TIMEOUT, 30 s
        # The file read in place through a mapping of up to 1 GiB (the dashboard's read).
        cursor.execute("PRAGMA mmap_size")
        assert cursor.fetchone()[0] == 1024**3
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]
