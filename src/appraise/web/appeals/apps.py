from __future__ import annotations

from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appraise.web.appeals"
    label = "appeals"
