from __future__ import annotations

from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "appraise.web.followups"
    label = "followups"

    def ready(self) -> None:
        # Registers the task that sends notifications, for the web process and the worker.
        from appraise.web.followups import notify  # noqa: F401
