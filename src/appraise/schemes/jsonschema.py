"""The JSON Schema of the scheme format, generated from the pydantic models.

``python -m appraise.schemes.jsonschema`` rewrites schemes/scheme.schema.json;
``--check`` fails when the committed file differs from the models (CI runs it), so the schema
is never edited by hand. Editors use it to complete and check scheme YAML.
"""

from __future__ import annotations

import sys
from typing import Any

from appraise import schemafile
from appraise.schemes.model import Scheme

PATH = schemafile.SCHEMES_DIR / "scheme.schema.json"


def generate() -> dict[str, Any]:
    schema = Scheme.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://appraise.dev/scheme.schema.json"
    return schema


def render() -> str:
    return schemafile.render(generate())


def main(argv: list[str]) -> int:
    return schemafile.write_or_check(PATH, generate(), "appraise.schemes.jsonschema", argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
