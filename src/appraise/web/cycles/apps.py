from __future__ import annotations

from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "appraise.web.cycles"
    label = "cycles"
