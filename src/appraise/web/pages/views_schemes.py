"""The scheme editor: YAML with live messages from the scheme engine, a preview that scores
sample data, and saving a new version (HR)."""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.problems import Problem, ProblemsError
from appraise.scoring.engine import score_period
from appraise.scoring.output import result_dict
from appraise.seeds import ROOT, SEEDS
from appraise.web.cycles.scoring import TABLE_SUFFIXES, check_files, read_files
from appraise.web.cycles.services import period_parse
from appraise.web.errors import Invalid
from appraise.web.pages.common import guarded, is_htmx, page
from appraise.web.permissions import is_hr, require_hr
from appraise.web.schemes import selectors as scheme_sel
from appraise.web.schemes.services import scheme_check, scheme_version_create
from appraise.web.uploads import upload_limited

PREVIEW_ROWS = 50


@guarded
def scheme_list(request: HttpRequest) -> HttpResponse:
    versions = scheme_sel.scheme_version_list(user=request.user).order_by("scheme_id", "-version")
    groups = [
        {"scheme_id": sid, "versions": list(rows)}
        for sid, rows in groupby(versions, key=lambda v: v.scheme_id)
    ]
    return page(request, "pages/schemes.html", {"groups": groups, "can_edit": is_hr(request.user)})


@guarded
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


def preview(text: str, period_text: str, uploads: dict[str, bytes]) -> dict[str, Any]:
    """Score sample data with the scheme being edited; nothing is stored."""
    found = scheme_check(text=text)
    if found.scheme is None:
        raise ProblemsError(found.problems)
    scheme = found.scheme
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
    rows = [result_dict(r) for r in run.results]
    return {
        "scheme": scheme,
        "period": str(period),
        "source": source,
        "rows": rows[:PREVIEW_ROWS],
        "more": max(0, len(rows) - PREVIEW_ROWS),
        "warnings": [w.as_dict() for w in [*found.problems, *run.warnings]],
    }


@guarded
@require_POST
@upload_limited
def scheme_preview(request: HttpRequest) -> HttpResponse:
    prefix = "events/" if request.POST.get("events") else ""
    uploads = {prefix + (f.name or "upload"): f.read() for f in request.FILES.getlist("files")}
    ctx = preview(request.POST.get("text", ""), request.POST.get("period", "").strip(), uploads)
    template = "pages/_scheme_preview.html"
    return page(request, template, {**ctx, "fragment": is_htmx(request)})
