"""``GET /healthz``: can this server do its work? For the proxy, systemd and monitoring.

Three checks, each ``ok`` or not with a short reason, and 200 when all pass, else 503:

- ``database``: a query answers;
- ``events``: raw events are read with DuckDB in a temporary folder on every computation (the
  uploaded event files themselves are kept in the database), so DuckDB must open there;
- ``worker``: with ``APPRAISE_TASKS=worker`` a worker must have reported within
  ``APPRAISE_WORKER_STALE_SECONDS``; with ``sync`` tasks run in the caller.

Anonymous on purpose (a load balancer has no account) and so it says nothing more than that:
no version, no path, no error text from the database.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

Check = dict[str, Any]


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.exception("health: the database does not answer")
        return {"ok": False, "reason": "the database does not answer"}
    return {"ok": True, "vendor": connection.vendor}


def _events() -> Check:
    try:
        import duckdb

        with tempfile.TemporaryDirectory(prefix="appraise-health-") as tmp:
            conn = duckdb.connect(f"{tmp}/health.duckdb")
            try:
                conn.execute("SELECT 1").fetchone()
            finally:
                conn.close()
    except Exception:
        log.exception("health: DuckDB cannot open a store in the temporary folder")
        return {"ok": False, "reason": "DuckDB cannot open a store in the temporary folder"}
    return {"ok": True}


def _worker() -> Check:
    mode = settings.APPRAISE_TASKS
    if mode != "worker":
        return {"ok": True, "mode": mode}
    from appraise.web.ops.models import Heartbeat

    stale = timedelta(seconds=settings.APPRAISE_WORKER_STALE_SECONDS)
    try:
        last = Heartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    except Exception:
        log.exception("health: cannot read the worker heartbeat")
        return {"ok": False, "mode": mode, "reason": "cannot read the worker heartbeat"}
    if last is None:
        return {"ok": False, "mode": mode, "reason": "no worker has reported"}
    age = (timezone.now() - last).total_seconds()
    if age > stale.total_seconds():
        return {"ok": False, "mode": mode, "reason": f"no worker for {int(age)} s"}
    return {"ok": True, "mode": mode, "seconds_ago": int(age)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "events": _events()}
    checks["worker"] = _worker() if checks["database"]["ok"] else {"ok": False}
    ok = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if ok else "failing", "checks": checks}
    return JsonResponse(body, status=200 if ok else 503)
