"""The one place where errors become API responses, all in one shape:
``{"code", "message", "problems": [{level, code, message, where}]}``.

Every exception raised in an endpoint ends here, also the unexpected ones: those are logged with
their traceback and answered ``500 {"code": "server_error"}``, never with Django's HTML page (which
with ``DEBUG`` on shows settings and the environment). A path under ``/api/`` that names no
endpoint is a JSON 404 (:func:`not_found`), so a client never has to parse HTML.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from appraise.problems import AppraiseError
from appraise.web.errors import error_response_data
from appraise.web.requestcheck import nul_message

log = logging.getLogger("appraise.web.api")


def _flatten(detail: Any, where: str = "") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            field = key if key != "non_field_errors" else ""
            out.extend(_flatten(value, f"{where}.{field}" if where and field else where or field))
        return out
    if isinstance(detail, list):
        return [p for item in detail for p in _flatten(item, where)]
    code = getattr(detail, "code", "invalid")
    return [{"level": "error", "code": str(code), "message": str(detail), "where": where}]


def _refuses_nul(exc: Exception) -> bool:
    """Whether the database refused text holding a NUL character (PostgreSQL does; a JSON body
    may carry one as ``\\u0000`` past :mod:`appraise.web.requestcheck`, which reads only the
    address, the query and URL-encoded forms)."""
    # The drivers' words ("cannot contain NUL (0x00) bytes"), not just "NUL": SQLite's "NOT
    # NULL constraint failed" is a bug of ours, and stays a 500.
    return isinstance(exc, ValueError | DatabaseError) and "NUL (0x00)" in str(exc)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, exceptions.ParseError) and isinstance(exc.__context__, AppraiseError):
        # DRF's multipart parser re-raises an upload handler's refusal (an upload over the
        # limit) as a generic parse error; the refusal is the answer.
        exc = exc.__context__
    if isinstance(exc, AppraiseError):
        status, body = error_response_data(exc)
        return Response(body, status=status)
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is None and _refuses_nul(exc):
        # PostgreSQL refuses text with a NUL character (a ValueError deep in the query): the
        # request's fault, said as such, not a 500.
        set_rollback()
        return Response({"code": "invalid", "message": nul_message(), "problems": []}, status=400)
    if response is None:
        log.exception(
            "unexpected error in %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=exc,
        )
        set_rollback()
        return Response(
            {
                "code": "server_error",
                "message": _("internal error; it has been logged"),
                "problems": [],
            },
            status=500,
        )
    if isinstance(exc, exceptions.ValidationError):
        problems = _flatten(exc.detail)
        response.data = {
            "code": "invalid",
            "message": "; ".join(f"{p['where']}: {p['message']}" for p in problems),
            "problems": problems,
        }
    elif isinstance(exc, exceptions.APIException):
        response.data = {
            "code": str(exc.default_code),
            "message": str(exc.detail),
            "problems": [],
        }
    return response


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@extend_schema(exclude=True)
@api_view(ALL_METHODS)
@permission_classes([AllowAny])
def not_found(request: Request, path: str = "") -> Response:
    """Any path under /api/ that no endpoint has (the last entry of the API's URL map)."""
    if request.path.endswith("/"):
        message = _("no API endpoint %(path)s") % {"path": request.path}
    else:
        message = _("no API endpoint %(path)s (API paths end with /)") % {"path": request.path}
    return Response({"code": "not_found", "message": message, "problems": []}, status=404)
