"""The follow-up pages: the person's 待办 list, the follow-ups they may see, one item with the
form its owner needs. Reads through the selectors, writes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.web.cycles import selectors as cycle_sel
from appraise.web.errors import Forbidden, Invalid, NotFound
from appraise.web.followups import notify
from appraise.web.followups import selectors as sel
from appraise.web.followups import services as svc
from appraise.web.followups import todo as todos
from appraise.web.followups.models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    FollowUp,
    ItemState,
    Kind,
)
from appraise.web.org import selectors as org_sel
from appraise.web.pages.common import (
    back,
    chosen,
    for_field,
    guarded,
    int_or_none,
    page,
    submitted,
)
from appraise.web.permissions import (
    User,
    agent_of,
    is_direct_supervisor,
    is_hr,
    is_self,
    led_teams,
    require_hr,
)
from appraise.web.uploads import upload_limited


def _row(item: FollowUp) -> dict[str, Any]:
    return {"item": item, "owner": sel.owner_label(item)}


@guarded
def todo(request: HttpRequest) -> HttpResponse:
    """What waits for the signed-in person, soonest due first."""
    groups = [
        {
            "kind": kind,
            "title": todos.KINDS[kind],
            "items": [
                {"todo": t, "row": _row(t.followup) if t.followup is not None else None}
                for t in items
            ],
        }
        for kind, items in todos.todo_list(user=request.user).items()
    ]
    return page(request, "followups/todo.html", {"groups": groups})


def _require_someone(user: User) -> None:
    if not (is_hr(user) or led_teams(user).exists() or agent_of(user) is not None):
        raise Forbidden(_("follow-ups are for agents, supervisors and HR"))


@guarded
def followup_list(request: HttpRequest) -> HttpResponse:
    _require_someone(request.user)
    cycle_id = int_or_none(request.GET.get("cycle"))
    state = request.GET.get("state") or "open"
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id) if cycle_id else None
    items = sel.followup_list(user=request.user, cycle_id=cycle_id, state=state).order_by(
        "due_on", "cycle_id", "agent__agent_id", "pk"
    )
    return page(
        request,
        "followups/list.html",
        {
            "rows": [_row(i) for i in items],
            "cycle": cycle,
            "state": state,
            "states": [("open", _("open")), *ItemState.choices, ("all", _("all"))],
        },
    )


@guarded
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.followup_get(user=request.user, pk=pk)
    user = request.user
    return page(
        request,
        "followups/detail.html",
        {
            "f": item,
            "owner": sel.owner_label(item),
            "can_plan": item.kind == Kind.PLAN
            and item.state == ItemState.OPEN
            and is_self(user, item.agent),
            "can_review": item.kind == Kind.PLAN
            and item.state == ItemState.SUBMITTED
            and is_direct_supervisor(user, item.agent),
            "can_complete": item.kind == Kind.HR and item.state == ItemState.OPEN and is_hr(user),
            "can_interview": item.kind == Kind.INTERVIEW
            and item.state == ItemState.OPEN
            and is_direct_supervisor(user, item.agent),
            "can_sign": item.kind == Kind.INTERVIEW
            and item.interview is not None
            and item.interview.signed_at is None
            and is_self(user, item.agent),
        },
    )


# A refused form comes back on the item's page with what was typed and the reason beside it.
@guarded(form="plan", page=followup_detail)
@require_POST
def followup_plan(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.followup_get(user=request.user, pk=pk)
    with for_field("plan"):
        svc.followup_submit_plan(item=item, by=request.user, text=request.POST.get("plan", ""))
    messages.success(request, _("Plan submitted; your supervisor will read it."))
    return back(request, f"/followups/{item.pk}/")


@guarded(form="review", page=followup_detail)
@require_POST
def followup_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.followup_get(user=request.user, pk=pk)
    accept = request.POST.get("decision") == "accept"
    with for_field("note"):
        svc.followup_review_plan(
            item=item, by=request.user, accept=accept, note=request.POST.get("note", "")
        )
    messages.success(request, _("Plan accepted.") if accept else _("Plan returned to the agent."))
    return back(request, f"/followups/{item.pk}/")


@guarded(form="complete", page=followup_detail)
@require_POST
def followup_complete(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.followup_get(user=request.user, pk=pk)
    with for_field("note"):
        svc.followup_complete(item=item, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Decision recorded."))
    return back(request, f"/followups/{item.pk}/")


# --- notifications (HR) -------------------------------------------------------------------------

DELIVERIES_SHOWN = 100


@guarded
def notify_page(request: HttpRequest) -> HttpResponse:
    """The teams' group robots, and the latest notifications with their attempts and errors."""
    require_hr(request.user, _("configure notifications"))
    status = request.GET.get("status") or ""
    deliveries = Delivery.objects.select_related("channel", "channel__team", "followup__agent")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    return page(
        request,
        "followups/notify.html",
        {
            "channels": Channel.objects.select_related("team"),
            "teams": org_sel.team_list(user=request.user),
            "kinds": ChannelKind.choices,
            "deliveries": deliveries[:DELIVERIES_SHOWN],
            "status": status,
            "statuses": DeliveryStatus.choices,
            "counts": {s: Delivery.objects.filter(status=s).count() for s in DeliveryStatus.values},
            "email_enabled": notify.email_enabled(),
        },
    )


@guarded
@require_POST
def channel_new(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("configure notifications"))
    team_pk = int_or_none(request.POST.get("team"))
    if team_pk is None:
        raise Invalid(_("choose a team"), field="team")
    with chosen("team"):
        team = org_sel.team_get(user=request.user, pk=team_pk)
    notify.channel_create(
        by=request.user,
        team=team,
        kind=request.POST.get("kind", ""),
        url=request.POST.get("url", ""),
        secret=request.POST.get("secret", ""),
        name=request.POST.get("name", ""),
        hr_items=bool(request.POST.get("hr_items")),
    )
    messages.success(request, _("Group robot added for %(team)s.") % {"team": team.name})
    return back(request, "/notify/")


@guarded
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_hr(request.user, _("configure notifications"))
    channel = Channel.objects.filter(pk=pk).first()
    if channel is None:
        raise NotFound(_("no group robot %(pk)s") % {"pk": pk})
    notify.channel_delete(by=request.user, channel=channel)
    messages.success(request, _("Group robot removed."))
    return back(request, "/notify/")


@guarded
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require_hr(request.user, _("send notifications again"))
    delivery = Delivery.objects.filter(pk=pk).first()
    if delivery is None:
        raise NotFound(_("no notification %(pk)s") % {"pk": pk})
    notify.delivery_retry(delivery=delivery, by=request.user)
    messages.success(request, _("The notification is being sent again."))
    return back(request, "/notify/")


def _basis_agent(request: HttpRequest, cycle_id: int, agent_id: str) -> tuple[Any, Any]:
    """The cycle and agent of a factual basis, for the agent's direct supervisor or HR."""
    from appraise.web.org.models import Agent

    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    agent = Agent.objects.filter(agent_id=agent_id, cycles=cycle).first()
    if agent is None:
        raise NotFound(_("agent %(agent)s is not in this cycle") % {"agent": agent_id})
    if not (is_direct_supervisor(request.user, agent) or is_hr(request.user)):
        raise Forbidden(_("only the agent's direct supervisor or HR may write the factual basis"))
    return cycle, agent


@guarded(form="basis")
@upload_limited
def basis_form(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    """事实依据: the facts behind an 优秀 or 急需改进, with files, written before publication."""
    from appraise.web.followups.models import FactualBasis

    cycle, agent = _basis_agent(request, cycle_id, agent_id)
    if submitted(request):
        files = [
            (f.name or "file", f.content_type or "", bytes(f.read()))
            for f in request.FILES.getlist("files")
        ]
        svc.basis_write(
            cycle=cycle,
            agent=agent,
            by=request.user,
            text=request.POST.get("text", ""),
            files=files,
        )
        messages.success(request, _("Factual basis saved; HR sees it in calibration."))
        return back(request, f"/team/{cycle.pk}/basis/{agent.agent_id}/")
    basis = FactualBasis.objects.filter(cycle=cycle, agent=agent).first()
    return page(
        request,
        "followups/basis.html",
        {
            "cycle": cycle,
            "agent": agent,
            "basis": basis,
            "text": request.POST.get("text", "")
            if request.method == "POST"
            else (basis.text if basis else ""),
        },
    )


@guarded
def basis_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """One file of a factual basis, for the agent's direct supervisor and HR."""
    from appraise.web.followups.models import BasisAttachment

    att = (
        BasisAttachment.objects.select_related("basis__agent", "basis__cycle").filter(pk=pk).first()
    )
    if att is None:
        raise NotFound(_("no such file"))
    _basis_agent(request, att.basis.cycle_id, att.basis.agent.agent_id)
    response = HttpResponse(bytes(att.content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, att.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@guarded
def interview_form(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    """The printable 绩效面谈表 (seed 004) of one agent's interview record."""
    from appraise.web.exports import documents

    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    body, content_type, name = documents.agent_interview_form(
        user=request.user, cycle=cycle, agent_id=agent_id
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
