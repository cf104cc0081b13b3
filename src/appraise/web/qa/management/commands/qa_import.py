"""`python -m appraise.web qa_import --period 2026-10 --data DIR|STORE --as USER [--config F]`:
import a period's conversations for QA from a canonical-data folder or an event store file, with
the same service (and the same permission check) as the upload on the QA pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraise.problems import AppraiseError, ProblemsError
from appraise.web.qa.services import conversation_import


class Command(BaseCommand):
    help = "Import a period's conversations (with the automatic checks) for quality assurance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="2026-10")
        parser.add_argument("--data", required=True, type=Path, help="data folder or .duckdb")
        parser.add_argument("--config", type=Path, help="QA config YAML (docs/qa.md)")
        parser.add_argument("--as", dest="username", required=True, help="who imports (HR)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']}")
        config: Path | None = options["config"]
        try:
            batch = conversation_import(
                period=options["period"],
                by=user,
                data=options["data"],
                config_text=config.read_text(encoding="utf-8") if config else "",
            )
        except ProblemsError as exc:
            raise CommandError("\n".join(str(p) for p in exc.problems)) from None
        except (AppraiseError, OSError) as exc:
            raise CommandError(str(exc)) from None
        unknown = f"; agents not in the organisation: {', '.join(batch.unknown_agents)}"
        self.stdout.write(
            f"{batch.period}: {batch.created} conversations imported, "
            f"{batch.skipped_existing} already there"
            + (f" ({batch.csat_added} got their survey's CSAT)" if batch.csat_added else "")
            + (unknown if batch.unknown_agents else "")
        )
