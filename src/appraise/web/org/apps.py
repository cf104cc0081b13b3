from __future__ import annotations

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "appraise.web.org"
    label = "org"
    verbose_name = "Organisation"
