"""Schemathesis against the API's own OpenAPI schema, in-process on the test database: requests
generated from every operation's parameters and bodies, valid and invalid, never get a 5xx, and
every answer is what the schema says: a documented status, JSON, the documented shape for that
status.

Bounded so that it stays a test, not a campaign: a few examples per operation and mode, derandomized
(the same requests every run), no stateful phase. A longer run against a live server is the same
tool's CLI (docs/web.md, "Fuzzing the API"). Schemathesis's own pytest plugin is not used: its
lazy fixture loader needs a pytest-internal attribute that pytest 9 no longer has.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from appraise.web.cycles.models import Cycle
from appraise.web.wsgi import application

from ..conftest import People

pytestmark = pytest.mark.slow

EXAMPLES = 3
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.usefixtures("wsgi_keeps_connection")  # tests/web/security/conftest.py
def test_no_generated_request_gets_a_server_error(people: People, cycle: Cycle) -> None:
    # HR may call nearly every operation, so the generated requests reach the services.
    auth = {"Authorization": f"Token {Token.objects.create(user=people.hr).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=auth)
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                nonlocal calls
                calls += 1
                response = case.call(headers=auth)
                what = (
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200}"
                    f" -> {response.status_code} {response.text[:200]}"
                )
                if response.status_code >= 500:
                    failures.append(what)
                else:
                    try:
                        case.validate_response(response, checks=CONFORMANCE)
                    except BaseExceptionGroup as exc:  # schemathesis's FailureGroup
                        failures.append(f"{what}: {str(exc.exceptions[0])[:400]}")

            try:
                call()
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, no body): the negative mode has no case.
                assert mode is GenerationMode.NEGATIVE, operation.label
    assert calls > 100  # every operation was reached, not just skipped
    assert failures == [], "\n".join(failures)
