"""Assigned raters' pages: HR assigns peers or another department's people to rate agents of a
cycle (``/cycles/N/raters/``); each rater lists their assignments (``/ratings/assigned/``) and
rates one agent on a page that shows nothing else of the cycle (``/ratings/assigned/N/``).

The writes are :mod:`appraise.web.evaluations.raters` and ``rating_set``; the rating cells carry
the version they showed (``rating_cells``), as on the supervisor's form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles.scoring import anonymous_roles, assigned_roles, role_indicators
from appraise.web.errors import Forbidden, Invalid
from appraise.web.evaluations import raters
from appraise.web.evaluations.models import RaterAssignment
from appraise.web.evaluations.services import rating_set
from appraise.web.pages.common import (
    back,
    for_field,
    guarded,
    int_or_none,
    page,
    refusal_of,
    submitted,
)
from appraise.web.pages.rating_cells import rating_cell, seen_in
from appraise.web.permissions import require_hr
from appraise.web.schemes.services import scheme_of


def _people(names: list[str]) -> list[AuthUser]:
    ids = [int(n) for n in names if n.isdigit()]
    found = list(AuthUser.objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise Invalid(_("choose raters from the list"), field="raters")
    return found


@guarded(form="assign")
def cycle_raters(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: who rates whom in the scheme's assigned roles, and the form to assign more."""
    require_hr(request.user, _("assign raters"))
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    scheme = scheme_of(cycle.scheme_version)
    roles = assigned_roles(scheme)
    if submitted(request):
        post = request.POST
        team_id = int_or_none(post.get("team"))
        targets = raters.assignment_targets(
            cycle=cycle, agent_ids=post.getlist("agents"), team_id=team_id
        )
        mutual = post.get("mutual") == "1"
        people = raters.mutual_raters(targets) if mutual else _people(post.getlist("raters"))
        done = raters.raters_assign(
            cycle=cycle, by=request.user, role=post.get("role", ""), raters=people, agents=targets
        )
        said = [_("%(n)d raters assigned.") % {"n": len(done.created)}]
        if done.existing:
            said.append(_("%(n)d were assigned already.") % {"n": done.existing})
        if done.themselves:
            said.append(_("%(n)d left out: nobody rates themselves.") % {"n": done.themselves})
        messages.success(request, " ".join(said))
        return back(request, f"/cycles/{cycle.pk}/raters/")
    counts = {role: len(role_indicators(scheme, role)) for role in roles}
    rows: list[dict[str, Any]] = [
        {"a": a, "role": roles.get(a.role, a.role), "of": counts.get(a.role, 0)}
        for a in raters.assignment_list(user=request.user, cycle=cycle)
    ]
    agents = list(cycle.agents.select_related("team").order_by("agent_id"))
    # One rater of an anonymous role is no anonymity: the mean the agent reads is their rating.
    hidden = anonymous_roles(scheme)
    per: dict[tuple[str, str, str], int] = {}
    for row in rows:
        a = row["a"]
        if a.role in hidden:
            key = (a.agent.agent_id, a.agent.name, row["role"])
            per[key] = per.get(key, 0) + 1
    alone = [f"{name} {agent_id} · {role}" for (agent_id, name, role), n in per.items() if n == 1]
    refused = refusal_of(request)
    typed = refused.data if refused is not None and refused.form == "assign" else None
    return page(
        request,
        "pages/raters.html",
        {
            "cycle": cycle,
            "roles": roles,
            "anonymous": anonymous_roles(scheme),
            "assignments": rows,
            "alone": alone,
            "agents": agents,
            "teams": sorted({a.team for a in agents if a.team}, key=lambda t: t.name),
            "people": AuthUser.objects.filter(is_active=True).order_by("username"),
            "chosen_raters": typed.getlist("raters") if typed else [],
            "chosen_agents": typed.getlist("agents") if typed else [],
            "open": cycle.state in raters.ASSIGN_STATES,
        },
    )


def _raters_page(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    return cycle_raters(request, pk)


@guarded(form="unassign", key=lambda request, pk, assignment_id: assignment_id, page=_raters_page)
@require_POST
def cycle_rater_remove(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    assignment = raters.assignment_get(user=request.user, pk=assignment_id)
    if assignment.cycle_id != pk:
        raise Invalid(_("no such rating assignment"))
    raters.rater_unassign(assignment=assignment, by=request.user)
    messages.success(
        request,
        _("%(rater)s no longer rates %(agent)s.")
        % {"rater": assignment.rater.username, "agent": assignment.agent.name},
    )
    return back(request, f"/cycles/{pk}/raters/")


@guarded
def my_assignments(request: HttpRequest) -> HttpResponse:
    """Everyone signed in: the agents HR asked them to rate, and nothing else of the cycles."""
    rows = []
    for a in raters.assignment_list_mine(user=request.user):
        rows.append(
            {
                "a": a,
                "role": raters.role_name(a),
                "of": len(raters.assignment_indicators(a)),
                "open": raters.assignment_open(a),
            }
        )
    return page(request, "pages/assigned.html", {"rows": rows})


@guarded(form="assigned")
def assignment_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The rating form of one assignment: the role's indicators, one cell each."""
    assignment = raters.assignment_get(user=request.user, pk=pk)
    if assignment.rater_id != request.user.pk:
        # HR sees assignments on the cycle's page; this page is the rater's own.
        raise Forbidden(_("only the rater HR assigned rates here"))
    indicators = raters.assignment_indicators(assignment)
    if submitted(request):
        n = 0
        with transaction.atomic():
            for indicator in indicators:
                field = f"ind_{indicator}"
                value = request.POST.get(field, "").strip()
                if value:
                    with for_field(field):
                        rating_set(
                            cycle=assignment.cycle,
                            agent=assignment.agent,
                            indicator=indicator,
                            role=assignment.role,
                            value=value,
                            by=request.user,
                            note=request.POST.get("note", ""),
                            seen=seen_in(request.POST, field),
                            assignment=assignment,
                        )
                    n += 1
        messages.success(request, _("Ratings saved (%(n)d).") % {"n": n})
        return back(request, "/ratings/assigned/")
    return page(request, "pages/assigned_rate.html", _rate_context(request, assignment))


def _rate_context(request: HttpRequest, assignment: RaterAssignment) -> dict[str, Any]:
    scheme = scheme_of(assignment.cycle.scheme_version)
    stored = {r.indicator: r for r in assignment.ratings.all()}
    refused = refusal_of(request)
    kept = refused if refused is not None and refused.form == "assigned" else None
    takes = _rules(scheme)
    rows = [
        {
            "id": i,
            "name": name,
            "takes": takes.get(i, ""),
            **rating_cell(f"ind_{i}", stored.get(i), kept),
        }
        for i, name in raters.assignment_indicators(assignment).items()
    ]
    return {
        "a": assignment,
        "role": raters.role_name(assignment),
        "anonymous": assignment.role in anonymous_roles(scheme),
        "rows": rows,
        "open": raters.assignment_open(assignment),
    }


def _rules(scheme: Any) -> dict[str, str]:
    """Indicator id -> what it takes (0..5, or the level names), shown beside each cell."""
    from appraise.schemes.model import LevelsRule, RatedRule
    from appraise.schemes.validate import all_indicators
    from appraise.scoring.text import fmt

    out = {}
    for node, _path in all_indicators(scheme):
        if isinstance(node.rule, LevelsRule):
            out[node.id] = "/".join(lv.name for lv in node.rule.levels)
        elif isinstance(node.rule, RatedRule):
            out[node.id] = f"{fmt(node.rule.min)}–{fmt(node.rule.max)}"
    return out
