"""HR's page for agents' logins: create them in bulk for uploaded agents, reset a password,
deactivate a leaver. A one-time password is shown on the answer page once and nowhere else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.web.org import logins
from appraise.web.org import selectors as org_sel
from appraise.web.pages.common import back, guarded, int_or_none, page
from appraise.web.permissions import User, require_hr


def _agents(user: User, team_id: int | None) -> Any:
    qs = org_sel.agent_list(user=user).order_by("agent_id")
    return qs.filter(team_id=team_id) if team_id else qs


def _render(
    request: HttpRequest, team_id: int | None, issued: list[logins.Issued] | None = None
) -> HttpResponse:
    agents = list(_agents(request.user, team_id))
    response = page(
        request,
        "pages/org_logins.html",
        {
            "agents": agents,
            "without": sum(1 for a in agents if a.user_id is None),
            "teams": org_sel.team_list(user=request.user),
            "team_id": team_id,
            "issued": issued or [],
        },
    )
    # One-time passwords must not stay in a cache.
    response["Cache-Control"] = "no-store"
    return response


@guarded
def org_logins(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("manage agents' logins"))
    return _render(request, int_or_none(request.GET.get("team")))


@guarded
@require_POST
def org_logins_create(request: HttpRequest) -> HttpResponse:
    """Logins for the agents ticked, or for every agent of the list without one."""
    require_hr(request.user, _("create logins for agents"))
    team_id = int_or_none(request.POST.get("team"))
    agents = _agents(request.user, team_id).filter(user__isnull=True)
    ticked = request.POST.getlist("agent_id")
    if ticked:
        agents = agents.filter(agent_id__in=ticked)
    issued = logins.agent_logins_create(by=request.user, agents=list(agents))
    return _render(request, team_id, issued)


@guarded
@require_POST
def org_login_reset(request: HttpRequest, agent_id: str) -> HttpResponse:
    require_hr(request.user, _("reset agents' passwords"))
    agent = org_sel.agent_get(user=request.user, agent_id=agent_id)
    issued = logins.agent_password_reset(by=request.user, agent=agent)
    return _render(request, int_or_none(request.POST.get("team")), [issued])


@guarded
@require_POST
def org_login_active(request: HttpRequest, agent_id: str) -> HttpResponse:
    require_hr(request.user, _("deactivate agents' logins"))
    agent = org_sel.agent_get(user=request.user, agent_id=agent_id)
    active = request.POST.get("active") == "1"
    logins.agent_login_set_active(
        by=request.user, agent=agent, active=active, note=request.POST.get("note", "")
    )
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": agent.name})
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": agent.name})
    return back(request, "/org/logins/")
