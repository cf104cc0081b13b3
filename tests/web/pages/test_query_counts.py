"""The scorecard, the team dashboard and the results API read a fixed number of queries, however
many agents the cycle holds (issue 16: no N+1 may come back; bench/load.py measures the time).

Two published cycles of the s000 scheme: October with conftest's three agents (A001, A002, B001)
and November with six more agents in each team (fifteen). Every page is asked for in both
cycles by the same person, with the page cache emptied before each request so that the whole
work is counted, and once more with the cache kept, and the counts must be equal: a query per
agent, per team or per result would make November's count larger by at least six.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.followups.todo import todo_count
from appraise.web.org.models import Agent
from appraise.web.qa import services as qa_services
from appraise.web.qa.appraisal import qa_evidence
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_of, scheme_version_create

from ..conftest import PAPER, Advance, People, _user
from ..qa import conftest as qa_conftest
from ..qa.conftest import C002, PERFECT, Qa
from ..qa.conftest import PERIOD as QA_PERIOD

qa = qa_conftest.qa  # the fixture of tests/web/qa


def _queries(user: User, url: str, *, cold: bool = True, menu_kept: bool = False) -> int:
    """Queries of one GET of ``url``; ``cold``: with the pages' cache emptied first (the whole
    work counted), ``menu_kept``: but the menu's to-do count kept (only the page's own work)."""
    client = Client()
    client.force_login(user)
    client.get(url)  # the session and the language settle on the first request
    caches["pages"].clear()  # the page's own work is counted, not a kept copy of the page
    if cold:
        cache.clear()
        if menu_kept:
            todo_count(user=user)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen.captured_queries)


@pytest.fixture
def two_cycles(
    people: People, cycle: Cycle, scheme_version: SchemeVersion, advance: Advance
) -> tuple[Cycle, Cycle]:
    october = advance(cycle, State.PUBLISHED)
    for team, prefix in ((people.team1, "A1"), (people.team2, "B1")):
        for i in range(6):
            user = _user(f"{prefix}{i}".lower(), "agent")
            Agent.objects.create(user=user, agent_id=f"{prefix}{i:02d}", name=f"新人{i}", team=team)
    november = cs.cycle_create(
        by=people.hr,
        name="十一月考核",
        scheme_version=scheme_version,
        period="2026-11",
        teams=[people.team1, people.team2],
    )
    ids = list(november.agents.values_list("agent_id", flat=True))
    assert len(ids) == 15
    lines = ["agent_id,period,indicator,rater_role,rater_id,value"]
    for agent_id in ids:
        # The newcomers are rated like their team's October agents (A1.. like A001 and A002 in
        # turn, B1.. like B001), so that both months hold the same kinds of rows and flags.
        like = agent_id if agent_id in PAPER else LIKE[agent_id[:2]][int(agent_id[2:]) % 2]
        for indicator, value in PAPER[like].items():
            lines.append(f"{agent_id},2026-11,{indicator},,S01,{value}")
    files = {"ratings.csv": ("\n".join(lines) + "\n").encode("utf-8")}
    cs.cycle_import_data(cycle=november, by=people.hr, files=files)
    return october, advance(november, State.PUBLISHED)


LIKE = {"A1": ("A001", "A002"), "B1": ("B001", "B001")}

Url = Callable[[Cycle], str]

PAGES: list[tuple[str, str, Url]] = [
    ("the agent's own scorecard", "a1", lambda c: f"/me/{c.pk}/"),
    ("a supervisor's view of a scorecard", "sup1", lambda c: f"/cycles/{c.pk}/agents/A001/"),
    ("HR's view of a scorecard", "hr", lambda c: f"/cycles/{c.pk}/agents/B001/"),
    ("a supervisor's team dashboard", "sup1", lambda c: f"/team/?cycle={c.pk}"),
    ("the manager's dashboard over both teams", "manager", lambda c: f"/team/?cycle={c.pk}"),
    ("HR's dashboard of the cycle", "hr", lambda c: f"/team/?cycle={c.pk}"),
    ("the manager's dashboard, every row", "manager", lambda c: f"/team/?cycle={c.pk}&all=1"),
    ("the results API of a team", "sup1", lambda c: f"/api/results/team/?cycle={c.pk}"),
    ("the results API of the cycle", "hr", lambda c: f"/api/cycles/{c.pk}/results/"),
    ("the results API, one result", "manager", lambda c: f"/api/cycles/{c.pk}/results/B001/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("what", "who", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_the_number_of_queries_does_not_grow_with_the_agents(
    people: People, two_cycles: tuple[Cycle, Cycle], what: str, who: str, url: Url
) -> None:
    october, november = two_cycles
    user: Any = getattr(people, who)
    small, large = _queries(user, url(october)), _queries(user, url(november))
    assert small == large, f"{what}: {small} queries for 3 agents, {large} for 15"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sup1", "manager", "hr"])
def test_a_cached_dashboard_reads_no_more_than_a_fresh_one(
    people: People, two_cycles: tuple[Cycle, Cycle], who: str
) -> None:
    _, november = two_cycles
    user: Any = getattr(people, who)
    url = f"/team/?cycle={november.pk}"
    cold, warm = _queries(user, url, menu_kept=True), _queries(user, url, cold=False)
    # The warm request skips the read of every result in scope and of the heat map's part (the
    # supervisor's one team's cells, or the teams' kept means over both): two queries.
    assert warm == cold - 2


QA_SCHEME = """\
id: qa-evidence
name: 话务质量考核
period: month
qa_scale: 100
indicators:
  - id: call_quality
    name: 话务质量
    weight: 100%
    rule: {type: formula, expr: "qa_average", min: 0, max: 100}
"""


@pytest.mark.django_db
def test_the_scorecards_qa_evidence_reads_as_much_for_two_reviews_as_for_one(qa: Qa) -> None:
    """Each review names its reviewer by their agent id when they have one: read with the
    reviews, not once per review (A001's two sampled calls, tests/web/qa/conftest.py)."""
    version = scheme_version_create(by=qa.people.hr, text=QA_SCHEME, file="qa-evidence.yaml")
    scheme = scheme_of(version)
    qa.sample(per_agent=15)

    def evidence_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as seen:
            found = qa_evidence(scheme=scheme, period=QA_PERIOD, agent_id="A001")
        return len(seen.captured_queries), found["call_quality"].reviews

    counts = []
    for conversation, ratings in (("K-A001-2", C002), ("K-A001-1", PERFECT)):
        a = qa.assignment(conversation)
        qa_services.review_submit(assignment=a, by=a.reviewer, ratings=ratings)
        counts.append(evidence_queries())
    (one, n1), (two, n2) = counts
    assert (n1, n2) == (1, 2)
    assert one == two, f"{one} queries for one review, {two} for two"
