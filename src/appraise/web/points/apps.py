from __future__ import annotations

from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "appraise.web.points"
    label = "points"
