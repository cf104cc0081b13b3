"""What QA a person may see.

- a QA reviewer (role ``qa``): their assignments and reviews, the calibration sessions they are
  in, and the open disputes of other reviewers' reviews (the second-review queue) with the
  reviews and conversations behind them;
- an agent: the reviews of their own conversations (never calibration reviews) and their
  disputes;
- a supervisor: the same for the agents of the teams they lead;
- HR: everything, and the imports, sampling runs and rubrics' management.

An object outside that is :class:`NotFound` (404); a page or list only HR uses is
:class:`Forbidden` (403) for anyone else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from appraise.periods import Period
from appraise.qa import CalibrationReport, QaFigures, ReviewResult, calibrate
from appraise.qa import effective_reviews as core_effective_reviews
from appraise.qa.agreement import (
    Agreement,
    AgreementConfig,
    Gate,
    Verdict,
    agreement,
    gates,
    verdicts_from_findings,
)
from appraise.qa.checks import Finding
from appraise.qa.config import QaConfig, parse_qa_config
from appraise.qa.figures import estimated_figures
from appraise.qa.sampling import estimate_reviews
from appraise.web.errors import Invalid, NotFound
from appraise.web.org import roles
from appraise.web.org.models import Agent
from appraise.web.permissions import User, agent_of, is_hr, led_teams, require
from appraise.web.qa import scoring
from appraise.web.qa.models import (
    Assignment,
    CalibrationSession,
    Conversation,
    Dispute,
    DisputeState,
    ImportBatch,
    Review,
    Rubric,
    SamplingRun,
)


def is_qa(user: User) -> bool:
    return roles.QA in roles.roles_of(user)


def may_use_qa(user: User) -> bool:
    """Whether the QA pages have anything for this person."""
    return is_hr(user) or is_qa(user) or agent_of(user) is not None or led_teams(user).exists()


def _team_ids(user: User) -> list[int]:
    return list(led_teams(user).values_list("id", flat=True))


def _open_for_second_review(user: User) -> QuerySet[Dispute]:
    """Open disputes this QA reviewer may take: not of their own review, not about themselves."""
    if not is_qa(user) or user.pk is None:
        return Dispute.objects.none()
    return (
        Dispute.objects.filter(state=DisputeState.OPEN)
        .exclude(review__reviewer_id=user.pk)
        .exclude(agent__user_id=user.pk)
    )


# ----------------------------------------------------------------------------------- rubrics


def rubric_list(*, user: User, active: bool | None = None) -> QuerySet[Rubric]:
    """Rubrics are the rules: every signed-in person may read them."""
    if not user.is_authenticated:
        return Rubric.objects.none()
    qs = Rubric.objects.select_related("scheme_version")
    return qs if active is None else qs.filter(active=active)


def rubric_get(*, user: User, pk: int) -> Rubric:
    found = rubric_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no rubric %(pk)s") % {"pk": pk})
    return found


# ------------------------------------------------------------------- imports, runs (HR only)


def import_list(*, user: User) -> QuerySet[ImportBatch]:
    require(is_hr(user), _("only HR imports conversations"))
    return ImportBatch.objects.select_related("created_by")


def run_list(*, user: User, period: str | None = None) -> QuerySet[SamplingRun]:
    require(is_hr(user), _("only HR draws samples"))
    qs = SamplingRun.objects.select_related("created_by").prefetch_related("reviewers")
    return qs.filter(period=period) if period else qs


@dataclass(frozen=True)
class RunStrata:
    """What a sampling run drew, by part, and what its risk part was drawn for: a conversation
    with a low CSAT and a failed automatic check counts in both strata."""

    random: int = 0
    risk: int = 0
    fill: int = 0
    low_csat: int = 0  # risk part: CSAT at or below the run's low_csat
    failed_check: int = 0  # risk part: an automatic check (or rule) failed


def run_strata(runs: Sequence[SamplingRun]) -> dict[int, RunStrata]:
    """Each run's counts (one query for all of them)."""
    got: dict[int, dict[str, int]] = {r.pk: {} for r in runs}
    rows = Assignment.objects.filter(run__in=[r.pk for r in runs]).values_list(
        "run_id", "part", "flags"
    )
    for run_id, part, flags in rows:
        c = got[run_id]
        c[part] = c.get(part, 0) + 1
        if part == "risk":
            reasons = [str(f) for f in flags or []]
            if "csat" in reasons:
                c["low_csat"] = c.get("low_csat", 0) + 1
            if any(f.startswith("check:") for f in reasons):
                c["failed_check"] = c.get("failed_check", 0) + 1
    return {pk: RunStrata(**c) for pk, c in got.items()}


def run_get(*, user: User, pk: int) -> SamplingRun:
    found = run_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no sampling run %(pk)s") % {"pk": pk})
    return found


# ------------------------------------------------------------------------------ conversations


def conversation_list(*, user: User, period: str | None = None) -> QuerySet[Conversation]:
    qs = Conversation.objects.select_related("agent", "agent__team")
    if period:
        qs = qs.filter(period=period)
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    cond = Q(agent__user=user) | Q(agent__team_id__in=_team_ids(user))
    cond |= Q(pk__in=Assignment.objects.filter(reviewer=user).values("conversation_id"))
    cond |= Q(
        pk__in=CalibrationSession.conversations.through.objects.filter(
            calibrationsession__reviewers=user
        ).values("conversation_id")
    )
    cond |= Q(pk__in=Dispute.objects.filter(second_reviewer=user).values("review__conversation_id"))
    cond |= Q(pk__in=_open_for_second_review(user).values("review__conversation_id"))
    return qs.filter(cond)


def conversation_get(*, user: User, pk: int) -> Conversation:
    found = conversation_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no conversation %(pk)s") % {"pk": pk})
    return found


# -------------------------------------------------------------------------------- assignments


def assignment_list(
    *, user: User, state: str | None = None, period: str | None = None
) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related(
        "conversation", "conversation__agent", "reviewer", "rubric__scheme_version", "run"
    )
    if state:
        qs = qs.filter(state=state)
    if period:
        qs = qs.filter(conversation__period=period)
    if not user.is_authenticated:
        return qs.none()
    return qs if is_hr(user) else qs.filter(reviewer=user)


def assignment_get(*, user: User, pk: int) -> Assignment:
    found = assignment_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no assignment %(pk)s") % {"pk": pk})
    return found


# ------------------------------------------------------------------------------------ reviews


def review_list(
    *,
    user: User,
    period: str | None = None,
    agent: Agent | None = None,
    current: bool | None = None,
    calibration: bool | None = False,
) -> QuerySet[Review]:
    """Reviews the person may see; by default only the sample's (``calibration=None``: both)."""
    qs = Review.objects.select_related(
        "conversation",
        "agent",
        "agent__team",
        "reviewer",
        "rubric__scheme_version",
        "supersedes",
    )
    if period:
        qs = qs.filter(conversation__period=period)
    if agent is not None:
        qs = qs.filter(agent=agent)
    if current is not None:
        qs = qs.filter(is_current=current)
    if calibration is not None:
        qs = qs.filter(calibration__isnull=not calibration)
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    sample = Q(calibration__isnull=True)
    cond = sample & (Q(agent__user=user) | Q(agent__team_id__in=_team_ids(user)))
    cond |= Q(reviewer=user)
    cond |= Q(pk__in=Dispute.objects.filter(second_reviewer=user).values("review_id"))
    cond |= Q(pk__in=_open_for_second_review(user).values("review_id"))
    return qs.filter(cond)


def review_get(*, user: User, pk: int) -> Review:
    found = review_list(user=user, calibration=None).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no review %(pk)s") % {"pk": pk})
    return found


def review_history(*, user: User, review: Review) -> list[Review]:
    """Every version of the review's conversation the person may see, newest first."""
    return list(
        review_list(user=user, calibration=False)
        .filter(conversation=review.conversation)
        .order_by("-version")
    )


# ----------------------------------------------------------------------------------- disputes


def dispute_list(*, user: User, state: str | None = None) -> QuerySet[Dispute]:
    qs = Dispute.objects.select_related(
        "review",
        "review__conversation",
        "review__reviewer",
        "agent",
        "agent__team",
        "second_reviewer",
        "new_review",
    )
    if state:
        qs = qs.filter(state=state)
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    cond = Q(agent__user=user) | Q(agent__team_id__in=_team_ids(user))
    cond |= Q(second_reviewer=user) | Q(review__reviewer=user)
    cond |= Q(pk__in=_open_for_second_review(user).values("pk"))
    return qs.filter(cond)


def dispute_get(*, user: User, pk: int) -> Dispute:
    found = dispute_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no dispute %(pk)s") % {"pk": pk})
    return found


def may_decide(user: User, dispute: Dispute) -> bool:
    """The assigned second reviewer, or (open) any QA reviewer who may take it."""
    if dispute.state == DisputeState.ASSIGNED:
        return dispute.second_reviewer_id == user.pk
    if dispute.state == DisputeState.OPEN:
        return _open_for_second_review(user).filter(pk=dispute.pk).exists()
    return False


# -------------------------------------------------------------------------------- calibration


def calibration_list(*, user: User) -> QuerySet[CalibrationSession]:
    qs = CalibrationSession.objects.select_related(
        "rubric__scheme_version", "created_by"
    ).prefetch_related("reviewers", "conversations")
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    return qs.filter(
        pk__in=CalibrationSession.reviewers.through.objects.filter(user=user).values(
            "calibrationsession_id"
        )
    )


def calibration_get(*, user: User, pk: int) -> CalibrationSession:
    found = calibration_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no calibration session %(pk)s") % {"pk": pk})
    return found


def calibration_reviews(session: CalibrationSession) -> list[Review]:
    return list(
        session.reviews.select_related(
            "conversation", "agent", "reviewer", "rubric__scheme_version"
        ).order_by("conversation__conversation_id", "reviewer__username")
    )


def calibration_report(*, user: User, session: CalibrationSession) -> CalibrationReport:
    """The spread of the session's reviews per item and per reviewer (the core's)."""
    calibration_get(user=user, pk=session.pk)
    return calibrate([scoring.stored_result(r) for r in calibration_reviews(session)])


# ------------------------------------------------------------------------------------ figures


@dataclass(frozen=True)
class Figures:
    period: str
    rubric: Rubric | None
    reviews: int
    figures: QaFigures
    estimated: bool = False  # a risk part left out of the averages (the random part's)


def effective_results(reviews: Sequence[Review]) -> list[ReviewResult]:
    """The reviews that count (the core's rule): a dispute's new version instead of the
    disputed one, an undecided or rejected dispute's review as it is."""
    ids = [r.pk for r in reviews]
    disputes = Dispute.objects.filter(Q(review_id__in=ids) | Q(new_review_id__in=ids))
    return core_effective_reviews(
        [scoring.stored_result(r) for r in reviews],
        [scoring.core_dispute(d) for d in disputes.select_related("agent")],
    )


def figures(*, user: User, period: str, rubric: Rubric | None = None) -> Figures:
    """Accuracies and averages per agent, item and reviewer over the period's sample reviews
    the person may see (an agent: their own; a supervisor: their teams'; HR: all)."""
    require(may_use_qa(user), _("QA figures are for reviewers, agents, supervisors and HR"))
    try:
        p = str(Period.parse(period))
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    qs = review_list(user=user, period=p, calibration=False)
    if rubric is not None:
        qs = qs.filter(rubric=rubric)
    reviews = list(qs)
    results = effective_results(reviews)
    parts = sample_parts({r.conversation_id for r in results})
    return Figures(
        p,
        rubric,
        len(reviews),
        estimated_figures(results, parts),
        any(parts.get(r.conversation_id, "random") != "random" for r in results),
    )


def sample_parts(conversation_ids: Iterable[str]) -> dict[str, str]:
    """conversation id -> the part of the sample it was drawn in (random, risk or fill)."""
    ids = list(conversation_ids)
    return dict(
        Assignment.objects.filter(conversation__conversation_id__in=ids).values_list(
            "conversation__conversation_id", "part"
        )
    )


@dataclass(frozen=True)
class PeriodAgreement:
    """The period's automatic checks and rules against the reviewers, and which may count."""

    period: str
    config: AgreementConfig
    figures: list[Agreement]
    gates: list[Gate]
    item_names: dict[str, str] = field(default_factory=dict)  # item id -> name, as reviewed

    def rows(self) -> list[dict[str, object]]:
        """One row per mirrored check: its item (by name), figures (None without pairs), gate."""
        by_check = {a.check: a for a in self.figures}
        shut = {g.check: g for g in self.gates}
        return [
            {
                "check": check,
                "item": self.item_names.get(item, item),
                "figures": by_check.get(check),
                "gate": shut.get(check),
            }
            for check, item in self.config.mirrors().items()
        ]


def period_qa_config(period: str) -> QaConfig:
    """The QA config the period's newest import ran its checks with (the defaults without)."""
    batch = ImportBatch.objects.filter(period=period).first()
    if batch is None or not batch.config.strip():
        return QaConfig()
    return parse_qa_config(batch.config, f"qa.yaml (import {batch.pk})")[0]


def period_config(period: str) -> AgreementConfig:
    """The agreement section of the QA config the period's newest import ran its checks with."""
    return period_qa_config(period).agreement


def period_agreement(*, period: str, verdicts: Sequence[Verdict] = ()) -> PeriodAgreement:
    """Every mirrored check's agreement with the period's sample reviews (the random part of
    a risk-weighted sample only: the risk part leans towards the checks' hits and would raise
    their recall), and the gates the config sets. The figures are about the checks, not about
    people, and are the same for everyone who may see QA figures. The rules' verdicts kept with
    each conversation (``rule_verdicts``) count like the checks' findings; ``verdicts`` adds
    more."""
    p = str(Period.parse(period))
    cfg = period_config(p)
    if not cfg.checks:
        return PeriodAgreement(p, cfg, [], [])
    conversations = Conversation.objects.filter(period=p).select_related("agent")
    findings: list[Finding] = []
    ruled: list[Verdict] = []
    for c in conversations:
        findings.extend(scoring.findings_of(c))
        # The rules' verdicts, hit or not, as the CLI's (qa/commands.py: rule_hits).
        ruled.extend(scoring.rule_verdicts_of(c))
    reviews = Review.objects.filter(
        conversation__period=p, calibration__isnull=True
    ).select_related("agent", "reviewer", "rubric__scheme_version", "conversation")
    results = effective_results(list(reviews))
    results = estimate_reviews(results, sample_parts({r.conversation_id for r in results}))
    figs = agreement([*verdicts_from_findings(findings), *ruled, *verdicts], results, cfg.mirrors())
    names = {it.id: it.name for r in results for it in r.items}
    return PeriodAgreement(p, cfg, figs, gates(cfg, figs), names)


def periods(*, user: User) -> list[str]:
    """The periods with conversations the person may see, newest first."""
    got = conversation_list(user=user).values_list("period", flat=True).distinct()
    return sorted(set(got), reverse=True)
