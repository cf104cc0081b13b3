"""The JSON Schema of the metric definition format, generated from the pydantic models.

``python -m appraise.metrics.jsonschema`` rewrites schemes/metrics.schema.json; ``--check`` fails
when the committed file differs from the models (a test runs it), so the schema is never edited
by hand. Editors use it to complete and check definition YAML; the checks of meaning (columns
that exist, tests on the right types) are the loader's.
"""

from __future__ import annotations

import sys
from typing import Any

from appraise import schemafile
from appraise.metrics.definitions import DefinitionFile

PATH = schemafile.SCHEMES_DIR / "metrics.schema.json"


def generate() -> dict[str, Any]:
    schema = DefinitionFile.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://appraise.dev/metrics.schema.json"
    # Top-level ``x-...`` keys hold shared YAML anchors.
    schema["patternProperties"] = {"^x-": {}}
    return schema


def render() -> str:
    return schemafile.render(generate())


def main(argv: list[str]) -> int:
    return schemafile.write_or_check(PATH, generate(), "appraise.metrics.jsonschema", argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
