"""The import on the cycle page: uploaded files become a background task whose progress bar the
page polls (htmx) until the task is done or failed; problems name their file, row and column."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.models import Result
from appraise.web.tasks.models import Task, TaskStatus
from appraise.web.tasks.services import task_run_pending

from ..conftest import PAPER, People, ratings_csv

HTMX = {"HTTP_HX_REQUEST": "true"}


def hr_client(people: People) -> Client:
    client = Client()
    client.force_login(people.hr)
    return client


def upload(cycle: Cycle, client: Client, content: bytes, **fields: str) -> str:
    response = client.post(
        f"/cycles/{cycle.pk}/import/",
        {"files": [SimpleUploadedFile("ratings.csv", content)], **fields},
        **HTMX,
    )
    assert response.status_code == 200
    return response.content.decode()


def bar(body: str) -> tuple[str, str, bool]:
    """(status, progress, polling) of the progress bar in a fragment."""
    status = re.search(r'data-status="(\w+)"', body)
    progress = re.search(r'aria-valuenow="(\d+)"', body)
    assert status and progress, body
    return status[1], progress[1], 'hx-get="/tasks/' in body


def test_an_import_runs_as_a_task_and_the_answer_is_its_finished_bar(
    people: People, cycle: Cycle
) -> None:
    body = upload(cycle, hr_client(people), ratings_csv(PAPER), compute="1")
    assert "<html" not in body  # a fragment for #task-area
    assert bar(body) == ("done", "100", False)
    assert "已完成" in body and f'href="/cycles/{cycle.pk}/"' in body
    task = Task.objects.get()
    assert (task.kind, task.created_by) == ("cycle_import", people.hr)
    # Computed after the import: A001 80 on every leaf -> 80 x 90 / 100 = 72.
    assert Result.objects.get(cycle=cycle, agent__agent_id="A001").total == 72
    cycle.refresh_from_db()
    assert cycle.state == "data_imported"


def test_without_compute_the_import_stores_the_files_only(people: People, cycle: Cycle) -> None:
    body = upload(cycle, hr_client(people), ratings_csv(PAPER))
    assert bar(body)[0] == "done"
    assert not Result.objects.filter(cycle=cycle).exists()
    assert list(cycle.files.values_list("name", flat=True)) == ["ratings.csv"]


def test_a_long_import_shows_a_bar_the_page_polls_until_the_worker_finishes(
    people: People, cycle: Cycle, settings: Any
) -> None:
    settings.APPRAISE_TASKS = "worker"  # run by `run_tasks`, not in the request
    client = hr_client(people)
    body = upload(cycle, client, ratings_csv(PAPER), compute="1")
    task = Task.objects.get()
    assert bar(body) == ("pending", "0", True)
    assert f'hx-get="/tasks/{task.pk}/"' in body and 'hx-trigger="load delay:600ms"' in body

    # The cycle page shows the task still running, so HR can leave and come back.
    page = client.get(f"/cycles/{cycle.pk}/").content.decode()
    assert f'id="task-{task.pk}"' in page
    assert "3 名客服" in page  # the cycle's agents (A001, A002, B001), before any result

    # Half-way, as the worker reports it.
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.RUNNING, progress=40, message="scoring 3 agents"
    )
    body = client.get(f"/tasks/{task.pk}/", **HTMX).content.decode()
    assert bar(body) == ("running", "40", True)
    assert 'style="width:40%"' in body and "scoring 3 agents" in body

    Task.objects.filter(pk=task.pk).update(status=TaskStatus.PENDING, progress=0)
    assert task_run_pending() == 1
    body = client.get(f"/tasks/{task.pk}/", **HTMX).content.decode()
    assert bar(body) == ("done", "100", False)  # no more polling
    assert Result.objects.filter(cycle=cycle, is_current=True).count() == 3
    page = client.get(f"/cycles/{cycle.pk}/").content.decode()
    assert f'id="task-{task.pk}"' not in page  # a finished task leaves the cycle page


def test_a_bad_cell_fails_the_bar_with_its_file_row_and_column(
    people: People, cycle: Cycle
) -> None:
    bad = b"agent_id,period,indicator,rater_role,rater_id,value\nA001,2026-10,courtesy,,S01,abc%\n"
    body = upload(cycle, hr_client(people), bad, compute="1")
    assert bar(body)[0] == "failed"
    assert 'class="progress failed"' in body and "失败" in body
    assert '<span class="where">ratings.csv:row 2:value</span>' in body
    cycle.refresh_from_db()
    assert cycle.state == "draft" and not cycle.files.exists()


def test_an_import_without_a_file_is_refused_in_the_task_area(people: People, cycle: Cycle) -> None:
    response = hr_client(people).post(f"/cycles/{cycle.pk}/import/", {}, **HTMX)
    # htmx swaps only 2xx answers: the refusal is the fragment.
    assert response.status_code == 200
    assert "请至少选择一个要导入的文件" in response.content.decode()
    # The same refusal in English for a browser that asks for it.
    english = hr_client(people).post(
        f"/cycles/{cycle.pk}/import/", {}, HTTP_ACCEPT_LANGUAGE="en", **HTMX
    )
    assert english.status_code == 200
    assert "choose at least one file to import" in english.content.decode()
    assert not Task.objects.exists()


def test_compute_from_the_cycle_page_is_a_task_too(people: People, cycle: Cycle) -> None:
    client = hr_client(people)
    upload(cycle, client, ratings_csv(PAPER))
    body = client.post(f"/cycles/{cycle.pk}/compute/", **HTMX).content.decode()
    assert bar(body) == ("done", "100", False) and "计算" in body
    assert Result.objects.get(cycle=cycle, agent__agent_id="B001").total == 45  # 50 x 90 / 100


def _recorded_progress(monkeypatch: Any) -> list[str]:
    """Every progress message a task reports, in order (the bar shows only the last one)."""
    from appraise.web.tasks import services as tasks

    seen: list[str] = []
    real = tasks._progress

    def recording(task: Task) -> Any:
        report = real(task)

        def both(percent: int, message: str) -> None:
            seen.append(message)
            report(percent, message)

        return both

    monkeypatch.setattr(tasks, "_progress", recording)
    return seen


def test_the_progress_messages_speak_the_language_of_who_started_the_import(
    people: People, cycle: Cycle, monkeypatch: Any
) -> None:
    seen = _recorded_progress(monkeypatch)
    upload(cycle, hr_client(people), ratings_csv(PAPER), compute="1")
    # One file checked, then the computation's steps, in Chinese (the default language).
    assert seen[0] == "正在检查 1 个文件"
    assert "正在计分" in seen and seen[-1] == "已完成"
    assert Task.objects.get().message == "已完成"
    seen.clear()
    english = hr_client(people).post(
        f"/cycles/{cycle.pk}/import/",
        {"files": [SimpleUploadedFile("ratings.csv", ratings_csv(PAPER))], "compute": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
        **HTMX,
    )
    assert english.status_code == 200
    assert seen[0] == "checking 1 file" and "scoring" in seen and seen[-1] == "done"
