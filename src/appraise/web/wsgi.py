"""WSGI entry point: `gunicorn appraise.web.wsgi` or any WSGI server."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appraise.web.settings")

from appraise.web.settings import ensure_data_dir

ensure_data_dir()
application = get_wsgi_application()
