"""What one request works out once: who the person is in the organisation, asked by many parts.

Every page asks which teams the person leads (the menu, the permissions of each selector, the
to-do count, the dashboard) and each asked the database again: five times on one dashboard.
:func:`remember` keeps such a value for the rest of the request. Outside a request (a service
called by the task worker or by a test, the command line) nothing is kept, so a caller that
changes the organisation and reads it again always reads it afresh.

A change made inside the request forgets everything kept (``audit_record`` calls :func:`forget`:
every change is audited), so a form that changes a team and draws the page again draws it from
the new organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_kept: ContextVar[dict[Hashable, Any] | None] = ContextVar("appraise_request_memo", default=None)


def remember(key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, kept under ``key`` for the rest of the request (not kept outside one)."""
    kept = _kept.get()
    if kept is None:
        return build()
    if key not in kept:
        kept[key] = build()
    return kept[key]  # type: ignore[no-any-return]


def active() -> bool:
    """Whether values are kept (inside a request)."""
    return _kept.get() is not None


def forget() -> None:
    """Drop what the request kept: something it was worked out from has just changed."""
    kept = _kept.get()
    if kept:
        kept.clear()


class RequestMemoMiddleware:
    """Opens the request's memo and closes it with the response (each thread has its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _kept.set({})
        try:
            return self.get_response(request)
        finally:
            _kept.reset(token)
