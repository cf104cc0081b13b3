"""`python -m appraise.web load_demo`: the demo company, its schemes and three published months.

Safe to run again: it finishes what is missing and duplicates nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from appraise.problems import AppraiseError, ProblemsError
from appraise.web.demo.loader import SEED, DemoReport, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo company (three teams, supervisors, HR, admin), the seed schemes and "
        "months of generated data as published cycles; print the demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agents-per-team", type=int, default=12)
        parser.add_argument("--months", type=int, default=3, help="months ending with 2026-10")
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["agents_per_team"] < 1 or not 1 <= options["months"] <= 12:
            raise CommandError(_("--agents-per-team must be at least 1 and --months 1 to 12"))
        try:
            report = load_demo(
                agents_per_team=options["agents_per_team"],
                months=options["months"],
                seed=options["seed"],
                log=self.stdout.write,
            )
        except ProblemsError as exc:
            raise CommandError("\n".join(str(p) for p in exc.problems)) from None
        except AppraiseError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary(report))


def summary(report: DemoReport) -> str:
    """The cycles and every demo login, as the last thing `make demo` prints before serving."""
    done = (
        _("demo loaded in %(s).1f s") if report.loaded else _("demo already in place (%(s).1f s)")
    )
    lines = [done % {"s": report.seconds}, "", _("cycles:")]
    for c in report.cycles:
        lines.append(f"  {c.period}  {c.name}  [{c.get_state_display()}]")
    lines += ["", _("demo logins (user name / password):")]
    width = max(len(x.username) for x in report.logins)
    agents = [x for x in report.logins if x.agent]
    for x in report.logins:
        if not x.agent:
            lines.append(f"  {x.username:<{width}}  {x.password}   {x.who}")
    if agents:
        first, last = agents[0], agents[-1]
        lines.append(
            f"  {first.username} .. {last.username}  {first.password}   "
            + _("%(n)d agents, e.g. %(user)s = %(who)s")
            % {"n": len(agents), "user": first.username, "who": first.who}
        )
    return "\n".join(lines)
