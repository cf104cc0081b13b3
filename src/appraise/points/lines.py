"""A points scheme's result for one period as ledger lines, and what changed between two runs.

A points scheme (s003-points, s003-points-catering) is an ordinary scheme scored per period whose
total is the sum of its leaves' points. Each leaf that gives an agent points (positive or
negative) becomes one line; categories only add their children up, so they are not lines, or the
points would count twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appraise.messages import message
from appraise.problems import Problem, ProblemsError
from appraise.schemes.model import Scheme
from appraise.schemes.validate import all_indicators
from appraise.scoring.results import ScoreRun

# The ledger keeps points to the cent: schemes give whole points, but a formula may not.
POINTS_STEP = Decimal("0.01")
ZERO = Decimal(0)


def as_points(value: Decimal) -> Decimal:
    return value.quantize(POINTS_STEP, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PointsLine:
    """Points one indicator gave one agent in one period, with the engine's explanation."""

    agent_id: str
    indicator: str
    points: Decimal
    reason: str


Key = tuple[str, str]  # (agent_id, indicator)


def points_lines(scheme: Scheme, run: ScoreRun) -> list[PointsLine]:
    """One line per agent per counting leaf (or adjustment) whose points are not zero.

    Raises ProblemsError when an agent's lines do not add up to their total: such a scheme
    scales or rounds its total (``normalized``, ``score_step``) and is not a points scheme.
    """
    leaves = {node.id for node, _ in all_indicators(scheme) if node.rule is not None}
    adjustments = {a.id for a in scheme.adjustments}
    out: list[PointsLine] = []
    problems: list[Problem] = []
    for r in run.results:
        if r.total is None:
            continue
        mine: list[PointsLine] = []
        for ind in [*r.indicators, *r.adjustments]:
            if ind.id not in leaves and ind.id not in adjustments:
                continue
            if not ind.counts or ind.weighted is None or ind.weighted == 0:
                continue
            mine.append(
                PointsLine(r.agent_id, ind.id, as_points(ind.weighted), f"{ind.name}:{ind.explain}")
            )
        added = sum((line.points for line in mine), ZERO)
        if added != as_points(r.total):
            problems.append(
                Problem(
                    "error",
                    "points_do_not_add_up",
                    message(
                        "points.do_not_add_up",
                        "scheme {scheme}: agent {agent}'s indicators add up to {added} "
                        "but the total is {total}; a points scheme's total must be the plain "
                        "sum of its indicators (total: sum, no score_step)",
                        scheme=scheme.id,
                        agent=r.agent_id,
                        added=str(added),
                        total=str(r.total),
                    ),
                )
            )
        out.extend(mine)
    if problems:
        raise ProblemsError(problems)
    return out


@dataclass(frozen=True, slots=True)
class Change:
    """One (agent, indicator) whose points differ from what the previous run computed."""

    agent_id: str
    indicator: str
    before: Decimal
    after: Decimal
    reason: str  # the new explanation; for a value that fell to zero, why it is gone


def run_changes(previous: Mapping[Key, Decimal], lines: Iterable[PointsLine]) -> list[Change]:
    """What a new run of a period changes compared with the previous run's values.

    ``previous`` holds the points the previous run computed (missing means zero). An unchanged
    key is not a change, so a run repeated on the same inputs changes nothing.
    """
    now = {(line.agent_id, line.indicator): line for line in lines}
    changes: list[Change] = []
    for key in sorted(set(previous) | set(now)):
        before = previous.get(key, ZERO)
        line = now.get(key)
        after = line.points if line is not None else ZERO
        if before == after:
            continue
        reason = line.reason if line is not None else f"{key[1]}:重新计算后不再得分"
        changes.append(Change(key[0], key[1], before, after, reason))
    return changes
