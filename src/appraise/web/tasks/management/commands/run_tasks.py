"""`python -m appraise.web run_tasks [--once]`: the worker for APPRAISE_TASKS=worker."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from appraise.web.tasks.services import task_run_pending


class Command(BaseCommand):
    help = "Run pending background tasks (imports, computations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is pending, then stop")
        parser.add_argument("--sleep", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            n = task_run_pending()
            if n:
                self.stdout.write(f"ran {n} task(s)")
            if options["once"]:
                return
            time.sleep(options["sleep"])
