"""`python -m appraise.web notify`: remind the owners of items due today, then send every
notification whose time has come (failed attempts included). Run it from cron, e.g. every ten
minutes; a reminder goes once per item."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from appraise.web.followups.notify import deliveries_send, notifications_due


class Command(BaseCommand):
    help = "Remind the owners of follow-ups due today and send pending notifications."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = notifications_due(by=AnonymousUser())
        sent, waiting, failed = deliveries_send()
        self.stdout.write(
            _(
                "%(reminded)d reminders written; "
                "%(sent)d sent, %(waiting)d waiting, %(failed)d failed"
            )
            % {"reminded": len(reminded), "sent": sent, "waiting": waiting, "failed": failed}
        )
