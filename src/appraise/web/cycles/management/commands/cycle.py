"""`python -m appraise.web cycle ID ACTION --as USER [FILES...]`: the cycle services from a shell.

The same functions as the pages and the API, so the same permission and state checks apply.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from appraise.problems import AppraiseError, ProblemsError
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle

ACTIONS: dict[str, Callable[..., Any]] = {
    "compute": cs.cycle_compute,
    "open-self-assessment": cs.cycle_open_self_assessment,
    "open-supervisor-rating": cs.cycle_open_supervisor_rating,
    "open-indirect-audit": cs.cycle_open_indirect_audit,
    "open-calibration": cs.cycle_open_calibration,
    "publish": cs.cycle_publish,
    "open-interviews": cs.cycle_open_interviews,
    "open-appeal-window": cs.cycle_open_appeal_window,
    "close": cs.cycle_close,
}


class Command(BaseCommand):
    help = "Import data into a cycle or move it to its next state, as a named user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cycle", type=int)
        parser.add_argument("action", choices=["import", *ACTIONS])
        parser.add_argument("files", nargs="*", type=Path, help="input files for import")
        parser.add_argument("--as", dest="username", required=True, help="who does it")
        parser.add_argument(
            "--override-reason",
            default="",
            help="close: why the cycle closes before its appeal deadline or with open "
            "follow-ups (audited)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("no user %(pk)s") % {"pk": options["username"]})
        cycle = Cycle.objects.filter(pk=options["cycle"]).first()
        if cycle is None:
            raise CommandError(_("no cycle %(pk)s") % {"pk": options["cycle"]})
        try:
            if options["action"] == "import":
                files = {p.name: p.read_bytes() for p in options["files"]}
                cs.cycle_import_data(cycle=cycle, by=user, files=files)
            elif options["action"] == "close":
                cs.cycle_close(cycle=cycle, by=user, override_reason=options["override_reason"])
            else:
                ACTIONS[options["action"]](cycle=cycle, by=user)
        except ProblemsError as exc:
            raise CommandError("\n".join(str(p) for p in exc.problems)) from None
        except AppraiseError as exc:
            raise CommandError(str(exc)) from None
        cycle.refresh_from_db()
        self.stdout.write(f"{cycle}: {cycle.get_state_display()}")
