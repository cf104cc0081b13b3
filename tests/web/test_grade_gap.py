"""Seed 004: when self and supervisor scores are a grade or more apart, the cycle flags the agent
for a re-assessment or an interview."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Conflict
from appraise.web.evaluations.services import rating_set
from appraise.web.interviews import services as interviews
from appraise.web.interviews.models import GapFlag, GapStatus

from .conftest import S000_WEIGHTS, Advance, People


def _self_assess(people: People, cycle: Cycle, value: int) -> None:
    for indicator in S000_WEIGHTS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="self",
            value=str(value),
            by=people.a1,
        )


def test_self_100_against_supervisor_80_is_one_grade_apart_and_flags_the_agent(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    _self_assess(people, cycle, 100)
    advance(cycle, "supervisor_rating")
    cs.cycle_compute(cycle=cycle, by=people.hr)
    # Self: 100 x 90 / 100 = 90 -> 称职 [85, 95]; supervisor (paper): 80 x 90 / 100 = 72 -> 合格.
    flag = GapFlag.objects.get(cycle=cycle)
    assert flag.agent == people.agent_a1
    assert (flag.self_total, flag.self_grade) == (Decimal(90), "称职")
    assert (flag.supervisor_total, flag.supervisor_grade) == (Decimal(72), "合格")
    assert flag.grades_apart == 1
    assert flag.status == GapStatus.OPEN


def test_self_ratings_within_the_same_grade_raise_no_flag(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    # Self 90 -> 81, supervisor 72: both 合格 [70, 85).
    _self_assess(people, cycle, 90)
    advance(cycle, "supervisor_rating")
    cs.cycle_compute(cycle=cycle, by=people.hr)
    assert not GapFlag.objects.filter(cycle=cycle).exists()


def test_a_reassessment_reopens_self_rating_and_a_closed_gap_clears_the_flag(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    _self_assess(people, cycle, 100)
    advance(cycle, "supervisor_rating")
    cs.cycle_compute(cycle=cycle, by=people.hr)
    flag = GapFlag.objects.get(cycle=cycle)
    # Self-assessment is closed in supervisor rating until the supervisor asks again.
    with pytest.raises(Conflict):
        _self_assess(people, cycle, 85)
    interviews.gap_request_reassessment(flag=flag, by=people.sup1)
    _self_assess(people, cycle, 85)
    cs.cycle_compute(cycle=cycle, by=people.hr)
    # Self 85 -> 76.5, 合格 like the supervisor's 72.
    flag.refresh_from_db()
    assert flag.status == GapStatus.CLEARED


def test_an_interview_record_answers_the_flag(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    _self_assess(people, cycle, 100)
    advance(cycle, "supervisor_rating")
    cs.cycle_compute(cycle=cycle, by=people.hr)
    interviews.interview_write(cycle=cycle, agent=people.agent_a1, by=people.sup1, content="面谈")
    assert GapFlag.objects.get(cycle=cycle).status == GapStatus.INTERVIEW
