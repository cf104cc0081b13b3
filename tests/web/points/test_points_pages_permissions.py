"""Every points page refuses the wrong person: 404 for an agent or entry they may not know exists,
403 for what only HR (or a leader) may do; nobody signed in goes to the login page. A refused
POST writes nothing. The last test fails when a page of appraise.web.points.page_urls has no case
here (tests/web/pages/test_page_permissions.py leaves the ``points:`` names to this file).

The organisation (tests/web/conftest.py and ./conftest.py): sup1 leads 一组 (A001, A002, A003),
sup2 leads 二组 (B001, A004, A005, A006), a1 is A001, b1 is B001, hr is HR, admin only
administers, outsider has no role; manager is the indirect supervisor of both teams.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver

from appraise.web.points import services as ps
from appraise.web.points.models import Payout, PointsEntry, PointsRun, Redemption, Source
from points.days import METRIC_VALUES

from .conftest import Ledger


@dataclass
class World:
    ledger: Ledger
    entry: int  # A001's daily_positive of 05-29 (team 一组: sup1's)
    run: int  # the run of 05-29


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
    run = PointsRun.objects.get(period="2026-05-29")
    return World(ledger, entry.pk, run.pk)


@dataclass(frozen=True)
class Case:
    name: str  # the URL name in the points namespace
    url: Callable[[World], str]
    who: str  # an attribute of People
    status: int
    method: str = "GET"
    body: dict[str, str] = field(default_factory=dict)
    upload: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.name} as {self.who} -> {self.status}"


def _team2(w: World) -> int:
    return w.ledger.people.team2.pk


ENTRY = {"agent": "1", "points": "5", "on": "2026-05-31", "reason": "x"}
CORRECT = {"points": "0", "reason": "x"}
REDEEM = {"month": "2026-06", "this_month_bookings": "1", "last_month_bookings": "1"}
PREVIEW = "/points/redemptions/preview/?month=2026-06&this_month_bookings=1&last_month_bookings=1"

CASES = [
    Case("home", lambda w: "/points/", "outsider", 403),
    Case("home", lambda w: "/points/", "admin", 403),
    Case("me", lambda w: "/points/me/", "hr", 404),  # HR has no agent profile
    Case("me", lambda w: "/points/me/", "sup1", 404),
    Case("me", lambda w: "/points/me/", "outsider", 404),
    Case("agent", lambda w: "/points/agents/A001/", "b1", 404),
    Case("agent", lambda w: "/points/agents/B001/", "a1", 404),
    Case("agent", lambda w: "/points/agents/A001/", "sup2", 404),
    Case("agent", lambda w: "/points/agents/A004/", "sup1", 404),
    Case("agent", lambda w: "/points/agents/A001/", "outsider", 404),
    Case("boards", lambda w: "/points/boards/", "a1", 403),
    Case("boards", lambda w: "/points/boards/", "outsider", 403),
    Case("boards", lambda w: f"/points/boards/?team={_team2(w)}", "sup1", 404),
    Case("teams", lambda w: "/points/teams/", "a1", 403),
    Case("teams", lambda w: "/points/teams/", "outsider", 403),
    Case("teams", lambda w: f"/points/teams/?team={_team2(w)}", "sup1", 404),
    Case("runs", lambda w: "/points/runs/", "sup1", 403),
    Case("runs", lambda w: "/points/runs/", "a1", 403),
    Case("runs", lambda w: "/points/runs/", "manager", 403),
    Case("runs", lambda w: "/points/runs/", "sup1", 403, "POST", {"period": "2026-05-29"}, True),
    Case("runs", lambda w: "/points/runs/", "a1", 403, "POST", {"period": "2026-05-29"}, True),
    Case("run", lambda w: f"/points/runs/{w.run}/", "sup1", 403),
    Case("run", lambda w: f"/points/runs/{w.run}/", "a1", 403),
    Case("entries", lambda w: "/points/entries/", "sup1", 403),
    Case("entries", lambda w: "/points/entries/", "a1", 403),
    Case("entries", lambda w: "/points/entries/", "sup1", 403, "POST", ENTRY),
    Case("entries", lambda w: "/points/entries/", "a1", 403, "POST", ENTRY),
    # sup1 and a1 may see A001's entry, so they are told they may not correct it (403);
    # b1 and sup2 may not know it exists (404).
    Case("correct", lambda w: f"/points/entries/{w.entry}/correct/", "sup1", 403),
    Case("correct", lambda w: f"/points/entries/{w.entry}/correct/", "a1", 403),
    Case("correct", lambda w: f"/points/entries/{w.entry}/correct/", "b1", 404),
    Case("correct", lambda w: f"/points/entries/{w.entry}/correct/", "sup2", 404),
    Case("correct", lambda w: f"/points/entries/{w.entry}/correct/", "sup1", 403, "POST", CORRECT),
    Case("correct", lambda w: f"/points/entries/{w.entry}/correct/", "a1", 403, "POST", CORRECT),
    Case("correct", lambda w: f"/points/entries/{w.entry}/correct/", "b1", 404, "POST", CORRECT),
    Case("redemptions", lambda w: "/points/redemptions/", "sup1", 403),
    Case("redemptions", lambda w: "/points/redemptions/", "a1", 403),
    Case("redemption-preview", lambda w: PREVIEW, "sup1", 403),
    Case("redemption-preview", lambda w: PREVIEW, "a1", 403),
    Case(
        "redemption-confirm", lambda w: "/points/redemptions/confirm/", "sup1", 403, "POST", REDEEM
    ),
    Case("redemption-confirm", lambda w: "/points/redemptions/confirm/", "a1", 403, "POST", REDEEM),
    Case("redemption", lambda w: "/points/redemptions/2026-05/", "sup1", 403),
    Case("redemption", lambda w: "/points/redemptions/2026-05/", "a1", 403),
    Case("redemption-export", lambda w: "/points/redemptions/2026-05/payouts.csv", "sup1", 403),
    Case("redemption-export", lambda w: "/points/redemptions/2026-05/payouts.xlsx", "a1", 403),
    Case("redemption-export", lambda w: "/points/redemptions/2026-05/payouts.csv", "manager", 403),
]

PAGE_NAMES = frozenset(f"points:{c.name}" for c in CASES)


def _counts() -> tuple[int, int, int, int]:
    return (
        PointsEntry.objects.count(),
        PointsRun.objects.count(),
        Redemption.objects.count(),
        Payout.objects.count(),
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_wrong_person_is_refused(case: Case, world: World) -> None:
    client = Client()
    client.force_login(getattr(world.ledger.people, case.who))
    before = _counts()
    if case.method == "POST":
        body: dict[str, object] = {**case.body, "scheme_version": str(world.ledger.version.pk)}
        if case.upload:
            body["files"] = [SimpleUploadedFile("metric_values.csv", METRIC_VALUES.encode("utf-8"))]
        response = client.post(case.url(world), body)
    else:
        response = client.get(case.url(world))
    assert response.status_code == case.status, response.content.decode()[:1500]
    assert _counts() == before  # a refusal writes nothing


# One GET of every page that has one (the confirmation is a POST only).
FIRST_GETS = list({c.name: c for c in reversed(CASES) if c.method == "GET"}.values())


@pytest.mark.parametrize("case", FIRST_GETS, ids=lambda c: c.name)
def test_nobody_signed_in_is_sent_to_the_login_page(case: Case, world: World) -> None:
    response = Client().get(case.url(world))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _names(patterns: list[URLPattern | URLResolver]) -> set[str]:
    out: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            out |= _names(p.url_patterns)
        elif p.name:
            out.add(f"points:{p.name}")
    return out


def test_every_points_page_has_a_wrong_person_case() -> None:
    from appraise.web.points import page_urls

    missing = _names(page_urls.urlpatterns) - PAGE_NAMES
    assert missing == set(), f"add a Case with its wrong people for: {sorted(missing)}"
