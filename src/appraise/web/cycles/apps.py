from __future__ import annotations

from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "appraise.web.cycles"
    label = "cycles"

    def ready(self) -> None:
        # Registers the cycle's import and compute tasks, for the web process and the worker.
        from appraise.web.cycles import tasks  # noqa: F401
