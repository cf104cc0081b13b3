"""Notifications of follow-ups: email through Django's mail settings, and the 企业微信 / 钉钉 /
飞书 group robots a team configured (docs/web.md, "Notifications").

A notification is a :class:`Delivery` row written in the transaction that created (or found due)
its item, then sent by a background task: a failed attempt keeps the row with its error and
tries again later (1, 2, 4, 8 minutes...), until ``MAX_ATTEMPTS``; then it is ``failed`` and HR
sees it and may send it again. Outgoing HTTP is one JSON POST through the standard library's
``urllib`` (no client library is needed for that); the robots' signatures are computed as their
documentation describes:

- DingTalk (加签): ``timestamp`` in milliseconds; HMAC-SHA256 with the secret as key over
  ``timestamp + "\\n" + secret``, Base64, URL-encoded; both go in the query string.
- Feishu (签名校验): ``timestamp`` in seconds; HMAC-SHA256 with ``timestamp + "\\n" + secret``
  as key over an empty message, Base64; both go in the JSON body.
- WeCom: no signature (the key is in the webhook address).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appraise.web.audit.services import audit_record
from appraise.web.errors import Conflict, Invalid
from appraise.web.followups.models import (
    OPEN_STATES,
    Channel,
    ChannelKind,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Event,
    FollowUp,
    ItemState,
    Kind,
)
from appraise.web.org import roles
from appraise.web.org.models import Team
from appraise.web.permissions import User, require_hr
from appraise.web.tasks.models import Task
from appraise.web.tasks.services import Progress, runner, task_enqueue

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 10
# Minutes before the next attempt after the n-th failure: 1, 2, 4, 8, ...
BACKOFF_MINUTES = 1
# A delivery being sent is not picked up again for this long (another worker, a crash).
LEASE = timedelta(minutes=5)


class DeliveryError(Exception):
    """The platform refused the message, or could not be reached; the text is kept."""


# --- the robots' requests ------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Request:
    url: str
    payload: dict[str, Any]


def robot_request(kind: str, url: str, secret: str, text: str, now: datetime) -> Request:
    """The address and JSON body of one text message to a group robot."""
    if kind == ChannelKind.DINGTALK:
        payload: dict[str, Any] = {"msgtype": "text", "text": {"content": text}}
        if secret:
            ms = int(now.timestamp() * 1000)
            sep = "&" if "?" in url else "?"
            url = f"{url}{sep}timestamp={ms}&sign={dingtalk_sign(secret, ms)}"
        return Request(url, payload)
    if kind == ChannelKind.FEISHU:
        payload = {"msg_type": "text", "content": {"text": text}}
        if secret:
            s = int(now.timestamp())
            payload = {"timestamp": str(s), "sign": feishu_sign(secret, s), **payload}
        return Request(url, payload)
    if kind == ChannelKind.WECOM:
        return Request(url, {"msgtype": "text", "text": {"content": text}})
    raise ValueError(f"not a robot: {kind}")  # internal


def _label(kind: str) -> str:
    """A channel kind as people call it (钉钉群机器人), its code when it is not one."""
    return str(ChannelKind(kind).label) if kind in ChannelKind.values else kind


def _check_answer(kind: str, answer: Any) -> None:
    """The platforms answer 200 with an error code when they refuse (a bad signature...)."""
    if not isinstance(answer, dict):
        raise DeliveryError(_("unexpected answer: %(answer)s") % {"answer": str(answer)[:200]})
    if kind == ChannelKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg") or answer.get("StatusMessage") or ""
    else:
        code = answer.get("errcode", 0)
        message = answer.get("errmsg") or ""
    if code not in (0, "0"):
        raise DeliveryError(
            (
                _("%(kind)s refused: %(code)s %(message)s")
                % {"kind": _label(kind), "code": code, "message": message}
            ).strip()
        )


def post_json(request: Request, kind: str) -> None:
    body = json.dumps(request.payload, ensure_ascii=False).encode()
    http = urllib.request.Request(
        request.url,
        data=body,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http, timeout=TIMEOUT_SECONDS) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        status = f"HTTP {exc.code} {exc.reason}"  # the status line as the platform sent it
        raise DeliveryError(status) from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(
            _("cannot reach %(host)s: %(error)s")
            % {"host": urllib.parse.urlsplit(request.url).netloc, "error": exc}
        ) from None
    try:
        answer = json.loads(raw.decode() or "{}")
    except ValueError:
        raise DeliveryError(
            _("the answer is not JSON: %(raw)s") % {"raw": repr(raw[:200])}
        ) from None
    _check_answer(kind, answer)


# --- what is said, and to whom -----------------------------------------------------------------


def _message(item: FollowUp, event: str) -> tuple[str, str]:
    """Subject and text, in the site's language (a notification has no reader's request)."""
    with translation.override(settings.LANGUAGE_CODE):
        what = {
            "kind": Kind(item.kind).label,
            "agent": f"{item.agent.name} {item.agent.agent_id}",
            "rule": item.rule_label,
            "cycle": f"{item.cycle.name} {item.cycle.period}",
            "due": item.due_on.isoformat() if item.due_on else _("no due date"),
            "pk": item.pk,
        }
        if event == Event.DUE:
            subject = _("Follow-up due: %(kind)s, %(agent)s") % what
        else:
            subject = _("New follow-up: %(kind)s, %(agent)s") % what
        text = (
            _(
                "%(kind)s for %(agent)s (%(cycle)s): %(rule)s. Due: %(due)s. "
                "Follow-up #%(pk)s on the to-do list."
            )
            % what
        )
    return subject, f"[appraise] {subject}\n{text}"


def _owner_emails(item: FollowUp) -> list[str]:
    if item.kind == Kind.HR:
        users: Iterable[AuthUser] = AuthUser.objects.filter(groups__name=roles.HR, is_active=True)
    elif item.kind == Kind.PLAN and item.state == ItemState.OPEN:
        users = [item.agent.user] if item.agent.user is not None else []
    else:
        team = item.agent.team
        users = team.supervisors.filter(is_active=True) if team is not None else []
    return sorted({u.email for u in users if u.email})


def email_enabled() -> bool:
    return bool(settings.APPRAISE_EMAIL_HOST)


def notifications_create(*, items: Iterable[FollowUp], event: str, by: User) -> list[Delivery]:
    """The deliveries of items just created or found due, written in the caller's transaction
    and sent by a background task once it commits."""
    out: list[Delivery] = []
    items = list(items)
    team_ids = {i.agent.team_id for i in items if i.agent.team_id is not None}
    channels: dict[int, list[Channel]] = {}
    for channel in Channel.objects.filter(team_id__in=team_ids, active=True):
        channels.setdefault(channel.team_id, []).append(channel)
    for item in items:
        subject, body = _message(item, event)
        if email_enabled():
            for address in _owner_emails(item):
                out.append(
                    Delivery(
                        followup=item,
                        event=event,
                        kind=DeliveryKind.EMAIL,
                        target=address,
                        subject=subject,
                        body=body,
                    )
                )
        for channel in channels.get(item.agent.team_id or 0, []):
            if item.kind == Kind.HR and not channel.hr_items:
                continue
            out.append(
                Delivery(
                    followup=item,
                    event=event,
                    kind=channel.kind,
                    channel=channel,
                    subject=subject,
                    body=body,
                )
            )
    Delivery.objects.bulk_create(out)
    if out:
        schedule_sending(by=by)
    return out


def schedule_sending(*, by: User) -> None:
    """The one place that hands the sending to the task mechanism (web/tasks)."""
    task_enqueue(kind="notify_deliver", by=by)


@runner("notify_deliver")
def _run_deliveries(task: Task, progress: Progress) -> Any:
    sent, waiting, failed = deliveries_send()
    return {"sent": sent, "waiting": waiting, "failed": failed}


# --- sending ------------------------------------------------------------------------------------


def _send(delivery: Delivery, now: datetime) -> None:
    if delivery.kind == DeliveryKind.EMAIL:
        try:
            send_mail(
                delivery.subject,
                delivery.body,
                settings.DEFAULT_FROM_EMAIL,
                [delivery.target],
                fail_silently=False,
            )
        except Exception as exc:  # SMTP refusals, DNS, timeouts: kept as the delivery's error
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        return
    channel = delivery.channel
    if channel is None:
        raise DeliveryError(_("the channel was removed"))
    post_json(
        robot_request(channel.kind, channel.url, channel.secret, delivery.body, now), channel.kind
    )


def delivery_attempt(delivery: Delivery, now: datetime | None = None) -> Delivery:
    """Try one delivery once; the outcome (sent, or the error and the next attempt) is saved."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        delivery.refresh_from_db()
        return delivery
    delivery.refresh_from_db()
    delivery.attempts += 1
    try:
        _send(delivery, now)
    except DeliveryError as exc:
        delivery.last_error = str(exc)[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            wait = BACKOFF_MINUTES * 2 ** (delivery.attempts - 1)
            delivery.next_attempt_at = now + timedelta(minutes=wait)
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
    delivery.save()
    return delivery


def deliveries_send(*, now: datetime | None = None) -> tuple[int, int, int]:
    """Every pending delivery whose time has come, oldest first: (sent, still waiting, failed)."""
    now = now or timezone.now()
    counts = {DeliveryStatus.SENT: 0, DeliveryStatus.PENDING: 0, DeliveryStatus.FAILED: 0}
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    for delivery in due.select_related("channel").order_by("created_at", "pk"):
        counts[DeliveryStatus(delivery_attempt(delivery, now).status)] += 1
    return (
        counts[DeliveryStatus.SENT],
        counts[DeliveryStatus.PENDING],
        counts[DeliveryStatus.FAILED],
    )


@transaction.atomic
def notifications_due(*, today: date | None = None, by: User) -> list[Delivery]:
    """A reminder for every open item due today or before, once per item (the daily command)."""
    today = today or timezone.localdate()
    reminded = Delivery.objects.filter(event=Event.DUE).values("followup_id")
    items = (
        FollowUp.objects.filter(state__in=OPEN_STATES, due_on__lte=today)
        .exclude(pk__in=reminded)
        .select_related("agent", "agent__team", "agent__user", "cycle")
    )
    return notifications_create(items=list(items), event=Event.DUE, by=by)


@transaction.atomic
def delivery_retry(*, delivery: Delivery, by: User) -> Delivery:
    """HR sends a failed delivery again (one more attempt now, then as any pending one)."""
    require_hr(by, _("send notifications again"))
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict(
            _("only a failed notification is sent again; this one is %(status)s")
            % {"status": DeliveryStatus(delivery.status).label}
        )
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save()
    audit_record(
        by=by,
        action="notify.retry",
        obj=delivery,
        before={"status": DeliveryStatus.FAILED, "attempts": delivery.attempts},
        after={"status": delivery.status},
        cycle_id=delivery.followup.cycle_id if delivery.followup else None,
        note=delivery.last_error[:500],
    )
    schedule_sending(by=by)
    return delivery


# --- channels -----------------------------------------------------------------------------------


@transaction.atomic
def channel_create(
    *,
    by: User,
    team: Team,
    kind: str,
    url: str,
    secret: str = "",
    name: str = "",
    hr_items: bool = False,
) -> Channel:
    require_hr(by, _("configure notifications"))
    if kind not in ChannelKind.values:
        raise Invalid(_('"%(kind)s" is not a group robot') % {"kind": kind})
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(_("the webhook address must start with https:// (or http://)"))
    if kind == ChannelKind.WECOM and secret.strip():
        raise Invalid(_("WeCom group robots are not signed: leave the secret empty"))
    channel = Channel.objects.create(
        team=team,
        kind=kind,
        url=url.strip(),
        secret=secret.strip(),
        name=name.strip(),
        hr_items=hr_items,
    )
    audit_record(
        by=by,
        action="notify.channel_create",
        obj=channel,
        after={
            "team": team.name,
            "kind": kind,
            "name": channel.name,
            "signed": bool(channel.secret),
            "hr_items": hr_items,
        },
    )
    return channel


@transaction.atomic
def channel_delete(*, by: User, channel: Channel) -> None:
    require_hr(by, _("configure notifications"))
    audit_record(
        by=by,
        action="notify.channel_delete",
        obj=channel,
        before={"team": channel.team.name, "kind": channel.kind, "name": channel.name},
    )
    channel.delete()
