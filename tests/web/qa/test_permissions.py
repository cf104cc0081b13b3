"""Every QA page and API endpoint refuses the wrong person: 404 for what they may not know
exists, 403 for what they may see but not do. Each page also serves its right person (200, or a
form's redirect with a success message). The last tests check that the tables name every QA URL;
``PAGE_NAMES`` and ``API_ROUTES`` tell tests/web/pages/test_page_permissions.py and
tests/web/test_api_permissions.py that these are covered here.

The world: every 2026-10 conversation sampled to q1; q1 reviewed A001's bad call K-A001-2 (A001
disputes it, open) and A002's call K-A002-1; W-B001-2 is still to review; q1 and q2 calibrate on
K-B001-1; q3 is a QA reviewer with nothing of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create

from ..conftest import S000
from .conftest import C002, PERIOD, Qa, next_month, qa_files


@dataclass
class World:
    qa: Qa
    todo: int  # the assignment of W-B001-2 (q1's, not reviewed)
    review_a1: int  # K-A001-2, q1's review, disputed by A001 (open)
    review_a2: int  # K-A002-1, q1's review
    dispute: int
    session: int  # calibration: q1 and q2 on K-B001-1
    conv_a1: int  # K-A001-2
    conv_b1: int  # K-B001-1
    spare_version: SchemeVersion  # s000, not a rubric

    def person(self, who: str) -> User | None:
        if who == "anonymous":
            return None
        if who in ("q1", "q2", "q3"):
            return getattr(self.qa, who)  # type: ignore[no-any-return]
        if who == "a2":
            user = self.qa.people.agent_a2.user
            assert user is not None
            return user
        return getattr(self.qa.people, who)  # type: ignore[no-any-return]


@pytest.fixture
def world(qa: Qa) -> World:
    qa.sample(reviewers=[qa.q1])
    bad = qs.review_submit(assignment=qa.assignment("K-A001-2"), by=qa.q1, ratings=C002)
    a2 = qs.review_submit(assignment=qa.assignment("K-A002-1"), by=qa.q1, ratings=C002)
    d = qs.dispute_open(review=bad, by=qa.people.a1, reason="倾听没有问题")
    conv_b1 = Conversation.objects.get(conversation_id="K-B001-1")
    s = qs.calibration_create(
        name="校准",
        rubric=qa.rubric,
        conversations=[conv_b1],
        reviewers=[qa.q1, qa.q2],
        by=qa.people.hr,
    )
    spare = scheme_version_create(
        by=qa.people.hr, text=S000.read_text(encoding="utf-8"), file="s000.yaml"
    )
    return World(
        qa,
        qa.assignment("W-B001-2").pk,
        bad.pk,
        a2.pk,
        d.pk,
        s.pk,
        bad.conversation_id,
        conv_b1.pk,
        spare,
    )


OK = 200
SUCCESS = -1  # a form's redirect carrying a success message and no error (warnings may come)


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[World], str]
    wrong: list[tuple[str, int]]
    right: tuple[str, int]
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    prepare: Callable[[World], None] | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


def _form(ratings: dict[str, str]) -> dict[str, str]:
    return {f"item_{k}": v for k, v in ratings.items()}


def _november(w: World) -> None:
    qs.conversation_import(period="2026-11", by=w.qa.people.hr, files=qa_files(next_month()))


def _import_files(w: World) -> dict[str, Any]:
    return {
        "period": "2026-11",
        "files": [
            SimpleUploadedFile(name, content) for name, content in qa_files(next_month()).items()
        ],
    }


PAGES = [
    Route("qa-home", lambda w: "/qa/", [("outsider", 403)], ("q1", 302)),
    Route(
        "qa-queue",
        lambda w: "/qa/queue/",
        [("a1", 403), ("sup1", 403), ("outsider", 403)],
        ("q1", OK),
    ),
    Route(
        "qa-assignment",
        lambda w: f"/qa/assignments/{w.todo}/",
        [("q2", 404), ("b1", 404), ("sup2", 404), ("a1", 404)],
        ("q1", OK),
    ),
    Route(
        "qa-assignment",
        lambda w: f"/qa/assignments/{w.todo}/",
        [("q2", 404), ("b1", 404), ("hr", 403)],  # HR sees it but is not the reviewer
        ("q1", 302),
        method="POST",
        data=lambda w: _form({**C002, "hang_up": "N/A"}),
    ),
    Route(
        "qa-preview",
        lambda w: f"/qa/conversations/{w.conv_a1}/preview/{w.qa.rubric.pk}/",
        [("b1", 404), ("sup2", 404), ("a2", 404)],
        ("q1", OK),
        method="POST",
        data=lambda w: _form(C002),
    ),
    Route(
        "qa-conversation",
        lambda w: f"/qa/conversations/{w.conv_a1}/",
        [("b1", 404), ("sup2", 404), ("a2", 404)],
        ("sup1", OK),
    ),
    Route("qa-reviews", lambda w: "/qa/reviews/", [("outsider", 403)], ("a1", OK)),
    Route(
        "qa-review",
        lambda w: f"/qa/reviews/{w.review_a2}/",
        [("a1", 404), ("b1", 404), ("sup2", 404), ("q3", 404)],
        ("sup1", OK),
    ),
    Route(
        "qa-dispute-open",
        lambda w: f"/qa/reviews/{w.review_a2}/dispute/",
        [("a1", 404), ("sup1", 403), ("q1", 403), ("hr", 403)],
        ("a2", SUCCESS),
        method="POST",
        data=lambda w: {"reason": "我有安抚客户"},
    ),
    Route("qa-disputes", lambda w: "/qa/disputes/", [("outsider", 403)], ("q2", OK)),
    Route(
        "qa-dispute",
        lambda w: f"/qa/disputes/{w.dispute}/",
        [("b1", 404), ("sup2", 404), ("a2", 404)],
        ("q2", OK),
    ),
    Route(
        "qa-dispute-decide",
        lambda w: f"/qa/disputes/{w.dispute}/decide/",
        [("q1", 403), ("a1", 403), ("sup1", 403), ("hr", 403), ("b1", 404)],
        ("q2", SUCCESS),
        method="POST",
        data=lambda w: {"decision": "reject", "note": "录音中确有忌语"},
    ),
    Route(
        "qa-dispute-assign",
        lambda w: f"/qa/disputes/{w.dispute}/assign/",
        [("q2", 403), ("a1", 403), ("sup1", 403), ("b1", 404)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"reviewer": w.qa.q3.pk},
    ),
    Route(
        "qa-calibrations",
        lambda w: "/qa/calibration/",
        [("a1", 403), ("sup1", 403), ("outsider", 403)],
        ("q1", OK),
    ),
    Route(
        "qa-calibrations",
        lambda w: "/qa/calibration/",
        [("q1", 403), ("a1", 403)],
        ("hr", 302),
        method="POST",
        data=lambda w: {
            "name": "二次校准",
            "rubric": w.qa.rubric.pk,
            "conversations": "K-A001-1 W-A001-3",
            "reviewers": [w.qa.q2.pk, w.qa.q3.pk],
        },
    ),
    Route(
        "qa-calibration",
        lambda w: f"/qa/calibration/{w.session}/",
        [("q3", 404), ("a1", 404), ("sup2", 404)],
        ("q2", OK),
    ),
    Route(
        "qa-calibration-score",
        lambda w: f"/qa/calibration/{w.session}/conversations/{w.conv_b1}/",
        [("q3", 404), ("b1", 404)],
        ("q1", OK),
    ),
    Route(
        "qa-calibration-score",
        lambda w: f"/qa/calibration/{w.session}/conversations/{w.conv_b1}/",
        [("q3", 404), ("hr", 403)],  # HR holds the session but does not score in it
        ("q1", 302),
        method="POST",
        data=lambda w: _form(C002),
    ),
    Route(
        "qa-calibration-close",
        lambda w: f"/qa/calibration/{w.session}/close/",
        [("q1", 403), ("q3", 404)],
        ("hr", SUCCESS),
        method="POST",
    ),
    Route("qa-figures", lambda w: "/qa/figures/", [("outsider", 403)], ("sup1", OK)),
    Route(
        "qa-manage",
        lambda w: "/qa/manage/",
        [("q1", 403), ("sup1", 403), ("a1", 403)],
        ("hr", OK),
    ),
    Route(
        "qa-manage-rubric",
        lambda w: "/qa/manage/rubrics/",
        [("q1", 403), ("sup1", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"scheme_version": w.spare_version.pk, "na_items": "*"},
    ),
    Route(
        "qa-manage-import",
        lambda w: "/qa/manage/imports/",
        [("q1", 403), ("sup1", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=_import_files,
    ),
    Route(
        "qa-manage-sample",
        lambda w: "/qa/manage/samples/",
        [("q1", 403), ("sup1", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {
            "period": "2026-11",
            "per_agent": "1",
            "seed": "3",
            "reviewers": [w.qa.q2.pk],
        },
        prepare=_november,
    ),
    # The rule test bench is for who changes the QA config (HR, who imports it); running a
    # draft answers the page again with its hits (nothing is saved, so no redirect).
    Route(
        "qa-rule-bench",
        lambda w: "/qa/rules/test/",
        [("q1", 403), ("sup1", 403), ("a1", 403), ("outsider", 403)],
        ("hr", OK),
    ),
    Route(
        "qa-rule-bench",
        lambda w: "/qa/rules/test/",
        [("q1", 403), ("sup1", 403), ("a1", 403)],
        ("hr", OK),
        method="POST",
        data=lambda w: {
            "draft": "id: taboo_test\nconditions:\n  1: {keywords: [我不知道]}\n",
            "period": PERIOD,
            "sample": "10",
            "seed": "0",
        },
    ),
]

PAGE_NAMES = {r.name for r in PAGES}


def _page(w: World, route: Route, who: str) -> HttpResponse:
    client = Client()
    user = w.person(who)
    if user is not None:
        client.force_login(user)
    if route.method == "GET":
        return client.get(route.url(w))
    return client.post(route.url(w), route.data(w))


@pytest.mark.parametrize("route", PAGES, ids=str)
def test_every_page_refuses_the_wrong_person_and_serves_the_right_one(
    route: Route, world: World
) -> None:
    for who, expected in route.wrong:
        response = _page(world, route, who)
        assert response.status_code == expected, f"{route} as {who}: {response.status_code}"
    response = _page(world, route, "anonymous")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    if route.prepare is not None:
        route.prepare(world)
    who, expected = route.right
    response = _page(world, route, who)
    if expected == SUCCESS:
        assert response.status_code == 302, response.content.decode()[:2000]
        got = list(get_messages(response.wsgi_request))
        levels = {m.level for m in got}
        assert constants.SUCCESS in levels and constants.ERROR not in levels, [str(m) for m in got]
    else:
        assert response.status_code == expected, response.content.decode()[:2000]


# ------------------------------------------------------------------------------------- the API


@dataclass(frozen=True)
class Case:
    route: str
    method: str
    url: Callable[[World], str]
    who: str
    status: int
    body: Callable[[World], dict[str, Any]] = field(default=lambda w: {})

    def __str__(self) -> str:
        return f"{self.method} {self.route} as {self.who} -> {self.status}"


Q = "/api/qa"
API = [
    Case(
        "qa-rubrics",
        "POST",
        lambda w: f"{Q}/rubrics/",
        "q1",
        403,
        lambda w: {"scheme_version": w.spare_version.pk},
    ),
    Case("qa-imports", "GET", lambda w: f"{Q}/imports/", "q1", 403),
    Case("qa-imports", "GET", lambda w: f"{Q}/imports/", "sup1", 403),
    Case("qa-conversation", "GET", lambda w: f"{Q}/conversations/{w.conv_a1}/", "b1", 404),
    Case("qa-conversation", "GET", lambda w: f"{Q}/conversations/{w.conv_a1}/", "sup2", 404),
    Case(
        "qa-conversation-preview",
        "POST",
        lambda w: f"{Q}/conversations/{w.conv_a1}/preview/",
        "b1",
        404,
        lambda w: {"rubric": w.qa.rubric.pk, "ratings": C002},
    ),
    Case("qa-runs", "GET", lambda w: f"{Q}/runs/", "q1", 403),
    Case(
        "qa-runs",
        "POST",
        lambda w: f"{Q}/runs/",
        "q1",
        403,
        lambda w: {"period": PERIOD, "reviewers": ["q1"]},
    ),
    Case("qa-run", "GET", lambda w: f"{Q}/runs/1/", "sup1", 403),
    Case("qa-assignment", "GET", lambda w: f"{Q}/assignments/{w.todo}/", "q2", 404),
    Case("qa-assignment", "GET", lambda w: f"{Q}/assignments/{w.todo}/", "b1", 404),
    Case(
        "qa-assignment-review",
        "POST",
        lambda w: f"{Q}/assignments/{w.todo}/review/",
        "q2",
        404,
        lambda w: {"ratings": C002},
    ),
    Case(
        "qa-assignment-review",
        "POST",
        lambda w: f"{Q}/assignments/{w.todo}/review/",
        "hr",
        403,
        lambda w: {"ratings": C002},
    ),
    Case("qa-review", "GET", lambda w: f"{Q}/reviews/{w.review_a2}/", "a1", 404),
    Case("qa-review", "GET", lambda w: f"{Q}/reviews/{w.review_a2}/", "q3", 404),
    Case(
        "qa-review-dispute",
        "POST",
        lambda w: f"{Q}/reviews/{w.review_a2}/dispute/",
        "sup1",
        403,
        lambda w: {"reason": "x"},
    ),
    Case(
        "qa-review-dispute",
        "POST",
        lambda w: f"{Q}/reviews/{w.review_a2}/dispute/",
        "b1",
        404,
        lambda w: {"reason": "x"},
    ),
    Case("qa-dispute", "GET", lambda w: f"{Q}/disputes/{w.dispute}/", "b1", 404),
    Case(
        "qa-dispute-assign",
        "POST",
        lambda w: f"{Q}/disputes/{w.dispute}/assign/",
        "q2",
        403,
        lambda w: {"reviewer": "q3"},
    ),
    Case(
        "qa-dispute-decide",
        "POST",
        lambda w: f"{Q}/disputes/{w.dispute}/decide/",
        "q1",
        403,
        lambda w: {"decision": "reject", "note": "x"},
    ),
    Case(
        "qa-dispute-decide",
        "POST",
        lambda w: f"{Q}/disputes/{w.dispute}/decide/",
        "a1",
        403,
        lambda w: {"decision": "reject", "note": "x"},
    ),
    Case(
        "qa-calibrations",
        "POST",
        lambda w: f"{Q}/calibrations/",
        "q1",
        403,
        lambda w: {
            "name": "x",
            "rubric": w.qa.rubric.pk,
            "conversations": ["K-A001-1"],
            "reviewers": ["q1", "q2"],
        },
    ),
    Case("qa-calibration", "GET", lambda w: f"{Q}/calibrations/{w.session}/", "q3", 404),
    Case(
        "qa-calibration-review",
        "POST",
        lambda w: f"{Q}/calibrations/{w.session}/reviews/",
        "q3",
        404,
        lambda w: {"conversation": "K-B001-1", "ratings": C002},
    ),
    Case(
        "qa-calibration-review",
        "POST",
        lambda w: f"{Q}/calibrations/{w.session}/reviews/",
        "hr",
        403,
        lambda w: {"conversation": "K-B001-1", "ratings": C002},
    ),
    Case(
        "qa-calibration-close", "POST", lambda w: f"{Q}/calibrations/{w.session}/close/", "q1", 403
    ),
    Case("qa-figures", "GET", lambda w: f"{Q}/figures/?period={PERIOD}", "outsider", 403),
    *(
        Case(
            "qa-rules-test",
            "POST",
            lambda w: f"{Q}/rules/test/",
            who,
            403,
            lambda w: {"draft": "id: x\nconditions:\n  1: {keywords: [你好]}\n", "period": PERIOD},
        )
        for who in ("q1", "sup1", "a1")
    ),
]

# Lists every signed-in person may read (rubrics are rules) or that are scoped, not refused;
# test_api.py checks what each person sees in them.
API_OPEN = {
    "qa-rubrics",
    "qa-rubric",
    "qa-conversations",
    "qa-assignments",
    "qa-reviews",
    "qa-disputes",
    "qa-calibrations",
}
API_ROUTES = {c.route for c in API} | API_OPEN


@pytest.mark.parametrize("case", API, ids=str)
def test_every_endpoint_refuses_the_wrong_person(case: Case, world: World) -> None:
    client = APIClient()
    user = world.person(case.who)
    assert user is not None
    client.force_login(user)
    response = client.generic(
        case.method, case.url(world), data=_json(case.body(world)), content_type="application/json"
    )
    assert response.status_code == case.status, response.content.decode()
    assert response.json()["code"] in ("forbidden", "not_found")


def test_a_multipart_import_by_a_supervisor_is_refused(world: World) -> None:
    client = APIClient()
    client.force_login(world.qa.people.sup1)
    response = client.post(f"{Q}/imports/", _import_files(world), format="multipart")
    assert response.status_code == 403


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


def _names(ns: str) -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], current: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or current)
            elif current == ns and p.name and p.name.startswith("qa-"):
                found.add(p.name)

    walk(get_resolver().url_patterns, "")
    return found


def test_the_tables_name_every_qa_page_and_endpoint() -> None:
    import appraise.web.qa.page_urls as page_urls
    import appraise.web.qa.urls as api_urls

    assert {p.name for p in page_urls.urlpatterns if isinstance(p, URLPattern)} == PAGE_NAMES
    assert {p.name for p in api_urls.urlpatterns if isinstance(p, URLPattern)} == API_ROUTES
    # ... and both are mounted: the pages at /qa/, the API in its namespace under /api/qa/.
    assert _names("api") == API_ROUTES
    assert get_resolver().resolve("/qa/queue/").url_name == "qa-queue"
