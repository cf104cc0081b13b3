"""Whole pages kept per viewer and per version of everything (appraise.web.pagecache): a reload
with nothing changed is served from the ``pages`` cache; any audited change, another person,
another session, another language or a message to show draws the page afresh.

The cycle is conftest's October cycle of s000 (A001 张三 and A002 李四 in 一组 under sup1, B001
王五 in 二组), moved by the services up to the state each test needs.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State

from ..conftest import Advance, People

pytestmark = pytest.mark.django_db

# A kept page costs the session, the person and the version of everything: three queries.
KEPT = 3


def _signed_in(user: User, *, csrf_checks: bool = False) -> Client:
    """Signed in, with the CSRF cookie a browser holds from its first page (the sign-in form
    sets it; ``force_login`` does not, so one other page is opened first)."""
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    assert client.get("/schemes/").status_code == 200
    assert client.cookies.get("csrftoken")
    return client


def _get(client: Client, url: str) -> tuple[int, str]:
    """Queries of one GET and the page."""
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen.captured_queries), response.content.decode()


def test_a_reload_is_kept_until_something_changes(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.INTERVIEWS)
    client = _signed_in(people.a1)
    url = f"/me/{cycle.pk}/"
    drawn, first = _get(client, url)
    kept, second = _get(client, url)
    assert drawn > KEPT and kept == KEPT
    assert second == first and "A001" in second
    assert "/appeal/" not in second  # no appeal form before the window opens

    cs.cycle_open_appeal_window(cycle=cycle, by=people.hr)  # audited: a new version
    again, third = _get(client, url)
    assert again > KEPT
    assert f"/me/{cycle.pk}/appeal/" in third  # the form to file an appeal is on the page now


def test_another_person_or_session_never_gets_the_kept_page(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    url = f"/me/{cycle.pk}/"
    a1 = _signed_in(people.a1)
    _get(a1, url)
    _get(a1, url)
    b1 = _signed_in(people.b1)
    _get(b1, url)
    n, page = _get(b1, url)
    assert n == KEPT and "B001" in page and "A001" not in page
    # The same person signed in again: a new session and CSRF cookie, so the page is drawn.
    again = _signed_in(people.a1)
    n, page = _get(again, url)
    assert n > KEPT and "A001" in page


def test_the_language_is_part_of_the_key(people: People, cycle: Cycle, advance: Advance) -> None:
    advance(cycle, State.PUBLISHED)
    client = _signed_in(people.a1)
    url = f"/me/{cycle.pk}/"
    _get(client, url)
    _, chinese = _get(client, url)
    assert "退出登录" in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    n, english = _get(client, url)
    assert n > KEPT and "Sign out" in english and "退出登录" not in english


def test_a_message_to_show_is_never_hidden_by_a_kept_page(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    client = _signed_in(people.a1)
    url = f"/me/{cycle.pk}/"
    _get(client, url)
    _get(client, url)  # kept from now on
    # A message queued by another page (as the message middleware stores one: in a cookie).
    storage = CookieStorage(HttpRequest())
    storage.add(constants.SUCCESS, "保存成功：测试消息")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    n, page = _get(client, url)
    assert n > KEPT and "保存成功：测试消息" in page
    # Shown once: the next reload has none and is kept again after being drawn once more.
    _get(client, url)
    n, page = _get(client, url)
    assert n == KEPT and "保存成功：测试消息" not in page


def test_a_form_on_a_kept_page_still_posts(people: People, cycle: Cycle, advance: Advance) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    client = _signed_in(people.a1, csrf_checks=True)
    url = f"/me/{cycle.pk}/"
    _get(client, url)
    n, page = _get(client, url)
    assert n == KEPT
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    answer = client.post(
        f"/me/{cycle.pk}/appeal/",
        {"csrfmiddlewaretoken": token.group(1), "reasons": "质检扣分有误，请复核第3条"},
    )
    assert answer.status_code == 302, answer.status_code  # not a 403 for the token
    n, page = _get(client, url)
    assert n > KEPT and "质检扣分有误，请复核第3条" in page


def test_without_a_csrf_cookie_the_page_is_drawn_each_time(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.PUBLISHED)
    client = _signed_in(people.a1)
    url = f"/me/{cycle.pk}/"
    for _ in range(2):
        client.cookies.pop("csrftoken", None)
        n, _page = _get(client, url)
        assert n > KEPT


def test_the_team_dashboard_is_kept_until_a_rating_changes(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    client = _signed_in(people.sup1)
    url = f"/team/?cycle={cycle.pk}"
    drawn, first = _get(client, url)
    kept, second = _get(client, url)
    assert drawn > KEPT and kept == KEPT and second == first
    # Another URL (the whole leaderboard) is another page.
    n, _page = _get(client, url + "&all=1")
    assert n > KEPT
    from appraise.web.evaluations.services import rating_set

    rating_set(
        cycle=cycle,
        agent=people.agent_a1,
        indicator="courtesy",
        role="supervisor",
        value="60",
        by=people.sup1,
    )
    n, _page = _get(client, url)
    assert n > KEPT


def _redis_answers() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis server on 127.0.0.1:6379")
def test_kept_pages_in_redis_serve_a_reload(people: People, cycle: Cycle, advance: Advance) -> None:
    """With APPRAISE_CACHE_URL the kept pages are in Redis (shared by every server process and
    machine): the same reload is kept, and a change draws afresh."""
    import secrets

    from django.core.cache import caches
    from django.test.utils import override_settings

    advance(cycle, State.INTERVIEWS)
    prefix = f"appraise-test-{secrets.token_hex(4)}"  # this run's keys only, in database 15
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": prefix,
        "TIMEOUT": 60,
    }
    with override_settings(CACHES={"default": redis, "pages": redis}):
        client = _signed_in(people.a1)
        url = f"/me/{cycle.pk}/"
        drawn, first = _get(client, url)
        kept, second = _get(client, url)
        assert drawn > KEPT and kept == KEPT and second == first
        cs.cycle_open_appeal_window(cycle=cycle, by=people.hr)
        again, third = _get(client, url)
        assert again > KEPT and f"/me/{cycle.pk}/appeal/" in third
        client_of_redis = caches["pages"]._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in client_of_redis.scan_iter(f"{prefix}:*"):
            client_of_redis.delete(key)
