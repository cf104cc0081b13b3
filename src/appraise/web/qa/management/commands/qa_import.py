"""`python -m appraise.web qa_import --period 2026-10 --data DIR|STORE --as USER [--config F]`:
import a period's conversations for QA from a canonical-data folder or an event store file, with
the same service (and the same permission check) as the upload on the QA pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
            raise CommandError(_("no user %(missing)s") % {"missing": options["username"]})
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
        said = [
            _("%(created)d conversations imported, %(skipped)d already there.")
            % {"created": batch.created, "skipped": batch.skipped_existing}
        ]
        if batch.csat_added:
            said.append(
                _("%(n)d conversations already there got the CSAT of their survey.")
                % {"n": batch.csat_added}
            )
        if batch.unknown_agents:
            said.append(
                _("Skipped: agents not in the organisation: %(ids)s")
                % {"ids": ", ".join(batch.unknown_agents)}
            )
        self.stdout.write(f"{batch.period}: " + " ".join(said))
