"""Every follow-up page refuses the wrong person and serves the right one.

The world: the published cycle of tests/web/followups/conftest.py: A001 (team 一组, sup1) and
B001 (team 二组, sup2) owe a rectification plan, B001 an interview and an HR training item.
Wrong people get 404 for an item they may not know about, 403 for one they see but may not act
on; signed out, the login page. ``PAGE_NAMES`` counts for the table of
tests/web/pages/test_page_permissions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import constants, get_messages
from django.test import Client

from appraise.web.cycles.models import Cycle
from appraise.web.followups import notify
from appraise.web.followups import services as svc
from appraise.web.followups.models import Channel, Delivery, DeliveryStatus, FollowUp

from ..conftest import Advance, People

PAGE_NAMES = {
    "followups:todo",
    "followups:list",
    "followups:detail",
    "followups:plan",
    "followups:review",
    "followups:complete",
    "followups:notify",
    "followups:channel-new",
    "followups:channel-delete",
    "followups:delivery-retry",
}


@dataclass
class W:
    people: People
    cycle: Cycle
    channel: Channel
    failed: Delivery  # a notification whose attempts are used up

    def item(self, agent_id: str, rule: str) -> FollowUp:
        return FollowUp.objects.get(cycle=self.cycle, agent__agent_id=agent_id, rule=rule)

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


@pytest.fixture
def w(people: People, fcycle: Cycle, advance: Advance) -> W:
    advance(fcycle, "published")
    # An address nothing listens on: the notification is never sent in this test.
    channel = notify.channel_create(
        by=people.hr, team=people.team2, kind="wecom", url="http://127.0.0.1:9/robot"
    )
    failed = Delivery.objects.create(
        event="created",
        kind="wecom",
        channel=channel,
        subject="s",
        body="b",
        status=DeliveryStatus.FAILED,
        attempts=notify.MAX_ATTEMPTS,
        last_error="HTTP 502",
    )
    return W(people, fcycle, channel, failed)


SUCCESS = "success"


@dataclass
class Route:
    name: str
    url: Callable[[W], str]
    wrong: list[tuple[str, int]]
    right: tuple[str, int | str]
    method: str = "GET"
    data: Callable[[W], dict[str, Any]] = field(default=lambda w: {})
    prepare: Callable[[W], object] | None = None

    def __str__(self) -> str:
        return self.name


def _plan(w: W) -> str:
    return f"/followups/{w.item('A001', 'rectification_plan').pk}/"


def _submitted(w: W) -> None:
    svc.followup_submit_plan(
        item=w.item("A001", "rectification_plan"), by=w.people.a1, text="每天复盘"
    )


ROUTES = [
    Route("followups:todo", lambda w: "/todo/", [], ("outsider", 200)),
    Route(
        "followups:list",
        lambda w: "/followups/",
        [("outsider", 403), ("admin", 403)],
        ("a1", 200),
    ),
    Route(
        "followups:detail",
        _plan,
        [("b1", 404), ("a2", 404), ("sup2", 404), ("outsider", 404)],
        ("sup1", 200),
    ),
    Route(
        "followups:plan",
        lambda w: _plan(w) + "plan/",
        [("b1", 404), ("sup2", 404), ("a2", 404), ("sup1", 403), ("hr", 403), ("manager", 403)],
        ("a1", SUCCESS),
        method="POST",
        data=lambda w: {"plan": "响应慢:每天复盘三个会话"},
    ),
    Route(
        "followups:review",
        lambda w: _plan(w) + "review/",
        [("b1", 404), ("sup2", 404), ("a1", 403), ("hr", 403), ("manager", 403)],
        ("sup1", SUCCESS),
        method="POST",
        data=lambda w: {"decision": "accept"},
        prepare=_submitted,
    ),
    Route(
        "followups:complete",
        lambda w: f"/followups/{w.item('B001', 'targeted_training').pk}/complete/",
        [("a1", 404), ("sup1", 404), ("sup2", 403), ("b1", 403), ("manager", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {"note": "已安排培训"},
    ),
    Route(
        "followups:notify",
        lambda w: "/notify/",
        [("sup1", 403), ("manager", 403), ("a1", 403), ("admin", 403), ("outsider", 403)],
        ("hr", 200),
    ),
    Route(
        "followups:channel-new",
        lambda w: "/notify/channels/",
        [("sup2", 403), ("manager", 403), ("b1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
        data=lambda w: {
            "team": w.people.team1.pk,
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
            "secret": "SECx",
        },
    ),
    Route(
        "followups:channel-delete",
        lambda w: f"/notify/channels/{w.channel.pk}/delete/",
        [("sup2", 403), ("manager", 403), ("b1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
    ),
    Route(
        "followups:delivery-retry",
        lambda w: f"/notify/deliveries/{w.failed.pk}/retry/",
        [("sup2", 403), ("manager", 403), ("b1", 403), ("admin", 403)],
        ("hr", SUCCESS),
        method="POST",
    ),
]


def _do(w: W, route: Route, who: str) -> Any:
    client = Client()
    user = w.person(who)
    if user is not None:
        client.force_login(user)
    url = route.url(w)
    return client.get(url) if route.method == "GET" else client.post(url, route.data(w))


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_wrong_person_is_refused_and_the_right_one_served(route: Route, w: W) -> None:
    for who, status in route.wrong:
        response = _do(w, route, who)
        assert response.status_code == status, f"{route.name} as {who}: {response.status_code}"
    response = _do(w, route, "anonymous")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    if route.prepare is not None:
        route.prepare(w)
    who, expected = route.right
    response = _do(w, route, who)
    if expected == SUCCESS:
        assert response.status_code == 302, response.content.decode()[:2000]
        levels = [m.level for m in get_messages(response.wsgi_request)]
        assert levels and all(level == constants.SUCCESS for level in levels)
    else:
        assert response.status_code == expected


def test_every_page_name_has_a_route() -> None:
    assert {r.name for r in ROUTES} == PAGE_NAMES
