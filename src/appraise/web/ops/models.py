from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """A task worker's last sign of life, one row per worker process (``host:pid``).

    ``run_tasks`` writes it when it starts and every 10 s; ``/healthz`` reads the newest.
    """

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} {self.seen_at:%Y-%m-%d %H:%M:%S}"
