"""Every answer of the API checked against the OpenAPI schema it publishes (issue 16).

``openapi_checked`` (tests/web/conftest.py) wraps DRF's test client: each response must be one
the schema documents for that operation and status, and a JSON body must match its shape. The
schema is drf-spectacular's OpenAPI 3.0, whose ``nullable: true`` is turned into JSON Schema's
``"type": [..., "null"]`` for the validator (jsonschema).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from drf_spectacular.generators import SchemaGenerator


def _json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:  # a $ref or allOf that may be null
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _spec() -> tuple[dict[str, Any], list[tuple[re.Pattern[str], str]]]:
    spec = SchemaGenerator().get_schema(request=None, public=True)
    # Literal paths before those with parameters (/redemptions/preview/ is not {month}); a
    # parameter is one path segment, but one that ends the path may hold several (a stored
    # file's name, events/chats.csv).
    templates = sorted(spec["paths"], key=lambda t: t.count("{"))
    one = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", t) + "$"), t) for t in templates]
    rest = [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", t[: t.rindex("{")]) + ".+$"), t)
        for t in templates
        if t.endswith("}")
    ]
    paths = one + rest
    return spec, paths


def _validate(method: str, where: str, status: int, body: Any, shape: dict[str, Any]) -> None:
    spec, _ = _spec()
    root = _json_schema({**shape, "components": spec.get("components", {})})
    try:
        jsonschema.validate(body, root)
    except jsonschema.ValidationError as exc:
        at = "/".join(str(p) for p in exc.absolute_path)
        raise AssertionError(f"{method} {where} {status} at {at!r}: {exc.message}") from None


def check(method: str, url: str, status: int, body: Any, content_type: str) -> None:
    """Fail unless ``status`` is documented for the operation and a JSON body has its shape."""
    spec, paths = _spec()
    path = urlsplit(url).path
    template = next((t for pattern, t in paths if pattern.match(path)), None)
    is_json = content_type.startswith("application/json")
    if template is None:  # no such endpoint: a 404 in the one error shape (or a slash redirect)
        assert status in (301, 404), f"{method} {path}: no operation, answered {status}"
        if is_json:
            _validate(method, path, status, body, {"$ref": "#/components/schemas/ErrorOut"})
        return
    operation = spec["paths"][template].get(method.lower())
    if operation is None:  # a method the path does not take, or a path that only looks like it
        assert status in (404, 405), f"{method} {template}: not in the schema, answered {status}"
        if is_json:
            _validate(method, path, status, body, {"$ref": "#/components/schemas/ErrorOut"})
        return
    documented = operation["responses"].get(str(status))
    assert documented is not None, f"{method} {template} answered {status}, not documented"
    shape = documented.get("content", {}).get("application/json", {}).get("schema")
    if shape is not None and is_json:
        _validate(method, template, status, body, shape)
