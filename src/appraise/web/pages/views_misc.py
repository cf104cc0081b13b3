"""Sign-in, the home page that sends each person where they work, the audit log and the
administrator's users, roles and API tokens."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User as AuthUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from appraise.web.audit import words as audit_words
from appraise.web.audit.models import AuditLog
from appraise.web.audit.selectors import audit_details, audit_list
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.org import roles
from appraise.web.org import selectors as org_sel
from appraise.web.org import services as org_svc
from appraise.web.pages.common import (
    form_refused,
    guarded,
    int_or_none,
    page,
    refusal_of,
    refused_into,
    submitted,
)
from appraise.web.pages.forms import RolesForm, UserForm, user_roles
from appraise.web.permissions import User, agent_of, is_admin, is_hr, led_teams, require_admin


class LoginView(auth_views.LoginView):
    template_name = "pages/login.html"
    redirect_authenticated_user = True
    next_page = "/"  # the home page sends each person where they work


def locked_out(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    """django-axes' answer to a sign-in of a locked user name (settings.AXES_LOCKOUT_CALLABLE)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "locked.html", {"lock_minutes": minutes}, status=429)


class LogoutView(auth_views.LogoutView):
    next_page = "/login/"


def home_for(user: User) -> str:
    """HR runs cycles, a supervisor watches the team, an agent reads the scorecard."""
    if is_hr(user):
        return "/cycles/"
    if led_teams(user).exists():
        return "/team/"
    if agent_of(user) is not None:
        return "/me/"
    if roles.QA in roles.roles_of(user):
        return "/qa/"
    if is_admin(user):
        return "/people/"
    return ""


@guarded
def home(request: HttpRequest) -> HttpResponse:
    target = home_for(request.user)
    if target:
        return HttpResponseRedirect(target)
    return page(request, "pages/home.html", {})


# --- audit log ----------------------------------------------------------------------------


def _date_or_none(value: str | None) -> date | None:
    """A filter date as the date input sends it (YYYY-MM-DD); anything else filters nothing."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audit_row(request: HttpRequest, e: AuditLog) -> tuple[Any, ...]:
    d = audit_details(user=request.user, entry=e)
    said = audit_words.sentence(e.actor_name, e.action, e.object_repr)
    return (e, said, audit_words.changes(d.before, d.after, e.action), d.note, d.withheld)


@guarded
def audit_page(request: HttpRequest) -> HttpResponse:
    g = request.GET
    cycle_id = int_or_none(g.get("cycle"))
    rows = audit_list(user=request.user, cycle_id=cycle_id, action=g.get("action") or None)
    actor = (g.get("actor") or "").strip()
    if actor:
        rows = rows.filter(actor_name=actor)
    since, until = _date_or_none(g.get("since")), _date_or_none(g.get("until"))
    if since is not None:
        rows = rows.filter(at__date__gte=since)
    if until is not None:
        rows = rows.filter(at__date__lte=until)
    pages = Paginator(rows, 50)
    current = pages.get_page(g.get("page"))
    query = {k: v for k, v in g.items() if k != "page" and v}
    return page(
        request,
        "pages/audit.html",
        {
            "entries": current,
            # JSON as stored, Chinese kept readable, on one line: a Python dict's repr is not.
            "rows": [_audit_row(request, e) for e in current],
            "filters": query,
            # Escaped: a "+" or "&" in a name must reach the next page as typed.
            "query": urlencode(query),
            # The filter in words, by name: (code, 计算考核).
            "actions": sorted(
                (
                    (a, audit_words.action_name(a))
                    for a in AuditLog.objects.order_by("action")
                    .values_list("action", flat=True)
                    .distinct()
                ),
                key=lambda pair: pair[1],
            ),
            "cycles": cycle_sel.cycle_list(user=request.user) if is_hr(request.user) else [],
        },
    )


# --- users, roles, tokens -----------------------------------------------------------------


@guarded(form="user")
def people(request: HttpRequest) -> HttpResponse:
    require_admin(request.user, _("manage users"))
    form = UserForm(request.POST or None)
    if submitted(request) and form.is_valid():
        d = form.cleaned_data
        user = org_svc.user_create(
            by=request.user,
            username=d["username"],
            password=d["password"] or None,
            roles_=d["roles"],
            first_name=d["first_name"],
        )
        messages.success(request, _("User %(name)s created.") % {"name": user.username})
        return HttpResponseRedirect("/people/")
    users = org_sel.user_list(user=request.user)
    refused = refusal_of(request)
    if refused is not None and refused.form != "user":
        form = UserForm()  # another form was refused: this one was not sent
    with_token = set(Token.objects.values_list("user_id", flat=True))
    rows: list[dict[str, Any]] = [
        {
            "user": u,
            "roles": user_roles(u),
            "has_token": u.pk in with_token,
            "agent": agent_of(u),
            "form": refused_into(request, RolesForm(request.POST, prefix=f"u{u.pk}"), "roles")
            if refused is not None and refused.form == "roles" and refused.key == u.pk
            else RolesForm(initial={"roles": user_roles(u)}, prefix=f"u{u.pk}"),
        }
        for u in users
    ]
    return page(
        request,
        "pages/people.html",
        {
            "rows": rows,
            "form": refused_into(request, form, "user"),
            "new_key": request.session.pop("new_token", None),
        },
    )


def _target(request: HttpRequest, pk: int) -> AuthUser:
    return org_sel.user_get(user=request.user, pk=pk)


@guarded(form="roles", key=lambda request, pk: pk, page=lambda request, pk: people(request))
@require_POST
def people_roles(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user, _("change roles"))
    user = _target(request, pk)
    form = RolesForm(request.POST, prefix=f"u{pk}")
    if not form.is_valid():
        # An unknown role changes nothing (it must never read as "no roles at all").
        raise form_refused(form)
    org_svc.user_set_roles(by=request.user, user=user, roles_=form.cleaned_data["roles"])
    messages.success(request, _("Roles of %(name)s saved.") % {"name": user.username})
    return HttpResponseRedirect("/people/")


@guarded(form="token", key=lambda request, pk: pk, page=lambda request, pk: people(request))
@require_POST
def people_token(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user, _("issue API tokens"))
    user = _target(request, pk)
    if request.POST.get("revoke"):
        org_svc.token_revoke(by=request.user, user=user)
        messages.success(request, _("Token of %(name)s revoked.") % {"name": user.username})
    else:
        token = org_svc.token_create(by=request.user, user=user)
        # Shown once on the next page, never stored anywhere readable again.
        request.session["new_token"] = {"user": user.username, "key": token.key}
    return HttpResponseRedirect("/people/")
