"""Writing the audit log; every service that changes something calls :func:`audit_record`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction

from appraise.web import memo
from appraise.web.audit.models import AuditLog


def audit_record(
    *,
    by: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    before: Any = None,
    after: Any = None,
    cycle_id: int | None = None,
    note: str = "",
) -> AuditLog:
    # An entry outside a transaction could survive a change that was rolled back.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")  # internal
    # What the request worked out about the person (their teams) may be what just changed.
    memo.forget()
    actor = by if isinstance(by, User) and by.pk is not None else None
    return AuditLog.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        cycle_id=cycle_id,
        before=before,
        after=after,
        note=note,
    )
