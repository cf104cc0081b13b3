"""Every API endpoint refuses the wrong person: 404 for objects they may not know exist, 403 for
actions they may not take. A test below checks that this table names every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from appraise.web.appeals import services as appeals
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.services import rating_set
from appraise.web.interviews import services as interviews
from appraise.web.interviews.models import GapFlag
from appraise.web.tasks.models import Task

from .conftest import S000_WEIGHTS, Advance, People
from .points.test_points_permissions import ROUTES as POINTS_ROUTES


@dataclass
class World:
    people: People
    cycle: Cycle  # both teams, in the appeal window
    team1_cycle: Cycle  # team 一组 only, a draft
    appeal: int
    interview: int
    gap: int
    task: int


@pytest.fixture
def world(people: People, cycle: Cycle, advance: Advance) -> World:
    advance(cycle, "self_assessment")
    for indicator in S000_WEIGHTS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="self",
            value="100",
            by=people.a1,
        )
    advance(cycle, "appeal_window")
    record = interviews.interview_write(
        cycle=cycle, agent=people.agent_a1, by=people.sup1, content="面谈"
    )
    appeal = appeals.appeal_file(cycle=cycle, by=people.a1, reasons="理由")
    team1_cycle = cs.cycle_create(
        by=people.hr,
        name="一组",
        scheme_version=cycle.scheme_version,
        period="2026-11",
        teams=[people.team1],
    )
    task = Task.objects.create(kind="cycle_compute", cycle=cycle, created_by=people.hr)
    return World(
        people,
        cycle,
        team1_cycle,
        appeal.pk,
        record.pk,
        GapFlag.objects.get(cycle=cycle).pk,
        task.pk,
    )


@dataclass(frozen=True)
class Case:
    route: str  # the URL name, to check that every endpoint is covered
    method: str
    url: Callable[[World], str]
    who: str  # an attribute of People
    status: int
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.route} as {self.who} -> {self.status}"


# Placeholders in a body for the world's objects.
CYCLE = "<cycle>"
TEAM = "<team>"
SCHEME = "<scheme>"


def c(w: World) -> str:
    return f"/api/cycles/{w.cycle.pk}"


def t1(w: World) -> str:
    return f"/api/cycles/{w.team1_cycle.pk}"


CASES = [
    Case("users", "GET", lambda w: "/api/users/", "a1", 403),
    Case("users", "POST", lambda w: "/api/users/", "hr", 403, {"username": "x"}),
    Case(
        "user-roles",
        "POST",
        lambda w: f"/api/users/{w.people.a1.pk}/roles/",
        "hr",
        403,
        {"roles": ["hr"]},
    ),
    Case(
        "user-roles",
        "POST",
        lambda w: f"/api/users/{w.people.a1.pk}/roles/",
        "sup1",
        403,
        {"roles": ["hr"]},
    ),
    Case("user-token", "POST", lambda w: f"/api/users/{w.people.a1.pk}/token/", "hr", 403),
    Case("user-token", "DELETE", lambda w: f"/api/users/{w.people.a1.pk}/token/", "a1", 403),
    Case("teams", "POST", lambda w: "/api/teams/", "sup1", 403, {"name": "三组"}),
    Case("agents", "POST", lambda w: "/api/agents/", "sup1", 403, {"agent_id": "X", "name": "X"}),
    Case("agents-upload", "POST", lambda w: "/api/agents/upload/", "sup1", 403),
    Case("agents-upload", "POST", lambda w: "/api/agents/upload/", "a1", 403),
    Case("schemes", "POST", lambda w: "/api/schemes/", "sup1", 403, {"text": "id: x"}),
    Case("scheme-detail", "GET", lambda w: "/api/schemes/999999/", "hr", 404),
    Case(
        "cycles",
        "POST",
        lambda w: "/api/cycles/",
        "sup1",
        403,
        {"scheme_version": SCHEME, "period": "2026-12"},
    ),
    Case("cycle-detail", "GET", lambda w: f"{t1(w)}/", "b1", 404),
    Case("cycle-detail", "GET", lambda w: f"{t1(w)}/", "sup2", 404),
    Case("cycle-detail", "GET", lambda w: f"{c(w)}/", "outsider", 404),
    Case("cycle-import", "POST", lambda w: f"{t1(w)}/import/", "sup1", 403),
    Case("cycle-import", "POST", lambda w: f"{t1(w)}/import/", "b1", 404),
    Case("cycle-compute", "POST", lambda w: f"{t1(w)}/compute/", "sup1", 403),
    Case("cycle-compute", "POST", lambda w: f"{t1(w)}/compute/", "sup2", 404),
    Case("cycle-file", "DELETE", lambda w: f"{t1(w)}/files/ratings.csv", "sup1", 403),
    Case("cycle-file", "DELETE", lambda w: f"{t1(w)}/files/ratings.csv", "b1", 404),
    Case("cycle-distribution", "GET", lambda w: f"{c(w)}/distribution/", "sup1", 403),
    Case("cycle-distribution", "GET", lambda w: f"{t1(w)}/distribution/", "b1", 404),
    Case("cycle-results", "GET", lambda w: f"{t1(w)}/results/", "sup2", 404),
    Case("cycle-scorecards", "GET", lambda w: f"{t1(w)}/scorecards/", "sup2", 404),
    Case("cycle-scorecards", "GET", lambda w: f"{c(w)}/scorecards/", "outsider", 404),
    Case("cycle-result", "GET", lambda w: f"{c(w)}/results/A002/", "a1", 404),
    Case("cycle-result", "GET", lambda w: f"{c(w)}/results/A001/", "sup2", 404),
    Case("cycle-result-history", "GET", lambda w: f"{c(w)}/results/A001/history/", "b1", 404),
    Case("cycle-result-history", "GET", lambda w: f"{c(w)}/results/B001/history/", "sup1", 404),
    Case("cycle-ratings", "GET", lambda w: f"{t1(w)}/ratings/", "b1", 404),
    Case("cycle-ratings", "GET", lambda w: f"{c(w)}/ratings/?agent_id=A001", "sup2", 404),
    Case(
        "cycle-ratings",
        "POST",
        lambda w: f"{c(w)}/ratings/",
        "sup2",
        404,
        {"agent_id": "A001", "indicator": "courtesy", "role": "supervisor", "value": "90"},
    ),
    Case(
        "cycle-ratings",
        "POST",
        lambda w: f"{c(w)}/ratings/",
        "sup1",
        403,
        {"agent_id": "A001", "indicator": "courtesy", "role": "supervisor", "value": "90"},
    ),
    Case("cycle-corrections", "GET", lambda w: f"{t1(w)}/corrections/", "b1", 404),
    Case(
        "cycle-corrections",
        "POST",
        lambda w: f"{c(w)}/corrections/",
        "b1",
        404,
        {"agent_id": "A001", "kind": "metric", "name": "x", "value": "1", "reason": "r"},
    ),
    Case(
        "cycle-corrections",
        "POST",
        lambda w: f"{c(w)}/corrections/",
        "sup1",
        403,
        {"agent_id": "A001", "kind": "metric", "name": "x", "value": "1", "reason": "r"},
    ),
    Case("cycle-gaps", "GET", lambda w: f"{t1(w)}/gaps/", "sup2", 404),
    Case("gap-reassess", "POST", lambda w: f"/api/gaps/{w.gap}/reassess/", "sup2", 404),
    Case("gap-reassess", "POST", lambda w: f"/api/gaps/{w.gap}/reassess/", "a1", 404),
    Case("gap-reassess", "POST", lambda w: f"/api/gaps/{w.gap}/reassess/", "hr", 403),
    Case(
        "results-team", "GET", lambda w: f"/api/results/team/?cycle={w.team1_cycle.pk}", "sup2", 404
    ),
    Case(
        "appeals", "POST", lambda w: "/api/appeals/", "sup1", 403, {"cycle": CYCLE, "reasons": "x"}
    ),
    Case(
        "appeals",
        "POST",
        lambda w: "/api/appeals/",
        "outsider",
        404,
        {"cycle": CYCLE, "reasons": "x"},
    ),
    Case("appeal-detail", "GET", lambda w: f"/api/appeals/{w.appeal}/", "sup2", 404),
    Case(
        "appeal-decide",
        "POST",
        lambda w: f"/api/appeals/{w.appeal}/decide/",
        "b1",
        404,
        {"decision": "uphold", "note": "x"},
    ),
    Case(
        "appeal-decide",
        "POST",
        lambda w: f"/api/appeals/{w.appeal}/decide/",
        "a1",
        403,
        {"decision": "uphold", "note": "x"},
    ),
    Case(
        "appeal-decide",
        "POST",
        lambda w: f"/api/appeals/{w.appeal}/decide/",
        "hr",
        403,
        {"decision": "uphold", "note": "x"},
    ),
    Case("appeal-escalate", "POST", lambda w: f"/api/appeals/{w.appeal}/escalate/", "sup2", 404),
    Case("appeal-escalate", "POST", lambda w: f"/api/appeals/{w.appeal}/escalate/", "manager", 403),
    Case("appeal-rescore", "POST", lambda w: f"/api/appeals/{w.appeal}/rescore/", "sup1", 403),
    Case(
        "interviews",
        "POST",
        lambda w: "/api/interviews/",
        "a1",
        403,
        {"cycle": CYCLE, "agent_id": "A001", "content": "x"},
    ),
    Case(
        "interviews",
        "POST",
        lambda w: "/api/interviews/",
        "sup2",
        404,
        {"cycle": CYCLE, "agent_id": "A001", "content": "x"},
    ),
    Case("interview-detail", "GET", lambda w: f"/api/interviews/{w.interview}/", "b1", 404),
    Case("interview-sign", "POST", lambda w: f"/api/interviews/{w.interview}/sign/", "sup1", 403),
    Case("interview-sign", "POST", lambda w: f"/api/interviews/{w.interview}/sign/", "b1", 404),
    Case("task-detail", "GET", lambda w: f"/api/tasks/{w.task}/", "sup1", 404),
    Case("task-rerun", "POST", lambda w: f"/api/tasks/{w.task}/rerun/", "sup1", 404),
    Case("audit", "GET", lambda w: "/api/audit/", "sup1", 403),
    Case("audit", "GET", lambda w: "/api/audit/", "a1", 403),
    *[
        Case(f"cycle-{action}", "POST", lambda w, a=action: f"{t1(w)}/{a}/", "sup1", 403, body)
        for action, body in [
            ("open-self-assessment", None),
            ("open-supervisor-rating", None),
            ("open-indirect-audit", None),
            ("open-calibration", None),
            ("calibrate", {"agent_id": "A001", "grade": "优秀", "note": "x"}),
            ("publish", None),
            ("open-interviews", None),
            ("open-appeal-window", None),
            ("close", None),
            ("rescore", {"reason": "x"}),
        ]
        for action in [action]
    ],
    Case(
        "cycle-confirm-team", "POST", lambda w: f"{c(w)}/confirm-team/", "sup1", 403, {"team": TEAM}
    ),
    *[
        Case(f"cycle-{action}", "POST", lambda w, a=action: f"{t1(w)}/{a}/", "b1", 404)
        for action in ["open-self-assessment", "publish", "close", "confirm-team"]
    ],
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_wrong_person_is_refused(case: Case, world: World, api: Any) -> None:
    client = api(getattr(world.people, case.who))
    url = case.url(world)
    body = {
        k: {
            CYCLE: world.cycle.pk,
            TEAM: world.people.team1.pk,
            SCHEME: world.cycle.scheme_version_id,
        }.get(v, v)
        if isinstance(v, str)
        else v
        for k, v in (case.body or {}).items()
    }
    if case.route == "cycle-import":
        upload = SimpleUploadedFile("ratings.csv", b"agent_id,indicator,value\n")
        response = client.post(url, {"files": [upload]}, format="multipart")
    else:
        response = client.generic(
            case.method, url, data=_json(body), content_type="application/json"
        )
    assert response.status_code == case.status, response.content.decode()
    assert response.json()["code"] in ("forbidden", "not_found", "permission_denied")


def _json(body: dict[str, Any] | None) -> str:
    import json

    return json.dumps(body or {})


def _api_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif ns == "api" and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns, "")
    return names


# Endpoints every signed-in person may use, or lists that are scoped rather than refused:
# they are tested in test_api_scoping.py.
OPEN_TO_ALL = {
    "schema",
    "me",
    "teams",
    "agents",
    "schemes",
    "scheme-validate",
    "cycles",
    "results-mine",
}


def test_the_table_covers_every_endpoint() -> None:
    from .qa.test_permissions import API_ROUTES as QA_ROUTES  # the QA API's own table
    from .test_rater_permissions import API_ROUTES as RATER_ROUTES  # assigned raters' table

    covered = (
        {case.route for case in CASES} | OPEN_TO_ALL | POINTS_ROUTES | QA_ROUTES | RATER_ROUTES
    )
    assert _api_routes() - covered == set()
