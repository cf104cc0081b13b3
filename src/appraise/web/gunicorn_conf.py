"""gunicorn's settings for `make serve` and deploy/appraise-web.service (docs/deploy.md).

``gunicorn -c python:appraise.web.gunicorn_conf appraise.web.wsgi``; each value can be changed by
an environment variable. Threaded workers: a page waits on the database far more than it
computes, and a few threads per process keep memory low on a small server.
"""

from __future__ import annotations

import os

_cores = os.cpu_count() or 1

bind = os.environ.get("APPRAISE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("APPRAISE_WORKERS", str(2 * _cores + 1)))
worker_class = "gthread"
threads = int(os.environ.get("APPRAISE_THREADS", "4"))
# A large import is parsed in the request before its task is queued.
timeout = int(os.environ.get("APPRAISE_REQUEST_TIMEOUT", "120"))
graceful_timeout = 30
# Workers are replaced now and then, so that a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# X-Forwarded-* is trusted from the proxy on this machine only (deploy/nginx.conf).
forwarded_allow_ips = os.environ.get("APPRAISE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "appraise"
