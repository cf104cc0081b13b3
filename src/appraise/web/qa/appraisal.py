"""The QA app's results as appraisal inputs: a cycle reads the period's reviews and automatic
checks directly (issue 13), on the scale its scheme declares (``qa_scale``).

The figures are the QA page's (:func:`appraise.qa.qa_figures` over the effective sample
reviews, a decided dispute's review instead of the disputed one), so the number on the
scorecard is the number on the QA page, rescaled only by declaration. A risk-weighted sample's
averages and accuracies are its random part's (:func:`appraise.qa.figures.estimated_figures`).

The rules of the period's QA config give their metrics too (``autoqa_*``,
:func:`appraise.qa.rules.metrics.rule_metrics` over the findings kept with the conversations).

An automatic check's (or rule's) metrics count only when it has shown the agreement with the
reviewers that the period's QA config requires (:mod:`appraise.qa.agreement`); otherwise they
are withheld, with a warning that says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from appraise.inputs import MetricValue, Source
from appraise.periods import Period
from appraise.problems import Problem
from appraise.qa import QA_METRICS, agent_metrics
from appraise.qa.agreement import CHECK_METRICS, Agreement, Gate, withhold
from appraise.qa.figures import SCORE_METRICS, estimated_figures, on_scale
from appraise.qa.rules.engine import build_ruleset
from appraise.qa.rules.metrics import rule_metrics
from appraise.schemes.model import Scheme
from appraise.scoring.needs import needed_metrics
from appraise.web.qa.models import Conversation, Review
from appraise.web.qa.scoring import findings_of, rule_findings_of
from appraise.web.qa.selectors import (
    effective_results,
    period_agreement,
    period_qa_config,
    sample_parts,
)

# The ``file`` of a metric value that came from the QA app (the scorecard links it).
QA_SOURCE = "qa"
# What the reviews give per agent (AgentFigures.metrics) and what the automatic checks give.
REVIEW_METRICS = (
    "monitored_calls",
    "qa_internal_average",
    "qa_external_average",
    "qa_average",
    "fatal_accuracy",
    "nonfatal_accuracy",
)


@dataclass(frozen=True)
class QaInputs:
    values: list[MetricValue]
    reviews: dict[str, int]  # agent -> sample reviews counted
    problems: list[Problem]


def qa_inputs(*, scheme: Scheme, period: str, agent_ids: set[str]) -> QaInputs:
    """The metric values the QA app holds for the cycle's agents and the metrics the scheme
    reads; a form not out of 100 without ``qa_scale`` is an error naming the form."""
    p = str(Period.parse(period))
    # Catalog metrics the scheme reads, and the ones it declares (the center supplies those;
    # the QA app is one of the places they come from).
    wanted = needed_metrics(scheme) | {m.id for m in scheme.metrics}
    from_reviews = [m for m in REVIEW_METRICS if m in wanted]
    from_checks = [m for m in QA_METRICS if m in wanted]
    values: list[MetricValue] = []
    problems: list[Problem] = []
    counted: dict[str, int] = {}
    if from_reviews:
        reviews = list(
            Review.objects.filter(
                conversation__period=p,
                calibration__isnull=True,
                agent__agent_id__in=agent_ids,
            ).select_related(
                # The reviewer's agent profile too: `reviewer_code` asks it of each review.
                "agent",
                "reviewer__agent",
                "rubric__scheme_version",
                "conversation",
            )
        )
        results = effective_results(reviews)
        if any(m in SCORE_METRICS for m in from_reviews):
            results, off = on_scale(results, scheme.qa_scale)
            for mis in off:
                problems.append(
                    Problem(
                        "error",
                        "qa_scale_undeclared",
                        gettext(
                            "%(n)d QA review(s) of %(period)s are on form %(form)s, out of "
                            "%(max)s, and the scheme reads QA scores as they are: declare "
                            "qa_scale (for example qa_scale: 100) to rescale them"
                        )
                        % {
                            "n": mis.reviews,
                            "period": p,
                            "form": mis.rubric_id,
                            "max": format(mis.maximum.normalize(), "f"),
                        },
                        "scheme.qa_scale",
                    )
                )
        parts = sample_parts({r.conversation_id for r in results})
        for a in estimated_figures(results, parts).agents:
            counted[a.agent_id] = a.monitored
            got = a.metrics()
            for metric in from_reviews:
                value = got.get(metric)
                if value is not None:
                    values.append(
                        MetricValue(a.agent_id, p, metric, value, Source(QA_SOURCE, 0, metric))
                    )
    from_rules = sorted(m for m in wanted if m.startswith("autoqa_"))
    shut = period_agreement(period=p).gates if from_checks or from_rules else []
    # The agents' conversations, read once for the checks' metrics and the rules'.
    conversations = (
        list(
            Conversation.objects.filter(period=p, agent__agent_id__in=agent_ids).select_related(
                "agent"
            )
        )
        if from_checks or from_rules
        else []
    )
    if from_checks:
        findings = [f for c in conversations for f in findings_of(c)]
        per_agent: dict[str, dict[str, float | Decimal | None]] = defaultdict(dict)
        kept, withheld = withhold(agent_metrics(findings), shut)
        per_agent.update(kept)
        problems.extend(
            pr
            for pr in withheld
            if any(m in from_checks for m in _metrics_named(pr, CHECK_METRICS))
        )
        for agent_id in sorted(per_agent):
            for metric in from_checks:
                raw = per_agent[agent_id].get(metric)
                if raw is not None:
                    values.append(
                        MetricValue(
                            agent_id,
                            p,
                            metric,
                            raw if isinstance(raw, Decimal) else Decimal(repr(raw)),
                            Source(QA_SOURCE, 0, metric),
                        )
                    )
    if from_rules:
        ruled, withheld = _rule_values(p, conversations, agent_ids, from_rules, shut)
        values.extend(ruled)
        problems.extend(withheld)
    return QaInputs(values, counted, problems)


def _rule_values(
    period: str,
    conversations: list[Conversation],
    agent_ids: set[str],
    wanted: list[str],
    shut: list[Gate],
) -> tuple[list[MetricValue], list[Problem]]:
    """The rules' metrics (``rule_metrics``, as ``appraise qa check`` gives them) the scheme
    reads, over the computable findings kept with ``conversations`` (the agents' of the period),
    with the rules of the period's QA config; a rule that has not shown the agreement the
    config requires has its ``autoqa_<rule id>`` withheld, with a warning. A conversation
    without rule verdicts (imported before they were kept) counts in none of them."""
    cfg = period_qa_config(period)
    if not cfg.has_rules:
        return [], []
    rs = build_ruleset(cfg)
    per_rule = {r.rule.id: (f"autoqa_{r.rule.id}",) for r in rs.rules}
    # A verdict of a rule the config no longer has (kept by an earlier import) counts in none.
    findings = [f for c in conversations for f in rule_findings_of(c, rs) if f.rule in per_rule]
    kept, withheld = withhold(rule_metrics(findings, rs), shut, per_rule)
    values = [
        MetricValue(agent_id, period, metric, raw, Source(QA_SOURCE, 0, metric))
        for agent_id in sorted(kept)
        if agent_id in agent_ids
        for metric in wanted
        if isinstance(raw := kept[agent_id].get(metric), Decimal)
    ]
    problems = [pr for pr in withheld if _metrics_named(pr, per_rule) & set(wanted)]
    return values, problems


def scheme_agreement(*, scheme: Scheme, period: str) -> dict[str, Agreement] | None:
    """The period's agreement of each automatic check with the reviewers, by check, for a
    scheme with an indicator that requires a minimum (``min_agreement``); None for any other
    scheme (nothing is read). The figures are the QA page's (:func:`period_agreement`): a
    check the period's QA config mirrors on no rubric item has none, so it is not proven."""
    from appraise.schemes.validate import all_indicators

    if not any(n.min_agreement is not None for n, _ in all_indicators(scheme)):
        return None
    return {a.check: a for a in period_agreement(period=str(Period.parse(period))).figures}


def _metrics_named(problem: Problem, metric_of: Mapping[str, Sequence[str]]) -> set[str]:
    """The metrics a withheld-check warning is about (its message's parameters)."""
    params = getattr(problem.message, "params", {})
    return set(metric_of.get(str(params.get("check", "")), ()))


@dataclass(frozen=True)
class QaEvidence:
    """What a scorecard says under an indicator that reads the QA app's reviews."""

    reviews: int
    mean: Decimal | None  # the QA page's qa_average, on the form's own scale
    maximum: Decimal | None  # the form's full score (None when forms of several scales mix)
    scaled: Decimal | None  # on the scheme's scale (qa_scale), what the indicator read
    scale: Decimal | None
    url: str


def qa_evidence(*, scheme: Scheme, period: str, agent_id: str) -> dict[str, QaEvidence]:
    """Indicator id -> the reviews behind it, for each indicator whose rule reads a QA review
    figure; empty when the agent has no sample review in the period."""
    from appraise.schemes.validate import all_indicators
    from appraise.scoring.needs import rule_names

    reading = [
        node.id for node, _ in all_indicators(scheme) if rule_names(node.rule) & set(REVIEW_METRICS)
    ]
    if not reading:
        return {}
    p = str(Period.parse(period))
    reviews = list(
        Review.objects.filter(
            conversation__period=p, calibration__isnull=True, agent__agent_id=agent_id
        ).select_related(
            # The reviewer's agent profile too: `reviewer_code` asks it of each review.
            "agent",
            "reviewer__agent",
            "rubric__scheme_version",
            "conversation",
        )
    )
    raw = effective_results(reviews)
    if not raw:
        return {}
    scaled, _ = on_scale(raw, scheme.qa_scale)
    parts = sample_parts({r.conversation_id for r in raw})
    mine = estimated_figures(raw, parts).agents
    theirs = estimated_figures(scaled, parts).agents
    maxima = {r.maximum for r in raw if r.score is not None}
    evidence = QaEvidence(
        mine[0].monitored if mine else 0,
        mine[0].qa_average if mine else None,
        next(iter(maxima)) if len(maxima) == 1 else None,
        theirs[0].qa_average if theirs else None,
        scheme.qa_scale,
        f"/qa/reviews/?agent={agent_id}&period={p}",
    )
    return {i: evidence for i in reading}
