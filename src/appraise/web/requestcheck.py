"""Refuse a request whose address, query or form holds a NUL character, before any view runs.

PostgreSQL cannot store or compare text with a NUL character: a value holding one raises deep in
the query, which was a 500 on the pages that read a query parameter into a filter (the team
editor's ``?edit=``, the QA reviews' ``?agent=``) and, before, on the API. Forms would refuse it
(Django's fields carry ``ProhibitNullCharactersValidator``), but many views read parameters
directly. One check here covers every view: a 400 that says why, as JSON in the API's one error
shape under ``/api/``, as a page elsewhere, in the reader's language (it runs after
``LocaleMiddleware``).

Only URL-encoded form bodies are read: reading a multipart body here would parse an upload
before the view installs its size-limiting upload handler (:mod:`appraise.web.uploads`). The
text fields of a multipart form (a factual basis beside its files, the period of a points run)
are checked by that same wrapper once its handler is in place (:func:`nul_refusal`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def _holds_nul(values: QueryDict) -> bool:
    return any(NUL in key or any(NUL in v for v in vs) for key, vs in values.lists())


def has_nul(request: HttpRequest) -> bool:
    """Whether the request's path, query or URL-encoded form holds a NUL character."""
    if NUL in request.path or _holds_nul(request.GET):
        return True
    form = request.content_type == "application/x-www-form-urlencoded"
    return form and request.method == "POST" and _holds_nul(request.POST)


def nul_message() -> str:
    return _("a value may not contain the NUL character")


def nul_response(request: HttpRequest) -> HttpResponse:
    """The 400 that says why: JSON in the API's error shape under ``/api/``, else a page."""
    if request.path.startswith("/api/"):
        body = {"code": "invalid", "message": nul_message(), "problems": []}
        return JsonResponse(body, status=400)
    return render(request, "400.html", {"message": nul_message()}, status=400)


def nul_refusal(request: HttpRequest) -> HttpResponse | None:
    """The 400 for a POSTed form of any encoding (a multipart one too) holding a NUL character,
    else None; for a view that reads its form after installing its upload handler."""
    if request.method == "POST" and _holds_nul(request.POST):
        return nul_response(request)
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not has_nul(request):
            return self.get_response(request)
        return nul_response(request)
