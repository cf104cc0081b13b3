"""Background work on the database queue of Django's task framework (issue 12; issue 16.4).

Transactional tests with APPRAISE_TASKS=worker: a task is queued with its upload in one
transaction, the worker (``run_tasks --batch``) runs it, progress and result reach the Task row
the page polls. A worker that died leaves its task running until its heartbeat is stale; then
the task reads as failed and runs again with the same files.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Conflict
from appraise.web.ops.models import Heartbeat
from appraise.web.tasks.models import StagedFile, Task, TaskStatus
from appraise.web.tasks.selectors import task_get
from appraise.web.tasks.services import task_clean_staged, task_rerun

from .conftest import PAPER, People, ratings_csv

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


@pytest.fixture
def on_the_queue(settings: Any) -> None:
    settings.APPRAISE_TASKS = "worker"


def run_worker() -> None:
    call_command("run_tasks", "--batch", "--no-startup-delay", verbosity=0)


def test_an_import_is_queued_with_its_files_and_run_by_the_worker(
    on_the_queue: None, people: People, cycle: Cycle
) -> None:
    task = cs.cycle_import_start(
        cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)}
    )
    assert task.status == TaskStatus.PENDING
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert StagedFile.objects.filter(task=task).count() == 1

    run_worker()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE, task.message
    assert task.progress == 100
    assert task.worker  # host:pid of the worker that ran it
    assert cycle.results.filter(is_current=True).count() == 3  # A001, A002, B001
    assert not StagedFile.objects.filter(task=task).exists()  # the upload is cleaned
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # The page reads the finished task (no more polling).
    client = Client()
    client.force_login(people.hr)
    assert 'data-status="done"' in client.get(f"/tasks/{task.pk}/").content.decode()


def test_an_upload_and_its_queue_entry_are_saved_together_or_not_at_all(
    on_the_queue: None, people: People, cycle: Cycle
) -> None:
    class Stop(Exception):
        pass

    with pytest.raises(Stop), transaction.atomic():
        cs.cycle_import_start(cycle=cycle, by=people.hr, files={"ratings.csv": b"x"})
        raise Stop  # the request fails (or the server dies) before it commits
    assert not Task.objects.exists()
    assert not StagedFile.objects.exists()
    assert not DBTaskResult.objects.exists()


def _abandoned(people: People, cycle: Cycle, minutes: int) -> Task:
    """An import a worker took and never finished: the worker was killed (kill -9)."""
    task = cs.cycle_import_start(
        cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)}
    )
    started = timezone.now() - timedelta(minutes=minutes)
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.RUNNING, started_at=started, worker="gone-host:4242", progress=20
    )
    DBTaskResult.objects.update(status="RUNNING", started_at=started)
    Heartbeat.objects.update_or_create(worker="gone-host:4242", defaults={"seen_at": started})
    return task


def test_the_task_of_a_dead_worker_reads_as_failed_and_runs_again_with_its_files(
    on_the_queue: None, people: People, cycle: Cycle, settings: Any
) -> None:
    settings.APPRAISE_WORKER_STALE_SECONDS = 60
    task = _abandoned(people, cycle, minutes=5)  # last heartbeat 5 min ago, over 60 s

    seen = task_get(user=people.hr, pk=task.pk)
    assert seen.status == TaskStatus.FAILED
    assert seen.message == "运行此任务的后台进程已停止，请重新运行"
    assert StagedFile.objects.filter(task=task).count() == 1  # kept for the re-run

    client = Client()
    client.force_login(people.hr)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-status="failed"' in page and "重新运行" in page

    again = task_rerun(task=seen, by=people.hr)
    assert again.pk != task.pk and again.status == TaskStatus.PENDING
    assert again.params["rerun_of"] == task.pk
    assert StagedFile.objects.filter(task=again).count() == 1  # the files moved over
    run_worker()
    again.refresh_from_db()
    assert again.status == TaskStatus.DONE, again.message
    cycle.refresh_from_db()
    assert cycle.state == State.DATA_IMPORTED
    with pytest.raises(Conflict):  # only a failed task runs again
        task_rerun(task=again, by=people.hr)


def test_a_task_whose_worker_still_reports_stays_running(
    on_the_queue: None, people: People, cycle: Cycle
) -> None:
    task = _abandoned(people, cycle, minutes=5)
    Heartbeat.objects.update(seen_at=timezone.now())  # a long task; its worker is alive
    assert task_get(user=people.hr, pk=task.pk).status == TaskStatus.RUNNING


def test_the_page_runs_a_failed_task_again(
    on_the_queue: None, people: People, cycle: Cycle, settings: Any
) -> None:
    settings.APPRAISE_WORKER_STALE_SECONDS = 60
    task = _abandoned(people, cycle, minutes=5)
    client = Client()
    client.force_login(people.hr)
    answer = client.post(f"/tasks/{task.pk}/rerun/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    new = Task.objects.exclude(pk=task.pk).get()
    assert f'id="task-{new.pk}"' in answer.content.decode()
    api = client.post(f"/api/tasks/{new.pk}/rerun/")
    assert api.status_code == 409  # pending, not failed


def test_old_uploads_of_failed_tasks_are_deleted_recent_ones_kept(
    on_the_queue: None, people: People, cycle: Cycle, settings: Any
) -> None:
    settings.APPRAISE_STAGED_KEEP_HOURS = 48
    old = _abandoned(people, cycle, minutes=5)
    recent = _abandoned(people, cycle, minutes=5)
    now = timezone.now()
    Task.objects.filter(pk=old.pk).update(
        status=TaskStatus.FAILED, finished_at=now - timedelta(hours=49)
    )
    Task.objects.filter(pk=recent.pk).update(
        status=TaskStatus.FAILED, finished_at=now - timedelta(hours=47)
    )
    assert task_clean_staged(now=now) == 1
    assert not StagedFile.objects.filter(task=old).exists()
    assert StagedFile.objects.filter(task=recent).exists()
    with pytest.raises(Conflict):  # an import without its files cannot run again
        task_rerun(task=Task.objects.get(pk=old.pk), by=people.hr)


def _imports(module: str) -> set[str]:
    """Every appraise module ``module`` imports, at the top or inside a function."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.startswith("appraise.")}


def test_the_task_services_do_not_import_the_cycle_services() -> None:
    """No circle: cycles.services queues through tasks.services (a plain import at the top),
    which knows only the cycle models; the cycle runners are registered by cycles.tasks."""
    assert "appraise.web.tasks.services" in _imports("appraise.web.cycles.services")
    assert "appraise.web.cycles.services" not in _imports("appraise.web.tasks.services")
    assert "appraise.web.cycles.tasks" not in _imports("appraise.web.tasks.services")
