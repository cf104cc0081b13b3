"""Every points endpoint refuses the wrong person: 404 for agents and entries they may not know
exist, 403 for what only HR (or a supervisor) may do. The last test checks that this table names
every points endpoint; tests/web/test_api_permissions.py counts these routes as covered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from appraise.web.points import services as ps
from appraise.web.points.models import PointsEntry, Source
from points.days import METRIC_VALUES

from .conftest import Ledger


@dataclass
class World:
    ledger: Ledger
    entry: int  # A001's daily_positive of 05-29 (team 一组: sup1's)


@pytest.fixture
def world(ledger: Ledger) -> World:
    ps.points_redeem_month(
        month="2026-05",
        this_month_bookings=Decimal(1125),
        last_month_bookings=Decimal(1000),
        by=ledger.people.hr,
    )
    entry = PointsEntry.objects.get(
        agent__agent_id="A001", period="2026-05-29", source=Source.SCHEME
    )
    return World(ledger, entry.pk)


@dataclass(frozen=True)
class Case:
    route: str
    method: str
    url: Callable[[World], str]
    who: str  # an attribute of People, or "anonymous"
    status: int
    body: dict[str, Any] | None = None
    multipart: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.route} as {self.who} -> {self.status}"


P = "/api/points"
VERSION = "<version>"
RUN_BODY = {"scheme_version": VERSION, "period": "2026-05-29"}
CORRECT = {"points": "1", "reason": "x"}
TEAM2 = "<team2>"
JUNE = {"month": "2026-06", "this_month_bookings": "1", "last_month_bookings": "1"}
Q = "month=2026-06&this_month_bookings=1&last_month_bookings=1"

CASES = [
    Case("points-mine", "GET", lambda w: f"{P}/mine/", "hr", 404),  # HR has no agent profile
    Case("points-mine", "GET", lambda w: f"{P}/mine/", "outsider", 404),
    Case("points-agent", "GET", lambda w: f"{P}/agents/A001/", "b1", 404),
    Case("points-agent", "GET", lambda w: f"{P}/agents/A001/", "sup2", 404),
    Case("points-agent", "GET", lambda w: f"{P}/agents/A004/", "a1", 404),
    Case("points-entries", "GET", lambda w: f"{P}/entries/?agent_id=A001", "b1", 404),
    Case("points-entries", "GET", lambda w: f"{P}/entries/?agent_id=A004", "sup1", 404),
    Case(
        "points-entries",
        "POST",
        lambda w: f"{P}/entries/",
        "sup1",
        403,
        {"agent_id": "A001", "points": "5", "on": "2026-05-31", "reason": "x"},
    ),
    Case(
        "points-entries",
        "POST",
        lambda w: f"{P}/entries/",
        "a1",
        403,
        {"agent_id": "A001", "points": "5", "on": "2026-05-31", "reason": "x"},
    ),
    Case(
        "points-entries",
        "POST",
        lambda w: f"{P}/entries/",
        "b1",
        404,
        {"agent_id": "A001", "points": "5", "on": "2026-05-31", "reason": "x"},
    ),
    Case(
        "points-entry-correct",
        "POST",
        lambda w: f"{P}/entries/{w.entry}/correct/",
        "sup1",
        403,
        CORRECT,
    ),
    Case(
        "points-entry-correct",
        "POST",
        lambda w: f"{P}/entries/{w.entry}/correct/",
        "a1",
        403,
        CORRECT,
    ),
    Case(
        "points-entry-correct",
        "POST",
        lambda w: f"{P}/entries/{w.entry}/correct/",
        "b1",
        404,
        CORRECT,
    ),
    Case(
        "points-entry-correct",
        "POST",
        lambda w: f"{P}/entries/{w.entry}/correct/",
        "sup2",
        404,
        CORRECT,
    ),
    Case(
        "points-leaderboard",
        "GET",
        lambda w: f"{P}/leaderboard/?kind=month&period=2026-05",
        "a1",
        403,
    ),
    Case(
        "points-leaderboard",
        "GET",
        lambda w: f"{P}/leaderboard/?kind=month&period=2026-05",
        "outsider",
        403,
    ),
    Case(
        "points-leaderboard",
        "GET",
        lambda w: f"{P}/leaderboard/?kind=month&period=2026-05&team={w.ledger.people.team2.pk}",
        "sup1",
        404,
    ),
    Case("points-runs", "GET", lambda w: f"{P}/runs/", "sup1", 403),
    Case("points-runs", "POST", lambda w: f"{P}/runs/", "sup1", 403, RUN_BODY, multipart=True),
    Case("points-runs", "POST", lambda w: f"{P}/runs/", "a1", 403, RUN_BODY, multipart=True),
    Case("points-redemptions", "GET", lambda w: f"{P}/redemptions/", "sup1", 403),
    Case(
        "points-redemptions",
        "POST",
        lambda w: f"{P}/redemptions/",
        "sup1",
        403,
        {"month": "2026-06", "this_month_bookings": "1", "last_month_bookings": "1"},
    ),
    Case(
        "points-redemptions",
        "POST",
        lambda w: f"{P}/redemptions/",
        "a1",
        403,
        {"month": "2026-06", "this_month_bookings": "1", "last_month_bookings": "1"},
    ),
    Case(
        "points-redemptions",
        "POST",
        lambda w: f"{P}/redemptions/",
        "anonymous",
        403,  # session and token auth: DRF answers 403, not 401, without credentials
        {"month": "2026-06", "this_month_bookings": "1", "last_month_bookings": "1"},
    ),
    Case(
        "points-redemptions",
        "POST",
        lambda w: f"{P}/redemptions/",
        "sup1",
        403,
        {**JUNE, "fingerprint": "0123456789abcdef"},
    ),
    Case(
        "points-redemption-preview", "GET", lambda w: f"{P}/redemptions/preview/?{Q}", "sup1", 403
    ),
    Case("points-redemption-preview", "GET", lambda w: f"{P}/redemptions/preview/?{Q}", "a1", 403),
    Case(
        "points-redemption-preview",
        "GET",
        lambda w: f"{P}/redemptions/preview/?{Q}",
        "anonymous",
        403,
    ),
    Case("points-redemption", "GET", lambda w: f"{P}/redemptions/2026-05/", "sup1", 403),
    Case("points-redemption", "GET", lambda w: f"{P}/redemptions/2026-05/", "a1", 403),
    Case(
        "points-redemption-export", "GET", lambda w: f"{P}/redemptions/2026-05/export/", "a1", 403
    ),
    Case(
        "points-redemption-export",
        "GET",
        lambda w: f"{P}/redemptions/2026-05/export/?as=csv",
        "sup1",
        403,
    ),
]

ROUTES = frozenset(c.route for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_wrong_person_is_refused(case: Case, world: World, api: Any) -> None:
    client = api(None if case.who == "anonymous" else getattr(world.ledger.people, case.who))
    url = case.url(world)
    body = {
        k: {VERSION: world.ledger.version.pk}.get(v, v) if isinstance(v, str) else v
        for k, v in (case.body or {}).items()
    }
    if case.multipart:
        upload = SimpleUploadedFile("metric_values.csv", METRIC_VALUES.encode("utf-8"))
        response = client.post(url, {**body, "files": [upload]}, format="multipart")
    else:
        response = client.generic(
            case.method, url, data=_json(body), content_type="application/json"
        )
    assert response.status_code == case.status, response.content.decode()
    assert response.json()["code"] in (
        "forbidden",
        "not_found",
        "permission_denied",
        "not_authenticated",
    )


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


def _points_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif ns == "api" and p.name and p.name.startswith("points-"):
                names.add(p.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_the_table_covers_every_points_endpoint() -> None:
    assert _points_routes() - ROUTES == set()
    assert _points_routes()  # the points API is mounted under /api/points/
