"""The organisation (组织架构), HR's: teams with their supervisors, agents, and the agents file.

Every write goes through :mod:`appraise.web.org.services`, which checks that the person is HR
and writes the audit log; the forms here only check the shape of what was typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User as AuthUser
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from appraise.web.org import roles
from appraise.web.org import selectors as org_sel
from appraise.web.org import services as org_svc
from appraise.web.org.models import Team
from appraise.web.pages.common import (
    for_field,
    form_refused,
    guarded,
    page,
    refusal_of,
    refused_into,
)
from appraise.web.permissions import require_hr
from appraise.web.uploads import upload_limited

ORG = "/org/"


def _supervisors() -> QuerySet[AuthUser]:
    """The people a team may be led or audited by: users with the supervisor role."""
    return AuthUser.objects.filter(groups__name=roles.SUPERVISOR).distinct().order_by("username")


class _UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{obj.username} ({full})" if full else str(obj.username)


class _UsersChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{obj.username} ({full})" if full else str(obj.username)


class SupervisorsForm(forms.Form):
    supervisors = _UsersChoice(
        label=_lazy("Supervisors"),
        queryset=AuthUser.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    indirect_supervisor = _UserChoice(
        label=_lazy("Indirect supervisor"), queryset=AuthUser.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = _supervisors()
        self.fields["supervisors"].queryset = people  # type: ignore[attr-defined]
        self.fields["indirect_supervisor"].queryset = people  # type: ignore[attr-defined]


class TeamForm(SupervisorsForm):
    name = forms.CharField(label=_lazy("Team name"), max_length=100)
    field_order = ["name", "supervisors", "indirect_supervisor"]


class AgentEditForm(forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=100)
    team = forms.ModelChoiceField(
        label=_lazy("Team"), queryset=Team.objects.order_by("name"), required=False
    )
    position = forms.CharField(label=_lazy("Position"), max_length=100, required=False)
    hired_on = forms.DateField(
        label=_lazy("Hired on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AgentForm(AgentEditForm):
    agent_id = forms.CharField(label=_lazy("Agent ID"), max_length=64)
    user = _UserChoice(
        label=_lazy("Login"),
        queryset=AuthUser.objects.none(),
        required=False,
        help_text=_lazy("A user without an agent profile; may be linked later."),
    )
    field_order = ["agent_id", "name", "team", "position", "hired_on", "user"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = AuthUser.objects.filter(  # type: ignore[attr-defined]
            agent__isnull=True
        ).order_by("username")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Agents file"),
        help_text=_lazy(
            "agents.csv or agents.xlsx with the columns agent_id, name, team, position, "
            "supervisor_id, hired_on"
        ),
    )


@guarded
def org_page(request: HttpRequest) -> HttpResponse:
    return _org_page(request, request.GET.get("edit"))


def _org_page(request: HttpRequest, edit: str | None = None) -> HttpResponse:
    """The organisation page; after a refused form, that form again with what was typed."""
    require_hr(request.user, _("define the organisation"))
    refused = refusal_of(request)

    def again(name: str, key: Any = None) -> bool:
        return refused is not None and refused.form == name and refused.key == key

    teams = (
        org_sel.team_list(user=request.user)
        .select_related("indirect_supervisor")
        .prefetch_related("supervisors")
        .annotate(agent_count=Count("agents"))
        .order_by("name")
    )
    team_rows = [
        {
            "team": t,
            "form": refused_into(
                request, SupervisorsForm(request.POST, prefix=f"t{t.pk}"), "supervisors"
            )
            if again("supervisors", t.pk)
            else SupervisorsForm(
                initial={
                    "supervisors": list(t.supervisors.all()),
                    "indirect_supervisor": t.indirect_supervisor,
                },
                prefix=f"t{t.pk}",
            ),
            "open": again("supervisors", t.pk),
        }
        for t in teams
    ]
    agents = Paginator(org_sel.agent_list(user=request.user).order_by("agent_id"), 100)
    editing = None
    edit_form = None
    if edit:
        editing = org_sel.agent_get(user=request.user, agent_id=edit)
        edit_form = (
            refused_into(request, AgentEditForm(request.POST), "edit")
            if again("edit", editing.agent_id)
            else AgentEditForm(
                initial={
                    "name": editing.name,
                    "team": editing.team,
                    "position": editing.position,
                    "hired_on": editing.hired_on,
                }
            )
        )
    return page(
        request,
        "pages/org.html",
        {
            "teams": team_rows,
            "agents": agents.get_page(request.GET.get("page")),
            "team_form": refused_into(request, TeamForm(request.POST), "team")
            if again("team")
            else TeamForm(),
            "agent_form": refused_into(request, AgentForm(request.POST), "agent")
            if again("agent")
            else AgentForm(),
            "upload_form": refused_into(request, UploadForm(request.POST, request.FILES), "upload")
            if again("upload")
            else UploadForm(),
            "editing": editing,
            "edit_form": edit_form,
        },
    )


def _org_again(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The organisation page after a refusal; the view's arguments (a team's pk) are the
    refusal's key, not the page's."""
    return _org_page(request)


@guarded(form="team", page=_org_again)
@require_POST
def team_create(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("define teams"))
    form = TeamForm(request.POST)
    if not form.is_valid():
        raise form_refused(form)
    d = form.cleaned_data
    team = org_svc.team_create(
        by=request.user,
        name=d["name"].strip(),
        supervisors=d["supervisors"],
        indirect_supervisor=d["indirect_supervisor"],
    )
    messages.success(request, _("Team %(name)s created.") % {"name": team.name})
    return HttpResponseRedirect(ORG)


@guarded(form="supervisors", key=lambda request, pk: pk, page=_org_again)
@require_POST
def team_supervisors(request: HttpRequest, pk: int) -> HttpResponse:
    require_hr(request.user, _("change team supervisors"))
    team = org_sel.team_get(user=request.user, pk=pk)
    form = SupervisorsForm(request.POST, prefix=f"t{pk}")
    if not form.is_valid():
        raise form_refused(form)
    org_svc.team_set_supervisors(
        by=request.user,
        team=team,
        supervisors=form.cleaned_data["supervisors"],
        indirect_supervisor=form.cleaned_data["indirect_supervisor"],
    )
    messages.success(request, _("Supervisors of %(name)s saved.") % {"name": team.name})
    return HttpResponseRedirect(ORG)


@guarded(form="agent", page=_org_again)
@require_POST
def agent_create(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("define agents"))
    form = AgentForm(request.POST)
    if not form.is_valid():
        raise form_refused(form)
    d = form.cleaned_data
    agent = org_svc.agent_create(
        by=request.user,
        agent_id=d["agent_id"].strip(),
        name=d["name"].strip(),
        team=d["team"],
        user=d["user"],
        position=d["position"].strip(),
        hired_on=d["hired_on"],
    )
    messages.success(request, _("Agent %(id)s added.") % {"id": agent.agent_id})
    return HttpResponseRedirect(ORG)


@guarded(
    form="edit",
    key=lambda request, agent_id: agent_id,
    page=lambda request, agent_id: _org_page(request, agent_id),
)
@require_POST
def agent_edit(request: HttpRequest, agent_id: str) -> HttpResponse:
    require_hr(request.user, _("change agents"))
    agent = org_sel.agent_get(user=request.user, agent_id=agent_id)
    form = AgentEditForm(request.POST)
    if not form.is_valid():
        raise form_refused(form)
    d = form.cleaned_data
    org_svc.agent_update(
        by=request.user,
        agent=agent,
        name=d["name"].strip(),
        team=d["team"],
        position=d["position"].strip(),
        hired_on=d["hired_on"],
    )
    messages.success(request, _("Agent %(id)s saved.") % {"id": agent.agent_id})
    return HttpResponseRedirect(ORG)


@guarded(form="upload", page=_org_again)
@require_POST
@upload_limited
def agents_upload(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("define agents"))
    upload = request.FILES.get("file")
    # A refused file comes back with one line per bad cell beside the file field (the file
    # itself cannot be kept: a browser never fills a file field in again).
    with for_field("file"):
        result = org_svc.agents_upload(
            by=request.user,
            file_name=(upload.name or "") if upload else "",
            content=upload.read() if upload else None,
        )
    messages.success(
        request,
        _("Agents file read: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        },
    )
    return HttpResponseRedirect(ORG)
