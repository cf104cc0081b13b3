"""`python -m appraise.web run_tasks [--once]`: the worker for APPRAISE_TASKS=worker.

It writes a heartbeat for /healthz from a thread of its own every few seconds, so that a long
import or computation does not make the worker look dead.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from appraise.web.ops.services import heartbeat_record
from appraise.web.tasks.services import task_run_pending

HEARTBEAT_SECONDS = 10.0


def _beat_forever(stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            heartbeat_record()
        finally:
            connection.close()  # this thread's own connection, not held between beats


class Command(BaseCommand):
    help = "Run pending background tasks (imports, computations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is pending, then stop")
        parser.add_argument("--sleep", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat_record()
        if options["once"]:
            task_run_pending()
            return
        stop = threading.Event()
        threading.Thread(target=_beat_forever, args=(stop,), name="heartbeat", daemon=True).start()
        try:
            while True:
                n = task_run_pending()
                if n:
                    self.stdout.write(f"ran {n} task(s)")
                close_old_connections()
                time.sleep(options["sleep"])
        finally:
            stop.set()
