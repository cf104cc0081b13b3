from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "appraise.web.api"
    label = "appraise_api"
