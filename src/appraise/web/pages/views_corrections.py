"""HR's correction of one agent's data after publication (a metric's value or the count of one
kind of incident), with the reason, re-scored at once: the page lists the corrections made
before, and is reached from the agent's result in the cycle and from an upheld data appeal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from appraise.web.appeals import selectors as appeal_sel
from appraise.web.appeals import services as appeal_svc
from appraise.web.appeals.models import Appeal, AppealState, CorrectionKind
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles.models import State
from appraise.web.cycles.scoring import metric_labels
from appraise.web.evaluations.models import Result
from appraise.web.org import selectors as org_sel
from appraise.web.pages.common import back, guarded, int_or_none, page, refusal_of, submitted
from appraise.web.permissions import is_hr, require
from appraise.web.schemes.services import scheme_of

# The states in which published data may be corrected (the service says so too).
CORRECTABLE = (State.PUBLISHED, State.INTERVIEWS, State.APPEAL_WINDOW)


def _appeal(request: HttpRequest, agent_pk: int, cycle_pk: int) -> Appeal | None:
    """The data appeal the correction answers (``?appeal=`` or the form's field), if any."""
    pk = int_or_none(request.POST.get("appeal") or request.GET.get("appeal"))
    if pk is None:
        return None
    appeal = appeal_sel.appeal_get(user=request.user, pk=pk)
    if appeal.agent_id != agent_pk or appeal.cycle_id != cycle_pk:
        return None
    return appeal


@guarded(form="correct-data")
def agent_correct(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    agent = org_sel.agent_get(user=request.user, agent_id=agent_id)
    require(is_hr(request.user), _("only HR corrects published data"))
    appeal = _appeal(request, agent.pk, cycle.pk)
    if submitted(request):
        correction = appeal_svc.correction_apply(
            cycle=cycle,
            agent_id=agent.agent_id,
            by=request.user,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            value=request.POST.get("value", ""),
            reason=request.POST.get("reason", ""),
            appeal=appeal,
        )
        version = correction.result.version if correction.result else None
        messages.success(
            request,
            _("Corrected and re-scored: %(agent)s's result is now version %(v)s.")
            % {"agent": agent.name, "v": version},
        )
        return back(request, f"/cycles/{cycle.pk}/agents/{agent.agent_id}/")
    refused = refusal_of(request)
    scheme = scheme_of(cycle.scheme_version)
    metrics, kinds = appeal_svc.correctable(scheme)
    ctx: dict[str, Any] = {
        "cycle": cycle,
        "agent": agent,
        "appeal": appeal if appeal is not None and appeal.state == AppealState.UPHELD else None,
        "result": Result.objects.filter(cycle=cycle, agent=agent, is_current=True).first(),
        "corrections": list(
            appeal_sel.correction_list(
                user=request.user, cycle_id=cycle.pk, agent_id=agent.agent_id
            ).order_by("-at", "-id")
        ),
        "kinds": CorrectionKind.choices,
        # Each metric by its name beside its id: HR types the id, and knows the name (客单价).
        "metrics": [(m, metric_labels(scheme, [m])) for m in metrics],
        "metrics_hint": metric_labels(scheme, metrics),
        "incident_kinds": kinds,
        "open": cycle.state in CORRECTABLE,
        "kept": refused if refused is not None and refused.form == "correct-data" else None,
    }
    return page(request, "pages/correct.html", ctx)
