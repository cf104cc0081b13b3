"""The application errors of the web app, and the one place they become a status and a body.

Every error is an :class:`appraise.problems.AppraiseError`; services raise them, the API's
exception handler and the pages turn them into a response with :func:`error_response_data`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import ngettext

from appraise.problems import AppraiseError, ProblemsError


class AppError(AppraiseError):
    """A request that cannot be done; ``status`` is the HTTP status it becomes. ``field`` names
    the argument that was wrong, when one was, for a page to show the message beside it."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class Invalid(AppError):
    status = 400
    code = "invalid"


class Forbidden(AppError):
    """The person may know the object exists but may not do this to it."""

    status = 403
    code = "forbidden"


class NotFound(AppError):
    """The object does not exist, or the person may not know that it does."""

    status = 404
    code = "not_found"


class Conflict(AppError):
    """The object is in the wrong state for this (a cycle not yet in self-assessment)."""

    status = 409
    code = "wrong_state"


class Stale(Conflict):
    """Someone saved the object since the person saw it; their change was not written. About
    the field that holds it, when the page has one (a rating cell)."""

    code = "stale"


def error_response_data(exc: AppraiseError) -> tuple[int, dict[str, Any]]:
    """Status and JSON body for an application error; problems carry their file and line."""
    if isinstance(exc, ProblemsError):
        return 400, {
            "code": "problems",
            "message": ngettext(
                "%(n)d error in the input", "%(n)d errors in the input", len(exc.errors)
            )
            % {"n": len(exc.errors)},
            "problems": [p.as_dict() for p in exc.problems],
        }
    if isinstance(exc, AppError):
        return exc.status, {"code": exc.code, "message": exc.message, "problems": []}
    return 400, {"code": "invalid", "message": str(exc), "problems": []}
