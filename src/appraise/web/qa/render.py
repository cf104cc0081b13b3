"""QA objects as JSON for the API: numbers that are scores are strings ("27.21"), never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from appraise.decimals import plain
from appraise.qa import CalibrationReport, ReviewResult
from appraise.qa.agreement import Agreement, Gate
from appraise.qa.rules.engine import mask
from appraise.web.qa import scoring
from appraise.web.qa.models import (
    Assignment,
    CalibrationSession,
    Conversation,
    Dispute,
    ImportBatch,
    Review,
    Rubric,
    SamplingRun,
)
from appraise.web.qa.selectors import Figures, PeriodAgreement


def num(value: Decimal | str | None) -> str | None:
    if value is None:
        return None
    return plain(Decimal(str(value)))


def ratio(value: Decimal | None) -> str | None:
    """A κ, precision or recall: four decimals (0.6667), as a string like every figure."""
    return None if value is None else num(value.quantize(Decimal("0.0001")))


def _user(u: Any) -> str | None:
    return None if u is None else u.get_username()


def rubric_json(r: Rubric, *, form: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.pk,
        "scheme_version": r.scheme_version_id,
        "scheme_id": r.scheme_version.scheme_id,
        "version": r.scheme_version.version,
        "name": r.scheme_version.name,
        "fatal": r.fatal,
        "na_items": r.na_items,
        "seats": r.seats,
        "default": r.is_default,
        "active": r.active,
    }
    if form:
        out["items"] = [
            {
                "id": i.id,
                "name": i.name,
                "kind": i.kind,
                "min": num(i.minimum),
                "max": num(i.maximum),
                "levels": [{"name": lv.name, "score": num(lv.score)} for lv in i.levels],
                "fatal": i.fatal,
                "na_allowed": i.na_allowed,
                "counts": i.counts,
            }
            for i in scoring.form_items(r)
        ]
    return out


def import_json(b: ImportBatch) -> dict[str, Any]:
    return {
        "id": b.pk,
        "period": b.period,
        "source": b.source,
        "created": b.created,
        "skipped_existing": b.skipped_existing,
        "csat_added": b.csat_added,
        "unknown_agents": b.unknown_agents,
        "by": _user(b.created_by),
        "at": b.created_at.isoformat(),
    }


def _masked(text: Any) -> Any:
    return mask(text) if isinstance(text, str) else text


def conversation_json(c: Conversation, *, transcript: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.pk,
        "conversation_id": c.conversation_id,
        "agent_id": c.agent.agent_id,
        "period": c.period,
        "channel": c.channel,
        "queue": c.queue,
        "outcome": c.outcome,
        "is_call": c.is_call,
        "hung_up_by": c.hung_up_by or None,
        "failed_checks": sorted({str(f["check"]) for f in c.findings if not f["passed"]}),
    }
    if transcript:
        # Personal data masked, as on the pages (docs/qa.md, "The rule language").
        out["messages"] = [{**m, "text": _masked(m.get("text"))} for m in c.messages]
        out["findings"] = [
            {
                **f,
                "evidence": [{**e, "text": _masked(e.get("text"))} for e in f.get("evidence", [])],
            }
            for f in c.findings
        ]
    return out


def run_json(r: SamplingRun) -> dict[str, Any]:
    return {
        "id": r.pk,
        "period": r.period,
        "seed": r.seed,
        "per_agent": r.per_agent,
        "strata": r.strata,
        "random_share": num(r.random_share),
        "low_csat": r.low_csat,
        "sampled": r.sampled,
        "reviewers": sorted(u.get_username() for u in r.reviewers.all()),
        "by": _user(r.created_by),
        "at": r.created_at.isoformat(),
    }


def assignment_json(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "run": a.run_id,
        "conversation": conversation_json(a.conversation),
        "reviewer": _user(a.reviewer),
        "rubric": a.rubric_id,
        "stratum": a.stratum,
        "part": a.part,
        "flags": a.flags,
        "state": a.state,
    }


def review_json(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "conversation_id": r.conversation.conversation_id,
        "conversation": r.conversation_id,
        "agent_id": r.agent.agent_id,
        "period": r.conversation.period,
        "rubric": r.rubric_id,
        "reviewer": _user(r.reviewer),
        "assignment": r.assignment_id,
        "calibration": r.calibration_id,
        "version": r.version,
        "is_current": r.is_current,
        "supersedes": r.supersedes_id,
        "source": r.source,
        "score": num(r.score),
        "maximum": num(r.maximum),
        "applicable": num(r.applicable),
        "earned": num(r.earned),
        "fatal": r.fatal,
        "fatal_failed": r.fatal_failed,
        "na": r.na,
        "nonfatal_errors": r.nonfatal_errors,
        "opportunities": r.opportunities,
        "ratings": r.ratings,
        "comments": r.comments,
        "comment": r.comment,
        "metrics": r.metrics,
        "items": r.items,
        "notes": r.notes,
        "reviewed_at": r.reviewed_at.isoformat(),
    }


def result_json(r: ReviewResult) -> dict[str, Any]:
    """A score computed and not stored (the form's preview)."""
    return {
        "score": num(r.score),
        "maximum": num(r.maximum),
        "applicable": num(r.applicable),
        "earned": num(r.earned),
        "fatal": r.fatal,
        "fatal_failed": list(r.fatal_failed),
        "na": list(r.na),
        "nonfatal_errors": r.nonfatal_errors,
        "opportunities": r.opportunities,
        "items": [scoring.item_row(i) for i in r.items],
        "notes": list(r.notes),
    }


def dispute_json(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.pk,
        "review": d.review_id,
        "agent_id": d.agent.agent_id,
        "reason": d.reason,
        "state": d.state,
        "first_reviewer": _user(d.review.reviewer),
        "second_reviewer": _user(d.second_reviewer),
        "note": d.note,
        "new_review": d.new_review_id,
        "score_before": num(d.review.score),
        "score_after": num(d.new_review.score) if d.new_review is not None else None,
        "opened_at": d.opened_at.isoformat(),
        "decided_at": d.decided_at.isoformat() if d.decided_at else None,
    }


def report_json(rep: CalibrationReport) -> dict[str, Any]:
    return {
        "items": [
            {
                "item": i.item_id,
                "name": i.name,
                "ratings": i.ratings,
                "conversations": i.cells,
                "mean": num(i.mean),
                "mean_stdev": num(i.mean_stdev),
                "max_spread": num(i.max_spread),
                "fleiss_kappa": ratio(i.fleiss_kappa),
            }
            for i in rep.items
        ],
        "pairs": [
            {
                "reviewers": [pr.reviewer_a, pr.reviewer_b],
                "cells": pr.cells,
                "agreed": pr.agreed,
                "observed": ratio(pr.observed),
                "expected": ratio(pr.expected),
                "kappa": ratio(pr.kappa),
            }
            for pr in rep.pairs
        ],
        "reviewers": [
            {
                "reviewer": r.reviewer_id,
                "reviews": r.reviews,
                "mean_score": num(r.mean_score),
                "mean_deviation": num(r.mean_deviation),
                "mean_abs_deviation": num(r.mean_abs_deviation),
                "score_deviation": num(r.score_deviation),
                "leniency": num(r.leniency),
            }
            for r in rep.reviewers
        ],
        "cells": [
            {
                "conversation_id": c.conversation_id,
                "item": c.item_id,
                "values": {k: num(v) for k, v in c.values.items()},
                "mean": num(c.mean),
                "stdev": num(c.stdev),
                "spread": num(c.spread),
            }
            for c in rep.cells
        ],
    }


def calibration_json(
    s: CalibrationSession, report: CalibrationReport | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.pk,
        "name": s.name,
        "rubric": s.rubric_id,
        "state": s.state,
        "reviewers": sorted(u.get_username() for u in s.reviewers.all()),
        "conversations": sorted(c.conversation_id for c in s.conversations.all()),
        "created_at": s.created_at.isoformat(),
    }
    if report is not None:
        out["report"] = report_json(report)
    return out


def agreement_json(a: PeriodAgreement) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in a.rows():
        fig: Agreement | None = row["figures"]  # type: ignore[assignment]
        gate: Gate | None = row["gate"]  # type: ignore[assignment]
        out.append(
            {
                "check": row["check"],
                "item": row["item"],
                "pairs": fig.pairs if fig else 0,
                "tp": fig.tp if fig else 0,
                "fp": fig.fp if fig else 0,
                "fn": fig.fn if fig else 0,
                "tn": fig.tn if fig else 0,
                "precision": ratio(fig.precision) if fig else None,
                "recall": ratio(fig.recall) if fig else None,
                "kappa": ratio(fig.kappa) if fig else None,
                "gated": gate is not None,
                "counts": gate is None or gate.passed,
                "reasons": [str(r) for r in gate.reasons] if gate else [],
            }
        )
    return out


def figures_json(f: Figures, agreement: PeriodAgreement | None = None) -> dict[str, Any]:
    q = f.figures
    return {
        "period": f.period,
        "rubric": f.rubric.pk if f.rubric is not None else None,
        "reviews": f.reviews,
        "estimated": f.estimated,
        "agreement": agreement_json(agreement) if agreement is not None else [],
        "agents": [
            {
                "agent_id": a.agent_id,
                "monitored": a.monitored,
                "internal_average": num(a.internal_average),
                "external_average": num(a.external_average),
                "qa_average": num(a.qa_average),
                "fatal_accuracy": num(a.fatal_accuracy),
                "nonfatal_accuracy": num(a.nonfatal_accuracy),
            }
            for a in q.agents
        ],
        "items": [
            {
                "item": i.item_id,
                "name": i.name,
                "rated": i.rated,
                "not_applicable": i.not_applicable,
                "mean": num(i.mean),
                "percent": num(i.percent),
                "errors": i.errors,
            }
            for i in q.items
        ],
        "reviewers": [
            {"reviewer": r.reviewer_id, "reviews": r.reviews, "mean": num(r.mean)}
            for r in q.reviewers
        ],
    }
