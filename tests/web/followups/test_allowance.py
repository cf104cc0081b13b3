"""Seed 004's post allowance (岗位津贴): a level stored per agent, moved ±1 by the rule that fired
when the cycle is published, shown on the HR item, and never moved twice by the same item."""

from __future__ import annotations

from django.db import transaction
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import State
from appraise.web.followups.models import FollowUp, Kind
from appraise.web.followups.services import followups_create_for_cycle
from appraise.web.org.models import Agent
from appraise.web.schemes.services import scheme_version_create

from ..conftest import S000, Advance, People

ALLOWANCE = """  - {id: allowance_up, name: 岗位津贴上调一级, when: "rank == 1", allowance: 1}
  - {id: allowance_down, name: 岗位津贴下调一级, when: "grade == '不合格'", allowance: -1}
"""


def test_publication_moves_the_post_allowance_by_the_rule_once(
    people: People, advance: Advance
) -> None:
    version = scheme_version_create(
        by=people.hr, text=S000.read_text(encoding="utf-8") + ALLOWANCE, file="s000-allowance.yaml"
    )
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月考核(津贴)",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    Agent.objects.filter(pk=people.agent_b1.pk).update(allowance_level=3)
    advance(cycle, State.PUBLISHED)
    # Paper totals: A002 90 (rank 1) moves up from 0 to 1; B001 45 (不合格) down from 3 to 2;
    # A001 72 (rank 2, 合格) stays at 0.
    levels = dict(Agent.objects.values_list("agent_id", "allowance_level"))
    assert (levels["A002"], levels["B001"], levels["A001"]) == (1, 2, 0)
    down = FollowUp.objects.get(cycle=cycle, agent=people.agent_b1, rule="allowance_down")
    assert down.kind == Kind.HR
    assert (down.allowance_from, down.allowance_to) == (3, 2)
    # Publishing again (a re-score creates items anew) keeps the items and moves nothing.
    with transaction.atomic():
        followups_create_for_cycle(cycle=cycle, by=people.hr)
    assert Agent.objects.get(pk=people.agent_b1.pk).allowance_level == 2
    # HR sees the move on the item, in Chinese.
    c = Client()
    c.force_login(people.hr)
    html = c.get(f"/followups/{down.pk}/").content.decode()
    assert "岗位津贴级别" in html and "3 → 2" in html
