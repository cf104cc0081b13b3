"""`python -m appraise.web run_tasks [--batch]`: the task worker (APPRAISE_TASKS=worker).

django-tasks-db's ``db_worker`` with appraise's care around it: the worker is named
``host:pid`` (as the tasks it runs record), a thread writes its heartbeat for /healthz every
few seconds (so a long import does not make it look dead), fails the tasks of workers that have
gone and deletes the old uploads of failed tasks. Code changes do not reload it.
"""

from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from appraise.web.ops.services import heartbeat_record
from appraise.web.tasks.services import task_clean_staged, task_fail_abandoned, worker_name

HEARTBEAT_SECONDS = 10.0
CARE_EVERY = 30  # heartbeats between two clean-ups (5 minutes)


def _care() -> None:
    heartbeat_record(worker=worker_name())
    task_fail_abandoned()
    task_clean_staged()


def _beat_forever(stop: threading.Event) -> None:
    beats = 0
    while not stop.wait(HEARTBEAT_SECONDS):
        beats += 1
        try:
            if beats % CARE_EVERY == 0:
                _care()
            else:
                heartbeat_record(worker=worker_name())
        finally:
            connection.close()  # this thread's own connection, not held between beats


class Command(DBWorkerCommand):
    help = "Run background tasks (imports, computations, notifications) from the queue."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_name(), reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        _care()
        stop = threading.Event()
        beat = threading.Thread(target=_beat_forever, args=(stop,), name="heartbeat", daemon=True)
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
