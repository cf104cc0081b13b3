"""Rubrics (质检评分表): schemes applied to ONE conversation instead of one agent's month.

A rubric is an ordinary :class:`~appraise.schemes.model.Scheme`: its indicators are the form's
items, with bands, levels and formulas, and the scoring engine scores it. A review is one
reviewer's ratings of one conversation; :func:`score_review` turns it into the engine's inputs
(the conversation plays the agent, the reviewer the rater) and reads the result back.

Two things a QA form has that an appraisal scheme does not, done here around the engine:

- **Fatal items** (致命错误, auto-fail): listed per rubric (``fatal``). A fatal item fails when
  its score is below its full score (the 否 of a 是/否 item); one failed fatal item makes the
  whole review 0, whatever the other items say.
- **N/A items** (不适用): a rating written ``N/A`` / ``NA`` / ``不适用`` / ``无此项`` (any width
  or case). The item is taken out of the form (a formula reading it is N/A too, and a category
  left empty goes with it), the engine scores what is left, and that score is scaled back to
  the form's maximum: score = points earned × maximum ÷ maximum of the applicable items. A call
  with no transfer, its 转接规范 item N/A, is judged on the rest and can still reach full marks.
  Adjustments (加分/减分项) are added after the scaling, unscaled. Fatal items cannot be N/A.

The maximum of a form is what its items can add at best, computed like the engine adds them: a
leaf adds at most its weight in points (its rule's full score when it has no weight), a category
the sum of its children (its weight under ``total: normalized``).

Errors and opportunities for the accuracy figures: every applicable, counted, non-fatal item
below its full score is one non-fatal error, and every applicable, counted, non-fatal item is one
opportunity (seed 003: 非致命错误按机会来计算).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from appraise.inputs.names import normalize_name
from appraise.inputs.records import Agent, Incident, Inputs, MetricValue, Rating, Source
from appraise.messages import message
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.schemes.model import FormulaRule, Indicator, Scheme, full_score_of
from appraise.schemes.validate import all_indicators, weight_points
from appraise.scoring.engine import quantize, score_period

NA_WORDS = frozenset(normalize_name(w) for w in ("N/A", "NA", "不适用", "无此项", "不涉及"))

_ZERO = Decimal(0)


def is_na(value: Decimal | str) -> bool:
    return isinstance(value, str) and normalize_name(value) in NA_WORDS


@dataclass(frozen=True)
class Rubric:
    """A scheme used as a QA form, with the seats it is for and its fatal and N/A items."""

    scheme: Scheme
    fatal: tuple[str, ...] = ()
    na_items: tuple[str, ...] | Literal["*"] = "*"
    seats: tuple[str, ...] = ()
    default: bool = False

    @property
    def id(self) -> str:
        return self.scheme.id


@dataclass(frozen=True)
class ReviewInput:
    """One reviewer's review of one conversation.

    ``ratings`` maps an item (id, name or alias, as in a ratings file) to a number, a level name
    or N/A. ``metrics`` are values formulas of the rubric read (taboo_phrases: the 忌语 the
    automatic check found in this conversation); ``incidents`` are per-call events (kind ->
    count) for deduction and bonus items. ``supersedes`` names the review this one replaces
    (a dispute's second review).
    """

    review_id: str
    conversation_id: str
    agent_id: str
    reviewer_id: str
    reviewed_at: datetime | date
    ratings: Mapping[str, Decimal | str]
    source: Literal["internal", "external"] = "internal"
    metrics: Mapping[str, Decimal] = field(default_factory=dict)
    incidents: Mapping[str, Decimal] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    comment: str = ""
    supersedes: str | None = None

    @property
    def day(self) -> date:
        return (
            self.reviewed_at.date() if isinstance(self.reviewed_at, datetime) else self.reviewed_at
        )


@dataclass(frozen=True)
class ItemScore:
    id: str
    name: str
    value: Decimal | str | None
    score: Decimal | None  # on the item's own scale; None when N/A
    full: Decimal | None
    weighted: Decimal | None  # what it adds before N/A scaling
    explain: str
    counts: bool = True
    na: bool = False
    fatal: bool = False
    failed: bool = False  # below its full score (an error: fatal or not)
    comment: str = ""


@dataclass(frozen=True)
class ReviewResult:
    review_id: str
    conversation_id: str
    agent_id: str
    reviewer_id: str
    reviewed_at: datetime | date
    source: str
    rubric_id: str
    score: Decimal | None  # None: the form is incomplete (see notes)
    maximum: Decimal
    applicable: Decimal
    earned: Decimal | None  # points of the applicable items, before scaling
    fatal: bool
    fatal_failed: tuple[str, ...]
    na: tuple[str, ...]
    items: tuple[ItemScore, ...]
    nonfatal_errors: int
    opportunities: int
    notes: tuple[str, ...] = ()
    comment: str = ""
    supersedes: str | None = None

    def qa_row(self) -> dict[str, object]:
        """The review as a row of the canonical ``qa_reviews`` table (docs/data-format.md)."""
        return {
            "review_id": self.review_id,
            "conversation_id": self.conversation_id,
            "agent_id": self.agent_id,
            "reviewer_id": self.reviewer_id,
            "reviewed_at": self.reviewed_at,
            "source": self.source,
            "score": None if self.score is None else float(self.score),
            "fatal_errors": len(self.fatal_failed),
            "nonfatal_errors": self.nonfatal_errors,
            "opportunities": self.opportunities,
        }


def _leaves(scheme: Scheme) -> dict[str, Indicator]:
    return {n.id: n for n, _ in all_indicators(scheme) if n.is_leaf}


def _names(scheme: Scheme) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, _ in all_indicators(scheme):
        if n.is_leaf:
            for name in (n.id, n.name, *n.aliases):
                out.setdefault(normalize_name(name), n.id)
    return out


def _prune(nodes: Sequence[Indicator], gone: set[str]) -> list[Indicator]:
    out: list[Indicator] = []
    for n in nodes:
        if n.is_leaf:
            if n.id not in gone:
                out.append(n)
            continue
        kids = _prune(n.children, gone)
        if kids:
            out.append(n.model_copy(update={"children": kids}))
    return out


def max_points(nodes: Sequence[Indicator], scheme: Scheme) -> Decimal:
    """What ``nodes`` can add at best, added the way the engine adds them."""
    total = _ZERO
    for n in nodes:
        if not n.counts:
            continue
        wp = weight_points(n, scheme.full_score)
        if n.is_leaf:
            total += wp if wp is not None else (full_score_of(n.rule) or _ZERO)
        elif scheme.total == "normalized" and wp is not None:
            total += wp
        else:
            total += max_points(n.children, scheme)
    return total


def rubric_maximum(scheme: Scheme) -> Decimal:
    if scheme.total == "normalized" and scheme.full_score:
        return scheme.full_score
    return max_points(scheme.indicators, scheme)


def score_review(rubric: Rubric | Scheme, review: ReviewInput) -> ReviewResult:
    """Score one review with its rubric (a bare Scheme: no fatal items, any item may be N/A).

    Raises :class:`ProblemsError` naming the review and item for an unknown item, a value the
    item cannot take, or N/A where the rubric does not allow it.
    """
    rub = rubric if isinstance(rubric, Rubric) else Rubric(rubric)
    scheme = rub.scheme
    where = f"review {review.review_id}"
    leaves = _leaves(scheme)
    names = _names(scheme)
    problems: list[Problem] = []
    ratings: dict[str, Decimal | str] = {}
    for key, value in review.ratings.items():
        item = names.get(normalize_name(key))
        if item is None:
            problems.append(
                Problem(
                    "error",
                    "unknown_item",
                    message(
                        "qa.rubric_unknown_item",
                        '"{item}" is not an item of rubric {rubric}',
                        item=key,
                        rubric=rub.id,
                    ),
                    where,
                    field=key,
                )
            )
        elif item in ratings:
            problems.append(
                Problem(
                    "error",
                    "duplicate_item",
                    message("qa.rated_twice", 'item "{item}" is rated twice', item=key),
                    where,
                    field=key,
                )
            )
        else:
            ratings[item] = value
    na = {i for i, v in ratings.items() if is_na(v)}
    for i in sorted(na):
        if i in rub.fatal:
            msg = message(
                "qa.fatal_not_na",
                '"{item}" is a fatal item and cannot be N/A',
                item=leaves[i].name,
            )
        elif rub.na_items != "*" and i not in rub.na_items:
            msg = message(
                "qa.not_na",
                '"{item}" may not be N/A in rubric {rubric}',
                item=leaves[i].name,
                rubric=rub.id,
            )
        else:
            continue
        problems.append(Problem("error", "not_applicable", msg, where, field=leaves[i].name))
    if problems:
        raise ProblemsError(problems)
    # A formula reading an N/A item cannot be computed: it is N/A too.
    changed = True
    while changed:
        changed = False
        for n in leaves.values():
            if n.id not in na and isinstance(n.rule, FormulaRule) and set(n.rule.expr.names) & na:
                na.add(n.id)
                changed = True
    pruned_roots = _prune(scheme.indicators, na)
    if not pruned_roots:
        raise ProblemsError(
            [Problem("error", "all_na", message("qa.all_na", "every item is N/A"), where)]
        )
    pruned = scheme.model_copy(update={"indicators": pruned_roots})
    period = Period.containing(review.day, scheme.period)
    rid = review.review_id
    src = Source(where, 1)
    inputs = Inputs(
        agents=[Agent(rid, review.agent_id, None, None, None, None, {})],
        metric_values=[
            MetricValue(rid, str(period), m, v, Source(where, 1, m))
            for m, v in review.metrics.items()
        ],
        ratings=[
            Rating(
                rid,
                str(period),
                item,
                None,
                review.reviewer_id,
                v,
                Source(where, 1, leaves[item].name),
            )
            for item, v in ratings.items()
            if item not in na
        ],
        incidents=[
            Incident(rid, review.day, kind, Decimal(c), None, None, "", src)
            for kind, c in review.incidents.items()
        ],
        history=[],
        warnings=[],
        files=[where],
    )
    (result,) = score_period(pruned, inputs, period).results
    by_id = {ir.id: ir for ir in result.indicators}
    comments = {names.get(normalize_name(k), k): v for k, v in review.comments.items()}
    items: list[ItemScore] = []
    fatal_failed: list[str] = []
    errors = opportunities = 0
    for n, _ in all_indicators(scheme):
        if not n.is_leaf:
            continue
        full = full_score_of(n.rule)
        fatal = n.id in rub.fatal
        if n.id in na:
            items.append(
                ItemScore(
                    n.id,
                    n.name,
                    ratings.get(n.id),
                    None,
                    full,
                    None,
                    "不适用",
                    n.counts,
                    na=True,
                    comment=comments.get(n.id, ""),
                )
            )
            continue
        ir = by_id.get(n.id)
        item_score = ir.score if ir else None
        failed = item_score is not None and full is not None and item_score < full
        if fatal and failed:
            fatal_failed.append(n.id)
        if not fatal and n.counts and item_score is not None:
            opportunities += 1
            errors += int(failed)
        items.append(
            ItemScore(
                n.id,
                n.name,
                ir.value if ir else None,
                item_score,
                full,
                ir.weighted if ir else None,
                ir.explain if ir else "",
                n.counts,
                fatal=fatal,
                failed=failed,
                comment=comments.get(n.id, ""),
            )
        )
    maximum = rubric_maximum(scheme)
    applicable = rubric_maximum(pruned)
    notes = list(result.notes)
    score: Decimal | None = None
    earned: Decimal | None = None
    if result.eligible and result.exact_total is not None:
        adjust = sum((a.weighted or _ZERO for a in result.adjustments if a.depth == 0), _ZERO)
        earned = result.exact_total - adjust
        exact = earned * maximum / applicable + adjust if applicable else adjust
        if fatal_failed:
            exact = _ZERO
            notes.append("致命错误:" + "、".join(leaves[i].name for i in fatal_failed))
        score = quantize(exact, scheme.score_step)
    return ReviewResult(
        review.review_id,
        review.conversation_id,
        review.agent_id,
        review.reviewer_id,
        review.reviewed_at,
        review.source,
        rub.id,
        score,
        maximum,
        applicable,
        earned,
        bool(fatal_failed),
        tuple(fatal_failed),
        tuple(i for i in leaves if i in na),
        tuple(items),
        errors,
        opportunities,
        tuple(notes),
        review.comment,
        review.supersedes,
    )


def select_rubric(
    rubrics: Sequence[Rubric], queue: str | None = None, channel: str | None = None
) -> Rubric:
    """The rubric for a conversation's seat: its queue first, then its channel, then the
    default rubric. Seats are matched like names (width, case and spaces ignored)."""
    for key in (queue, channel):
        if not key:
            continue
        k = normalize_name(key)
        for r in rubrics:
            if any(normalize_name(s) == k for s in r.seats):
                return r
    for r in rubrics:
        if r.default:
            return r
    raise ProblemsError(
        [
            Problem(
                "error",
                "no_rubric",
                message(
                    "qa.no_rubric",
                    "no rubric for queue {queue} / channel {channel} and no default rubric",
                    queue=repr(queue),
                    channel=repr(channel),
                ),
            )
        ]
    )
