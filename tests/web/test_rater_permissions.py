"""Assigned raters see only their own assignments: the wrong person is refused on every page and
endpoint of assigned raters (404 when they may not know the object exists, 403 when they may see
it but not act), and a rater from another department reaches nothing else of the cycle.

``PAGE_NAMES`` and ``API_ROUTES`` count for the coverage checks of
tests/web/pages/test_page_permissions.py and tests/web/test_api_permissions.py.

The world: the peer cycle (tests/web/peers.py) in self-assessment; outsider (no role, another
department) and a2 rate A001 as peers, b1 rates A002.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from appraise.web.cycles.models import Cycle
from appraise.web.evaluations import raters
from appraise.web.evaluations.models import RaterAssignment

from .conftest import Advance, People
from .peers import peer_cycle

PAGE_NAMES = {"cycle-raters", "cycle-rater-remove", "my-assignments", "assignment-rate"}
API_ROUTES = {"cycle-assignments", "assignments-mine", "assignment-detail", "assignment-rate"}


@dataclass
class World:
    people: People
    cycle: Cycle
    mine: RaterAssignment  # outsider rates A001
    colleague: RaterAssignment  # a2 rates A001
    other: RaterAssignment  # b1 rates A002

    def user(self, who: str) -> User:
        if who == "a2":
            found = self.people.agent_a2.user
            assert found is not None
            return found
        found = getattr(self.people, who)
        assert isinstance(found, User)
        return found


@pytest.fixture
def world(people: People, advance: Advance) -> World:
    cycle = peer_cycle(people)
    a2 = people.agent_a2.user
    assert a2 is not None
    first = raters.raters_assign(
        cycle=cycle,
        by=people.hr,
        role="peer",
        raters=[people.outsider, a2],
        agents=[people.agent_a1],
    ).created
    other = raters.raters_assign(
        cycle=cycle, by=people.hr, role="peer", raters=[people.b1], agents=[people.agent_a2]
    ).created
    advance(cycle, "self_assessment")
    by_rater = {a.rater.username: a for a in first}
    return World(people, cycle, by_rater["outsider"], by_rater["a2"], other[0])


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    who: str
    status: int
    data: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.name}-{self.method}-{self.who}-{self.status}"


def _raters(w: World) -> str:
    return f"/cycles/{w.cycle.pk}/raters/"


def _remove(w: World) -> str:
    return f"/cycles/{w.cycle.pk}/raters/{w.mine.pk}/remove/"


def _rate(w: World) -> str:
    return f"/ratings/assigned/{w.mine.pk}/"


PAGES = [
    *(Case("cycle-raters", "GET", _raters, who, 403) for who in ("a1", "sup1", "outsider")),
    Case("cycle-raters", "GET", _raters, "hr", 200),
    Case("cycle-raters", "POST", _raters, "outsider", 403, {"role": "peer"}),
    # The rated agent, another rater, a supervisor: they may not know this assignment exists.
    *(Case("cycle-rater-remove", "POST", _remove, who, 404) for who in ("a1", "b1", "sup1")),
    Case("cycle-rater-remove", "POST", _remove, "outsider", 403),  # their own, but HR's to remove
    Case("cycle-rater-remove", "POST", _remove, "hr", 302),
    Case("my-assignments", "GET", lambda w: "/ratings/assigned/", "admin", 200),
    *(Case("assignment-rate", "GET", _rate, who, 404) for who in ("a1", "a2", "b1", "sup1")),
    Case("assignment-rate", "GET", _rate, "hr", 403),  # HR sees it on the cycle's page
    Case("assignment-rate", "GET", _rate, "outsider", 200),
    Case("assignment-rate", "POST", _rate, "b1", 404, {"ind_teamwork": "80"}),
    Case("assignment-rate", "POST", _rate, "outsider", 302, {"ind_teamwork": "80"}),
]


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_the_pages_refuse_the_wrong_person(case: Case, world: World) -> None:
    client = Client()
    client.force_login(world.user(case.who))
    url = case.url(world)
    response = client.get(url) if case.method == "GET" else client.post(url, case.data or {})
    assert response.status_code == case.status


def test_signed_out_visitors_are_sent_to_sign_in(world: World) -> None:
    for url in (_raters(world), "/ratings/assigned/", _rate(world)):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_rater_lists_only_their_own_assignments(world: World) -> None:
    client = Client()
    client.force_login(world.people.outsider)
    page = client.get("/ratings/assigned/").content.decode()
    assert f"/ratings/assigned/{world.mine.pk}/" in page
    assert f"/ratings/assigned/{world.colleague.pk}/" not in page
    assert f"/ratings/assigned/{world.other.pk}/" not in page
    assert "李四" not in page  # A002, whom b1 rates


def test_a_rater_from_another_department_sees_nothing_else_of_the_cycle(world: World) -> None:
    client = Client()
    client.force_login(world.people.outsider)
    pk = world.cycle.pk
    assert client.get(f"/cycles/{pk}/agents/A001/").status_code == 404
    assert client.get(f"/cycles/{pk}/scorecards/A001.pdf").status_code == 404
    assert client.get("/team/").status_code == 403
    assert client.get(f"/cycles/{pk}/").status_code in (403, 404)


API = [
    # outsider cannot see the cycle at all; a1 sees it (their own) but assigns nothing.
    Case(
        "cycle-assignments",
        "GET",
        lambda w: f"/api/cycles/{w.cycle.pk}/assignments/",
        "outsider",
        404,
    ),
    Case(
        "cycle-assignments",
        "POST",
        lambda w: f"/api/cycles/{w.cycle.pk}/assignments/",
        "sup1",
        403,
        {"role": "peer", "raters": ["b1"], "agent_ids": ["A001"]},
    ),
    Case(
        "cycle-assignments",
        "POST",
        lambda w: f"/api/cycles/{w.cycle.pk}/assignments/",
        "outsider",
        404,
        {"role": "peer", "raters": ["b1"], "agent_ids": ["A001"]},
    ),
    Case(
        "cycle-assignments",
        "POST",
        lambda w: f"/api/cycles/{w.cycle.pk}/assignments/",
        "hr",
        201,
        {"role": "peer", "raters": ["b1"], "agent_ids": ["A001"]},
    ),
    Case("assignments-mine", "GET", lambda w: "/api/assignments/mine/", "admin", 200),
    *(
        Case("assignment-detail", "DELETE", lambda w: f"/api/assignments/{w.mine.pk}/", who, 404)
        for who in ("a1", "b1", "sup1")
    ),
    Case(
        "assignment-detail", "DELETE", lambda w: f"/api/assignments/{w.mine.pk}/", "outsider", 403
    ),
    Case("assignment-detail", "DELETE", lambda w: f"/api/assignments/{w.mine.pk}/", "hr", 204),
    *(
        Case(
            "assignment-rate",
            "POST",
            lambda w: f"/api/assignments/{w.mine.pk}/ratings/",
            who,
            404,
            {"indicator": "teamwork", "value": "80"},
        )
        for who in ("a1", "a2", "b1", "sup1")
    ),
    Case(
        "assignment-rate",
        "POST",
        lambda w: f"/api/assignments/{w.mine.pk}/ratings/",
        "hr",
        403,
        {"indicator": "teamwork", "value": "80"},
    ),
    Case(
        "assignment-rate",
        "POST",
        lambda w: f"/api/assignments/{w.mine.pk}/ratings/",
        "outsider",
        201,
        {"indicator": "teamwork", "value": "80"},
    ),
]


@pytest.mark.parametrize("case", API, ids=str)
def test_the_api_refuses_the_wrong_person(case: Case, world: World, api: Any) -> None:
    client = api(world.user(case.who))
    url = case.url(world)
    if case.method == "GET":
        response = client.get(url)
    elif case.method == "DELETE":
        response = client.delete(url)
    else:
        response = client.post(url, case.data or {}, format="json")
    assert response.status_code == case.status, response.content


def test_the_api_lists_a_raters_own_assignments_only(world: World, api: Any) -> None:
    a2 = api(world.user("a2"))
    mine = a2.get("/api/assignments/mine/").json()
    assert [(m["agent_id"], m["role_name"], m["open"]) for m in mine] == [
        ("A001", "同事互评", True)
    ]
    assert [i["id"] for i in mine[0]["indicators"]] == ["teamwork", "attitude"]
    # In the cycle they are in, a2 sees their own assignment and none of the others'.
    listed = a2.get(f"/api/cycles/{world.cycle.pk}/assignments/").json()
    assert [x["id"] for x in listed] == [world.colleague.pk]
    everyone = api(world.people.hr).get(f"/api/cycles/{world.cycle.pk}/assignments/").json()
    assert len(everyone) == 3
    # The rater reads nothing of the agent's results or ratings through the API.
    outsider = api(world.people.outsider)
    pk = world.cycle.pk
    assert outsider.get(f"/api/cycles/{pk}/results/A001/").status_code == 404
    assert outsider.get(f"/api/cycles/{pk}/ratings/?agent_id=A001").status_code == 404
    assert outsider.get("/api/results/team/").json() == []


def test_the_api_rates_with_the_version_it_read(world: World, api: Any) -> None:
    client = api(world.people.outsider)
    url = f"/api/assignments/{world.mine.pk}/ratings/"
    first = client.post(url, {"indicator": "teamwork", "value": "80", "version": 0}, format="json")
    (teamwork, _attitude) = first.json()["indicators"]
    assert (teamwork["value"], teamwork["version"]) == ("80", 1)
    stale = client.post(url, {"indicator": "teamwork", "value": "85", "version": 0}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale")
