"""QA figures (质检指标): accuracies and averages per agent, per item, per reviewer.

Definitions, as seed 003 and docs/metrics.md give them, over the reviews passed in (pass
:func:`appraise.qa.disputes.effective_reviews` so that a decided dispute's review replaces the
disputed one). Reviews left unscored (an incomplete form) are not counted anywhere.

- 致命错误准确性 fatal_accuracy = (1 − reviews failed on a fatal error ÷ reviews) × 100.
- 非致命错误准确性 nonfatal_accuracy = (1 − Σ non-fatal errors ÷ Σ opportunities) × 100, which is
  the seed's 1 − errors ÷ (opportunities × calls monitored) when every call has the same form.
- QA average: the mean score of the internal reviews (内部质检) and of the external ones (移动质检,
  the client's), and ``qa_average`` = (internal + external) ÷ 2 as seed 003 注1 says. With only
  one of the two, ``qa_average`` is that one's mean: a center without an external check still
  has a QA average.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from appraise.qa.rubric import ReviewResult

_HUNDRED = Decimal(100)


def _mean(xs: Sequence[Decimal]) -> Decimal | None:
    return sum(xs, Decimal(0)) / len(xs) if xs else None


@dataclass(frozen=True)
class AgentFigures:
    agent_id: str
    monitored: int
    internal_average: Decimal | None
    external_average: Decimal | None
    qa_average: Decimal | None
    fatal_accuracy: Decimal | None
    nonfatal_accuracy: Decimal | None

    def metrics(self) -> dict[str, Decimal | None]:
        """Metric id -> value for ``metric_values`` (monitored_calls is s003's 监听条数)."""
        return {
            "monitored_calls": Decimal(self.monitored),
            "qa_internal_average": self.internal_average,
            "qa_external_average": self.external_average,
            "qa_average": self.qa_average,
            "fatal_accuracy": self.fatal_accuracy,
            "nonfatal_accuracy": self.nonfatal_accuracy,
        }


@dataclass(frozen=True)
class ItemFigures:
    item_id: str
    name: str
    rated: int
    not_applicable: int
    mean: Decimal | None  # on the item's own scale
    percent: Decimal | None  # mean ÷ full × 100
    errors: int  # ratings below full


@dataclass(frozen=True)
class ReviewerFigures:
    reviewer_id: str
    reviews: int
    mean: Decimal | None


@dataclass(frozen=True)
class QaFigures:
    agents: list[AgentFigures]
    items: list[ItemFigures]
    reviewers: list[ReviewerFigures]


def qa_figures(results: Sequence[ReviewResult]) -> QaFigures:
    scored = [r for r in results if r.score is not None]
    by_agent: dict[str, list[ReviewResult]] = defaultdict(list)
    by_reviewer: dict[str, list[ReviewResult]] = defaultdict(list)
    for r in scored:
        by_agent[r.agent_id].append(r)
        by_reviewer[r.reviewer_id].append(r)
    agents: list[AgentFigures] = []
    for agent in sorted(by_agent):
        rs = by_agent[agent]
        internal = _mean([r.score for r in rs if r.source == "internal" and r.score is not None])
        external = _mean([r.score for r in rs if r.source == "external" and r.score is not None])
        if internal is not None and external is not None:
            combined: Decimal | None = (internal + external) / 2
        else:
            combined = internal if internal is not None else external
        fatal = sum(1 for r in rs if r.fatal)
        errors = sum(r.nonfatal_errors for r in rs)
        chances = sum(r.opportunities for r in rs)
        agents.append(
            AgentFigures(
                agent,
                len(rs),
                internal,
                external,
                combined,
                (1 - Decimal(fatal) / len(rs)) * _HUNDRED,
                (1 - Decimal(errors) / chances) * _HUNDRED if chances else None,
            )
        )
    item_scores: dict[str, list[Decimal]] = defaultdict(list)
    item_info: dict[str, tuple[str, Decimal | None]] = {}
    item_na: dict[str, int] = defaultdict(int)
    item_err: dict[str, int] = defaultdict(int)
    for r in scored:
        for it in r.items:
            item_info.setdefault(it.id, (it.name, it.full))
            if it.na:
                item_na[it.id] += 1
            elif it.score is not None:
                item_scores[it.id].append(it.score)
                item_err[it.id] += int(it.failed)
    items: list[ItemFigures] = []
    for item, (name, full) in item_info.items():
        mean = _mean(item_scores[item])
        items.append(
            ItemFigures(
                item,
                name,
                len(item_scores[item]),
                item_na[item],
                mean,
                mean / full * _HUNDRED if mean is not None and full else None,
                item_err[item],
            )
        )
    reviewers = [
        ReviewerFigures(rev, len(rs), _mean([r.score for r in rs if r.score is not None]))
        for rev, rs in sorted(by_reviewer.items())
    ]
    return QaFigures(agents, items, reviewers)


# QA figures that are scores on the form's own scale (the rest are percentages already).
SCORE_METRICS = ("qa_internal_average", "qa_external_average", "qa_average")


@dataclass(frozen=True)
class ScaleMismatch:
    """Reviews on a form whose full score is not the scale the scheme reads them on."""

    rubric_id: str
    maximum: Decimal
    reviews: int


def on_scale(
    results: Sequence[ReviewResult], scale: Decimal | None
) -> tuple[list[ReviewResult], list[ScaleMismatch]]:
    """Each review's score read on 0..``scale``: score × scale ÷ the form's full score, so a
    31.91 on a 45-point form is 31.91 × 100 ÷ 45 = 70.91 of 100.

    ``scale`` is what the scheme declares (``qa_scale``). Without a declaration, scores are
    taken as they are, which is right only for a form out of 100: any other form is returned
    as a mismatch (a 45-point form read as a 0-100 indicator would score 45% too low), never
    rescaled silently.
    """
    if scale is None:
        off: dict[tuple[str, Decimal], int] = defaultdict(int)
        for r in results:
            if r.score is not None and r.maximum != _HUNDRED:
                off[(r.rubric_id, r.maximum)] += 1
        return list(results), [ScaleMismatch(k[0], k[1], n) for k, n in sorted(off.items())]
    out = [
        r
        if r.score is None or r.maximum == scale
        else replace(r, score=r.score * scale / r.maximum, maximum=scale)
        for r in results
    ]
    return out, []


def estimated_figures(results: Sequence[ReviewResult], parts: Mapping[str, str]) -> QaFigures:
    """:func:`qa_figures` of a risk-weighted sample: averages, accuracies and the per-item
    figures over the reviews of its random part only (the unbiased estimate of each agent's
    quality), while ``monitored`` and the reviewers' loads count every review. ``parts`` is
    conversation -> part (random | risk | fill); a conversation not in it is random. With no
    risk part it is :func:`qa_figures` itself."""
    from appraise.qa.sampling import estimate_reviews

    everything = qa_figures(results)
    random_part = estimate_reviews(results, parts)
    if len(random_part) == len(results):
        return everything
    estimate = qa_figures(random_part)
    by_agent = {a.agent_id: a for a in estimate.agents}
    agents = [
        replace(by_agent[a.agent_id], monitored=a.monitored)
        if a.agent_id in by_agent
        else AgentFigures(a.agent_id, a.monitored, None, None, None, None, None)
        for a in everything.agents
    ]
    return QaFigures(agents, estimate.items, everything.reviewers)
