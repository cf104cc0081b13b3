"""HR's cycle pages: the list, a new cycle, the overview with the next steps, data import and
computation as tasks with a progress bar, calibration against the quotas, and the task bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraise.web.appeals.models import OPEN_STATES, Appeal, Correction
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles import services as cycle_svc
from appraise.web.cycles.models import Cycle, State
from appraise.web.cycles.scoring import assigned_roles
from appraise.web.errors import Conflict, Invalid, NotFound
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.followups.selectors import followups_open_for_cycle
from appraise.web.followups.todo import cycle_progress
from appraise.web.org import selectors as org_sel
from appraise.web.pages import charts
from appraise.web.pages.common import (
    back,
    for_field,
    guarded,
    page,
    refused_into,
    submitted,
    whole_number,
)
from appraise.web.pages.forms import CycleForm
from appraise.web.pages.views_import import TEMPLATES, preset_choices, uploaded_files
from appraise.web.permissions import User, require_hr
from appraise.web.schemes import selectors as scheme_sel
from appraise.web.schemes.services import scheme_of
from appraise.web.tasks import services as task_svc
from appraise.web.tasks.models import TaskStatus
from appraise.web.tasks.selectors import task_get, task_list
from appraise.web.uploads import upload_limited


def _plain(fn: Callable[..., Any]) -> Callable[[HttpRequest, Cycle], Any]:
    return lambda request, c: fn(cycle=c, by=request.user)


def _appeal_window(request: HttpRequest, c: Cycle) -> Any:
    with for_field("days"):
        days = whole_number(request.POST.get("days"), default=7)
        return cycle_svc.cycle_open_appeal_window(cycle=c, by=request.user, days=days)


def _rescore(request: HttpRequest, c: Cycle) -> Any:
    reason = request.POST.get("reason", "").strip()
    if not reason:
        raise Invalid(_("a re-score needs a reason"), field="reason")
    return cycle_svc.cycle_rescore(cycle=c, by=request.user, reason=reason)


def _close(request: HttpRequest, c: Cycle) -> Any:
    reason = request.POST.get("override_reason", "")
    return cycle_svc.cycle_close(cycle=c, by=request.user, override_reason=reason)


# The steps of the overview page: each calls the one service of its transition.
ACTIONS: dict[str, Callable[[HttpRequest, Cycle], Any]] = {
    "open-self-assessment": _plain(cycle_svc.cycle_open_self_assessment),
    "open-supervisor-rating": _plain(cycle_svc.cycle_open_supervisor_rating),
    "open-indirect-audit": _plain(cycle_svc.cycle_open_indirect_audit),
    "open-calibration": _plain(cycle_svc.cycle_open_calibration),
    "publish": _plain(cycle_svc.cycle_publish),
    "open-interviews": _plain(cycle_svc.cycle_open_interviews),
    "open-appeal-window": _appeal_window,
    "close": _close,
    "rescore": _rescore,
}

# The next step(s) offered in each state, with the words on the button.
NEXT: dict[str, list[tuple[str, Any]]] = {
    State.DATA_IMPORTED: [("open-self-assessment", gettext_lazy("Open self-assessment"))],
    State.SELF_ASSESSMENT: [("open-supervisor-rating", gettext_lazy("Open supervisor rating"))],
    State.SUPERVISOR_RATING: [("open-indirect-audit", gettext_lazy("Open indirect audit"))],
    State.INDIRECT_AUDIT: [("open-calibration", gettext_lazy("Open calibration"))],
    State.CALIBRATION: [("publish", gettext_lazy("Publish results"))],
    State.PUBLISHED: [("open-interviews", gettext_lazy("Open interviews"))],
    State.INTERVIEWS: [("open-appeal-window", gettext_lazy("Open appeal window"))],
    State.APPEAL_WINDOW: [("close", gettext_lazy("Close the cycle"))],
}


# Steps a person confirms in a dialog before they happen (app.js asks: data-confirm), for
# what cannot be taken back: agents see published results, a closed cycle takes no appeal.
CONFIRM: dict[str, Any] = {
    "publish": gettext_lazy(
        "Publish the results? The agents see them, and they never change in place again."
    ),
    "close": gettext_lazy("Close the cycle? No appeal can be filed after that."),
}

# Steps the services refuse while the results are older than their inputs.
NEEDS_FRESH_RESULTS = ("open-indirect-audit", "publish")


def next_steps(cycle: Cycle, open_appeals: int) -> list[tuple[str, Any, Any]]:
    """The buttons of the overview: only steps that can be taken now (after computing again,
    after the open appeals are decided), each with its confirmation question or ``""``."""
    steps = []
    for action, label in NEXT.get(cycle.state, []):
        if action in NEEDS_FRESH_RESULTS and cycle.results_stale:
            continue
        if action == "close" and open_appeals:
            continue
        steps.append((action, label, CONFIRM.get(action, "")))
    return steps


def _hr_cycle(user: User, pk: int, doing: str) -> Cycle:
    cycle = cycle_sel.cycle_get(user=user, pk=pk)
    require_hr(user, doing)
    return cycle


@guarded(form="cycle")
def cycle_list(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("manage cycles"))
    form = CycleForm(
        request.POST or None,
        versions=scheme_sel.scheme_version_list(user=request.user),
        teams=org_sel.team_list(user=request.user),
    )
    if submitted(request) and form.is_valid():
        d = form.cleaned_data
        try:
            cycle = cycle_svc.cycle_create(
                by=request.user,
                name=d["name"],
                scheme_version=d["scheme_version"],
                period=d["period"],
                teams=list(d["teams"]),
                allow_duplicate=d["allow_duplicate"],
            )
        except Conflict as exc:
            if exc.code != "duplicate_cycle":
                raise
            # Kept on the form, with the box to tick if another cycle is meant.
            form.add_error("allow_duplicate", str(exc))
        else:
            messages.success(request, _("Cycle created; import its data next."))
            return HttpResponseRedirect(f"/cycles/{cycle.pk}/")
    return page(
        request,
        "pages/cycles.html",
        {
            "cycles": cycle_sel.cycle_list(user=request.user),
            "form": refused_into(request, form, "cycle"),
        },
    )


def _close_needs_reason(cycle: Cycle, followups_open: int) -> str:
    """The words of the reason field beside 关闭, when closing now needs HR's reason."""
    if cycle.state != State.APPEAL_WINDOW:
        return ""
    if cycle.appeal_deadline is not None and timezone.now() < cycle.appeal_deadline:
        return _("Reason to close before the appeal deadline")
    if followups_open:
        return _("Reason to close with open follow-ups")
    return ""


@guarded
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _hr_cycle(request.user, pk, _("run cycles"))
    results = list(eval_sel.result_list_cycle(user=request.user, cycle=cycle))
    # The latest correction of each agent's data (one query; none before publication).
    latest: dict[int, Correction] = {}
    if results and cycle.state not in cycle_svc.BEFORE_PUBLICATION:
        for c in Correction.objects.filter(cycle=cycle).select_related("result"):
            latest[c.agent_id] = c  # ordered oldest first: the last one stays
    for r in results:
        r.correction = latest.get(r.agent_id)  # type: ignore[attr-defined]
    scheme = scheme_of(cycle.scheme_version)
    distribution = cycle_sel.cycle_distribution(cycle=cycle) if results else []
    for row in distribution:
        row["cap"] = charts.quota_count(row)
        row["over"] = charts.over_quota(row)
    confirmed = {c.team_id: c for c in cycle.confirmations.select_related("confirmed_by")}
    followups_open = followups_open_for_cycle(cycle).count()
    from appraise.web.followups.models import FactualBasis
    from appraise.web.followups.services import bases_missing

    bases = list(
        FactualBasis.objects.filter(cycle=cycle)
        .select_related("agent", "written_by")
        .prefetch_related("attachments")
        .order_by("agent__agent_id")
    )
    open_appeals = (
        Appeal.objects.filter(cycle=cycle, state__in=OPEN_STATES).count()
        if cycle.state == State.APPEAL_WINDOW
        else 0
    )
    running = task_list(user=request.user).filter(
        cycle=cycle, status__in=(TaskStatus.PENDING, TaskStatus.RUNNING)
    )
    return page(
        request,
        "pages/cycle.html",
        {
            "cycle": cycle,
            "scheme": scheme,
            "has_raters": bool(assigned_roles(scheme)),
            "results": results,
            "agent_count": cycle.agents.count(),
            "files": cycle.files.all().defer("content"),
            "next_steps": next_steps(cycle, open_appeals),
            "open_appeals": open_appeals,
            "can_import": cycle.state in (State.DRAFT, State.DATA_IMPORTED),
            "presets": preset_choices(),
            "templates": list(TEMPLATES),
            "can_compute": cycle.state in cycle_svc.computable_states(cycle),
            "can_rescore": cycle.state in cycle_svc.AFTER_PUBLICATION,
            "calibrating": cycle.state == State.CALIBRATION,
            "grades": [g.name for g in scheme.grades],
            "distribution": distribution,
            "distribution_chart": charts.distribution_option(distribution, _("Agents"))
            if distribution
            else None,
            "teams": [
                {"team": t, "confirmation": confirmed.get(t.pk)}
                for t in cycle_svc.cycle_teams(cycle)
            ],
            "auditing": cycle.state == State.INDIRECT_AUDIT,
            "followups_open": followups_open,
            "bases": bases,
            "bases_missing": bases_missing(cycle)
            if cycle.state in cycle_svc.BEFORE_PUBLICATION
            else [],
            "close_needs_reason": _close_needs_reason(cycle, followups_open),
            "progress": cycle_progress(cycle),
            "followups_total": cycle.followups.count(),
            "task": running.first(),
            "states": [{"value": s.value, "label": s.label} for s in State],
            "state_index": cycle_svc.state_index(cycle.state),
        },
    )


@guarded(
    form="action",
    key=lambda request, pk, action: action,
    page=lambda request, pk, action: cycle_detail(request, pk),
)
@require_POST
def cycle_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    step = ACTIONS.get(action)
    if step is None:
        raise NotFound(_("no cycle action %(action)s") % {"action": action})
    step(request, cycle)
    cycle.refresh_from_db()
    messages.success(
        request, _("Done: the cycle is now %(state)s.") % {"state": cycle.get_state_display()}
    )
    return back(request, f"/cycles/{cycle.pk}/")


@guarded
@require_POST
def cycle_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    name = cycle.name
    cycle_svc.cycle_delete(cycle=cycle, by=request.user)
    messages.success(request, _("Draft cycle %(name)s deleted.") % {"name": name})
    return HttpResponseRedirect("/cycles/")


@guarded(
    form="calibrate",
    key=lambda request, pk: request.POST.get("agent_id", ""),
    page=lambda request, pk: cycle_detail(request, pk),
)
@require_POST
def cycle_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    agent = org_sel.agent_get(user=request.user, agent_id=request.POST.get("agent_id", ""))
    cycle_svc.cycle_calibrate(
        cycle=cycle,
        by=request.user,
        agent=agent,
        grade=request.POST.get("grade", ""),
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("Grade of %(agent)s set.") % {"agent": agent.name})
    return back(request, f"/cycles/{cycle.pk}/#calibration")


@guarded
@require_POST
@upload_limited
def cycle_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Uploaded files become a task (import, then compute); the answer is its progress bar."""
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    files = uploaded_files(request)
    task = cycle_svc.cycle_import_start(
        cycle=cycle, by=request.user, files=files, compute=bool(request.POST.get("compute"))
    )
    return _progress(request, task.pk)


@guarded
@require_POST
def cycle_file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    name = request.POST.get("name", "")
    cycle_svc.cycle_file_remove(cycle=cycle, by=request.user, name=name)
    messages.success(request, _("File %(name)s removed.") % {"name": name})
    return back(request, f"/cycles/{cycle.pk}/")


@guarded
@require_POST
def cycle_compute(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=pk)
    task = cycle_svc.cycle_compute_start(cycle=cycle, by=request.user)
    return _progress(request, task.pk)


def _progress(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_get(user=request.user, pk=pk)
    return page(
        request,
        "pages/_task.html",
        {"task": task, "finished": task.status in (TaskStatus.DONE, TaskStatus.FAILED)},
    )


@guarded
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar of a task; htmx polls it until the task has finished."""
    return _progress(request, pk)


@guarded
@require_POST
def task_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """A failed task run again; the answer is the new task's progress bar, in its place."""
    task = task_svc.task_rerun(task=task_get(user=request.user, pk=pk), by=request.user)
    return _progress(request, task.pk)
