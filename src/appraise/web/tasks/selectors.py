"""Tasks are seen by the person who started them and by HR."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from appraise.web.errors import NotFound
from appraise.web.permissions import User, is_hr
from appraise.web.tasks.models import Task, TaskStatus


def task_list(*, user: User) -> QuerySet[Task]:
    if not user.is_authenticated:
        return Task.objects.none()
    if is_hr(user):
        return Task.objects.all()
    return Task.objects.filter(created_by_id=user.pk)


def task_get(*, user: User, pk: int) -> Task:
    """One task; a running one whose worker has gone is failed by then (the page stops polling)."""
    from appraise.web.tasks.services import task_fail_abandoned

    found = task_list(user=user).filter(pk=pk).first()
    if found is not None and found.status == TaskStatus.RUNNING and task_fail_abandoned():
        found.refresh_from_db()
    if found is None:
        raise NotFound(_("no task %(pk)s") % {"pk": pk})
    return found
