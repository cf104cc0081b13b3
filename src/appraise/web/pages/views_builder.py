"""The scheme builder page (HR): the scheme as a form, its YAML beside it, both ways.

Field edits come here after a pause in typing (``sync``: the YAML, the checks, the weight sums
and the refusals beside the fields are swapped in, the form is left as typed); adding, moving and
removing indicators or rows, and a rule's type, draw the form again (``op``); editing the YAML by
hand draws the form from it (``yaml``). Saving stores a version as the YAML editor does.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.problems import ProblemsError
from appraise.web.pages import builder as b
from appraise.web.pages.common import guarded, page
from appraise.web.pages.views_schemes import _check, preview_cycles
from appraise.web.permissions import require_hr
from appraise.web.schemes.services import scheme_version_create
from appraise.web.uploads import upload_limited


def _state(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.POST.get("state", ""))
    except ValueError:
        data = None
    return data if isinstance(data, dict) else b.template_state(None)


def _context(applied: b.Applied, **extra: Any) -> dict[str, Any]:
    text = b.to_yaml(applied.data)
    return {**b.view(applied), "text": text, "check": _check(text), **extra}


@guarded
@upload_limited
def scheme_builder(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("define schemes"))
    if request.method == "POST":
        applied = b.apply_fields(_state(request), request.POST)
        text = b.to_yaml(applied.data)
        if not applied.errors:
            try:
                saved = scheme_version_create(by=request.user, text=text, file="scheme.yaml")
            except ProblemsError:
                pass
            else:
                messages.success(request, _("Saved as %(v)s.") % {"v": str(saved)})
                return HttpResponseRedirect(f"/schemes/{saved.pk}/")
        ctx = _context(
            applied,
            error=True,
            seeds=b.seed_names(),
            chosen="",
            preview_cycles=preview_cycles(request.user),
        )
        return page(request, "pages/scheme_builder.html", ctx, status=400)
    chosen = request.GET.get("from", "")
    applied = b.Applied(b.template_state(chosen))
    ctx = _context(
        applied, seeds=b.seed_names(), chosen=chosen, preview_cycles=preview_cycles(request.user)
    )
    return page(request, "pages/scheme_builder.html", ctx)


@guarded
@require_POST
def builder_sync(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("define schemes"))
    applied = b.apply_fields(_state(request), request.POST)
    return page(request, "pages/_builder_sync.html", _context(applied))


@guarded
@require_POST
def builder_op(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("define schemes"))
    applied = b.apply_fields(_state(request), request.POST)
    b.apply_op(applied.data, request.POST.get("op", ""))
    return page(request, "pages/_builder_op.html", _context(applied))


@guarded
@require_POST
def builder_yaml(request: HttpRequest) -> HttpResponse:
    """The YAML edited by hand draws the form; YAML that is no mapping keeps the form."""
    require_hr(request.user, _("define schemes"))
    text = request.POST.get("text", "")
    data = b.from_yaml(text)
    if data is None:
        response = page(request, "pages/_builder_checks.html", {"check": _check(text)})
        response["HX-Reswap"] = "none"
        return response
    applied = b.Applied(data)
    ctx = {**b.view(applied), "text": text, "check": _check(text)}
    return page(request, "pages/_builder_yamled.html", ctx)
