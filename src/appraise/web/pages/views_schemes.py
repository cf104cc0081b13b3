"""The scheme editor: YAML with live messages from the scheme engine, a preview that scores
sample data, and saving a new version (HR)."""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.schemes.model import Scheme
from appraise.scoring.engine import score_period
from appraise.scoring.output import result_dict
from appraise.scoring.results import AgentResult
from appraise.seeds import ROOT, SEEDS
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles.models import Cycle
from appraise.web.cycles.scoring import TABLE_SUFFIXES, check_files, read_files, score_cycle
from appraise.web.cycles.services import period_parse
from appraise.web.errors import Invalid
from appraise.web.pages.common import guarded, int_or_none, is_htmx, page
from appraise.web.permissions import User, is_hr, require_hr
from appraise.web.schemes import selectors as scheme_sel
from appraise.web.schemes.services import scheme_check, scheme_version_create
from appraise.web.uploads import upload_limited

# Every agent of a center's cycle; a bound all the same, said under the table.
PREVIEW_ROWS = 500
PREVIEW_CYCLES = 12


@guarded
def scheme_list(request: HttpRequest) -> HttpResponse:
    versions = scheme_sel.scheme_version_list(user=request.user).order_by("scheme_id", "-version")
    groups = [
        {"scheme_id": sid, "versions": list(rows)}
        for sid, rows in groupby(versions, key=lambda v: v.scheme_id)
    ]
    return page(request, "pages/schemes.html", {"groups": groups, "can_edit": is_hr(request.user)})


@guarded
@upload_limited
def scheme_editor(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Read a version (everyone), or edit it into a new version (HR)."""
    version = scheme_sel.scheme_version_get(user=request.user, pk=pk) if pk is not None else None
    if version is None:
        require_hr(request.user, _("define schemes"))  # an empty editor is of no use to a reader
    text = version.text if version is not None else ""
    if request.method == "POST":
        require_hr(request.user, _("define schemes"))
        text = request.POST.get("text", "")
        try:
            saved = scheme_version_create(by=request.user, text=text, file="scheme.yaml")
        except ProblemsError as exc:
            return page(
                request,
                "pages/scheme_editor.html",
                {
                    "version": version,
                    "text": text,
                    "check": _check(text),
                    "error": str(exc),
                    "can_edit": True,
                    "preview_cycles": preview_cycles(request.user),
                },
                status=400,
            )
        messages.success(request, _("Saved as %(v)s.") % {"v": str(saved)})
        return HttpResponseRedirect(f"/schemes/{saved.pk}/")
    return page(
        request,
        "pages/scheme_editor.html",
        {
            "version": version,
            "text": text,
            "check": _check(text) if text else None,
            "can_edit": is_hr(request.user),
            "preview_cycles": preview_cycles(request.user),
        },
    )


def _check(text: str) -> dict[str, Any]:
    found = scheme_check(text=text)
    lines = text.splitlines()
    problems = []
    for p in found.problems:
        problems.append(
            {
                "level": p.level,
                "code": p.code,
                "message": p.message,
                "line": p.line,
                "where": f"{p.line}" if p.line is not None else p.where,
                "source": lines[p.line - 1].strip()
                if p.line is not None and 0 < p.line <= len(lines)
                else "",
            }
        )
    return {
        "ok": found.ok,
        "scheme_id": found.scheme.id if found.scheme else None,
        "name": found.scheme.name if found.scheme else None,
        "problems": problems,
        "errors": sum(1 for p in problems if p["level"] == "error"),
        "warnings": sum(1 for p in problems if p["level"] == "warning"),
    }


@guarded
@require_POST
def scheme_validate(request: HttpRequest) -> HttpResponse:
    """The live messages under the editor (htmx posts the text after a pause in typing)."""
    return page(
        request, "pages/_scheme_check.html", {"check": _check(request.POST.get("text", ""))}
    )


def seed_example(scheme_id: str) -> tuple[str, dict[str, bytes]] | None:
    """The seed's worked example (period and files) when the scheme id is a seed's."""
    folder = ROOT / SEEDS / "examples" / scheme_id
    expected = folder / "expected.json"
    if not expected.is_file():
        return None
    period = json.loads(expected.read_text(encoding="utf-8"))["period"]
    files: dict[str, bytes] = {}
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.suffix.lower() in TABLE_SUFFIXES:
            files[f.name] = f.read_bytes()
    events = folder / "events"
    if events.is_dir():
        for f in sorted(events.iterdir()):
            if f.is_file():
                files[f"events/{f.name}"] = f.read_bytes()
    return period, files


def preview_cycles(user: User) -> list[Cycle]:
    """The computed cycles the person may see whose data a preview can score: the most recent
    period first (a quarter after the months it holds), the last computed first within it."""
    found = list(
        cycle_sel.cycle_list(user=user)
        .filter(computed_at__isnull=False)
        .order_by("-computed_at")[:PREVIEW_CYCLES]
    )

    def latest(c: Cycle) -> tuple[date, date, datetime]:
        try:
            p = Period.parse(c.period)
        except ValueError:
            return (date.min, date.min, c.computed_at or datetime.min)
        return (p.end, p.start, c.computed_at or datetime.min)

    return sorted(found, key=latest, reverse=True)


def _cycle_preview(
    user: User, cycle: Cycle, scheme: Scheme
) -> tuple[str, list[AgentResult], list[Problem]]:
    """The cycle's inputs scored with ``scheme``: the rows of the agents the person may see."""
    try:
        outcome = score_cycle(cycle, scheme=scheme)
    except ValueError as exc:
        raise ProblemsError([Problem("error", "bad_period", str(exc))]) from None
    seen = set(
        cycle_sel.cycle_agent_list(user=user, cycle=cycle).values_list("agent_id", flat=True)
    )
    rows = [r for r in outcome.run.results if r.agent_id in seen]
    return cycle.period, rows, outcome.warnings


def preview(
    text: str,
    period_text: str,
    uploads: dict[str, bytes],
    *,
    user: User | None = None,
    cycle_pk: int | None = None,
) -> dict[str, Any]:
    """Score the scheme being edited on uploaded files, else on a computed cycle's data (its
    files, the ratings entered in the app, the QA results), else on the seed's worked example;
    nothing is stored."""
    found = scheme_check(text=text)
    if found.scheme is None:
        raise ProblemsError(found.problems)
    scheme = found.scheme
    if not uploads and cycle_pk is not None and user is not None:
        cycle = cycle_sel.cycle_get(user=user, pk=cycle_pk)
        if cycle.computed_at is None:
            raise Invalid(_("%(cycle)s has not been computed yet") % {"cycle": str(cycle)})
        shown, results, said = _cycle_preview(user, cycle, scheme)
        return _shown(scheme, shown, str(cycle), results, [*found.problems, *said])
    source = _("uploaded files")
    if uploads:
        files = check_files(uploads)
    else:
        example = seed_example(scheme.id)
        if example is None:
            raise Invalid(
                _("no worked example for %(scheme)s: upload sample files (and give the period)")
                % {"scheme": scheme.id}
            )
        period_text = period_text or example[0]
        files = example[1]
        source = str(Path("schemes/seeds/examples") / scheme.id)
    period = period_parse(period_text)
    inputs, computed = read_files(scheme, period, files)
    try:
        run = score_period(scheme, inputs, period, computed)
    except ValueError as exc:
        raise ProblemsError([Problem("error", "bad_period", str(exc))]) from None
    return _shown(scheme, str(period), source, run.results, [*found.problems, *run.warnings])


def _shown(
    scheme: Scheme, period: str, source: str, results: list[AgentResult], said: list[Problem]
) -> dict[str, Any]:
    rows = [result_dict(r) for r in results]
    return {
        "scheme": scheme,
        "period": period,
        "source": source,
        "rows": rows[:PREVIEW_ROWS],
        "more": max(0, len(rows) - PREVIEW_ROWS),
        "warnings": [w.as_dict() for w in said],
    }


@guarded
@require_POST
@upload_limited
def scheme_preview(request: HttpRequest) -> HttpResponse:
    prefix = "events/" if request.POST.get("events") else ""
    uploads = {prefix + (f.name or "upload"): f.read() for f in request.FILES.getlist("files")}
    ctx = preview(
        request.POST.get("text", ""),
        request.POST.get("period", "").strip(),
        uploads,
        user=request.user,
        cycle_pk=int_or_none(request.POST.get("cycle")),
    )
    template = "pages/_scheme_preview.html"
    return page(request, template, {**ctx, "fragment": is_htmx(request)})
