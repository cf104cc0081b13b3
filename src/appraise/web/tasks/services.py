"""A small task runner: long work (imports, computation) recorded as :class:`Task` rows.

``settings.APPRAISE_TASKS`` says how a task runs once its request has committed:
``thread`` in a thread of the web process, ``worker`` by ``python -m appraise.web run_tasks``,
``sync`` at once in the caller (tests). A task runs a registered function with the task's
creator as the actor, so the service checks permissions exactly as for a direct call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from appraise.problems import AppraiseError, ProblemsError
from appraise.web.cycles.models import Cycle
from appraise.web.errors import error_response_data
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
    """Record a task (and its uploaded files) and start it once this transaction commits."""
    if kind not in RUNNERS:
        raise ValueError(f"no task runner {kind!r}")
    with transaction.atomic():
        task = Task.objects.create(
            kind=kind,
            cycle=cycle,
            params={**(params or {}), "language": translation.get_language()},
            created_by=signed_in(by),
        )
        for name, content in (files or {}).items():
            StagedFile.objects.create(task=task, name=name, content=content)
    mode = settings.APPRAISE_TASKS
    if mode == "sync":
        task_run(task)
        task.refresh_from_db()
    elif mode == "thread":
        transaction.on_commit(lambda: _start_thread(task.pk))
    return task


def _start_thread(pk: int) -> None:
    def work() -> None:
        try:
            task = Task.objects.get(pk=pk)
            task_run(task)
        finally:
            close_old_connections()

    threading.Thread(target=work, name=f"appraise-task-{pk}", daemon=True).start()


def _progress(task: Task) -> Progress:
    def report(percent: int, message: str) -> None:
        Task.objects.filter(pk=task.pk).update(progress=max(0, min(100, percent)), message=message)

    return report


def task_run(task: Task) -> Task:
    """Run one pending task to the end; input problems are stored with the task, not raised."""
    claimed = Task.objects.filter(pk=task.pk, status=TaskStatus.PENDING).update(
        status=TaskStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return task
    task.refresh_from_db()
    # Messages and errors in the language of the person who started it (a worker has none).
    with translation.override(task.params.get("language") or settings.LANGUAGE_CODE):
        _run_claimed(task)
    StagedFile.objects.filter(task=task).delete()
    task.refresh_from_db()
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


def task_run_pending(limit: int | None = None) -> int:
    """Run pending tasks oldest first (the worker command); returns how many ran."""
    n = 0
    for task in Task.objects.filter(status=TaskStatus.PENDING).order_by("created_at", "id"):
        task_run(task)
        n += 1
        if limit is not None and n >= limit:
            break
    return n


def _actor(task: Task) -> User:
    return task.created_by if task.created_by is not None else AnonymousUser()


@runner("cycle_import")
def _run_import(task: Task, progress: Progress) -> Any:
    from appraise.web.cycles.services import cycle_compute, cycle_import_data

    assert task.cycle is not None
    files = {f.name: bytes(f.content) for f in task.files.all()}
    progress(
        2,
        ngettext("checking %(n)d file", "checking %(n)d files", len(files)) % {"n": len(files)},
    )
    cycle = cycle_import_data(cycle=task.cycle, by=_actor(task), files=files)
    if task.params.get("compute", True):
        cycle_compute(cycle=cycle, by=_actor(task), progress=progress)
    return {"files": sorted(files)}


@runner("cycle_compute")
def _run_compute(task: Task, progress: Progress) -> Any:
    from appraise.web.cycles.services import cycle_compute

    assert task.cycle is not None
    cycle = cycle_compute(cycle=task.cycle, by=_actor(task), progress=progress)
    return {"results": cycle.results.filter(is_current=True).count()}
