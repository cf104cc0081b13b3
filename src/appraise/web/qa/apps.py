from __future__ import annotations

from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "appraise.web.qa"
    label = "qa"
    verbose_name = "Quality assurance"
