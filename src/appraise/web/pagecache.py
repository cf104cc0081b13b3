"""Whole pages kept per viewer and per version of everything (docs/architecture.md, "The pages'
cache").

An agent opens their scorecard, a supervisor their team dashboard, again and again at month-end,
and nothing on the page changed in between: the page is drawn once and kept in the ``pages``
cache (``CACHES``) under a key that names

- the page: the view, the full address with its query, and whether htmx asked for it (the bare
  page or the whole one);
- who sees it and in which session: the person, the session and its CSRF cookie (the forms on
  the page carry a token made from that cookie, so a new sign-in makes a new key), and the
  language;
- the version of everything: ``changes_version()``, the audit log's highest id with the count of
  its recent entries (one query): every change a page can show goes through a service that
  audits it (docs/architecture.md), so any change makes a new key and the old page ages out.

A kept page is served for ``TIMEOUT_SECONDS`` at most, which bounds what the version cannot see:
time itself (an appeal window closing, "overdue" follow-ups) and a change committed out of order
that the version's count of recent entries missed. A page is neither served from nor put in the
cache when the request carries messages to show (they are shown once), when it has no CSRF
cookie yet (the page would set one), or when drawing it changed the session, set a cookie,
queued a message or answered anything but 200.

Only GETs of the pages decorated with :func:`kept_page` are kept: the scorecards and the team
dashboard, the pages people reload.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from appraise.web.evaluations.cache import current_version

V = TypeVar("V", bound=Callable[..., HttpResponse])

# A minute: long enough for the reloads of a month-end morning, short enough that a closing
# deadline or a change the version missed shows soon.
TIMEOUT_SECONDS = 60

# A page larger than this is drawn each time rather than crowding the others out of the cache.
LARGEST_BYTES = 2 * 1024 * 1024

ALIAS = "pages"


def _has_messages(request: HttpRequest) -> bool:
    if request.COOKIES.get(CookieStorage.cookie_name):
        return True
    session = getattr(request, "session", None)
    return session is not None and "_messages" in session


def _key(request: HttpRequest, view: Callable[..., Any]) -> str | None:
    """The page's key, or None when this request's page must be drawn afresh."""
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    session = getattr(request, "session", None)
    if not csrf or session is None or session.session_key is None or _has_messages(request):
        return None
    parts = (
        f"{view.__module__}.{view.__qualname__}",
        request.get_full_path(),
        request.headers.get("HX-Request") == "true",
        request.user.pk,
        session.session_key,
        csrf,
        get_language(),
        current_version(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"appraise:page:{digest}"


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and len(response.content) <= LARGEST_BYTES
        and not request.session.modified
        and not getattr(storage, "added_new", False)
        # The page's forms carry a token of the cookie the request brought, not of a new one.
        and request.META.get("CSRF_COOKIE") == request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    )


def kept_page(view: V) -> V:
    """Serve the page from the ``pages`` cache when nothing changed since it was drawn."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _key(request, view)
        if key is None:
            return view(request, *args, **kwargs)
        cache = caches[ALIAS]
        kept = cache.get(key)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT_SECONDS)
        return response

    return cast(V, wrapper)
