from __future__ import annotations

from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "appraise.web.schemes"
    label = "schemes"
    verbose_name = "Schemes"
