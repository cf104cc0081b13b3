from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Only the ``load_demo`` command: the demo has no models of its own."""

    name = "appraise.web.demo"
    label = "demo"
    verbose_name = "Demo company"
