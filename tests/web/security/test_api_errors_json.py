"""Every answer of the API is JSON in the one error shape, whatever goes wrong: an unknown path, a
method an endpoint does not have, a bad query parameter, an exception nobody expected (issue 16:
the API answered those with Django's HTML debug page, which shows settings and environment)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from appraise.web.cycles.models import Cycle

from ..conftest import People

SHAPE = {"code", "message", "problems"}


def _json_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == SHAPE
    assert body["code"] == code
    return body


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "path",
    [
        "/api/nothing-here/",
        "/api/cycles/1/nothing/",
        "/api/cycles",
        "/api/qa/nope/",
        "/api/cycles/%2C%0A%20%20%20%20/",  # a newline in the id (found by schemathesis)
    ],
)
def test_an_unknown_api_path_is_a_json_404(
    people: People, api: Any, path: str, debug: bool
) -> None:
    with override_settings(DEBUG=debug):
        for client in (api(people.hr), api(None)):
            for method in ("get", "post", "delete"):
                _json_error(getattr(client, method)(path), 404, "not_found")


def test_the_404_says_api_paths_end_with_a_slash(people: People, api: Any) -> None:
    body = _json_error(
        api(people.hr).get("/api/cycles", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found"
    )
    assert body["message"] == "no API endpoint /api/cycles (API paths end with /)"
    zh = _json_error(api(people.hr).get("/api/cycles"), 404, "not_found")
    assert zh["message"] == "没有 API 接口 /api/cycles（API 路径以 / 结尾）"


def test_a_method_an_endpoint_lacks_is_a_json_405(people: People, api: Any) -> None:
    _json_error(api(people.hr).delete("/api/cycles/"), 405, "method_not_allowed")
    _json_error(api(people.hr).put("/api/schemes/validate/", {}), 405, "method_not_allowed")


@pytest.mark.parametrize("limit", ["-5", "0", "5001", "abc"])
def test_an_audit_limit_out_of_range_is_a_400(people: People, api: Any, limit: str) -> None:
    body = _json_error(
        api(people.hr).get(f"/api/audit/?limit={limit}", HTTP_ACCEPT_LANGUAGE="en"), 400, "invalid"
    )
    assert "limit" in body["message"]


def test_an_audit_limit_in_range_limits(people: People, cycle: Cycle, api: Any) -> None:
    # Creating the people's cycle wrote at least one audit entry (cycle.create).
    response = api(people.hr).get("/api/audit/?limit=1")
    assert response.status_code == 200
    assert len(response.json()) == 1


@pytest.mark.parametrize("debug", [True, False])
def test_an_unexpected_exception_is_a_json_500_without_details(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    from appraise.web.api import views

    def boom(**_: object) -> object:
        raise KeyError("DATABASE_URL=postgres://user:secret@db/x")

    monkeypatch.setattr(views, "audit_list", boom)
    with override_settings(DEBUG=debug):
        response = api(people.hr).get("/api/audit/", HTTP_ACCEPT_LANGUAGE="en")
    body = _json_error(response, 500, "server_error")
    assert body["message"] == "internal error; it has been logged"
    assert b"secret" not in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/appeals/?cycle=-55171890472629190656",  # found by schemathesis: a 500 before
        "/api/interviews/?cycle=99999999999999999999",
        "/api/qa/figures/?period=2026-10&rubric=99999999999999999999",
        "/api/points/leaderboard/?kind=day&period=2026-05-31&team=99999999999999999999",
    ],
)
def test_an_id_beyond_the_databases_integers_is_a_400_not_a_500(
    people: People, api: Any, url: str
) -> None:
    response = api(people.hr).get(url)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_a_nul_character_in_a_query_is_a_400_on_every_database(people: People, api: Any) -> None:
    # Found by schemathesis on PostgreSQL, which refuses text holding NUL: a 500 before. The
    # request is refused before the view runs (appraise.web.requestcheck), on SQLite as well.
    response = api(people.hr).get("/api/points/runs/?scheme_id=%C3%80%00&period=2026-05")
    _json_error(response, 400, "invalid")
    body = _json_error(api(people.hr).get("/api/cycles/?state=%00"), 400, "invalid")
    assert body["message"] == "取值不能包含空字符（NUL）"


def test_only_the_drivers_nul_refusal_becomes_a_400() -> None:
    # A JSON body's "\u0000" passes the request check (it reads the address, the query and
    # URL-encoded forms) and reaches PostgreSQL, which refuses it in these words; SQLite's
    # "NOT NULL constraint failed" is a bug of the application and must stay a 500.
    from django.db import DataError, IntegrityError

    from appraise.web.api.errors import _refuses_nul

    assert _refuses_nul(DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))
    assert _refuses_nul(ValueError("A string literal cannot contain NUL (0x00) characters."))
    assert not _refuses_nul(IntegrityError("NOT NULL constraint failed: org_team.name"))
