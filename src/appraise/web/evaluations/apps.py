from __future__ import annotations

from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "appraise.web.evaluations"
    label = "evaluations"
