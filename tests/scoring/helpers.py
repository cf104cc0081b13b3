"""Build a scheme from YAML text and inputs from CSV text, then score."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

from appraise.inputs import load_inputs
from appraise.schemes.loader import parse_scheme
from appraise.scoring import score_period
from appraise.scoring.results import AgentResult, ScoreRun

BASE = """
id: t
name: test
"""


def scheme(body: str, header: str = BASE):  # type: ignore[no-untyped-def]
    return parse_scheme(textwrap.dedent(header) + textwrap.dedent(body), "t.yaml").scheme


def run(
    tmp_path: Path, body: str, period: str = "2026-10", header: str = BASE, **tables: str
) -> ScoreRun:
    for name, text in tables.items():
        (tmp_path / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return score_period(scheme(body, header), load_inputs(tmp_path), period)


def by_id(run_: ScoreRun) -> dict[str, AgentResult]:
    return {r.agent_id: r for r in run_.results}


def ind(result: AgentResult, indicator: str) -> Decimal | None:
    for i in [*result.indicators, *result.adjustments]:
        if i.id == indicator:
            return i.score
    raise KeyError(indicator)


D = Decimal
