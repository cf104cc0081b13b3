"""The OpenAPI schema describes what the API answers (issue 16: every operation used to be
"200 with an object", so clients could not be generated): real answers on real objects match
the documented shapes, and every operation documents its errors in the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.services import rating_set
from appraise.web.tasks.models import Task
from appraise.web.wsgi import application

from ..conftest import Advance, People

CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema(people: People) -> tuple[Any, dict[str, str]]:
    auth = {"Authorization": f"Token {Token.objects.create(user=people.hr).key}"}
    return (
        schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=auth),
        auth,
    )


@pytest.mark.usefixtures("wsgi_keeps_connection")
def test_every_operation_documents_its_errors_and_its_shapes(
    people: People,
) -> None:
    schema, _auth = _schema(people)
    undescribed = []
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path == "/api/schema/":
            continue
        responses = op.definition.raw["responses"]
        for status in ("400", "403", "404", "500"):
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut"), (op.label, status)
        ok = [s for s in responses if s.startswith("2")]
        for status in ok:
            content = responses[status].get("content", {}).get("application/json")
            if content is None:
                # No body, or a file (the scorecards' zip or PDF).
                binary = "application/octet-stream" in responses[status].get("content", {})
                assert status == "204" or binary, (op.label, status)
                continue
            shape = content["schema"]
            if shape.get("type") == "object" and "properties" not in shape and "$ref" not in shape:
                undescribed.append(f"{op.label} {status}")
    assert undescribed == []


@pytest.mark.usefixtures("wsgi_keeps_connection")
def test_real_answers_match_the_schema(people: People, cycle: Cycle, advance: Advance) -> None:
    advance(cycle, "self_assessment")
    rating_set(  # a rating, so that the ratings list has a row to check
        cycle=cycle,
        agent=people.agent_a1,
        indicator="courtesy",
        role="self",
        value="100",
        by=people.a1,
    )
    advance(cycle, "supervisor_rating")
    cs.cycle_compute(cycle=cycle, by=people.hr)
    task = Task.objects.create(kind="cycle_compute", cycle=cycle, created_by=people.hr)
    schema, auth = _schema(people)
    c, v = cycle.pk, cycle.scheme_version_id
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/api/me/", {}),
        ("GET", "/api/users/", {}),
        ("GET", "/api/teams/", {}),
        ("GET", "/api/agents/", {}),
        ("GET", "/api/schemes/", {}),
        ("GET", "/api/schemes/{id}/", {"id": v}),
        ("GET", "/api/cycles/", {}),
        ("GET", "/api/cycles/{id}/", {"id": c}),
        ("GET", "/api/cycles/{id}/results/", {"id": c}),
        ("GET", "/api/cycles/{id}/results/{agent_id}/", {"id": c, "agent_id": "A001"}),
        ("GET", "/api/cycles/{id}/results/{agent_id}/history/", {"id": c, "agent_id": "A001"}),
        ("GET", "/api/cycles/{id}/ratings/", {"id": c}),
        ("GET", "/api/cycles/{id}/gaps/", {"id": c}),
        ("GET", "/api/cycles/{id}/distribution/", {"id": c}),
        ("GET", "/api/results/team/", {}),
        ("GET", "/api/appeals/", {}),
        ("GET", "/api/interviews/", {}),
        ("GET", "/api/tasks/{id}/", {"id": task.pk}),
        ("GET", "/api/audit/", {}),
        ("POST", "/api/cycles/{id}/compute/", {"id": c}),
        ("GET", "/api/cycles/{id}/results/{agent_id}/", {"id": c, "agent_id": "NOBODY"}),
    ]
    for method, path, params in calls:
        case = schema[path][method].Case(path_parameters=params)
        response = case.call(headers=auth)
        assert response.status_code < 500, (path, response.text[:300])
        case.validate_response(response, checks=CHECKS)


@pytest.mark.usefixtures("wsgi_keeps_connection")
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_lists_and_creations_have_their_own_shapes(people: People, method: str) -> None:
    schema, _auth = _schema(people)
    responses = schema["/api/cycles/"][method].definition.raw["responses"]
    if method == "GET":
        assert responses["200"]["content"]["application/json"]["schema"]["type"] == "array"
    else:
        assert responses["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/CycleOut"
        )


def test_the_schema_generates_without_a_warning(tmp_path: Any) -> None:
    """drf-spectacular's own checks: no operationId given twice (GET and POST of one path each
    name theirs), no two components of one name, the result valid OpenAPI."""
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "operationId: points_redemptions_create" in out.read_text(encoding="utf-8")
