"""The seed library: schemes/seeds/<id>.yaml with a worked example in examples/<id>/.

``python -m appraise.seeds`` scores every example and compares it with its ``expected.json``;
``--write`` rewrites the expected files from the engine (review the diff: every number in them
is checked by hand in tests/seeds/).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path("schemes") / "seeds"


def example_ids(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in (root / SEEDS / "examples").iterdir() if p.is_dir())


def run_example(scheme_id: str, root: Path = ROOT) -> dict[str, Any]:
    """Score the example as `appraise score --format json` would, from the repository root."""
    from appraise.scoring.commands import score_files
    from appraise.scoring.output import run_dict

    folder = SEEDS / "examples" / scheme_id
    expected = json.loads((root / folder / "expected.json").read_text(encoding="utf-8"))
    cwd = Path.cwd()
    os.chdir(root)  # paths in warnings are relative to the repository root
    try:
        run = score_files(SEEDS / f"{scheme_id}.yaml", expected["period"], folder, None)
    finally:
        os.chdir(cwd)
    return run_dict(run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    failed = 0
    for sid in args.ids or example_ids():
        path = ROOT / SEEDS / "examples" / sid / "expected.json"
        got = run_example(sid)
        text = json.dumps(got, ensure_ascii=False, indent=2) + "\n"
        if args.write:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
        elif json.loads(path.read_text(encoding="utf-8")) != got:
            failed += 1
            print(f"{sid}: differs from expected.json", file=sys.stderr)
        else:
            print(f"{sid}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
