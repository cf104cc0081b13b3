"""The API as a client uses it: uploads run as tasks, problems come back as a list, tokens work,
lists are scoped to the person, and the OpenAPI schema is served."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from appraise.web.cycles.models import Cycle
from appraise.web.org.services import token_create
from appraise.web.tasks.models import Task, TaskStatus

from .conftest import PAPER, Advance, People, ratings_csv


def test_an_upload_is_imported_and_scored_by_a_task(people: People, cycle: Cycle, api: Any) -> None:
    upload = SimpleUploadedFile("ratings.csv", ratings_csv(PAPER))
    response = api(people.hr).post(
        f"/api/cycles/{cycle.pk}/import/", {"files": [upload]}, format="multipart"
    )
    assert response.status_code == 202
    task = api(people.hr).get(f"/api/tasks/{response.json()['id']}/").json()
    assert (task["status"], task["progress"]) == ("done", 100)
    results = api(people.hr).get(f"/api/cycles/{cycle.pk}/results/").json()
    # 80 x 90 / 100 = 72 for A001, 100 x 90 / 100 = 90 for A002, 50 x 90 / 100 = 45 for B001,
    # as strings so that no float rounds them, and plain: 90, never "9E+1".
    assert {r["agent_id"]: r["total"] for r in results} == {
        "A001": "72",
        "A002": "90",
        "B001": "45",
    }
    # The compute's audit entry writes the totals the same way.
    from appraise.web.audit.models import AuditLog

    entry = AuditLog.objects.filter(action="cycle.compute", cycle_id=cycle.pk).latest("pk")
    assert {a: v["total"] for a, v in entry.after.items()} == {
        "A001": "72",
        "A002": "90",
        "B001": "45",
    }


def test_a_bad_cell_fails_the_task_with_its_file_row_and_column(
    people: People, cycle: Cycle, api: Any
) -> None:
    bad = b"agent_id,period,indicator,rater_role,rater_id,value\nA001,2026-10,courtesy,,S01,abc%\n"
    upload = SimpleUploadedFile("ratings.csv", bad)
    response = api(people.hr).post(
        f"/api/cycles/{cycle.pk}/import/", {"files": [upload]}, format="multipart"
    )
    task = Task.objects.get(pk=response.json()["id"])
    assert task.status == TaskStatus.FAILED
    assert [(p["level"], p["where"]) for p in task.problems] == [
        ("error", "ratings.csv:row 2:value")
    ]
    cycle.refresh_from_db()
    assert cycle.state == "draft"
    assert not cycle.files.exists()


def test_a_scheme_with_errors_is_a_400_listing_every_problem(people: People, api: Any) -> None:
    text = "id: bad\nname: x\nindicators:\n  - {id: a, name: A, weight: 50%, rule: {type: nope}}\n"
    response = api(people.hr).post(
        "/api/schemes/", {"text": text, "file": "bad.yaml"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "problems"
    assert body["problems"]
    assert all(set(p) == {"level", "code", "message", "where"} for p in body["problems"])
    assert body["problems"][0]["where"].startswith("bad.yaml:")


def test_validation_reports_warnings_without_storing_a_version(people: People, api: Any) -> None:
    from .conftest import S000

    response = api(people.a1).post(
        "/api/schemes/validate/",
        {"text": S000.read_text(encoding="utf-8"), "file": "s.yaml"},
        format="json",
    )
    body = response.json()
    assert body["ok"] is True
    # s000's four categories add up to 90%, which the engine warns about, and so 优秀 (> 95)
    # is out of reach.
    assert [p["code"] for p in body["problems"]] == ["weights_sum", "grade_unreachable"]
    from appraise.web.schemes.models import SchemeVersion

    assert not SchemeVersion.objects.exists()


def test_a_transition_in_the_wrong_state_is_a_409(people: People, cycle: Cycle, api: Any) -> None:
    response = api(people.hr).post(f"/api/cycles/{cycle.pk}/publish/")
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"


def test_a_token_signs_in_without_a_session(people: People) -> None:
    token = token_create(by=people.admin, user=people.hr)
    client = APIClient()
    assert client.get("/api/me/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    me = client.get("/api/me/").json()
    assert (me["username"], me["roles"]) == ("hr", ["hr"])


@pytest.mark.parametrize(
    "url", ["/api/me/", "/api/cycles/", "/api/results/mine/", "/api/appeals/", "/api/audit/"]
)
def test_nobody_signed_in_gets_nothing(url: str, db: None) -> None:
    assert APIClient().get(url).status_code in (401, 403)


def test_the_openapi_schema_is_served(people: People, api: Any) -> None:
    response = api(people.hr).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/cycles/{id}/publish/" in paths
    assert "/api/appeals/{id}/decide/" in paths


def test_lists_show_each_person_only_their_part(
    people: People, cycle: Cycle, advance: Advance, api: Any
) -> None:
    advance(cycle, "supervisor_rating")

    def ids(who: Any, url: str) -> list[str]:
        return sorted(r["agent_id"] for r in api(who).get(url).json())

    results = f"/api/cycles/{cycle.pk}/results/"
    assert ids(people.hr, results) == ["A001", "A002", "B001"]
    assert ids(people.sup1, results) == ["A001", "A002"]
    assert ids(people.manager, results) == ["A001", "A002", "B001"]
    # Before publication an agent sees no result, not even their own.
    assert ids(people.a1, results) == []
    assert ids(people.sup2, "/api/results/team/") == ["B001"]
    assert ids(people.a1, "/api/agents/") == ["A001"]
    for who, agent_id in ((people.sup1, "A001"), (people.sup2, "B001")):
        body = {"agent_id": agent_id, "indicator": "courtesy", "role": "supervisor", "value": "60"}
        assert (
            api(who).post(f"/api/cycles/{cycle.pk}/ratings/", body, format="json").status_code
            == 201
        )
    assert ids(people.sup2, f"/api/cycles/{cycle.pk}/ratings/") == ["B001"]
    assert ids(people.hr, f"/api/cycles/{cycle.pk}/ratings/") == ["A001", "B001"]
    assert [t["name"] for t in api(people.sup1).get("/api/teams/").json()] == ["一组"]
    api(people.hr).post(f"/api/cycles/{cycle.pk}/compute/")
    advance(cycle, "published")
    assert ids(people.a1, results) == ["A001"]
    assert ids(people.a1, "/api/results/mine/") == ["A001"]
    assert api(people.outsider).get("/api/cycles/").json() == []


def test_a_file_that_is_no_input_table_is_named_without_the_servers_folders(
    people: People, cycle: Cycle, api: Any
) -> None:
    upload = SimpleUploadedFile("r.csv", ratings_csv(PAPER))
    response = api(people.hr).post(
        f"/api/cycles/{cycle.pk}/import/", {"files": [upload]}, format="multipart"
    )
    task = api(people.hr).get(f"/api/tasks/{response.json()['id']}/").json()
    assert [(p["code"], p["where"]) for p in task["problems"]] == [
        ("unknown_file", "r.csv"),
        ("no_inputs", ""),
    ]
