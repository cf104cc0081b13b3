"""`python -m appraise.web restore FILE`: a backup into a new, empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from appraise.web.errors import AppError
from appraise.web.ops.backup import backup_restore


class Command(BaseCommand):
    help = "Load a backup written by `backup` into the configured (new, empty) database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        try:
            vendor = backup_restore(source=source)
        except AppError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("%(path)s restored into the %(vendor)s database; run migrate before serving")
            % {"path": source, "vendor": vendor}
        )
