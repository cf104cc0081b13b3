"""What a request works out once (appraise.web.memo) and the menu's to-do count kept between
requests (followups.todo.todo_count under evaluations.cache.changes_version): both are read
again as soon as something they were worked out from changes (tests/web/conftest.py: sup1 leads
一组, manager is the indirect supervisor of 一组 and 二组)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appraise.web import memo
from appraise.web.audit.models import AuditLog
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.cache import changes_version
from appraise.web.evaluations.services import rating_set
from appraise.web.followups.todo import todo_count
from appraise.web.org.services import team_set_supervisors
from appraise.web.permissions import led_team_ids, supervised_team_ids

from .conftest import S000_WEIGHTS, Advance, People

T = TypeVar("T")


def _in_a_request(view: Callable[[], T]) -> T:
    """``view()`` run inside the memo's middleware, as a page's view runs."""
    answer: list[T] = []

    def get_response(request: HttpRequest) -> HttpResponse:
        answer.append(view())
        return HttpResponse()

    memo.RequestMemoMiddleware(get_response)(HttpRequest())
    return answer[0]


def _queries(read: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as seen:
        read()
    return len(seen.captured_queries)


def test_outside_a_request_nothing_is_kept() -> None:
    calls: list[int] = []
    for _ in range(2):
        memo.remember("k", lambda: calls.append(1))
    assert calls == [1, 1]
    assert not memo.active()


@pytest.mark.django_db
def test_a_request_reads_the_persons_teams_once(people: People) -> None:
    def twice() -> tuple[int, int]:
        first = _queries(lambda: led_team_ids(people.manager))
        again = _queries(lambda: (led_team_ids(people.manager), supervised_team_ids(people.sup1)))
        return first, again

    # The manager's teams: one query; asked again, none; sup1's are another person's: one.
    assert _in_a_request(twice) == (1, 1)
    assert _queries(lambda: (led_team_ids(people.manager), led_team_ids(people.manager))) == 2


@pytest.mark.django_db
def test_a_change_inside_the_request_is_read_afresh(people: People) -> None:
    def change() -> tuple[frozenset[int], frozenset[int]]:
        before = led_team_ids(people.sup2)
        # HR makes sup2 the supervisor of 一组 too: audited, so the request forgets what it kept.
        team_set_supervisors(
            by=people.hr,
            team=people.team1,
            supervisors=[people.sup1, people.sup2],
            indirect_supervisor=people.manager,
        )
        return before, led_team_ids(people.sup2)

    before, after = _in_a_request(change)
    assert before == {people.team2.pk}
    assert after == {people.team1.pk, people.team2.pk}


def _menu_count(client: Client) -> int:
    """The number beside 待办 in the menu (none drawn for 0)."""
    page = client.get("/schemes/").content.decode()
    found = re.search(r'href="/todo/"[^>]*>[^<]*<span class="count">(\d+)</span>', page)
    return int(found.group(1)) if found else 0


@pytest.mark.django_db
def test_the_menus_count_is_kept_until_something_changes(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    client = Client()
    client.force_login(people.a1)
    # A001's self-assessment is open: one to-do, the 10 indicators of s000 to assess.
    assert _menu_count(client) == 1
    # Kept: counting again is the version's query alone.
    assert _queries(lambda: todo_count(user=people.a1)) == 1
    for indicator in S000_WEIGHTS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="self",
            value="90",
            by=people.a1,
        )
    # Every indicator assessed (each rating audited): the next page counts afresh, nothing left.
    assert _menu_count(client) == 0


@pytest.mark.django_db
def test_the_version_sees_a_change_that_committed_after_a_later_one(people: People) -> None:
    """A transaction that took its audit id first but committed last: the highest id is the
    same before and after it commits, the number of recent entries is not."""
    for n in range(3):
        AuditLog.objects.create(action="test.entry", object_type="t", object_id=str(n))
    ids = list(AuditLog.objects.order_by("id").values_list("id", flat=True))
    late = AuditLog.objects.get(id=ids[-2])
    late.delete()  # not committed yet, as readers see it
    before = changes_version()
    late.pk = ids[-2]  # delete() forgot it
    late.save(force_insert=True)  # now it commits, under its old id
    after = changes_version()
    assert before == f"{ids[-1]}.{len(ids) - 1}"
    assert after == f"{ids[-1]}.{len(ids)}"
