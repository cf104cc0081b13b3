"""The address a request came from, for sign-in throttling (settings.AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``; behind the proxy (``APPRAISE_BEHIND_PROXY``), the address the proxy saw.

    The proxy appends that address to ``X-Forwarded-For`` (deploy/nginx.conf overwrites the
    header with it), so the last entry is the one a client cannot forge.
    """
    if settings.BEHIND_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")[-1].strip()
        if forwarded:
            return forwarded
    remote: str | None = request.META.get("REMOTE_ADDR")
    return remote
