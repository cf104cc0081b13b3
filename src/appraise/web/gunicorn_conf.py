"""gunicorn's settings for `make serve` and deploy/appraise-web.service (docs/deploy.md).

``gunicorn -c python:appraise.web.gunicorn_conf appraise.web.wsgi``; each value can be changed by
an environment variable. Threaded workers: a page waits on the database far more than it
computes, and a few threads per process keep memory low on a small server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

_cores = os.cpu_count() or 1

bind = os.environ.get("APPRAISE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("APPRAISE_WORKERS", str(2 * _cores + 1)))
worker_class = "gthread"
threads = int(os.environ.get("APPRAISE_THREADS", "4"))
# A large import is parsed in the request before its task is queued.
timeout = int(os.environ.get("APPRAISE_REQUEST_TIMEOUT", "120"))
graceful_timeout = 30
# The application is imported once in the arbiter and the workers are forked from it: a worker
# that replaces another (max_requests) starts with Django, the engine and the catalogs already
# imported, instead of spending its first second on imports while requests queue behind it
# (bench/load.py's open load after the closed phases). Nothing opens a database connection at
# import, so no connection is shared across the fork.
preload_app = os.environ.get("APPRAISE_PRELOAD", "1") != "0"
# Workers are replaced now and then, so that a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# X-Forwarded-* is trusted from the proxy on this machine only (deploy/nginx.conf).
forwarded_allow_ips = os.environ.get("APPRAISE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "appraise"

# `make serve` runs the task worker beside the web processes (APPRAISE_START_WORKER=1): gunicorn
# starts it once it is ready and stops it when it stops. Under systemd the worker has its own
# unit instead (deploy/appraise-worker.service), so that it restarts on its own.
_task_worker: subprocess.Popen[bytes] | None = None


def when_ready(server: Any) -> None:
    global _task_worker
    if os.environ.get("APPRAISE_START_WORKER") != "1":
        return
    if os.environ.get("APPRAISE_TASKS", "worker") != "worker":
        server.log.warning("APPRAISE_START_WORKER=1 without APPRAISE_TASKS=worker: no worker")
        return
    _task_worker = subprocess.Popen([sys.executable, "-m", "appraise.web", "run_tasks"])
    server.log.info("task worker started (pid %s)", _task_worker.pid)


def on_exit(server: Any) -> None:
    if _task_worker is not None and _task_worker.poll() is None:
        _task_worker.terminate()
        try:
            _task_worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _task_worker.kill()
