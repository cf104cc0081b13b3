"""The audit log is read by HR (and administrators, who answer for users and tokens)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from appraise.web.audit.models import AuditLog
from appraise.web.permissions import User, is_admin, is_hr, require


def audit_list(
    *, user: User, cycle_id: int | None = None, action: str | None = None
) -> QuerySet[AuditLog]:
    require(is_hr(user) or is_admin(user), _("only HR and administrators read the audit log"))
    qs = AuditLog.objects.select_related("actor")
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if action:
        qs = qs.filter(action=action)
    return qs


# What administrators answer for: their details are theirs to read. Anything else (ratings,
# results, calibrations, appeals, QA reviews, points) may hold totals and grades that are not
# published yet, which only HR may read; new kinds of entries are withheld until listed here.
ADMIN_DETAILS = ("user.", "token.", "team.", "agent.", "scheme_version.")
# Cycle entries whose before and after only hold these keys say nothing about anyone's result.
NEUTRAL_KEYS = frozenset({"state", "files"})


@dataclass(frozen=True)
class AuditDetails:
    before: Any
    after: Any
    note: str
    withheld: bool


def _neutral(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and set(value) <= NEUTRAL_KEYS)


def audit_details(*, user: User, entry: AuditLog) -> AuditDetails:
    """``before``, ``after`` and the note of ``entry`` as ``user`` may read them: all of them for
    HR; for an administrator who is not HR only those of users, tokens, teams, agents, scheme
    versions and cycle state changes, the others withheld (who did what, when, stays visible)."""
    shown = (
        is_hr(user)
        or entry.action.startswith(ADMIN_DETAILS)
        or (entry.action.startswith("cycle.") and _neutral(entry.before) and _neutral(entry.after))
    )
    if shown:
        return AuditDetails(entry.before, entry.after, entry.note, False)
    return AuditDetails(None, None, "", True)
