"""The JSON Schema of the metric definition format, generated from the pydantic models.

``python -m appraise.metrics.jsonschema`` rewrites schemes/metrics.schema.json; ``--check`` fails
when the committed file differs from the models (a test runs it), so the schema is never edited
by hand. Editors use it to complete and check definition YAML; the checks of meaning (columns
that exist, tests on the right types) are the loader's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from appraise.metrics.definitions import DefinitionFile

PATH = Path(__file__).resolve().parents[3] / "schemes" / "metrics.schema.json"


def generate() -> dict[str, Any]:
    schema = DefinitionFile.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://appraise.dev/metrics.schema.json"
    # Top-level ``x-...`` keys hold shared YAML anchors.
    schema["patternProperties"] = {"^x-": {}}
    return schema


def render() -> str:
    return json.dumps(generate(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = PATH.read_text(encoding="utf-8") if PATH.exists() else ""
        if current != text:
            print(
                f"{PATH} is out of date; run `python -m appraise.metrics.jsonschema`",
                file=sys.stderr,
            )
            return 1
        print(f"{PATH.name} is up to date")
        return 0
    PATH.write_text(text, encoding="utf-8")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
