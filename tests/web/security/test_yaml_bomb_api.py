"""A signed-in user without any role cannot exhaust the server with a short YAML document sent for
live validation: it is answered at once with the problem and its line (issue 16, item 1)."""

from __future__ import annotations

import time
from typing import Any

from ..conftest import People


def billion_laughs() -> str:
    """Nine levels of nine aliases: 9^9 strings in 9 lines (tests/schemes/test_yaml_bounds.py
    has the arithmetic of where the budget runs out: line 6)."""
    lines = ["l1: &l1 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(2, 10):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


DEEP = "x: " + "[" * 5000 + "]" * 5000 + "\n"


def test_billion_laughs_sent_for_validation_is_answered_with_a_problem(
    people: People, api: Any
) -> None:
    client = api(people.outsider)
    start = time.monotonic()
    response = client.post(
        "/api/schemes/validate/", {"text": billion_laughs(), "file": "x.yaml"}, format="json"
    )
    assert time.monotonic() - start < 5
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert [(p["code"], p["where"]) for p in body["problems"]] == [("yaml_too_large", "x.yaml:6")]


def test_deep_nesting_sent_for_validation_is_a_problem_not_a_500(people: People, api: Any) -> None:
    response = api(people.outsider).post(
        "/api/schemes/validate/", {"text": DEEP, "file": "x.yaml"}, format="json"
    )
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["problems"]] == ["yaml_too_large"]


def test_saving_such_a_scheme_is_a_400_with_the_problem(people: People, api: Any) -> None:
    response = api(people.hr).post(
        "/api/schemes/", {"text": billion_laughs(), "file": "x.yaml"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["problems"][0]["where"] == "x.yaml:6"
