"""Every change QA makes: rubrics, imports, sampling runs, reviews, disputes and calibration.

Each service is atomic, checks who acts and the state first, asks :mod:`appraise.qa` for every
rule (scores, sample, assignment, who may dispute and decide) and writes its audit entry in the
same transaction.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from appraise.metrics.config import CenterConfig
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.qa import (
    QaConfig,
    ReviewResult,
    assign_dispute,
    assign_reviewers,
    check_transcript,
    decide_dispute,
    load_contacts,
    load_transcripts,
    open_dispute,
    select_rubric,
)
from appraise.qa.config import parse_qa_config
from appraise.qa.rules.engine import RuleSet, build_ruleset, run_rules
from appraise.qa.sampling import STRATA, risk_flags, sample_contacts
from appraise.qa.store import Contact, load_csat
from appraise.web.audit.services import audit_record
from appraise.web.errors import Conflict, Forbidden, Invalid
from appraise.web.org.models import Agent
from appraise.web.permissions import User, is_hr, is_self, require, require_hr, signed_in
from appraise.web.qa import scoring
from appraise.web.qa.models import (
    OPEN_DISPUTE_STATES,
    Assignment,
    AssignmentState,
    CalibrationSession,
    Conversation,
    Dispute,
    DisputeState,
    ImportBatch,
    Outcome,
    Review,
    Rubric,
    SamplingRun,
    SessionState,
    Source,
)
from appraise.web.qa.selectors import is_qa, period_qa_config
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_of
from appraise.web.uploads import check_workbooks

DECISIONS = ("uphold", "reject")
# What an upload may hold: canonical event tables, center.yaml / mapping.yaml, and qa.yaml.
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".parquet", ".jsonl", ".yaml", ".yml")
QA_CONFIG_FILE = "qa.yaml"


def _period(text: str) -> str:
    try:
        return str(Period.parse(text.strip()))
    except ValueError as exc:
        raise Invalid(gettext("period: %(exc)s") % {"exc": exc}, field="period") from None


def _reviewer(user: User) -> AuthUser:
    who = signed_in(user)
    assert who is not None  # checked by the caller's require()
    return who


# ------------------------------------------------------------------------------------ rubrics


@transaction.atomic
def rubric_create(
    *,
    scheme_version: SchemeVersion,
    by: User,
    fatal: Sequence[str] = (),
    na_items: Sequence[str] | str = "*",
    seats: Sequence[str] = (),
    default: bool = False,
) -> Rubric:
    """Use a scheme version as a QA form. Fatal and N/A items must be items of the scheme;
    a new default rubric takes the place of the old one."""
    require_hr(by, gettext("define QA rubrics"))
    if Rubric.objects.filter(scheme_version=scheme_version).exists():
        raise Conflict(
            gettext("%(scheme_version)s is a rubric already") % {"scheme_version": scheme_version},
            code="rubric_exists",
        )
    scheme = scheme_of(scheme_version)
    leaves = set(scoring.leaf_ids(scheme))
    fatal_ids = [str(i).strip() for i in fatal if str(i).strip()]
    na: list[str] | str = (
        "*"
        if isinstance(na_items, str) and na_items.strip() in ("*", "")
        else [str(i).strip() for i in na_items if str(i).strip()]
    )
    problems = [
        Problem(
            "error",
            "unknown_item",
            gettext("%(item)s is not an item of %(form)s") % {"item": repr(i), "form": scheme.id},
            field=key,
        )
        for key, ids in (("fatal", fatal_ids), ("na_items", na if isinstance(na, list) else []))
        for i in ids
        if i not in leaves
    ]
    if problems:
        raise ProblemsError(problems)
    was_default: list[int] = []
    if default:
        was_default = list(
            Rubric.objects.filter(is_default=True).values_list("pk", flat=True).order_by("pk")
        )
        Rubric.objects.filter(pk__in=was_default).update(is_default=False)
    rubric = Rubric.objects.create(
        scheme_version=scheme_version,
        fatal=fatal_ids,
        na_items=na,
        seats=[s.strip() for s in seats if s.strip()],
        is_default=default,
        created_by=signed_in(by),
    )
    audit_record(
        by=by,
        action="qa.rubric.create",
        obj=rubric,
        before={"default_rubrics": was_default} if was_default else None,
        after={
            "scheme": scheme_version.scheme_id,
            "version": scheme_version.version,
            "fatal": rubric.fatal,
            "na_items": rubric.na_items,
            "seats": rubric.seats,
            "default": default,
        },
    )
    return rubric


# ---------------------------------------------------------------------------------- importing


def _safe_name(name: str) -> str:
    p = PurePosixPath(name.replace("\\", "/"))
    if (
        len(p.parts) != 1
        or p.name in ("", ".", "..")
        or p.name.startswith(".")
        or p.suffix.lower() not in UPLOAD_SUFFIXES
    ):
        raise Invalid(
            gettext(
                '"%(name)s": upload the canonical tables (conversations.csv, messages.csv, '
                "calls.csv ...), center.yaml, mapping.yaml or qa.yaml"
            )
            % {"name": name},
            field="files",
        )
    return p.name


def _message_rows(t: Any) -> list[dict[str, Any]]:
    return [
        {
            "sender": m.sender,
            "text": m.text,
            "sent_at": m.sent_at.isoformat() if m.sent_at is not None else None,
            "agent_id": m.agent_id,
            # A call transcript's sentence end, so the rule bench can judge interruptions and
            # speech speed on the stored conversation too.
            "ended_at": m.ended_at.isoformat() if m.ended_at is not None else None,
        }
        for m in t.messages
    ]


def _rules_on(t: Any, ruleset: RuleSet) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    """What a conversation keeps of the rules: the hits (``RuleFinding.as_dict()`` with the
    conversation's start, which orders an escalation), and rule id -> hit for every rule that
    was computable on it (the verdicts the agreement and the rules' metrics are measured on)."""
    found = run_rules([t], ruleset)
    hits = [
        {**f.as_dict(), "started_at": f.started_at.isoformat() if f.started_at else None}
        for f in found
        if f.hit
    ]
    return hits, {f.rule: f.hit for f in found if f.computable}


@transaction.atomic
def conversation_import(
    *,
    period: str,
    by: User,
    files: Mapping[str, bytes] | None = None,
    data: Path | str | None = None,
    config_text: str = "",
) -> ImportBatch:
    """Import a period's conversations and calls with their transcripts, from uploaded files,
    a canonical-data folder or an event store file, and run the automatic checks on each.

    A conversation already imported is left as it is (it may be under review); one whose agent
    is not in the organisation is skipped and named in the batch. ``config_text`` is a QA
    config (docs/qa.md); an uploaded ``qa.yaml`` is one too; none gives seed 003's defaults.
    """
    require_hr(by, gettext("import conversations for QA"))
    p = _period(period)
    if (files is None) == (data is None):
        raise Invalid(gettext("import either uploaded files or a data folder"), field="files")
    from appraise.metrics.store import open_data

    with tempfile.TemporaryDirectory(prefix="appraise-qa-") as tmp:
        if files is not None:
            if not files:
                raise Invalid(gettext("no files"), field="files")
            check_workbooks(files.items())
            folder = Path(tmp)
            for name, content in files.items():
                safe = _safe_name(name)
                if safe == QA_CONFIG_FILE:
                    config_text = content.decode("utf-8-sig")
                    continue
                (folder / safe).write_bytes(content)
            source = ", ".join(sorted(files))
            location = folder
        else:
            location = Path(str(data))
            source = str(location)
        config = (
            parse_qa_config(config_text, QA_CONFIG_FILE)[0] if config_text.strip() else QaConfig()
        )
        center = CenterConfig.for_folder(location if location.is_dir() else location.parent)
        conn = open_data(location, config=center)
        try:
            outcomes = {
                c.conversation_id: c.outcome for c in load_contacts(conn, Period.parse(p), center)
            }
            transcripts = load_transcripts(conn, Period.parse(p), center)
            # The surveys' CSAT, for the low-CSAT stratum of a risk-weighted sample.
            csat = load_csat(conn)
        finally:
            conn.close()
    agents = {a.agent_id: a for a in Agent.objects.all()}
    # conversation id -> its CSAT as stored, for the conversations already imported.
    existing: dict[str, int | None] = dict(
        Conversation.objects.filter(
            conversation_id__in=[t.conversation_id for t in transcripts]
        ).values_list("conversation_id", "csat")
    )
    unknown: Counter[str] = Counter()
    batch = ImportBatch.objects.create(
        period=p, source=source[:300], config=config_text, created_by=signed_in(by)
    )
    ruleset = build_ruleset(config, center) if config.has_rules else None
    # Conversations imported without any rule verdict (before they were kept, or without
    # rules) get this import's rules: a re-import gives an older period its rule verdicts.
    unjudged = (
        {}
        if ruleset is None
        else {
            c.conversation_id: c
            for c in Conversation.objects.filter(
                conversation_id__in=existing, rule_verdicts={}
            ).only("pk", "conversation_id", "rule_findings", "rule_verdicts")
        }
    )
    rows: list[Conversation] = []
    refreshed: list[Conversation] = []
    for t in transcripts:
        if t.conversation_id in existing:
            batch.skipped_existing += 1
            if (old := unjudged.get(t.conversation_id)) is not None and ruleset is not None:
                old.rule_findings, old.rule_verdicts = _rules_on(t, ruleset)
                refreshed.append(old)
            continue
        agent = agents.get(t.agent_id or "")
        if agent is None:
            unknown[t.agent_id or ""] += 1
            continue
        rows.append(
            Conversation(
                conversation_id=t.conversation_id,
                agent=agent,
                period=p,
                channel=t.channel or "",
                queue=t.queue or "",
                outcome=outcomes.get(t.conversation_id, Outcome.UNKNOWN),
                is_call=t.is_call,
                transferred_to=t.transferred_to or "",
                hung_up_by=t.hung_up_by or "",
                csat=csat.get(t.conversation_id),
                messages=_message_rows(t),
                findings=[f.as_dict() for f in check_transcript(t, config, center)],
                batch=batch,
            )
        )
        if ruleset is not None:
            rows[-1].rule_findings, rows[-1].rule_verdicts = _rules_on(t, ruleset)
    # A survey comes days after its chat: a conversation imported before its survey gets the
    # CSAT now (one it has is kept: it may have been sampled for it). One query per value.
    late: dict[int, list[str]] = {}
    for cid, stored in existing.items():
        if stored is None and (value := csat.get(cid)) is not None:
            late.setdefault(value, []).append(cid)
    for value, ids in late.items():
        Conversation.objects.filter(conversation_id__in=ids, csat__isnull=True).update(csat=value)
    Conversation.objects.bulk_create(rows, batch_size=500)
    Conversation.objects.bulk_update(refreshed, ["rule_findings", "rule_verdicts"], batch_size=500)
    batch.created = len(rows)
    batch.csat_added = sum(len(ids) for ids in late.values())
    batch.unknown_agents = sorted(a for a in unknown if a)
    batch.save()
    audit_record(
        by=by,
        action="qa.import",
        obj=batch,
        after={
            "period": p,
            "created": batch.created,
            "skipped_existing": batch.skipped_existing,
            "csat_added": batch.csat_added,
            "unknown_agents": batch.unknown_agents,
            "without_agent": unknown.get("", 0),
            "rules_added": len(refreshed),
        },
        note=batch.source,
    )
    return batch


# ----------------------------------------------------------------------------------- sampling


@transaction.atomic
def sampling_run_create(
    *,
    period: str,
    by: User,
    reviewers: Sequence[AuthUser],
    per_agent: int = 15,
    seed: str = "0",
    strata: Sequence[str] = ("channel", "outcome"),
    random_share: Decimal = Decimal(1),
) -> SamplingRun:
    """Draw the period's monitored conversations and share them among the reviewers.

    ``random_share`` below 1 makes the sample risk-weighted: that share of each agent's places
    is drawn at random (the unbiased part the figures are computed on), the rest from the
    conversations whose automatic checks failed (the core's :func:`risk_flags`).

    The sample is the core's (stratified, reproducible for a seed); conversations sampled by any
    earlier run are excluded, so none is monitored twice. Each sampled conversation is scored on
    the rubric of its seat (queue, then channel, then the default rubric).
    """
    require_hr(by, gettext("draw QA samples"))
    p = _period(period)
    people = list(dict.fromkeys(reviewers))
    if not people:
        raise Invalid(gettext("name at least one QA reviewer"), field="reviewers")
    not_qa = [u.get_username() for u in people if not is_qa(u)]
    if not_qa:
        raise Invalid(
            gettext("not QA reviewers: %(not_qa)s") % {"not_qa": ", ".join(not_qa)},
            field="reviewers",
        )
    bad = [s for s in strata if s not in STRATA]
    if bad:
        raise Invalid(
            gettext("unknown strata %(bad)s; use %(strata)s")
            % {"bad": ", ".join(bad), "strata": ", ".join(STRATA)},
            field="strata",
        )
    if not Decimal(0) < random_share <= 1:
        raise Invalid(
            gettext("the random share must be above 0 and at most 1 (for example 0.4 or 40%)"),
            field="random_share",
        )
    longest = getattr(SamplingRun._meta.get_field("seed"), "max_length", None) or 0
    if len(seed) > longest:
        # The column's bound, said beside the field (PostgreSQL refused it with a 500).
        raise Invalid(
            gettext("the seed is at most %(n)d characters") % {"n": longest}, field="seed"
        )
    rubrics = [(r, scoring.core_rubric(r)) for r in Rubric.objects.filter(active=True)]
    if not rubrics:
        raise Conflict(gettext("there is no active QA rubric"), code="no_rubric")
    # Two runs at once must not draw the same conversation: the second waits here.
    conversations = {
        c.conversation_id: c
        for c in Conversation.objects.select_for_update()
        .filter(period=p)
        .select_related("agent")
        .order_by("pk")
    }
    done = set(Assignment.objects.values_list("conversation__conversation_id", flat=True))
    contacts = [
        Contact(
            c.conversation_id,
            c.agent.agent_id,
            c.channel or None,
            c.queue or None,
            c.outcome,
            c.is_call,
            c.transferred_to or None,
        )
        for c in conversations.values()
    ]
    # The risky conversations: a failed automatic check, or a CSAT at or below the period's
    # QA config's sampling.low_csat (the config the period's newest import ran with).
    low_csat = period_qa_config(p).sampling.low_csat if random_share < 1 else None
    flags = (
        risk_flags(
            (f for c in conversations.values() for f in scoring.findings_of(c)),
            {cid: c.csat for cid, c in conversations.items()} if low_csat is not None else None,
            low_csat=low_csat or 0,
        )
        if random_share < 1
        else None
    )
    samples = sample_contacts(
        contacts,
        per_agent,
        seed,
        list(strata),
        exclude=done,
        flags=flags,
        random_share=random_share,
    )
    if not samples:
        raise Conflict(
            gettext(
                "no conversation of %(period)s is left to sample (none imported, or all sampled)"
            )
            % {"period": p},
            code="nothing_to_sample",
        )
    by_code = {scoring.reviewer_code(u): u for u in people}
    assigned = assign_reviewers(samples, list(by_code))
    run = SamplingRun.objects.create(
        period=p,
        seed=str(seed),
        per_agent=per_agent,
        strata=list(strata),
        random_share=random_share,
        low_csat=low_csat,
        sampled=len(assigned),
        created_by=signed_in(by),
    )
    run.reviewers.set(people)
    load: Counter[str] = Counter()
    for a in assigned:
        conversation = conversations[a.sample.conversation_id]
        core = select_rubric(
            [c for _, c in rubrics], conversation.queue or None, conversation.channel or None
        )
        rubric = next(r for r, c in rubrics if c is core)
        reviewer = by_code[a.reviewer_id]
        load[reviewer.get_username()] += 1
        Assignment.objects.create(
            run=run,
            conversation=conversation,
            reviewer=reviewer,
            rubric=rubric,
            stratum=" / ".join(a.sample.stratum),
            part=a.sample.part,
            flags=list(a.sample.flags),
        )
    audit_record(
        by=by,
        action="qa.sample",
        obj=run,
        after={
            "period": p,
            "seed": run.seed,
            "per_agent": per_agent,
            "strata": list(strata),
            "random_share": format(random_share, "f"),
            "low_csat": low_csat,
            "sampled": run.sampled,
            "per_reviewer": dict(sorted(load.items())),
            "per_part": dict(sorted(Counter(a.sample.part for a in assigned).items())),
        },
    )
    return run


# ------------------------------------------------------------------------------------ reviews


def _metrics(conversation: Conversation, rubric: Rubric) -> dict[str, str]:
    """What the rubric's formulas read from the conversation's automatic checks, as stored
    with the review (a dispute's new version reads the same)."""
    scheme = scheme_of(rubric.scheme_version)
    return {
        k: format(v, "f") for k, v in scoring.conversation_metrics(conversation, scheme).items()
    }


def _complete(result: ReviewResult) -> None:
    if result.score is None:
        raise Invalid(
            gettext("the form is not complete: %(notes)s") % {"notes": "; ".join(result.notes)}
        )


def _review_row(
    result: ReviewResult,
    *,
    conversation: Conversation,
    rubric: Rubric,
    reviewer: AuthUser,
    ratings: Mapping[str, str],
    comments: Mapping[str, str],
    comment: str,
    source: str,
    at: Any,
    metrics: Mapping[str, str],
    **extra: Any,
) -> Review:
    return Review.objects.create(
        conversation=conversation,
        agent=conversation.agent,
        rubric=rubric,
        reviewer=reviewer,
        source=source,
        ratings=dict(ratings),
        comments=dict(comments),
        comment=comment,
        metrics=dict(metrics),
        reviewed_at=at,
        **scoring.result_fields(result),
        **extra,
    )


def _summary(review: Review) -> dict[str, Any]:
    return {
        "score": None if review.score is None else format(review.score.normalize(), "f"),
        "fatal": review.fatal,
        "version": review.version,
        "ratings": review.ratings,
    }


@transaction.atomic
def review_submit(
    *,
    assignment: Assignment,
    by: User,
    ratings: Mapping[str, str],
    comments: Mapping[str, str] | None = None,
    comment: str = "",
    source: str = Source.INTERNAL,
) -> Review:
    """The assigned reviewer scores the conversation; the core computes the score."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("conversation__agent", "rubric__scheme_version")
        .get(pk=assignment.pk)
    )
    require(
        by.is_authenticated and assignment.reviewer_id == by.pk,
        gettext("only the reviewer it is assigned to scores this conversation"),
    )
    if assignment.state != AssignmentState.ASSIGNED:
        raise Conflict(gettext("this conversation has been reviewed already"), code="reviewed")
    if source not in Source.values:
        raise Invalid(
            gettext("source is one of %(values)s") % {"values": ", ".join(Source.values)},
            field="source",
        )
    now = timezone.now()
    metrics = _metrics(assignment.conversation, assignment.rubric)
    result = scoring.score(
        rubric=assignment.rubric,
        conversation=assignment.conversation,
        reviewer=by,
        ratings=ratings,
        comments=comments or {},
        comment=comment,
        source=source,
        at=now,
        metrics=metrics,
    )
    _complete(result)
    review = _review_row(
        result,
        conversation=assignment.conversation,
        rubric=assignment.rubric,
        reviewer=_reviewer(by),
        ratings=ratings,
        comments=comments or {},
        comment=comment.strip(),
        source=source,
        at=now,
        metrics=metrics,
        assignment=assignment,
    )
    assignment.state = AssignmentState.REVIEWED
    assignment.save(update_fields=["state"])
    audit_record(
        by=by,
        action="qa.review.submit",
        obj=review,
        before={"state": AssignmentState.ASSIGNED},
        after=_summary(review),
        note=review.comment,
    )
    return review


# ----------------------------------------------------------------------------------- disputes


def _state(dispute: Dispute) -> str:
    # The state as the pages name it ("awaiting review", 待复核), not its stored code.
    return str(dispute.get_state_display()).lower()


def _core_problem(exc: ProblemsError) -> str:
    return "; ".join(p.message for p in exc.problems)


@transaction.atomic
def dispute_open(*, review: Review, by: User, reason: str) -> Dispute:
    """The reviewed agent disputes the current version of a review, once, with a reason."""
    review = (
        Review.objects.select_for_update()
        .select_related("agent", "conversation", "reviewer", "rubric__scheme_version")
        .get(pk=review.pk)
    )
    require(
        is_self(by, review.agent), gettext("only the agent whose conversation it is may dispute")
    )
    if review.calibration_id is not None:
        raise Conflict(gettext("a calibration review is not disputed"), code="calibration")
    if Dispute.objects.filter(review=review).exists():
        raise Conflict(gettext("this review has been disputed already"), code="already_disputed")
    if not review.is_current:
        raise Conflict(gettext("a newer version of this review stands"), code="not_current")
    try:
        open_dispute(
            "new", scoring.stored_result(review), review.agent.agent_id, reason, timezone.now()
        )
    except ProblemsError as exc:
        codes = {p.code for p in exc.problems}
        if "final" in codes:
            raise Conflict(_core_problem(exc), code="final") from None
        raise Invalid(_core_problem(exc)) from None
    dispute = Dispute.objects.create(
        review=review, agent=review.agent, reason=reason.strip(), opened_by=signed_in(by)
    )
    audit_record(
        by=by,
        action="qa.dispute.open",
        obj=dispute,
        after={"state": dispute.state, "review": review.pk, "score": _summary(review)["score"]},
        note=dispute.reason,
    )
    return dispute


def _locked_dispute(dispute: Dispute) -> Dispute:
    return (
        Dispute.objects.select_for_update()
        .select_related(
            "agent",
            "review__conversation__agent",
            "review__reviewer",
            "review__rubric__scheme_version",
        )
        .get(pk=dispute.pk)
    )


def _assign(dispute: Dispute, reviewer: AuthUser, by: User) -> None:
    """Record the second reviewer; the core says whether they may be one."""
    if not is_qa(reviewer):
        raise Invalid(
            gettext("%(reviewer)s is not a QA reviewer") % {"reviewer": reviewer.get_username()},
            field="reviewer",
        )
    try:
        assign_dispute(
            scoring.core_dispute(dispute),
            scoring.stored_result(dispute.review),
            scoring.reviewer_code(reviewer),
        )
    except ProblemsError as exc:
        if by.is_authenticated and by.pk == reviewer.pk:
            raise Forbidden(_core_problem(exc)) from None
        raise Invalid(_core_problem(exc)) from None
    earlier = dispute.second_reviewer
    before = {
        "state": dispute.state,
        "second_reviewer": earlier.get_username() if earlier is not None else None,
    }
    dispute.state = DisputeState.ASSIGNED
    dispute.second_reviewer = reviewer
    dispute.save(update_fields=["state", "second_reviewer"])
    audit_record(
        by=by,
        action="qa.dispute.assign",
        obj=dispute,
        before=before,
        after={"state": dispute.state, "second_reviewer": reviewer.get_username()},
    )


@transaction.atomic
def dispute_assign(*, dispute: Dispute, reviewer: AuthUser, by: User) -> Dispute:
    """HR gives an open dispute to a second reviewer (or a QA reviewer takes it)."""
    dispute = _locked_dispute(dispute)
    require(
        is_hr(by) or (is_qa(by) and by.pk == reviewer.pk),
        gettext("only HR assigns a dispute; a QA reviewer may take one for themselves"),
    )
    if dispute.state not in OPEN_DISPUTE_STATES:
        raise Conflict(
            gettext("the dispute is %(state)s") % {"state": _state(dispute)}, code="decided"
        )
    if dispute.state == DisputeState.ASSIGNED and not is_hr(by):
        raise Conflict(gettext("another reviewer has taken this dispute"), code="taken")
    _assign(dispute, reviewer, by)
    return dispute


@transaction.atomic
def dispute_decide(
    *,
    dispute: Dispute,
    by: User,
    decision: str,
    note: str,
    ratings: Mapping[str, str] | None = None,
    comments: Mapping[str, str] | None = None,
) -> Dispute:
    """The second reviewer decides. ``uphold``: the review is scored again from ``ratings`` as
    a new version (the disputed one stays, no longer current); ``reject``: it stands.

    A QA reviewer deciding an open dispute takes it first (recorded as an assignment).
    """
    if decision not in DECISIONS:
        raise Invalid(
            gettext("a decision is one of %(decisions)s") % {"decisions": ", ".join(DECISIONS)},
            field="decision",
        )
    if not note.strip():
        raise Invalid(gettext("a decision needs a note saying why"), field="note")
    dispute = _locked_dispute(dispute)
    if dispute.state == DisputeState.OPEN:
        require(is_qa(by), gettext("only a QA reviewer decides a dispute"))
        _assign(dispute, _reviewer(by), by)
    if dispute.state != DisputeState.ASSIGNED:
        raise Conflict(
            gettext("the dispute is %(state)s; there is nothing to decide")
            % {"state": _state(dispute)}
        )
    require(
        dispute.second_reviewer_id == by.pk,
        gettext("only the second reviewer assigned decides the dispute"),
    )
    original = dispute.review
    before = {"state": dispute.state, "score": _summary(original)["score"]}
    now = timezone.now()
    if decision == "reject":
        dispute.state = DisputeState.REJECTED
        dispute.note = note.strip()
        dispute.decided_at = now
        dispute.save(update_fields=["state", "note", "decided_at"])
        audit_record(
            by=by,
            action="qa.dispute.reject",
            obj=dispute,
            before=before,
            after={"state": dispute.state, "score": before["score"]},
            note=dispute.note,
        )
        return dispute
    wanted = dict(ratings or {})
    if not wanted:
        raise Invalid(
            gettext("upholding a dispute scores the conversation again: give the ratings")
        )
    if wanted == original.ratings:
        raise Invalid(
            gettext("no rating changed: reject the dispute instead, or change what was wrong")
        )
    result = scoring.score(
        rubric=original.rubric,
        conversation=original.conversation,
        reviewer=by,
        ratings=wanted,
        comments=comments or {},
        comment=note.strip(),
        source=original.source,
        at=now,
        supersedes=str(original.pk),
        metrics=original.metrics,
    )
    _complete(result)
    new = _review_row(
        result,
        conversation=original.conversation,
        rubric=original.rubric,
        reviewer=_reviewer(by),
        ratings=wanted,
        comments=comments or {},
        comment=note.strip(),
        source=original.source,
        at=now,
        assignment=original.assignment,
        version=original.version + 1,
        supersedes=original,
        metrics=dict(original.metrics),
    )
    # The core checks the decision stands: the second reviewer's review of the same
    # conversation, superseding the disputed one.
    core = assign_dispute(
        scoring.core_dispute(dispute),
        scoring.stored_result(original),
        scoring.reviewer_code(by),
    )
    decide_dispute(core, scoring.stored_result(original), scoring.stored_result(new), now)
    original.is_current = False
    original.save(update_fields=["is_current"])
    dispute.state = DisputeState.UPHELD
    dispute.note = note.strip()
    dispute.decided_at = now
    dispute.new_review = new
    dispute.save(update_fields=["state", "note", "decided_at", "new_review"])
    audit_record(
        by=by,
        action="qa.review.rescore",
        obj=new,
        before=_summary(original),
        after=_summary(new),
        note=f"dispute {dispute.pk}",
    )
    audit_record(
        by=by,
        action="qa.dispute.uphold",
        obj=dispute,
        before=before,
        after={"state": dispute.state, "score": _summary(new)["score"], "new_review": new.pk},
        note=dispute.note,
    )
    return dispute


# -------------------------------------------------------------------------------- calibration


@transaction.atomic
def calibration_create(
    *,
    name: str,
    rubric: Rubric,
    conversations: Sequence[Conversation],
    reviewers: Sequence[AuthUser],
    by: User,
) -> CalibrationSession:
    """HR asks several reviewers to score the same conversations on one rubric."""
    require_hr(by, gettext("hold calibration sessions"))
    people = list(dict.fromkeys(reviewers))
    convs = list(dict.fromkeys(conversations))
    if not name.strip():
        raise Invalid(gettext("a calibration session needs a name"), field="name")
    if len(people) < 2:
        raise Invalid(gettext("calibration needs two reviewers or more"), field="reviewers")
    not_qa = [u.get_username() for u in people if not is_qa(u)]
    if not_qa:
        raise Invalid(
            gettext("not QA reviewers: %(not_qa)s") % {"not_qa": ", ".join(not_qa)},
            field="reviewers",
        )
    if not convs:
        raise Invalid(gettext("choose the conversations to calibrate on"), field="conversations")
    session = CalibrationSession.objects.create(
        name=name.strip(), rubric=rubric, created_by=signed_in(by)
    )
    session.reviewers.set(people)
    session.conversations.set(convs)
    audit_record(
        by=by,
        action="qa.calibration.create",
        obj=session,
        after={
            "rubric": str(rubric),
            "reviewers": sorted(u.get_username() for u in people),
            "conversations": sorted(c.conversation_id for c in convs),
        },
    )
    return session


@transaction.atomic
def calibration_review_submit(
    *,
    session: CalibrationSession,
    conversation: Conversation,
    by: User,
    ratings: Mapping[str, str],
    comments: Mapping[str, str] | None = None,
    comment: str = "",
) -> Review:
    """A reviewer of the session scores one of its conversations, once."""
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    require(
        by.is_authenticated and session.reviewers.filter(pk=by.pk).exists(),
        gettext("only the session's reviewers score its conversations"),
    )
    if session.state != SessionState.OPEN:
        raise Conflict(gettext("the calibration session is closed"), code="closed")
    if not session.conversations.filter(pk=conversation.pk).exists():
        raise Invalid(
            gettext("%(conversation)s is not one of the session's conversations")
            % {"conversation": conversation}
        )
    mine = Review.objects.filter(calibration=session, conversation=conversation, reviewer_id=by.pk)
    if mine.exists():
        raise Conflict(
            gettext("you have scored this conversation in this session"), code="reviewed"
        )
    now = timezone.now()
    metrics = _metrics(conversation, session.rubric)
    result = scoring.score(
        rubric=session.rubric,
        conversation=conversation,
        reviewer=by,
        ratings=ratings,
        comments=comments or {},
        comment=comment,
        source=Source.INTERNAL,
        at=now,
        metrics=metrics,
    )
    _complete(result)
    review = _review_row(
        result,
        conversation=conversation,
        rubric=session.rubric,
        reviewer=_reviewer(by),
        ratings=ratings,
        comments=comments or {},
        comment=comment.strip(),
        source=Source.INTERNAL,
        at=now,
        metrics=metrics,
        calibration=session,
    )
    audit_record(
        by=by,
        action="qa.calibration.review",
        obj=review,
        after=_summary(review),
        note=f"calibration {session.pk}",
    )
    return review


@transaction.atomic
def calibration_close(*, session: CalibrationSession, by: User) -> CalibrationSession:
    require_hr(by, gettext("close calibration sessions"))
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    if session.state != SessionState.OPEN:
        raise Conflict(gettext("the calibration session is closed already"), code="closed")
    session.state = SessionState.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["state", "closed_at"])
    audit_record(
        by=by,
        action="qa.calibration.close",
        obj=session,
        before={"state": SessionState.OPEN},
        after={"state": session.state, "reviews": session.reviews.count()},
    )
    return session
