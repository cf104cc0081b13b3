"""The cycle's background work, registered with the task runner (web/tasks) when the app loads:
an import (and the computation after it) and a computation. The tasks app knows nothing of
cycles; the cycle services enqueue these by kind."""

from __future__ import annotations

from typing import Any

from django.utils.translation import ngettext

from appraise.web.cycles.services import cycle_compute, cycle_import_data
from appraise.web.tasks.models import Task
from appraise.web.tasks.services import Progress, runner, task_actor


@runner("cycle_import")
def _run_import(task: Task, progress: Progress) -> Any:
    assert task.cycle is not None
    files = {f.name: bytes(f.content) for f in task.files.all()}
    progress(
        2,
        ngettext("checking %(n)d file", "checking %(n)d files", len(files)) % {"n": len(files)},
    )
    cycle = cycle_import_data(cycle=task.cycle, by=task_actor(task), files=files)
    if task.params.get("compute", True):
        cycle_compute(cycle=cycle, by=task_actor(task), progress=progress)
    return {"files": sorted(files)}


@runner("cycle_compute")
def _run_compute(task: Task, progress: Progress) -> Any:
    assert task.cycle is not None
    cycle = cycle_compute(cycle=task.cycle, by=task_actor(task), progress=progress)
    return {"results": cycle.results.filter(is_current=True).count()}
