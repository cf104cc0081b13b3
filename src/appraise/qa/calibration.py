"""Calibration (校准): several reviewers score the same conversations; how far apart are they?

For every conversation and item rated by two reviewers or more (a *cell*): the mean, the
standard deviation and the range (max − min) of their scores. The standard deviation is the
population one (÷ n, not n − 1): the reviewers in the session are all the reviewers there are,
not a sample of them. The review's total is reported the same way, as the item ``total``.

For every reviewer: each cell's *consensus* without them is the mean of the OTHER reviewers'
scores; their deviation is their score minus that consensus. A reviewer whose mean deviation is
−2 scores two points below their colleagues on an item, on average; the mean absolute deviation
says how far off they are either way.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from appraise.messages import message
from appraise.problems import Problem, ProblemsError
from appraise.qa.rubric import ReviewResult

TOTAL = "total"


@dataclass(frozen=True)
class Cell:
    conversation_id: str
    item_id: str
    values: dict[str, Decimal]  # reviewer -> score
    mean: Decimal
    stdev: Decimal
    spread: Decimal


@dataclass(frozen=True)
class ItemSpread:
    item_id: str
    name: str
    ratings: int
    cells: int
    mean: Decimal
    mean_stdev: Decimal
    max_spread: Decimal


@dataclass(frozen=True)
class ReviewerSpread:
    reviewer_id: str
    reviews: int
    mean_score: Decimal | None
    mean_deviation: Decimal | None  # over item cells
    mean_abs_deviation: Decimal | None
    score_deviation: Decimal | None  # the review total against the others' mean total


@dataclass(frozen=True)
class CalibrationReport:
    items: list[ItemSpread]
    reviewers: list[ReviewerSpread]
    cells: list[Cell]


def _mean(xs: Sequence[Decimal]) -> Decimal:
    return sum(xs, Decimal(0)) / len(xs)


def calibrate(results: Sequence[ReviewResult]) -> CalibrationReport:
    """The spread per item and per reviewer; one review per reviewer and conversation."""
    seen: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []
    values: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    names: dict[str, str] = {TOTAL: "总分"}
    order: list[str] = []
    for r in results:
        key = (r.conversation_id, r.reviewer_id)
        if key in seen:
            problems.append(
                Problem(
                    "error",
                    "reviewed_twice",
                    message(
                        "qa.reviewed_twice",
                        "{reviewer} reviewed {conversation} twice ({first} and {second}); "
                        "calibrate one review each",
                        reviewer=r.reviewer_id,
                        conversation=r.conversation_id,
                        first=seen[key],
                        second=r.review_id,
                    ),
                )
            )
            continue
        seen[key] = r.review_id
        for it in r.items:
            if it.score is None:
                continue
            if it.id not in names:
                names[it.id] = it.name
                order.append(it.id)
            values[(r.conversation_id, it.id)][r.reviewer_id] = it.score
        if r.score is not None:
            values[(r.conversation_id, TOTAL)][r.reviewer_id] = r.score
    if problems:
        raise ProblemsError(problems)
    cells: list[Cell] = []
    for (cid, item), by_rev in sorted(values.items()):
        if len(by_rev) < 2:
            continue
        xs = list(by_rev.values())
        cells.append(
            Cell(
                cid,
                item,
                dict(sorted(by_rev.items())),
                _mean(xs),
                statistics.pstdev(xs),
                max(xs) - min(xs),
            )
        )
    items: list[ItemSpread] = []
    for item in [*order, TOTAL]:
        mine = [c for c in cells if c.item_id == item]
        if not mine:
            continue
        all_ratings = [v for c in mine for v in c.values.values()]
        items.append(
            ItemSpread(
                item,
                names[item],
                len(all_ratings),
                len(mine),
                _mean(all_ratings),
                _mean([c.stdev for c in mine]),
                max(c.spread for c in mine),
            )
        )
    devs: dict[str, list[Decimal]] = defaultdict(list)
    total_devs: dict[str, list[Decimal]] = defaultdict(list)
    for c in cells:
        for rev, v in c.values.items():
            others = [w for r2, w in c.values.items() if r2 != rev]
            (total_devs if c.item_id == TOTAL else devs)[rev].append(v - _mean(others))
    reviewers: list[ReviewerSpread] = []
    by_reviewer: dict[str, list[ReviewResult]] = defaultdict(list)
    for r in results:
        by_reviewer[r.reviewer_id].append(r)
    for rev in sorted(by_reviewer):
        scores = [r.score for r in by_reviewer[rev] if r.score is not None]
        d = devs.get(rev, [])
        td = total_devs.get(rev, [])
        reviewers.append(
            ReviewerSpread(
                rev,
                len(by_reviewer[rev]),
                _mean(scores) if scores else None,
                _mean(d) if d else None,
                _mean([abs(x) for x in d]) if d else None,
                _mean(td) if td else None,
            )
        )
    return CalibrationReport(items, reviewers, cells)
