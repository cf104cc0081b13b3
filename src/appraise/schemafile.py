"""A JSON Schema generated from pydantic models, committed beside the seeds and checked in CI.

``write_or_check`` is the command both generators run: it rewrites the file, or with ``--check``
fails when the committed file differs from the models, so a schema is never edited by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCHEMES_DIR = Path(__file__).resolve().parents[2] / "schemes"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_or_check(path: Path, schema: dict[str, Any], module: str, argv: list[str]) -> int:
    text = render(schema)
    if "--check" in argv:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date; run `python -m {module}`", file=sys.stderr)
            return 1
        print(f"{path.name} is up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0
