"""`make demo`: score every seed scheme's worked example and print the scorecards.

Each seed scheme is scored from its example folder (schemes/seeds/examples/<id>/), exactly as
`appraise score` would; the table shows every agent and the tree below it one agent's scorecard
with the explanation of every point.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.rule import Rule

from appraise.scoring.commands import render_scorecard, render_table, score_files
from appraise.seeds import ROOT, SEEDS, example_ids


def main() -> int:
    console = Console()
    ids = example_ids()
    for sid in ids:
        folder = ROOT / SEEDS / "examples" / sid
        period = json.loads((folder / "expected.json").read_text(encoding="utf-8"))["period"]
        run = score_files(ROOT / SEEDS / f"{sid}.yaml", period, folder, None)
        console.print(Rule(f"{sid} · {run.scheme_name}"))
        render_table(run, console)
        best = next((r for r in run.results if r.rank == 1), run.results[0])
        render_scorecard(run, best.agent_id, console)
    console.print(Rule())
    console.print(
        f"{len(ids)} seed schemes scored. Try: .venv/bin/appraise score "
        "schemes/seeds/s000-specialist.yaml --inputs schemes/seeds/examples/s000-specialist "
        "--period 2026-10 --format json"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
