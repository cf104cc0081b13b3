"""Calibration (校准): several reviewers score the same conversations; how far apart are they?

For every conversation and item rated by two reviewers or more (a *cell*): the mean, the
standard deviation and the range (max − min) of their scores. The standard deviation is the
population one (÷ n, not n − 1): the reviewers in the session are all the reviewers there are,
not a sample of them. The review's total is reported the same way, as the item ``total``.

For every reviewer: each cell's *consensus* without them is the mean of the OTHER reviewers'
scores; their deviation is their score minus that consensus. A reviewer whose mean deviation is
−2 scores two points below their colleagues on an item, on average; the mean absolute deviation
says how far off they are either way. Their *leniency* is the mean of their review total minus
the panel's mean total (all the reviewers of the conversation, themselves included): +3 gives
three points more than the panel, on average.

Agreement beyond chance:

- **Cohen's κ per reviewer pair**, on the error verdict: for every item cell both rated, did each
  say the item was an error (below its full score)? κ = (po − pe) ÷ (1 − pe), po the share of
  cells where they agree, pe = Σ over the verdicts of the product of each one's share of it.
- **Fleiss' κ per item** (Fleiss 1971), on the rated value (the score given is the category):
  for conversation i rated by n_i reviewers, n_ij of them giving value j,
  P_i = (Σ_j n_ij² − n_i) ÷ (n_i (n_i − 1)); P̄ the mean of P_i; p_j = Σ_i n_ij ÷ Σ_i n_i;
  P̄e = Σ_j p_j²; κ = (P̄ − P̄e) ÷ (1 − P̄e). With the same number of reviewers on every
  conversation this is Fleiss' formula as published; with fewer on some, each conversation's
  P_i is over its own reviewers. Undefined (None) when P̄e = 1: everybody always gave the same
  value, and there is nothing to agree beyond chance.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
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
    fleiss_kappa: Decimal | None = None


@dataclass(frozen=True)
class ReviewerSpread:
    reviewer_id: str
    reviews: int
    mean_score: Decimal | None
    mean_deviation: Decimal | None  # over item cells
    mean_abs_deviation: Decimal | None
    score_deviation: Decimal | None  # the review total against the others' mean total
    leniency: Decimal | None = None  # the review total against the panel's mean total


@dataclass(frozen=True)
class PairAgreement:
    """Two reviewers' agreement on which items are errors, over the item cells both rated."""

    reviewer_a: str
    reviewer_b: str
    cells: int
    agreed: int
    observed: Decimal | None
    expected: Decimal | None
    kappa: Decimal | None


@dataclass(frozen=True)
class CalibrationReport:
    items: list[ItemSpread]
    reviewers: list[ReviewerSpread]
    cells: list[Cell]
    pairs: list[PairAgreement] = field(default_factory=list)


def cohen_kappa(
    pairs: Sequence[tuple[Hashable, Hashable]],
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(po, pe, κ) of two raters' labels, one (a, b) per subject; κ None when pe = 1."""
    n = len(pairs)
    if not n:
        return None, None, None
    po = Decimal(sum(1 for a, b in pairs if a == b)) / n
    left: dict[Hashable, int] = defaultdict(int)
    right: dict[Hashable, int] = defaultdict(int)
    for a, b in pairs:
        left[a] += 1
        right[b] += 1
    pe = sum((Decimal(left[k]) * right.get(k, 0) for k in left), Decimal(0)) / (n * n)
    return po, pe, None if pe == 1 else (po - pe) / (1 - pe)


def fleiss_kappa(subjects: Sequence[Mapping[Hashable, int]]) -> Decimal | None:
    """Fleiss' κ: one mapping category -> raters per subject; subjects with fewer than two
    raters are left out; None when nothing is left or P̄e = 1 (see the module's text)."""
    rows = [s for s in subjects if sum(s.values()) >= 2]
    if not rows:
        return None
    p_i: list[Decimal] = []
    totals: dict[Hashable, int] = defaultdict(int)
    for s in rows:
        n = sum(s.values())
        p_i.append(Decimal(sum(c * c for c in s.values()) - n) / (n * (n - 1)))
        for k, c in s.items():
            totals[k] += c
    ratings = sum(totals.values())
    p_bar = _mean(p_i)
    pe = sum((Decimal(c) / ratings) ** 2 for c in totals.values())
    return None if pe == 1 else (p_bar - pe) / (1 - pe)


def _mean(xs: Sequence[Decimal]) -> Decimal:
    return sum(xs, Decimal(0)) / len(xs)


def calibrate(results: Sequence[ReviewResult]) -> CalibrationReport:
    """The spread per item and per reviewer; one review per reviewer and conversation."""
    seen: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []
    values: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    errors: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
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
            errors[(r.conversation_id, it.id)][r.reviewer_id] = it.failed
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
                None if item == TOTAL else fleiss_kappa([_counts(c.values) for c in mine]),
            )
        )
    devs: dict[str, list[Decimal]] = defaultdict(list)
    total_devs: dict[str, list[Decimal]] = defaultdict(list)
    lenient: dict[str, list[Decimal]] = defaultdict(list)
    for c in cells:
        for rev, v in c.values.items():
            others = [w for r2, w in c.values.items() if r2 != rev]
            (total_devs if c.item_id == TOTAL else devs)[rev].append(v - _mean(others))
            if c.item_id == TOTAL:
                lenient[rev].append(v - c.mean)
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
                _mean(lenient[rev]) if lenient.get(rev) else None,
            )
        )
    return CalibrationReport(items, reviewers, cells, _pairs(errors, sorted(by_reviewer)))


def _counts(values: Mapping[str, Decimal]) -> dict[Hashable, int]:
    out: dict[Hashable, int] = defaultdict(int)
    for v in values.values():
        out[v.normalize()] += 1
    return out


def _pairs(
    errors: Mapping[tuple[str, str], Mapping[str, bool]], revs: list[str]
) -> list[PairAgreement]:
    out: list[PairAgreement] = []
    for i, a in enumerate(revs):
        for b in revs[i + 1 :]:
            both = [(v[a], v[b]) for v in errors.values() if a in v and b in v]
            if not both:
                continue
            po, pe, kappa = cohen_kappa(both)
            out.append(
                PairAgreement(a, b, len(both), sum(1 for x, y in both if x == y), po, pe, kappa)
            )
    return out
