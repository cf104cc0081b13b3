"""The one place where errors become API responses, all in one shape:
``{"code", "message", "problems": [{level, code, message, where}]}``."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from appraise.problems import AppraiseError
from appraise.web.errors import error_response_data


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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, AppraiseError):
        status, body = error_response_data(exc)
        return Response(body, status=status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
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
