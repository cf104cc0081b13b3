"""Objects as JSON-ready dicts; the API returns these, and pages may use them for charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from appraise.decimals import money_or_none, plain_or_none
from appraise.web.appeals.models import Appeal, Correction
from appraise.web.audit.models import AuditLog
from appraise.web.audit.selectors import AuditDetails
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.models import RaterAssignment, Rating, Result
from appraise.web.interviews.models import GapFlag, InterviewRecord
from appraise.web.org.models import Agent, Team
from appraise.web.org.roles import roles_of
from appraise.web.schemes.models import SchemeVersion
from appraise.web.tasks.models import Task


def _num(d: Decimal | None) -> str | None:
    """Exact decimals as strings: money and totals must not pass through binary floats."""
    return plain_or_none(d)


def _at(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def user_json(u: User) -> dict[str, Any]:
    return {
        "id": u.pk,
        "username": u.username,
        "name": u.get_full_name() or u.username,
        "roles": sorted(roles_of(u)),
    }


def team_json(t: Team) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "supervisors": sorted(t.supervisors.values_list("username", flat=True)),
        "indirect_supervisor": t.indirect_supervisor.username if t.indirect_supervisor else None,
    }


def agent_json(a: Agent) -> dict[str, Any]:
    return {
        "agent_id": a.agent_id,
        "name": a.name,
        "team": a.team.name if a.team else None,
        "team_id": a.team_id,
        "position": a.position,
        "hired_on": _at(a.hired_on),
        "username": a.user.username if a.user else None,
    }


def scheme_version_json(v: SchemeVersion, *, text: bool = False) -> dict[str, Any]:
    out = {
        "id": v.pk,
        "scheme_id": v.scheme_id,
        "version": v.version,
        "name": v.name,
        "content_hash": v.content_hash,
        "warnings": v.warnings,
        "created_at": _at(v.created_at),
        "created_by": v.created_by.username if v.created_by else None,
    }
    if text:
        out["text"] = v.text
    return out


def cycle_json(c: Cycle) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "scheme_version": c.scheme_version_id,
        "scheme": str(c.scheme_version),
        "period": c.period,
        "state": c.state,
        "state_label": c.get_state_display(),
        "computed_at": _at(c.computed_at),
        "results_stale": c.results_stale,
        "published_at": _at(c.published_at),
        "appeal_deadline": _at(c.appeal_deadline),
        "closed_at": _at(c.closed_at),
        "warnings": c.warnings,
    }


def result_json(r: Result, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "cycle": r.cycle_id,
        "agent_id": r.agent.agent_id,
        "name": r.agent.name,
        "team": r.agent.team.name if r.agent.team else None,
        "version": r.version,
        "is_current": r.is_current,
        "published_at": _at(r.published_at),
        "eligible": r.eligible,
        "total": _num(r.total),
        "grade": r.grade or None,
        "computed_grade": r.computed_grade or None,
        "rank": r.rank,
        "level": r.level or None,
        "pay_total": money_or_none(r.pay_total),
        "flags": r.flags,
        "reason": r.reason,
        "created_at": _at(r.created_at),
    }
    if full:
        out["data"] = r.read()
    return out


def rating_json(r: Rating) -> dict[str, Any]:
    return {
        "id": r.pk,
        "cycle": r.cycle_id,
        "agent_id": r.agent.agent_id,
        "indicator": r.indicator,
        "role": r.role,
        "value": r.value,
        "note": r.note,
        "rater": r.rater.username if r.rater else None,
        "updated_at": _at(r.updated_at),
        "version": r.version,
    }


def assignment_json(a: RaterAssignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "cycle": a.cycle_id,
        "agent_id": a.agent.agent_id,
        "agent_name": a.agent.name,
        "team": a.agent.team.name if a.agent.team else None,
        "role": a.role,
        "rater": a.rater.username,
        "rater_name": a.rater.get_full_name(),
        "ratings": a.given if hasattr(a, "given") else a.ratings.count(),
    }


def my_assignment_json(a: RaterAssignment) -> dict[str, Any]:
    """An assignment for its rater: the agent's name and what to rate, nothing of results."""
    from appraise.web.evaluations.raters import assignment_indicators, assignment_open, role_name

    given = {r.indicator: r for r in a.ratings.all()}
    return {
        "id": a.pk,
        "cycle": a.cycle_id,
        "cycle_name": a.cycle.name,
        "period": a.cycle.period,
        "agent_id": a.agent.agent_id,
        "agent_name": a.agent.name,
        "team": a.agent.team.name if a.agent.team else None,
        "role": a.role,
        "role_name": role_name(a),
        "open": assignment_open(a),
        "indicators": [
            {
                "id": i,
                "name": name,
                "value": given[i].value if i in given else "",
                "version": given[i].version if i in given else 0,
            }
            for i, name in assignment_indicators(a).items()
        ],
    }


def appeal_json(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "cycle": a.cycle_id,
        "agent_id": a.agent.agent_id,
        "state": a.state,
        "reasons": a.reasons,
        "filed_at": _at(a.filed_at),
        "result_version": a.result.version,
        "supervisor_decision": a.supervisor_decision or None,
        "supervisor_note": a.supervisor_note,
        "escalated_at": _at(a.escalated_at),
        "hr_decision": a.hr_decision or None,
        "hr_note": a.hr_note,
        "new_result_version": a.new_result.version if a.new_result else None,
    }


def correction_json(c: Correction) -> dict[str, Any]:
    return {
        "id": c.pk,
        "cycle": c.cycle_id,
        "agent_id": c.agent.agent_id,
        "kind": c.kind,
        "name": c.name,
        "value": _num(c.value),
        "reason": c.reason,
        "appeal": c.appeal_id,
        "result_version": c.result.version if c.result else None,
        "by": c.by.username if c.by else None,
        "at": _at(c.at),
    }


def interview_json(i: InterviewRecord) -> dict[str, Any]:
    return {
        "id": i.pk,
        "cycle": i.cycle_id,
        "agent_id": i.agent.agent_id,
        "supervisor": i.supervisor.username if i.supervisor else None,
        "content": i.content,
        "plan": i.plan,
        "written_at": _at(i.written_at),
        "signed_at": _at(i.signed_at),
        "agent_comment": i.agent_comment,
    }


def gap_json(g: GapFlag) -> dict[str, Any]:
    return {
        "id": g.pk,
        "cycle": g.cycle_id,
        "agent_id": g.agent.agent_id,
        "self_total": _num(g.self_total),
        "self_grade": g.self_grade or None,
        "supervisor_total": _num(g.supervisor_total),
        "supervisor_grade": g.supervisor_grade or None,
        "grades_apart": g.grades_apart,
        "status": g.status,
    }


def task_json(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "kind": t.kind,
        "status": t.status,
        "progress": t.progress,
        "message": t.message,
        "cycle": t.cycle_id,
        "problems": t.problems,
        "result": t.result,
        "created_at": _at(t.created_at),
        "finished_at": _at(t.finished_at),
    }


def audit_json(e: AuditLog, details: AuditDetails) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": _at(e.at),
        "actor": e.actor_name,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "object": e.object_repr,
        "cycle": e.cycle_id,
        "before": details.before,
        "after": details.after,
        "note": details.note,
        # True when before, after and note are for HR only (results not yet published).
        "withheld": details.withheld,
    }
