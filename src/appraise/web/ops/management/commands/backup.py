"""`python -m appraise.web backup FILE`: a copy of the database while the server runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from appraise.web.errors import AppError
from appraise.web.ops.backup import backup_write


class Command(BaseCommand):
    help = "Copy the database to FILE (SQLite online backup, or pg_dump's custom format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        try:
            vendor = backup_write(target=target)
        except AppError as exc:
            raise CommandError(str(exc)) from None
        size = target.stat().st_size / 1024 / 1024
        self.stdout.write(
            _("backup of the %(vendor)s database written to %(path)s (%(size).1f MB)")
            % {"vendor": vendor, "path": target, "size": size}
        )
