"""Every page refuses the wrong person and serves the right one.

For each URL name of ``appraise.web.pages.urls`` a :class:`Route` names the wrong people (an
agent of another team, a supervisor of another team, an agent on an HR page...) with the status
they get (404 when they may not know the object exists, 403 when they may see it but not act),
and the right person, who gets the page (200) or, for a form, the redirect of a success with no
error message. Signed out, every page but sign-in sends the person to the login page. The last
test fails when a URL name is added without a route here.

The world (tests/web/conftest.py): team 一组 = A001 (a1), A002 (a2), supervisor sup1; team 二组 =
B001 (b1), supervisor sup2; manager is the indirect supervisor of both; hr; admin; outsider (no
role).

An app that includes its own pages here (``path("points/", include(...))``) may keep their cases
in its own tests: a module ``tests/web/<app>/test_*permissions*.py`` that lists the URL names it
covers in ``PAGE_NAMES`` (namespaced: ``{"points:runs", ...}``) counts for the last test.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from appraise.web.appeals import services as appeals
from appraise.web.appeals.models import Appeal
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.services import rating_set
from appraise.web.interviews import services as interviews
from appraise.web.interviews.models import GapFlag
from appraise.web.org.models import Agent
from appraise.web.pages.builder import from_yaml
from appraise.web.tasks.models import Task

from ..conftest import PAPER, S000, S000_WEIGHTS, Advance, People, ratings_csv


@dataclass
class World:
    people: People
    advance: Advance
    cycle: Cycle  # both teams, in the appeal window, A001 has an open appeal
    team1_cycle: Cycle  # team 一组 only, a draft
    appeal: Appeal  # A001's, with the supervisor
    interview: int  # sup1's record for A001, not signed
    gap: GapFlag  # A001 rated themselves 100, the paper says 80: a grade apart
    task: Task
    other: Cycle | None = None  # a cycle a route prepares in the state its form needs

    def person(self, who: str) -> User | None:
        if who == "anonymous":
            return None
        if who == "a2":
            user = self.people.agent_a2.user
            assert user is not None
            return user
        user = getattr(self.people, who)
        assert isinstance(user, User)
        return user

    def fresh(self, state: str) -> Cycle:
        """Another cycle of both teams on the same paper ratings, moved up to ``state``."""
        self.other = cs.cycle_create(
            by=self.people.hr,
            name="另一次考核",
            scheme_version=self.cycle.scheme_version,
            period="2026-10",
            teams=[self.people.team1, self.people.team2],
            allow_duplicate=True,  # the same agents and month as the world's cycle, on purpose
        )
        return self.advance(self.other, state)


def self_rate(cycle: Cycle, people: People, value: str) -> None:
    for indicator in S000_WEIGHTS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="self",
            value=value,
            by=people.a1,
        )


@pytest.fixture
def world(people: People, cycle: Cycle, advance: Advance) -> World:
    advance(cycle, "self_assessment")
    self_rate(cycle, people, "100")
    advance(cycle, "appeal_window")
    record = interviews.interview_write(
        cycle=cycle, agent=people.agent_a1, by=people.sup1, content="面谈"
    )
    appeal = appeals.appeal_file(cycle=cycle, by=people.a1, reasons="投诉率算错了")
    team1_cycle = cs.cycle_create(
        by=people.hr,
        name="一组十一月",
        scheme_version=cycle.scheme_version,
        period="2026-11",
        teams=[people.team1],
    )
    task = Task.objects.create(kind="cycle_compute", cycle=cycle, created_by=people.hr)
    return World(
        people,
        advance,
        cycle,
        team1_cycle,
        appeal,
        record.pk,
        GapFlag.objects.get(cycle=cycle, agent=people.agent_a1),
        task,
    )


OK = 200
SUCCESS = "success"  # a form's redirect, with a success message and no error


@dataclass
class Route:
    name: str
    url: Callable[[World], str]
    wrong: list[tuple[str, int]]  # (who, status), checked before the right person acts
    right: tuple[str, int | str]
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    # Moves the world into the state the right person's form needs (after the wrong ones).
    prepare: Callable[[World], None] | None = None
    public: bool = False  # signed-out people may use it

    def __str__(self) -> str:
        return self.name


def _do(w: World, route: Route, who: str) -> HttpResponse:
    client = Client()
    user = w.person(who)
    if user is not None:
        client.force_login(user)
    url = route.url(w)
    if route.method == "GET":
        return client.get(url)
    return client.post(url, route.data(w))


def _cycle(w: World) -> int:
    return w.cycle.pk


def _t1(w: World) -> int:
    return w.team1_cycle.pk


def _prepared(w: World) -> int:
    """The cycle a route's prepare made for the right person, else the world's."""
    return (w.other or w.cycle).pk


def _upheld(w: World) -> None:
    appeals.appeal_decide(appeal=w.appeal, by=w.people.sup1, decision="uphold", note="属实")


def _gap_in_supervisor_rating(w: World) -> None:
    other = w.fresh("self_assessment")
    self_rate(other, w.people, "100")
    cs.cycle_compute(cycle=other, by=w.people.hr)  # the gap is found when scored
    w.advance(other, "supervisor_rating")
    w.gap = GapFlag.objects.get(cycle=other, agent=w.people.agent_a1)


SCHEME_TEXT = S000.read_text(encoding="utf-8")
# A version that differs from the seed's: the same scheme under a new name.
EDITED = SCHEME_TEXT.replace("name: ", "name: 修订 ", 1)

ROUTES = [
    Route("home", lambda w: "/", [], ("outsider", OK)),
    Route("login", lambda w: "/login/", [], ("anonymous", OK), public=True),
    Route("logout", lambda w: "/logout/", [], ("a1", 302), method="POST", public=True),
    Route(
        "set_language",
        lambda w: "/i18n/setlang/",
        [],
        ("anonymous", 302),
        method="POST",
        data=lambda w: {"language": "en"},
        public=True,
    ),
    # agent
    Route("me", lambda w: "/me/", [("sup1", 404), ("hr", 404), ("outsider", 404)], ("a1", OK)),
    Route(
        "me-cycle",
        lambda w: f"/me/{_t1(w)}/",
        [("b1", 404), ("sup1", 404), ("hr", 404)],
        ("a1", OK),
    ),
    Route(
        "self-assess",
        lambda w: f"/me/{_t1(w)}/self/",
        [("b1", 404), ("sup1", 404), ("hr", 404)],
        ("a1", SUCCESS),
        method="POST",
        data=lambda w: {"ind_courtesy": "90"},
        prepare=lambda w: w.advance(w.team1_cycle, "self_assessment") and None,
    ),
    Route(
        "appeal-file",
        lambda w: f"/me/{_cycle(w)}/appeal/",
        [("sup1", 403), ("hr", 403), ("outsider", 404)],
        ("a2", SUCCESS),
        method="POST",
        data=lambda w: {"reasons": "满意度样本太少"},
    ),
    Route(
        "interview-sign",
        lambda w: f"/interviews/{w.interview}/sign/",
        [("b1", 404), ("a2", 404), ("sup2", 404), ("sup1", 403), ("hr", 403)],
        ("a1", SUCCESS),
        method="POST",
        data=lambda w: {"comment": "已阅"},
    ),
    # supervisor
    Route(
        "team", lambda w: "/team/", [("a1", 403), ("outsider", 403), ("admin", 403)], ("sup1", OK)
    ),
    Route(
        "rate",
        lambda w: f"/team/{_cycle(w)}/rate/A001/",
        [("sup2", 404), ("a2", 404), ("b1", 404), ("manager", 403), ("a1", 403)],
        ("sup1", OK),
    ),
    Route(
        "interview-write",
        lambda w: f"/team/{_cycle(w)}/interview/A001/",
        [("sup2", 404), ("b1", 404), ("manager", 403), ("hr", 403), ("a1", 403)],
        ("sup1", OK),
    ),
    Route(
        "gap-reassess",
        lambda w: f"/gaps/{w.gap.pk}/reassess/",
        [("sup2", 404), ("a1", 404), ("b1", 404), ("hr", 403)],
        ("sup1", SUCCESS),
        method="POST",
        prepare=_gap_in_supervisor_rating,
    ),
    Route(
        "confirm-team",
        lambda w: f"/cycles/{_prepared(w)}/confirm/{w.people.team1.pk}/",
        [("sup1", 403), ("sup2", 404), ("b1", 404), ("a1", 404)],
        ("manager", SUCCESS),
        method="POST",
        prepare=lambda w: w.fresh("indirect_audit") and None,
    ),
    # appeals
    Route("appeals", lambda w: "/appeals/", [("outsider", 403), ("admin", 403)], ("a1", OK)),
    Route(
        "appeal",
        lambda w: f"/appeals/{w.appeal.pk}/",
        [("sup2", 404), ("b1", 404), ("a2", 404), ("outsider", 404)],
        ("sup1", OK),
    ),
    Route(
        "appeal-decide",
        lambda w: f"/appeals/{w.appeal.pk}/decide/",
        [("b1", 404), ("sup2", 404), ("a1", 403), ("hr", 403), ("manager", 403)],
        ("sup1", SUCCESS),
        method="POST",
        data=lambda w: {"decision": "reject", "note": "数据无误"},
    ),
    Route(
        "appeal-escalate",
        lambda w: f"/appeals/{w.appeal.pk}/escalate/",
        [("sup2", 404), ("b1", 404), ("manager", 403), ("hr", 403)],
        ("a1", SUCCESS),
        method="POST",
    ),
    Route(
        "appeal-correct",
        lambda w: f"/appeals/{w.appeal.pk}/correct/",
        [("sup2", 404), ("b1", 404), ("sup1", 403), ("a1", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"ind_complaint_rate__supervisor": "90"},
        prepare=_upheld,
    ),
    # HR: cycles
    Route(
        "cycles",
        lambda w: "/cycles/",
        [("sup1", 403), ("a1", 403), ("admin", 403), ("manager", 403)],
        ("hr", OK),
    ),
    Route(
        "cycle",
        lambda w: f"/cycles/{_cycle(w)}/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("outsider", 404)],
        ("hr", OK),
    ),
    Route(
        "cycle-import",
        lambda w: f"/cycles/{_t1(w)}/import/",
        [("sup1", 403), ("b1", 404), ("sup2", 404), ("a1", 403)],
        ("hr", OK),
        method="POST",
        data=lambda w: {
            "files": [SimpleUploadedFile("ratings.csv", ratings_csv({"A001": PAPER["A001"]}))]
        },
    ),
    Route(
        "cycle-compute",
        lambda w: f"/cycles/{_t1(w)}/compute/",
        [("sup1", 403), ("b1", 404), ("a1", 403)],
        ("hr", OK),
        method="POST",
        prepare=lambda w: w.advance(w.team1_cycle, "data_imported") and None,
    ),
    Route(
        "cycle-file-remove",
        lambda w: f"/cycles/{_t1(w)}/files/remove/",
        [("sup1", 403), ("b1", 404), ("a1", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"name": "ratings.csv"},
        prepare=lambda w: w.advance(w.team1_cycle, "data_imported") and None,
    ),
    Route(
        "cycle-calibrate",
        lambda w: f"/cycles/{_prepared(w)}/calibrate/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("outsider", 404)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"agent_id": "A001", "grade": "称职", "note": "面谈后调整"},
        prepare=lambda w: w.fresh("calibration") and None,
    ),
    Route(
        "cycle-delete",
        lambda w: f"/cycles/{_t1(w)}/delete/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("b1", 404), ("outsider", 404)],
        ("hr", SUCCESS),
        method="POST",
    ),
    Route(
        "cycle-action",
        lambda w: f"/cycles/{_cycle(w)}/do/rescore/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("outsider", 404)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"reason": "补录工单"},
    ),
    Route(
        "agent-scorecard",
        lambda w: f"/cycles/{_cycle(w)}/agents/A001/",
        [("sup2", 404), ("a2", 404), ("b1", 404), ("outsider", 404)],
        ("sup1", OK),
    ),
    Route(
        "agent-correct",
        lambda w: f"/cycles/{_cycle(w)}/agents/A001/correct/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("a2", 404), ("b1", 404), ("sup2", 404)],
        ("hr", OK),
    ),
    Route(
        "task",
        lambda w: f"/tasks/{w.task.pk}/",
        [("sup1", 404), ("a1", 404), ("manager", 404)],
        ("hr", OK),
    ),
    Route(
        "task-rerun",
        lambda w: f"/tasks/{w.task.pk}/rerun/",
        [("sup1", 404), ("a1", 404), ("manager", 404)],
        ("hr", OK),
        method="POST",
        prepare=lambda w: Task.objects.filter(pk=w.task.pk).update(status="failed") and None,
    ),
    # exports
    Route(
        "scorecard-pdf",
        lambda w: f"/cycles/{_cycle(w)}/scorecards/A001.pdf",
        [("a2", 404), ("b1", 404), ("sup2", 404), ("outsider", 404)],
        ("a1", OK),
    ),
    # Scoped like the single PDF: each gets the forms they may see; nobody's are refused.
    Route(
        "scorecards-bulk",
        lambda w: f"/cycles/{_cycle(w)}/scorecards.zip",
        [("outsider", 404)],
        ("a1", OK),
    ),
    Route(
        "payroll-xlsx",
        lambda w: f"/cycles/{_cycle(w)}/results.xlsx",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("outsider", 404)],
        ("hr", OK),
    ),
    # schemes: everyone signed in reads them; only HR writes
    Route("schemes", lambda w: "/schemes/", [], ("a1", OK)),
    Route(
        "scheme-new",
        lambda w: "/schemes/new/",
        [("sup1", 403), ("a1", 403), ("admin", 403)],
        ("hr", 302),
        method="POST",
        data=lambda w: {"text": EDITED},
    ),
    Route(
        "scheme",
        lambda w: f"/schemes/{w.cycle.scheme_version_id}/",
        [("sup1", 403), ("a1", 403)],
        ("hr", 302),
        method="POST",
        data=lambda w: {"text": EDITED},
    ),
    Route(
        "scheme-validate",
        lambda w: "/schemes/validate/",
        [],
        ("a1", OK),
        method="POST",
        data=lambda w: {"text": SCHEME_TEXT},
    ),
    Route(
        "scheme-preview",
        lambda w: "/schemes/preview/",
        [],
        ("sup1", OK),
        method="POST",
        data=lambda w: {"text": SCHEME_TEXT},
    ),
    # The builder writes schemes: HR only, even for the live checks.
    Route(
        "scheme-builder",
        lambda w: "/schemes/builder/",
        [("sup1", 403), ("a1", 403), ("admin", 403)],
        ("hr", 302),
        method="POST",
        data=lambda w: {"state": json.dumps(from_yaml(EDITED))},
    ),
    Route(
        "scheme-builder-sync",
        lambda w: "/schemes/builder/sync/",
        [("sup1", 403), ("a1", 403)],
        ("hr", OK),
        method="POST",
        data=lambda w: {"state": json.dumps(from_yaml(SCHEME_TEXT)), "str:name": "改名"},
    ),
    Route(
        "scheme-builder-op",
        lambda w: "/schemes/builder/op/",
        [("sup1", 403), ("a1", 403)],
        ("hr", OK),
        method="POST",
        data=lambda w: {"state": json.dumps(from_yaml(SCHEME_TEXT)), "op": "add:indicators"},
    ),
    Route(
        "scheme-builder-yaml",
        lambda w: "/schemes/builder/yaml/",
        [("sup1", 403), ("a1", 403)],
        ("hr", OK),
        method="POST",
        data=lambda w: {"text": SCHEME_TEXT},
    ),
    # HR: the organisation (a supervisor leads a team but does not define teams)
    Route(
        "org",
        lambda w: "/org/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("admin", 403), ("outsider", 403)],
        ("hr", OK),
    ),
    Route(
        "org-team-new",
        lambda w: "/org/teams/",
        [("sup1", 403), ("a1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"name": "三组", "supervisors": [w.people.sup2.pk]},
    ),
    Route(
        "org-team-supervisors",
        lambda w: f"/org/teams/{w.people.team1.pk}/supervisors/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {
            f"t{w.people.team1.pk}-supervisors": [w.people.sup1.pk, w.people.sup2.pk],
            f"t{w.people.team1.pk}-indirect_supervisor": w.people.manager.pk,
        },
    ),
    Route(
        "org-agent-new",
        lambda w: "/org/agents/",
        [("sup1", 403), ("a1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"agent_id": "C001", "name": "赵六", "team": w.people.team2.pk},
    ),
    Route(
        "org-agent-edit",
        lambda w: "/org/agents/A001/",
        [("sup1", 403), ("sup2", 403), ("a1", 403), ("b1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"name": "张三丰", "team": w.people.team1.pk},
    ),
    Route(
        "org-agents-upload",
        lambda w: "/org/agents/upload/",
        [("sup1", 403), ("a1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {
            "file": SimpleUploadedFile(
                "agents.csv", "agent_id,name,team\nC002,钱七,二组\n".encode()
            )
        },
    ),
    Route(
        "org-logins",
        lambda w: "/org/logins/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("admin", 403), ("outsider", 403)],
        ("hr", OK),
    ),
    Route(
        "org-logins-create",
        lambda w: "/org/logins/create/",
        [("sup1", 403), ("a1", 403), ("admin", 403)],
        ("hr", OK),  # the page with the one-time passwords, shown once
        method="POST",
        prepare=lambda w: (
            Agent.objects.create(agent_id="C009", name="赵九", team=w.people.team2) and None
        ),
    ),
    Route(
        "org-login-reset",
        lambda w: "/org/agents/A001/password/",
        [("sup1", 403), ("a1", 403), ("b1", 403), ("admin", 403)],
        ("hr", OK),
        method="POST",
    ),
    Route(
        "org-login-active",
        lambda w: "/org/agents/B001/login/",
        [("sup2", 403), ("b1", 403), ("manager", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"active": "0", "note": "2026-10-31 离职"},
    ),
    # audit and administration
    Route(
        "audit",
        lambda w: "/audit/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("outsider", 403)],
        ("hr", OK),
    ),
    Route(
        "people",
        lambda w: "/people/",
        [("hr", 403), ("sup1", 403), ("a1", 403)],
        ("admin", OK),
    ),
    Route(
        "people-roles",
        lambda w: f"/people/{w.people.a1.pk}/roles/",
        [("hr", 403), ("sup1", 403), ("a1", 403)],
        ("admin", 302),
        method="POST",
        data=lambda w: {f"u{w.people.a1.pk}-roles": ["agent"]},
    ),
    Route(
        "people-token",
        lambda w: f"/people/{w.people.a1.pk}/token/",
        [("hr", 403), ("sup1", 403), ("a1", 403)],
        ("admin", 302),
        method="POST",
    ),
]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_wrong_person_is_refused_and_the_right_one_served(route: Route, world: World) -> None:
    for who, status in route.wrong:
        response = _do(world, route, who)
        assert response.status_code == status, (
            f"{route.name} as {who}: {response.status_code}, expected {status}"
        )
    if not route.public:
        # Signed out: the login page, which comes back here after signing in.
        response = _do(world, route, "anonymous")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    if route.prepare is not None:
        route.prepare(world)
    who, expected = route.right
    response = _do(world, route, who)
    if expected == SUCCESS:
        assert response.status_code == 302, response.content.decode()[:2000]
        levels = [m.level for m in get_messages(response.wsgi_request)]
        errors = [str(m) for m in get_messages(response.wsgi_request)]
        assert levels and all(level == constants.SUCCESS for level in levels), errors
    else:
        assert response.status_code == expected, response.content.decode()[:2000]


def _page_routes() -> set[str]:
    """Every URL name reachable from the pages' URL map (includes too), API excluded."""
    import appraise.web.pages.urls as pages_urls

    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                prefix = f"{p.namespace}:" if p.namespace else ""
                before = set(names)
                walk(p.url_patterns)
                if prefix:
                    added = names - before
                    names.difference_update(added)
                    names.update(prefix + n for n in added)
            elif p.name:
                names.add(p.name)

    walk(pages_urls.urlpatterns)
    return names


def _covered_elsewhere() -> set[str]:
    """The page URL names another app's permission tests cover (their ``PAGE_NAMES``)."""
    here = Path(__file__).resolve()
    # The folder module names start from (as pytest imported this one).
    base = here.parents[len(__name__.split(".")) - 1]
    names: set[str] = set()
    for path in sorted(here.parents[1].glob("**/test_*permissions*.py")):
        if path == here:
            continue
        module = importlib.import_module(".".join(path.relative_to(base).with_suffix("").parts))
        names |= set(getattr(module, "PAGE_NAMES", ()))
    return names


def test_every_page_url_name_has_a_route_here() -> None:
    assert _page_routes(), "the pages' URL map is empty"
    assert get_resolver().resolve("/me/").url_name == "me"  # the pages are mounted at /
    missing = _page_routes() - {r.name for r in ROUTES} - _covered_elsewhere()
    assert missing == set(), (
        f"no wrong-person case for {sorted(missing)}: add a Route here, or list the names in "
        "PAGE_NAMES of the app's tests/web/<app>/test_*permissions*.py"
    )
