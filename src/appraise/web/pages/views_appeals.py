"""The appeals queue: the agent's own, the supervisor's first answers, HR's final decisions and
the correction + re-score after an upheld appeal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.web.appeals import selectors as appeal_sel
from appraise.web.appeals import services as appeal_svc
from appraise.web.appeals.models import Appeal, AppealState
from appraise.web.cycles.scoring import form_roles, rated_indicators, role_names
from appraise.web.errors import Forbidden
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.evaluations.services import rating_set
from appraise.web.pages.common import back, for_field, guarded, page, refusal_of
from appraise.web.pages.rating_cells import rating_rows, seen_in
from appraise.web.permissions import (
    User,
    agent_of,
    is_direct_supervisor,
    is_hr,
    is_self,
    led_teams,
)
from appraise.web.schemes.services import scheme_of


def _may_use_queue(user: User) -> None:
    if not (is_hr(user) or led_teams(user).exists() or agent_of(user) is not None):
        raise Forbidden(_("the appeals queue is for agents, supervisors and HR"))


def _waiting_on(user: User, a: Appeal) -> bool:
    """Whether the appeal waits for this person's decision or action."""
    if a.state == AppealState.WITH_SUPERVISOR:
        return is_direct_supervisor(user, a.agent)
    if a.state in (AppealState.WITH_HR, AppealState.UPHELD):
        # HR decides an escalated appeal, and corrects and re-scores an upheld one.
        return is_hr(user)
    if a.state == AppealState.REJECTED:
        return is_self(user, a.agent) and not a.hr_decision
    return False


@guarded
def appeal_queue(request: HttpRequest) -> HttpResponse:
    _may_use_queue(request.user)
    rows = list(appeal_sel.appeal_list(user=request.user).select_related("agent__team"))
    waiting = [a for a in rows if _waiting_on(request.user, a)]
    others = [a for a in rows if a not in waiting]
    return page(request, "pages/appeals.html", {"waiting": waiting, "others": others})


def _correction_rows(request: HttpRequest, appeal: Appeal) -> list[dict[str, Any]]:
    scheme = scheme_of(appeal.cycle.scheme_version)
    refused = refusal_of(request)
    names = role_names(scheme)
    return rating_rows(
        rated_indicators(scheme),
        {r: names[r] for r in form_roles(scheme)},
        list(eval_sel.rating_list(user=request.user, cycle=appeal.cycle, agent=appeal.agent)),
        refused if refused is not None and refused.form == "correct" else None,
    )


@guarded
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_sel.appeal_get(user=request.user, pk=pk)
    user = request.user
    ctx: dict[str, Any] = {
        "appeal": appeal,
        "can_decide": (
            appeal.state == AppealState.WITH_SUPERVISOR and is_direct_supervisor(user, appeal.agent)
        )
        or (appeal.state == AppealState.WITH_HR and is_hr(user)),
        "can_escalate": (
            appeal.state == AppealState.WITH_SUPERVISOR
            and (is_direct_supervisor(user, appeal.agent) or is_self(user, appeal.agent))
        )
        or (
            appeal.state == AppealState.REJECTED
            and not appeal.hr_decision
            and is_self(user, appeal.agent)
        ),
        "can_correct": appeal.state == AppealState.UPHELD and is_hr(user),
    }
    if ctx["can_correct"]:
        ctx["rows"] = _correction_rows(request, appeal)
    return page(request, "pages/appeal.html", ctx)


@guarded(form="decide", page=appeal_detail)
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_sel.appeal_get(user=request.user, pk=pk)
    with for_field("note"):
        appeal_svc.appeal_decide(
            appeal=appeal,
            by=request.user,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
    messages.success(request, _("Decision recorded."))
    return back(request, f"/appeals/{appeal.pk}/")


@guarded(form="escalate", page=appeal_detail)
@require_POST
def appeal_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_sel.appeal_get(user=request.user, pk=pk)
    appeal_svc.appeal_escalate(appeal=appeal, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("The appeal went to HR."))
    return back(request, f"/appeals/{appeal.pk}/")


@guarded(form="correct", page=appeal_detail)
@require_POST
def appeal_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """HR corrects the ratings of an upheld appeal and re-scores in one step: the agent's
    earlier result stays as an earlier version."""
    appeal = appeal_sel.appeal_get(user=request.user, pk=pk)
    scheme = scheme_of(appeal.cycle.scheme_version)
    roles = form_roles(scheme)
    given = {
        (r.indicator, r.role): r.value
        for r in eval_sel.rating_list(user=request.user, cycle=appeal.cycle, agent=appeal.agent)
    }
    with transaction.atomic():
        for indicator in rated_indicators(scheme):
            for role in roles:
                value = request.POST.get(f"ind_{indicator}__{role}", "").strip()
                field = f"ind_{indicator}__{role}"
                if value and value != given.get((indicator, role)):
                    with for_field(field):
                        rating_set(
                            cycle=appeal.cycle,
                            agent=appeal.agent,
                            indicator=indicator,
                            role=role,
                            value=value,
                            by=request.user,
                            note=f"appeal {appeal.pk}",
                            seen=seen_in(request.POST, field),
                        )
        appeal = appeal_svc.appeal_rescore(appeal=appeal, by=request.user)
    messages.success(request, _("Re-scored: the agent's new result is published."))
    return back(request, f"/appeals/{appeal.pk}/")
