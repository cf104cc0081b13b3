"""Long work (imports, computations, notifications) recorded as :class:`Task` rows, run from a
queue by a worker process.

The queue is Django 6's task framework (``django.tasks``) with django-tasks-db's database
backend (a table in the same database, no broker). The :class:`Task` row stays the record
that pages and the API read: status, progress, problems, the uploaded files; the queue only
says which task to run next. ``settings.APPRAISE_TASKS``: ``worker`` puts the task on the queue
in the caller's transaction (an upload and its task are saved together or not at all),
``python -m appraise.web run_tasks`` runs it; ``sync`` runs it at once in the caller (tests).
A task runs a registered function with the task's creator as the actor, so the service checks
permissions exactly as for a direct call.

A worker that dies (kill -9, a lost machine) leaves its task ``running``:
:func:`task_fail_abandoned` marks it failed once that worker's heartbeat is older than
``APPRAISE_WORKER_STALE_SECONDS``, and :func:`task_rerun` runs it again with the same files.
Uploaded files are deleted when a task succeeds, and those of failed tasks after
``APPRAISE_STAGED_KEEP_HOURS``.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.tasks import task as queued_task
from django.utils import timezone, translation
from django.utils.translation import gettext

from appraise.problems import AppraiseError, ProblemsError
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Conflict, error_response_data
from appraise.web.permissions import User, signed_in
from appraise.web.tasks.models import StagedFile, Task, TaskStatus

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
Runner = Callable[[Task, Progress], Any]

RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    def register(fn: Runner) -> Runner:
        RUNNERS[kind] = fn
        return fn

    return register


def task_enqueue(
    *,
    kind: str,
    by: User,
    cycle: Cycle | None = None,
    params: Mapping[str, Any] | None = None,
    files: Mapping[str, bytes] | None = None,
) -> Task:
    """Record a task (and its uploaded files) and queue it, all in one transaction."""
    if kind not in RUNNERS:
        raise ValueError(f"no task runner {kind!r}")  # internal
    with transaction.atomic():
        task = Task.objects.create(
            kind=kind,
            cycle=cycle,
            params={**(params or {}), "language": translation.get_language()},
            created_by=signed_in(by),
        )
        for name, content in (files or {}).items():
            StagedFile.objects.create(task=task, name=name, content=content)
        _queue(task)
    _run_now_if_sync(task)
    return task


def _queue(task: Task) -> None:
    """On the queue, in the caller's transaction (worker mode; sync runs it after, below)."""
    if settings.APPRAISE_TASKS == "worker":
        run_queued_task.enqueue(task.pk)


def _run_now_if_sync(task: Task) -> None:
    if settings.APPRAISE_TASKS == "sync":
        task_run(task)
        task.refresh_from_db()


@queued_task()
def run_queued_task(task_id: int) -> None:
    """What the queue runs: one appraise task, by its id (the worker's entry point)."""
    task = Task.objects.filter(pk=task_id).first()
    if task is not None:
        task_run(task)


def worker_name() -> str:
    """This process as the heartbeat and the running task name it (``host:pid``)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _progress(task: Task) -> Progress:
    def report(percent: int, message: str) -> None:
        Task.objects.filter(pk=task.pk).update(progress=max(0, min(100, percent)), message=message)

    return report


def task_run(task: Task) -> Task:
    """Run one pending task to the end; input problems are stored with the task, not raised."""
    claimed = Task.objects.filter(pk=task.pk, status=TaskStatus.PENDING).update(
        status=TaskStatus.RUNNING,
        started_at=timezone.now(),
        worker=worker_name() if settings.APPRAISE_TASKS == "worker" else "",
    )
    if not claimed:
        return task
    task.refresh_from_db()
    # Messages and errors in the language of the person who started it (a worker has none).
    with translation.override(task.params.get("language") or settings.LANGUAGE_CODE):
        _run_claimed(task)
    task.refresh_from_db()
    if task.status == TaskStatus.DONE:
        StagedFile.objects.filter(task=task).delete()  # a failed task keeps them to run again
    return task


def _run_claimed(task: Task) -> None:
    try:
        result = RUNNERS[task.kind](task, _progress(task))
    except AppraiseError as exc:
        _, body = error_response_data(exc)
        problems = exc.problems if isinstance(exc, ProblemsError) else []
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.FAILED,
            message=body["message"][:300],
            problems=[p.as_dict() for p in problems],
            finished_at=timezone.now(),
        )
    except Exception as exc:  # a bug must not leave the task "running" for ever
        log.exception("task %s failed", task.pk)
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.FAILED,
            message=gettext("internal error: %(kind)s") % {"kind": type(exc).__name__},
            finished_at=timezone.now(),
        )
    else:
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.DONE,
            progress=100,
            message=gettext("done"),
            result=result,
            finished_at=timezone.now(),
        )


def task_fail_abandoned(*, now: Any = None) -> int:
    """Mark failed the running tasks whose worker has stopped reporting; how many.

    A worker writes its heartbeat every few seconds (run_tasks); one that has not written for
    ``APPRAISE_WORKER_STALE_SECONDS`` is gone, and so is whatever it was running.
    """
    from appraise.web.ops.models import Heartbeat

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.APPRAISE_WORKER_STALE_SECONDS)
    alive = Heartbeat.objects.filter(seen_at__gte=stale).values_list("worker", flat=True)
    abandoned = (
        Task.objects.filter(status=TaskStatus.RUNNING, started_at__lt=stale)
        .exclude(worker="")
        .exclude(worker__in=list(alive))
    )
    n = 0
    for task in abandoned:
        with translation.override(task.params.get("language") or settings.LANGUAGE_CODE):
            message = gettext("the worker running this task stopped; run it again")
        n += Task.objects.filter(pk=task.pk, status=TaskStatus.RUNNING).update(
            status=TaskStatus.FAILED, message=message, finished_at=now
        )
    if n:
        log.warning("%d task(s) of a stopped worker marked failed", n)
    return n


def task_rerun(*, task: Task, by: User) -> Task:
    """Run a failed task again, with its uploaded files, as a new task; the new one.

    The task's own service checks the actor and the cycle's state again when it runs.
    """
    with transaction.atomic():
        old = Task.objects.select_for_update().get(pk=task.pk)
        if old.status != TaskStatus.FAILED:
            raise Conflict(gettext("only a failed task can be run again"))
        if old.kind == "cycle_import" and not old.files.exists():
            raise Conflict(
                gettext("the uploaded files of this task are deleted; upload them again")
            )
        new = Task.objects.create(
            kind=old.kind,
            cycle=old.cycle,
            params={**old.params, "language": translation.get_language(), "rerun_of": old.pk},
            created_by=signed_in(by),
        )
        StagedFile.objects.filter(task=old).update(task=new)
        _queue(new)
    _run_now_if_sync(new)
    return new


def task_clean_staged(*, now: Any = None) -> int:
    """Delete the uploaded files of failed tasks older than APPRAISE_STAGED_KEEP_HOURS."""
    now = now or timezone.now()
    old = now - timedelta(hours=settings.APPRAISE_STAGED_KEEP_HOURS)
    deleted, _ = StagedFile.objects.filter(
        task__status=TaskStatus.FAILED, task__finished_at__lt=old
    ).delete()
    return deleted


def task_actor(task: Task) -> User:
    """Who a task acts as: the person who started it."""
    return task.created_by if task.created_by is not None else AnonymousUser()
