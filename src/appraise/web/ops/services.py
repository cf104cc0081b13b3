"""Writes of the ops app: the worker's heartbeat."""

from __future__ import annotations

import os
import socket

from django.utils import timezone

from appraise.web.ops.models import Heartbeat


def heartbeat_record(*, worker: str | None = None) -> Heartbeat:
    """This worker process is alive now (one row per ``host:pid``, updated in place)."""
    name = worker or f"{socket.gethostname()}:{os.getpid()}"
    beat, _ = Heartbeat.objects.update_or_create(worker=name, defaults={"seen_at": timezone.now()})
    return beat
