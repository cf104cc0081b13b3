"""A cycle's stored input files can be replaced in another format and removed (issue 16, item 8):
a stored metric_values.csv used to make a later metric_values.xlsx fail as a second copy of the
same table, and nothing could take a wrong file away."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, CycleFile
from appraise.web.errors import Conflict, Forbidden, NotFound

from .conftest import PAPER, Advance, People, ratings_csv


def _xlsx(csv: bytes) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.decode().splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _names(cycle: Cycle) -> list[str]:
    return sorted(CycleFile.objects.filter(cycle=cycle).values_list("name", flat=True))


def test_a_table_uploaded_in_another_format_replaces_the_stored_one(
    people: People, cycle: Cycle
) -> None:
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)})
    cs.cycle_import_data(
        cycle=cycle, by=people.hr, files={"Ratings.xlsx": _xlsx(ratings_csv(PAPER))}
    )
    assert _names(cycle) == ["Ratings.xlsx"]
    cs.cycle_compute(cycle=cycle, by=people.hr)  # one ratings table, read once


def test_events_are_replaced_within_their_folder_only(people: People, cycle: Cycle) -> None:
    chats = b"chat_id,agent_id\nC1,A001\n"
    cs.cycle_import_data(
        cycle=cycle,
        by=people.hr,
        files={"ratings.csv": ratings_csv(PAPER), "events/ratings.csv": chats},
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"events/ratings.jsonl": b"{}\n"})
    assert _names(cycle) == ["events/ratings.jsonl", "ratings.csv"]


def test_hr_removes_a_file_and_the_results_become_stale(people: People, cycle: Cycle) -> None:
    cs.cycle_import_data(
        cycle=cycle,
        by=people.hr,
        files={"ratings.csv": ratings_csv(PAPER), "events/chats.csv": b"chat_id\n"},
    )
    cs.cycle_compute(cycle=cycle, by=people.hr)
    cycle.refresh_from_db()
    assert not cycle.results_stale
    cs.cycle_file_remove(cycle=cycle, by=people.hr, name="events/chats.csv")
    cycle.refresh_from_db()
    assert _names(cycle) == ["ratings.csv"]
    assert cycle.results_stale
    entry = AuditLog.objects.get(action="cycle.remove_file")
    assert entry.note == "events/chats.csv"
    assert [f["name"] for f in entry.after["files"]] == ["ratings.csv"]
    with pytest.raises(NotFound):
        cs.cycle_file_remove(cycle=cycle, by=people.hr, name="events/chats.csv")


def test_only_hr_removes_files_and_only_before_ratings(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)})
    with pytest.raises(Forbidden):
        cs.cycle_file_remove(cycle=cycle, by=people.sup1, name="ratings.csv")
    advance(cycle, "self_assessment")
    with pytest.raises(Conflict):
        cs.cycle_file_remove(cycle=cycle, by=people.hr, name="ratings.csv")
    assert _names(cycle) == ["ratings.csv"]


def test_the_api_and_the_page_remove_a_file(people: People, cycle: Cycle, api: Any) -> None:
    cs.cycle_import_data(
        cycle=cycle,
        by=people.hr,
        files={"ratings.csv": ratings_csv(PAPER), "events/chats.csv": b"chat_id\n"},
    )
    response = api(people.hr).delete(f"/api/cycles/{cycle.pk}/files/events/chats.csv")
    assert response.status_code == 204
    assert _names(cycle) == ["ratings.csv"]
    client = Client()
    client.force_login(people.hr)
    page = client.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'data-test="remove-file"' in page
    response = client.post(
        f"/cycles/{cycle.pk}/files/remove/", {"name": "ratings.csv"}, follow=True
    )
    assert "已移除文件 ratings.csv。" in response.content.decode()
    assert _names(cycle) == []
