"""Named people with known roles, and a cycle on the real s000 scheme, for every web test.

The organisation: team 一组 (agents A001 and A002, supervisor sup1) and team 二组 (agent B001,
supervisor sup2); manager is the indirect supervisor of both; hr is HR; admin administers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.org import roles
from appraise.web.org.models import Agent, Team
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create

ROOT = Path(__file__).resolve().parents[2]
S000 = ROOT / "schemes" / "seeds" / "s000-specialist.yaml"

# The ten rated leaves of s000 and their weights in points (they add up to 90).
S000_WEIGHTS = {
    "courtesy": 10,
    "patience": 10,
    "proficiency": 10,
    "communication": 10,
    "resolution": 10,
    "response_speed": 5,
    "ticket_speed": 10,
    "complaint_rate": 5,
    "satisfaction": 10,
    "suggestions": 10,
}


@dataclass
class People:
    hr: User
    admin: User
    manager: User
    sup1: User
    sup2: User
    a1: User
    b1: User
    team1: Team
    team2: Team
    agent_a1: Agent
    agent_a2: Agent
    agent_b1: Agent
    outsider: User


def _user(username: str, *roles: str) -> User:
    # No password: tests sign in with force_login, and hashing one takes a third of a second.
    user = User.objects.create_user(username=username, password=None)
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.fixture(scope="session", autouse=True)
def _own_page_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The kept pages (a file cache under the data folder) in a folder of this test run's own,
    so that two runs in one checkout never empty each other's."""
    from django.conf import settings
    from django.test.utils import override_settings

    caches = {**settings.CACHES}
    caches["pages"] = {**caches["pages"], "LOCATION": str(tmp_path_factory.mktemp("pages"))}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _empty_page_cache() -> Iterator[None]:
    """Each test starts with an empty cache: a rolled-back test's ids come round again."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language_again() -> Iterator[None]:
    """Each test starts in the default language: a request with Accept-Language: en leaves
    English active in the thread (Django's LocaleMiddleware activates it and nothing puts it
    back), and a management command called next would speak English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_run_in_the_request(settings: pytest.FixtureRequest) -> None:
    settings.APPRAISE_TASKS = "sync"  # type: ignore[attr-defined]


@pytest.fixture
def role_groups(transactional_db: None) -> None:
    """The role groups the data migrations make, made again for a transactional test.

    After a transactional test the database is flushed and restored from its serialization; once
    Playwright's sync API has run its event loop in this thread, ``django.db.connections`` (an
    asgiref Local) hands out a connection wrapper without that serialization, so nothing is
    restored and the groups are gone.
    """
    for name in roles.ROLES:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def people(db: None) -> People:
    hr = _user("hr", "hr")
    admin = _user("admin", "admin")
    manager = _user("manager", "supervisor")
    sup1 = _user("sup1", "supervisor")
    sup2 = _user("sup2", "supervisor")
    a1 = _user("a1", "agent")
    a2 = _user("a2", "agent")
    b1 = _user("b1", "agent")
    outsider = _user("outsider")
    team1 = Team.objects.create(name="一组", indirect_supervisor=manager)
    team1.supervisors.set([sup1])
    team2 = Team.objects.create(name="二组", indirect_supervisor=manager)
    team2.supervisors.set([sup2])
    agent_a1 = Agent.objects.create(user=a1, agent_id="A001", name="张三", team=team1)
    agent_a2 = Agent.objects.create(user=a2, agent_id="A002", name="李四", team=team1)
    agent_b1 = Agent.objects.create(user=b1, agent_id="B001", name="王五", team=team2)
    return People(
        hr, admin, manager, sup1, sup2, a1, b1, team1, team2, agent_a1, agent_a2, agent_b1, outsider
    )


@pytest.fixture
def scheme_version(people: People) -> SchemeVersion:
    return scheme_version_create(
        by=people.hr, text=S000.read_text(encoding="utf-8"), file="s000-specialist.yaml"
    )


def appeal_deadline_passed(cycle: Cycle) -> None:
    """The appeal window's days have gone by (closing before the deadline needs a reason)."""
    Cycle.objects.filter(pk=cycle.pk).update(appeal_deadline=timezone.now() - timedelta(seconds=1))
    cycle.refresh_from_db()


def ratings_csv(rows: dict[str, dict[str, int]]) -> bytes:
    """A long ratings table of supervisor ratings (empty rater_role: s000 has one rater)."""
    lines = ["agent_id,period,indicator,rater_role,rater_id,value"]
    for agent_id, values in rows.items():
        for indicator, value in values.items():
            lines.append(f"{agent_id},2026-10,{indicator},,S01,{value}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def every(value: int) -> dict[str, int]:
    return dict.fromkeys(S000_WEIGHTS, value)


# Paper ratings: A001 80 on everything -> 80 x 90 / 100 = 72 (合格);
# A002 100 on everything -> 90 (称职); B001 50 on everything -> 45 (不合格).
PAPER = {"A001": every(80), "A002": every(100), "B001": every(50)}


@pytest.fixture
def cycle(people: People, scheme_version: SchemeVersion) -> Cycle:
    return cs.cycle_create(
        by=people.hr,
        name="十月考核",
        scheme_version=scheme_version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )


Advance = Callable[[Cycle, str], Cycle]


@pytest.fixture
def advance(people: People) -> Advance:
    """Move a cycle through the services up to ``state``, the way HR and managers do."""

    def _advance(cycle: Cycle, state: str) -> Cycle:
        def compute_then(step: Callable[..., object]) -> Callable[[], object]:
            def run() -> object:
                cycle.refresh_from_db()
                if cycle.results_stale:
                    cs.cycle_compute(cycle=cycle, by=people.hr)
                return step(cycle=cycle, by=people.hr)

            return run

        def confirm_and_calibrate() -> object:
            for team in (people.team1, people.team2):
                cs.cycle_confirm_team(cycle=cycle, team=team, by=people.manager)
            return cs.cycle_open_calibration(cycle=cycle, by=people.hr)

        def by_hr(step: Callable[..., object]) -> Callable[[], object]:
            return lambda: step(cycle=cycle, by=people.hr)

        steps: dict[str, Callable[[], object]] = {
            State.DATA_IMPORTED: lambda: cs.cycle_import_data(
                cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)}
            ),
            State.SELF_ASSESSMENT: compute_then(cs.cycle_open_self_assessment),
            State.SUPERVISOR_RATING: by_hr(cs.cycle_open_supervisor_rating),
            State.INDIRECT_AUDIT: compute_then(cs.cycle_open_indirect_audit),
            State.CALIBRATION: confirm_and_calibrate,
            State.PUBLISHED: compute_then(cs.cycle_publish),
            State.INTERVIEWS: by_hr(cs.cycle_open_interviews),
            State.APPEAL_WINDOW: by_hr(cs.cycle_open_appeal_window),
            State.CLOSED: lambda: (
                appeal_deadline_passed(cycle),
                cs.cycle_close(cycle=cycle, by=people.hr),
            ),
        }
        order = [str(s) for s in State]
        for target, step in steps.items():
            cycle.refresh_from_db()
            if order.index(target) > order.index(cycle.state):
                step()
            if target == state:
                break
        cycle.refresh_from_db()
        assert cycle.state == state
        return cycle

    return _advance


@pytest.fixture
def api() -> Iterator[Callable[[User | None], APIClient]]:
    """An API client signed in as someone (a session, as the pages use)."""

    def client(user: User | None) -> APIClient:
        c = APIClient()
        if user is not None:
            c.force_login(user)
        return c

    yield client


@pytest.fixture(autouse=True)
def openapi_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every API answer of every web test must be one the OpenAPI schema documents, in its
    shape (tests/web/openapi.py)."""
    from .openapi import check

    request = APIClient.request

    def checked(self: APIClient, **kwargs: Any) -> Any:
        response = request(self, **kwargs)
        path = kwargs.get("PATH_INFO", "")
        if path.startswith("/api/") and path != "/api/schema/":
            kind = response.get("Content-Type", "")
            body = response.json() if kind.startswith("application/json") else None
            check(kwargs["REQUEST_METHOD"], path, response.status_code, body, kind)
        return response

    monkeypatch.setattr(APIClient, "request", checked)
