"""Raw events uploaded through the REST API keep their ``events/`` folder (issue 16, item 8):
multipart file names carry no folder, so raw event files go in the ``events`` field."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from appraise.web.cycles.models import Cycle, CycleFile

from ..conftest import PAPER, People, ratings_csv

CHATS = b"chat_id,agent_id,started_at,ended_at\nC1,A001,2026-10-08T09:00:00,2026-10-08T09:05:00\n"


def test_event_files_are_stored_under_events_and_tables_at_the_top(
    people: People, cycle: Cycle, api: Any
) -> None:
    response = api(people.hr).post(
        f"/api/cycles/{cycle.pk}/import/",
        {
            "files": [SimpleUploadedFile("ratings.csv", ratings_csv(PAPER))],
            "events": [SimpleUploadedFile("chats.csv", CHATS)],
            "compute": "false",
        },
        format="multipart",
    )
    assert response.status_code == 202, response.content[:300]
    assert response.json()["status"] == "done", response.json()
    names = sorted(CycleFile.objects.filter(cycle=cycle).values_list("name", flat=True))
    assert names == ["events/chats.csv", "ratings.csv"]


def test_an_import_needs_tables_or_events(people: People, cycle: Cycle, api: Any) -> None:
    response = api(people.hr).post(
        f"/api/cycles/{cycle.pk}/import/", {"compute": "false"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["problems"][0]["where"] == "files"
