"""Notifications of follow-ups, sent to a local HTTP server the test starts (it records every
request and answers as the test says), and by Django's mail settings.

The world is tests/web/followups/conftest.py published: A001 (一组) and B001 (二组) owe a plan,
B001 an interview (sup2) and an HR training item.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from appraise.web.audit.models import AuditLog
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Forbidden, Invalid
from appraise.web.followups import notify
from appraise.web.followups.models import Delivery, DeliveryStatus, FollowUp

from ..conftest import Advance, People


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class Robot:
    """A local stand-in for a group robot's webhook."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    # What to answer, one per request; when used up, the last one again.
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=lambda: [(200, {})])


@pytest.fixture
def robot() -> Iterator[Robot]:
    state: dict[str, Robot] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            r = state["robot"]
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length).decode() or "{}")
            query = dict(urllib.parse.parse_qsl(parts.query))
            r.requests.append(Recorded(parts.path, query, body))
            status, answer = r.answers[min(len(r.requests), len(r.answers)) - 1]
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["robot"] = Robot(f"http://127.0.0.1:{server.server_address[1]}/robot/send")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["robot"]
    server.shutdown()
    server.server_close()


def _channel(people: People, robot: Robot, kind: str, secret: str = "", **kw: Any) -> Any:
    url = robot.url + ("?access_token=abc" if kind == "dingtalk" else "")
    return notify.channel_create(
        by=people.hr, team=people.team2, kind=kind, url=url, secret=secret, **kw
    )


def test_a_dingtalk_robot_gets_each_new_item_signed_as_dingtalk_describes(
    people: People, fcycle: Cycle, advance: Advance, robot: Robot
) -> None:
    robot.answers = [(200, {"errcode": 0, "errmsg": "ok"})]
    _channel(people, robot, "dingtalk", secret="SECtest")
    advance(fcycle, "published")
    # 二组's items but the HR one (hr_items is off): B001's interview and plan.
    assert len(robot.requests) == 2
    texts = sorted(r.body["text"]["content"] for r in robot.requests)
    assert all(r.body["msgtype"] == "text" for r in robot.requests)
    assert "王五 B001" in texts[0] and "培训" not in "".join(texts)
    for r in robot.requests:
        assert r.query["access_token"] == "abc"
        ts = r.query["timestamp"]
        # timestamp + "\n" + secret, HMAC-SHA256 keyed by the secret, Base64 (the query string
        # is URL-decoded by parse_qsl, so the Base64 is compared as it was before quote_plus).
        expected = base64.b64encode(
            hmac.new(b"SECtest", f"{ts}\nSECtest".encode(), hashlib.sha256).digest()
        ).decode()
        assert r.query["sign"] == expected
        assert abs(int(ts) / 1000 - timezone.now().timestamp()) < 60  # milliseconds
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


def test_a_feishu_robot_gets_the_timestamp_and_signature_in_the_body(
    people: People, fcycle: Cycle, advance: Advance, robot: Robot
) -> None:
    robot.answers = [(200, {"code": 0, "msg": "success"})]
    _channel(people, robot, "feishu", secret="feishu-secret", hr_items=True)
    advance(fcycle, "published")
    assert len(robot.requests) == 3  # with hr_items, B001's training too
    for r in robot.requests:
        ts = r.body["timestamp"]
        # HMAC-SHA256 keyed by timestamp + "\n" + secret over an empty message, Base64.
        key = f"{ts}\nfeishu-secret".encode()
        assert (
            r.body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        )
        assert r.body["msg_type"] == "text" and "王五" in r.body["content"]["text"]
        assert abs(int(ts) - timezone.now().timestamp()) < 60  # seconds
    assert any("末位针对性培训" in r.body["content"]["text"] for r in robot.requests)


def test_a_wecom_robot_is_not_signed(
    people: People, fcycle: Cycle, advance: Advance, robot: Robot
) -> None:
    robot.answers = [(200, {"errcode": 0, "errmsg": "ok"})]
    with pytest.raises(Invalid):
        _channel(people, robot, "wecom", secret="x")
    _channel(people, robot, "wecom")
    advance(fcycle, "published")
    assert len(robot.requests) == 2
    assert all(set(r.body) == {"msgtype", "text"} and not r.query for r in robot.requests)


def test_a_refused_delivery_is_kept_with_its_error_and_retried_until_it_goes(
    people: People, fcycle: Cycle, advance: Advance, robot: Robot
) -> None:
    # DingTalk answers 200 with an error code for a bad signature; then the server fails; then OK.
    robot.answers = [
        (200, {"errcode": 310000, "errmsg": "sign not match"}),
        (200, {"errcode": 310000, "errmsg": "sign not match"}),
        (500, {}),
        (200, {"errcode": 0, "errmsg": "ok"}),
    ]
    _channel(people, robot, "dingtalk", secret="SECtest")
    advance(fcycle, "published")
    rows = list(Delivery.objects.order_by("pk"))
    assert [(d.status, d.attempts) for d in rows] == [(DeliveryStatus.PENDING, 1)] * 2
    # Kept in the default language, the platform named as people call it, its code and words.
    assert rows[0].last_error == "钉钉群机器人 拒绝了消息：310000 sign not match"
    first_wait = rows[0].next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)  # 1 minute after attempt 1
    # Not yet due: nothing is sent.
    assert notify.deliveries_send() == (0, 0, 0)
    later = timezone.now() + timedelta(minutes=2)
    assert notify.deliveries_send(now=later) == (1, 1, 0)  # one meets the 500, one goes
    failed = Delivery.objects.get(status=DeliveryStatus.PENDING)
    assert (failed.attempts, failed.last_error) == (2, "HTTP 500 Internal Server Error")
    assert notify.deliveries_send(now=later + timedelta(minutes=3)) == (1, 0, 0)
    assert list(Delivery.objects.values_list("status", flat=True)) == [DeliveryStatus.SENT] * 2
    assert len(robot.requests) == 5  # 2 refused, the 500, then both sent


def test_after_the_last_attempt_a_delivery_is_failed_shown_to_hr_and_sent_again(
    people: People, fcycle: Cycle, advance: Advance, robot: Robot
) -> None:
    robot.answers = [(502, {})]
    _channel(people, robot, "wecom", name="二组群")
    advance(fcycle, "published")
    when = timezone.now()
    for _ in range(notify.MAX_ATTEMPTS):
        when += timedelta(hours=1)
        notify.deliveries_send(now=when)
    rows = list(Delivery.objects.all())
    assert {(d.status, d.attempts) for d in rows} == {(DeliveryStatus.FAILED, notify.MAX_ATTEMPTS)}
    c = Client()
    c.force_login(people.hr)
    page = c.get("/notify/").content.decode()
    assert "发送失败" in page and "HTTP 502 Bad Gateway" in page and "二组群" in page
    with pytest.raises(Forbidden):
        notify.delivery_retry(delivery=rows[0], by=people.sup2)
    robot.answers = [(200, {"errcode": 0})]
    robot.requests.clear()
    c.post(f"/notify/deliveries/{rows[0].pk}/retry/")  # sync tasks: sent at once
    rows[0].refresh_from_db()
    assert (rows[0].status, rows[0].attempts) == (DeliveryStatus.SENT, notify.MAX_ATTEMPTS + 1)
    assert len(robot.requests) == 1
    assert AuditLog.objects.filter(action="notify.retry").count() == 1


def test_email_goes_to_each_owner_through_djangos_mail_settings(
    people: People, fcycle: Cycle, advance: Advance, settings: Any
) -> None:
    settings.APPRAISE_EMAIL_HOST = "mail.example.com"  # the test run's locmem mailer keeps it
    people.sup2.email = "sup2@example.com"
    people.sup2.save()
    people.a1.email = "a1@example.com"
    people.a1.save()
    people.hr.email = "hr@example.com"
    people.hr.save()
    advance(fcycle, "published")
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    # A001's plan to A001; B001's interview to sup2; B001's training to HR; B001 (b1) has no
    # address, so B001's plan is mailed to nobody.
    assert sent == [
        ("a1@example.com", "新跟进事项:整改计划,张三 A001"),
        ("hr@example.com", "新跟进事项:人事决定,王五 B001"),
        ("sup2@example.com", "新跟进事项:绩效面谈,王五 B001"),
    ]


def test_an_unreachable_mail_server_leaves_the_email_pending_with_the_error(
    people: People, fcycle: Cycle, advance: Advance, settings: Any
) -> None:
    settings.APPRAISE_EMAIL_HOST = "127.0.0.1"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # discard: nothing listens there
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    people.a1.email = "a1@example.com"
    people.a1.save()
    advance(fcycle, "published")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.target) == (
        DeliveryStatus.PENDING,
        1,
        "a1@example.com",
    )
    assert "ConnectionRefusedError" in delivery.last_error


def test_an_item_due_today_is_reminded_once(
    people: People, fcycle: Cycle, advance: Advance, robot: Robot
) -> None:
    robot.answers = [(200, {"errcode": 0})]
    advance(fcycle, "published")
    _channel(people, robot, "wecom")
    plan = FollowUp.objects.get(cycle=fcycle, agent=people.agent_b1, rule="rectification_plan")
    assert plan.due_on is not None
    assert notify.notifications_due(today=plan.due_on - timedelta(days=1), by=people.hr) == []
    reminded = notify.notifications_due(today=plan.due_on, by=people.hr)
    assert [d.followup_id for d in reminded] == [plan.pk]
    assert "到期" in robot.requests[0].body["text"]["content"]
    assert notify.notifications_due(today=plan.due_on, by=people.hr) == []  # once


def test_the_notify_command_reminds_and_sends(
    people: People, fcycle: Cycle, advance: Advance, robot: Robot
) -> None:
    from django.core.management import call_command

    robot.answers = [(500, {}), (200, {"errcode": 0})]
    _channel(people, robot, "wecom")
    advance(fcycle, "published")
    Delivery.objects.update(next_attempt_at=timezone.now())
    out = StringIO()
    call_command("notify", stdout=out)
    # The publish's own attempt got the 500; the command's attempt of that one delivery gets
    # the 200: 1 sent, nothing left waiting or failed. No item is due today: 0 reminders.
    assert out.getvalue().strip() == "已写 0 条提醒；发送成功 1 条，等待 0 条，失败 0 条"
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_only_hr_configures_channels_and_a_webhook_must_be_an_address(
    people: People, robot: Robot
) -> None:
    with pytest.raises(Forbidden):
        notify.channel_create(by=people.sup2, team=people.team2, kind="wecom", url=robot.url)
    with pytest.raises(Invalid):
        notify.channel_create(by=people.hr, team=people.team2, kind="wecom", url="robot/send")
    hr = Group.objects.get(name="hr")
    assert people.hr.groups.filter(pk=hr.pk).exists()
