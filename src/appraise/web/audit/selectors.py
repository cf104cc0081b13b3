"""The audit log is read by HR (and administrators, who answer for users and tokens)."""

from __future__ import annotations

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
