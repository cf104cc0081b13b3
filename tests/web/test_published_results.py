"""Published results never change in place: a re-score adds a version and keeps the earlier."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Conflict, Forbidden
from appraise.web.evaluations.models import Result
from appraise.web.evaluations.services import rating_set

from .conftest import Advance, People


def test_computing_after_publication_is_refused(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    with pytest.raises(Conflict):
        cs.cycle_compute(cycle=cycle, by=people.hr)


def test_a_rescore_with_unchanged_inputs_adds_no_version(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    before = list(Result.objects.filter(cycle=cycle).values_list("pk", "version", "total"))
    assert cs.cycle_rescore(cycle=cycle, by=people.hr, reason="check") == []
    assert list(Result.objects.filter(cycle=cycle).values_list("pk", "version", "total")) == before


def test_inputs_of_a_published_cycle_change_only_after_an_upheld_appeal(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "appeal_window")
    with pytest.raises(Conflict):
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator="courtesy",
            role="supervisor",
            value="100",
            by=people.hr,
        )
    with pytest.raises(Forbidden):
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator="courtesy",
            role="supervisor",
            value="100",
            by=people.sup1,
        )


def test_a_rescore_versions_every_agent_whose_rank_moved(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    from appraise.web.appeals import services as appeals

    advance(cycle, "appeal_window")
    appeal = appeals.appeal_file(cycle=cycle, by=people.b1, reasons="评分有误")
    appeals.appeal_decide(appeal=appeal, by=people.sup2, decision="uphold", note="核实")
    # B001 from 50 to 100 on all ten leaves: 90, tied with A002 (ties share rank 1);
    # A001 (72) moves from rank 2 to rank 3, so A001 gets a new version too.
    for indicator in (
        "courtesy",
        "patience",
        "proficiency",
        "communication",
        "resolution",
        "response_speed",
        "ticket_speed",
        "complaint_rate",
        "satisfaction",
        "suggestions",
    ):
        rating_set(
            cycle=cycle,
            agent=people.agent_b1,
            indicator=indicator,
            role="supervisor",
            value="100",
            by=people.hr,
        )
    appeals.appeal_rescore(appeal=appeal, by=people.hr)
    rows = {
        (r.agent.agent_id, r.version): (r.total, r.rank, r.is_current)
        for r in Result.objects.filter(cycle=cycle).select_related("agent")
    }
    assert rows[("B001", 1)] == (Decimal(45), 3, False)
    assert rows[("B001", 2)] == (Decimal(90), 1, True)
    assert rows[("A001", 1)] == (Decimal(72), 2, False)
    assert rows[("A001", 2)] == (Decimal(72), 3, True)
    assert ("A002", 2) not in rows
