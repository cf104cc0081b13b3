"""Uploads cannot cost the server more than the limit says (issue 16, item 7): a request over
``APPRAISE_MAX_UPLOAD_MB`` is refused before its files are kept (413, nothing staged), and an
``.xlsx`` that would inflate far past its size is refused before openpyxl opens it."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraise.web.cycles.models import Cycle, CycleFile
from appraise.web.org.models import Agent
from appraise.web.tasks.models import StagedFile, Task
from appraise.web.uploads import (
    XLSX_MAX_RATIO,
    LimitedUploadHandler,
    UploadTooLarge,
    workbook_problem,
)

from ..conftest import PAPER, People, ratings_csv

MB = 1024 * 1024


@pytest.fixture
def one_mb_limit(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = MB


def big_csv(size: int) -> bytes:
    header = b"agent_id,period,indicator,rater_role,rater_id,value\n"
    row = b"A001,2026-10,courtesy,,S01,80\n"
    return header + row * (size // len(row) + 1)


def inflating_xlsx(inflated: int) -> bytes:
    """A zip named like a workbook whose shared strings are ``inflated`` bytes of one letter:
    deflate packs such a run about 1,000 to 1."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/sharedStrings.xml", b"a" * inflated)
    return out.getvalue()


def test_the_handler_refuses_while_streaming_as_soon_as_the_limit_is_passed() -> None:
    handler = LimitedUploadHandler(None, limit=1000)
    handler.new_file("files", "ratings.csv", "text/csv", None)
    # 400 + 400 = 800 bytes pass; the third chunk brings 1,200 > 1,000.
    assert handler.receive_data_chunk(b"x" * 400, 0) == b"x" * 400
    assert handler.receive_data_chunk(b"x" * 400, 400) == b"x" * 400
    with pytest.raises(UploadTooLarge) as err:
        handler.receive_data_chunk(b"x" * 400, 800)
    assert err.value.status == 413
    assert "ratings.csv" in err.value.message


def test_a_request_announcing_more_than_the_limit_is_refused_before_reading() -> None:
    handler = LimitedUploadHandler(None, limit=1000)
    with pytest.raises(UploadTooLarge):
        handler.handle_raw_input(None, {}, 1001, b"b")
    assert handler.handle_raw_input(None, {}, 1000, b"b") is None


def test_an_api_import_over_the_limit_is_a_413_and_nothing_is_staged(
    people: People, cycle: Cycle, api: Any, one_mb_limit: None
) -> None:
    upload = SimpleUploadedFile("ratings.csv", big_csv(2 * MB), content_type="text/csv")
    response = api(people.hr).post(
        f"/api/cycles/{cycle.pk}/import/",
        {"files": [upload]},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413, response.content[:300]
    body = response.json()
    assert body["code"] == "too_large"
    assert body["message"] == "the upload is larger than 1 MB"
    assert not Task.objects.exists()
    assert not StagedFile.objects.exists()
    assert not CycleFile.objects.exists()


def test_an_api_import_under_the_limit_is_accepted(
    people: People, cycle: Cycle, api: Any, one_mb_limit: None
) -> None:
    upload = SimpleUploadedFile("ratings.csv", ratings_csv(PAPER), content_type="text/csv")
    response = api(people.hr).post(
        f"/api/cycles/{cycle.pk}/import/", {"files": [upload]}, format="multipart"
    )
    assert response.status_code == 202, response.content[:300]
    assert CycleFile.objects.filter(cycle=cycle, name="ratings.csv").exists()


def test_a_page_import_over_the_limit_says_why_and_keeps_nothing(
    people: People, cycle: Cycle, one_mb_limit: None
) -> None:
    client = Client()
    client.force_login(people.hr)
    upload = SimpleUploadedFile("ratings.csv", big_csv(2 * MB), content_type="text/csv")
    response = client.post(
        f"/cycles/{cycle.pk}/import/", {"files": [upload]}, HTTP_HX_REQUEST="true"
    )
    # An htmx form swaps in the answer only when it is a 2xx: the refusal is the page's 200.
    assert response.status_code == 200
    assert "上传内容超过 1 MB" in response.content.decode()
    assert not StagedFile.objects.exists()
    assert not CycleFile.objects.exists()


def test_the_page_upload_still_checks_csrf(people: People, cycle: Cycle) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.hr)
    upload = SimpleUploadedFile("ratings.csv", ratings_csv(PAPER), content_type="text/csv")
    response = client.post(f"/cycles/{cycle.pk}/import/", {"files": [upload]})
    assert response.status_code == 403
    assert not CycleFile.objects.exists()
    # With the token the page gave, the same upload goes through.
    client.get(f"/cycles/{cycle.pk}/")
    token = client.cookies["csrftoken"].value
    upload = SimpleUploadedFile("ratings.csv", ratings_csv(PAPER), content_type="text/csv")
    response = client.post(
        f"/cycles/{cycle.pk}/import/",
        {"files": [upload], "csrfmiddlewaretoken": token},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert CycleFile.objects.filter(cycle=cycle, name="ratings.csv").exists()


def test_an_agents_upload_over_the_limit_comes_back_to_the_org_page(
    people: People, one_mb_limit: None
) -> None:
    client = Client()
    client.force_login(people.hr)
    upload = SimpleUploadedFile("agents.csv", big_csv(2 * MB), content_type="text/csv")
    response = client.post("/org/agents/upload/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "上传内容超过 1 MB" in response.content.decode()
    assert Agent.objects.count() == 3  # the people fixture's agents, nothing added


def test_a_workbook_that_inflates_past_the_ratio_is_refused_before_it_is_opened() -> None:
    bomb = inflating_xlsx(20 * MB)
    # 20 MB of one letter deflate to about 20 KB: a ratio near 1,000, over 100.
    assert len(bomb) * XLSX_MAX_RATIO < 20 * MB
    problem = workbook_problem("bomb.xlsx", bomb)
    assert problem is not None
    assert (problem.code, problem.file) == ("xlsx_too_large", "bomb.xlsx")


def test_a_real_workbook_and_a_small_repetitive_one_pass() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["agent_id", "name"])
    for n in range(2000):
        sheet.append([f"A{n:04d}", "张三"])
    out = io.BytesIO()
    book.save(out)
    assert workbook_problem("agents.xlsx", out.getvalue()) is None
    # 5 MB inflated is under the 10 MB below which the ratio is not looked at.
    assert workbook_problem("tiny.xlsx", inflating_xlsx(5 * MB)) is None
    assert workbook_problem("not-a-zip.xlsx", b"plain text") is None  # the reader says why


def test_an_inflating_workbook_is_refused_by_the_api_import_and_the_agents_upload(
    people: People, cycle: Cycle, api: Any
) -> None:
    bomb = inflating_xlsx(20 * MB)
    client = api(people.hr)
    response = client.post(
        f"/api/cycles/{cycle.pk}/import/",
        {"files": [SimpleUploadedFile("ratings.xlsx", bomb)]},
        format="multipart",
    )
    assert response.status_code == 400
    assert [(p["code"], p["where"]) for p in response.json()["problems"]] == [
        ("xlsx_too_large", "ratings.xlsx")
    ]
    assert not StagedFile.objects.exists()
    response = client.post(
        "/api/agents/upload/",
        {"file": SimpleUploadedFile("agents.xlsx", bomb)},
        format="multipart",
    )
    assert response.status_code == 400
    assert [p["code"] for p in response.json()["problems"]] == ["xlsx_too_large"]
