"""The URL map: /healthz, the REST API under /api/, the pages (their own package) at the root."""

from __future__ import annotations

import importlib.util

from django.urls import URLPattern, URLResolver, include, path

from appraise.web.ops.health import healthz

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("appraise.web.api.urls")),
]

# The pages are written separately (appraise.web.pages); the API works without them.
if (
    importlib.util.find_spec("appraise.web.pages") is not None
    and importlib.util.find_spec("appraise.web.pages.urls") is not None
):
    urlpatterns.append(path("", include("appraise.web.pages.urls")))
