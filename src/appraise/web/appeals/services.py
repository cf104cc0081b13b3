"""Appeals: filed by the agent in the appeal window, answered by the supervisor, escalated to
HR; an upheld appeal is closed by HR re-scoring after correcting the input."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraise.web.appeals.models import (
    OPEN_STATES,
    Appeal,
    AppealState,
    Correction,
    CorrectionKind,
)
from appraise.web.audit.services import audit_record
from appraise.web.cycles.models import Cycle, State
from appraise.web.cycles.services import cycle_rescore, lock_cycle
from appraise.web.errors import Conflict, Invalid
from appraise.web.evaluations.models import Result
from appraise.web.permissions import (
    User,
    agent_of,
    is_direct_supervisor,
    is_hr,
    is_self,
    require,
    signed_in,
)
from appraise.web.schemes.services import scheme_of

if TYPE_CHECKING:
    from appraise.schemes.model import Scheme

DECISIONS = ("uphold", "reject")


def _snapshot(appeal: Appeal) -> dict[str, str]:
    return {"state": appeal.state}


@transaction.atomic
def appeal_file(*, cycle: Cycle, by: User, reasons: str) -> Appeal:
    me = agent_of(by)
    require(me is not None, _("only an appraised agent may appeal"))
    assert me is not None
    lock_cycle(cycle)
    if cycle.state != State.APPEAL_WINDOW or (
        cycle.appeal_deadline is not None and timezone.now() > cycle.appeal_deadline
    ):
        raise Conflict(_("the appeal window of this cycle is not open"), code="window_closed")
    if not reasons.strip():
        raise Invalid(_("an appeal needs the facts it rests on"))
    result = Result.objects.filter(
        cycle=cycle, agent=me, is_current=True, published_at__isnull=False
    ).first()
    if result is None:
        raise Invalid(_("you have no published result in this cycle"))
    if Appeal.objects.filter(cycle=cycle, agent=me, state__in=OPEN_STATES).exists():
        raise Conflict(_("you already have an open appeal in this cycle"), code="appeal_open")
    appeal = Appeal.objects.create(
        cycle=cycle, agent=me, result=result, reasons=reasons.strip(), filed_by=signed_in(by)
    )
    audit_record(
        by=by,
        action="appeal.file",
        obj=appeal,
        after={"state": appeal.state, "result_version": result.version},
        cycle_id=cycle.pk,
        note=appeal.reasons,
    )
    return appeal


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().select_related("agent", "cycle").get(pk=appeal.pk)


@transaction.atomic
def appeal_decide(*, appeal: Appeal, by: User, decision: str, note: str) -> Appeal:
    """The supervisor's decision on an appeal with them, or HR's on an escalated one (final)."""
    if decision not in DECISIONS:
        raise Invalid(_("a decision is one of %(decisions)s") % {"decisions": ", ".join(DECISIONS)})
    if not note.strip():
        raise Invalid(_("a decision needs a note saying why"))
    appeal = _locked(appeal)
    before = _snapshot(appeal)
    outcome = AppealState.UPHELD if decision == "uphold" else AppealState.REJECTED
    now = timezone.now()
    if appeal.state == AppealState.WITH_SUPERVISOR:
        require(
            is_direct_supervisor(by, appeal.agent),
            _("only the agent's direct supervisor answers the appeal first"),
        )
        appeal.supervisor_decision = decision
        appeal.supervisor_note = note
        appeal.supervisor_by = signed_in(by)
        appeal.supervisor_at = now
    elif appeal.state == AppealState.WITH_HR:
        require(is_hr(by), _("only HR decides an escalated appeal"))
        appeal.hr_decision = decision
        appeal.hr_note = note
        appeal.hr_by = signed_in(by)
        appeal.hr_at = now
    else:
        raise Conflict(
            _("the appeal is %(state)s; there is nothing to decide")
            % {"state": AppealState(appeal.state).label}
        )
    appeal.state = outcome
    appeal.save()
    audit_record(
        by=by,
        action=f"appeal.{decision}",
        obj=appeal,
        before=before,
        after=_snapshot(appeal),
        cycle_id=appeal.cycle_id,
        note=note,
    )
    return appeal


@transaction.atomic
def appeal_escalate(*, appeal: Appeal, by: User, note: str = "") -> Appeal:
    """To HR: by the supervisor instead of deciding, or by the agent after a rejection."""
    appeal = _locked(appeal)
    before = _snapshot(appeal)
    if appeal.state == AppealState.WITH_SUPERVISOR:
        require(
            is_direct_supervisor(by, appeal.agent) or is_self(by, appeal.agent),
            _("only the agent or their direct supervisor may escalate this appeal"),
        )
    elif appeal.state == AppealState.REJECTED and not appeal.hr_decision:
        require(is_self(by, appeal.agent), _("only the agent may escalate a rejected appeal"))
    else:
        raise Conflict(
            _("the appeal is %(state)s and cannot go to HR")
            % {"state": AppealState(appeal.state).label}
        )
    appeal.state = AppealState.WITH_HR
    appeal.escalated_at = timezone.now()
    appeal.save()
    audit_record(
        by=by,
        action="appeal.escalate",
        obj=appeal,
        before=before,
        after=_snapshot(appeal),
        cycle_id=appeal.cycle_id,
        note=note,
    )
    return appeal


@transaction.atomic
def appeal_rescore(*, appeal: Appeal, by: User) -> Appeal:
    """HR re-scores the cycle after correcting the inputs of an upheld appeal.

    The agent's earlier result stays as an earlier version; the appeal points at the new one.
    """
    require(is_hr(by), _("only HR re-scores after an appeal"))
    appeal = _locked(appeal)
    if appeal.state != AppealState.UPHELD:
        raise Conflict(
            _("the appeal is %(state)s, not upheld") % {"state": AppealState(appeal.state).label}
        )
    before = _snapshot(appeal)
    cycle_rescore(cycle=appeal.cycle, by=by, reason=_("appeal %(n)s") % {"n": appeal.pk})
    appeal.new_result = Result.objects.get(cycle=appeal.cycle, agent=appeal.agent, is_current=True)
    appeal.state = AppealState.RESCORED
    appeal.save()
    audit_record(
        by=by,
        action="appeal.rescore",
        obj=appeal,
        before=before,
        after={**_snapshot(appeal), "result_version": appeal.new_result.version},
        cycle_id=appeal.cycle_id,
    )
    return appeal


def correctable(scheme: Scheme) -> tuple[list[str], list[str]]:
    """What a correction may name in this scheme: the metrics its rules, conditions and pay
    read (indicator ids left out: an indicator's score is computed, never corrected), and the
    incident kinds its deduction and bonus rules count. A name outside these would change
    nothing when re-scored, so it is refused rather than stored."""
    from appraise.schemes.model import BonusRule, DeductionRule
    from appraise.schemes.validate import all_indicators, expression_names
    from appraise.scoring.needs import rule_names

    nodes = [node for node, _ in all_indicators(scheme)]
    indicator_ids = {n.id for n in nodes}
    metrics: set[str] = set(expression_names(scheme))
    for node in nodes:
        metrics |= rule_names(node.rule)
    metrics |= {name for c in scheme.consequences for name in c.when.names}
    metrics -= indicator_ids | set(scheme.constants) | RESULT_NAMES
    kinds = sorted(
        {
            k.kind
            for node in nodes
            if isinstance(node.rule, DeductionRule | BonusRule)
            for k in node.rule.kinds
        }
    )
    return sorted(metrics), kinds


# Names a condition reads from the result, not from the inputs.
RESULT_NAMES = frozenset({"total", "grade", "rank", "count", "last_rank", "level"})


@transaction.atomic
def correction_apply(
    *,
    cycle: Cycle,
    agent_id: str,
    by: User,
    kind: str,
    name: str,
    value: str,
    reason: str,
    appeal: Appeal | None = None,
) -> Correction:
    """HR corrects one agent's metric value or incident count after publication and re-scores.

    The agent's earlier result stays as an earlier version (``cycle_rescore``); the correction
    points at the new one, and a data appeal upheld for it is closed as re-scored with it.
    Each refusal names the argument it is about (``field``), for the page to show beside it.
    """
    require(is_hr(by), _("only HR corrects published data"))
    cycle = lock_cycle(cycle)
    if cycle.state not in (State.PUBLISHED, State.INTERVIEWS, State.APPEAL_WINDOW):
        raise Conflict(_("data is corrected after publication and before the cycle closes"))
    agent = cycle.agents.filter(agent_id=agent_id).first()
    if agent is None:
        raise Invalid(_("agent %(id)s is not in this cycle") % {"id": agent_id}, field="agent_id")
    if kind not in CorrectionKind.values:
        raise Invalid(_("kind is metric or incident"), field="kind")
    name = name.strip()
    if not name:
        raise Invalid(_("name the metric or the incident kind"), field="name")
    metrics, kinds = correctable(scheme_of(cycle.scheme_version))
    known = metrics if kind == CorrectionKind.METRIC else kinds
    if name not in known:
        raise Invalid(
            (
                _("the scheme reads no metric %(name)s (it reads: %(known)s)")
                if kind == CorrectionKind.METRIC
                else _("the scheme counts no incident kind %(name)s (it counts: %(known)s)")
            )
            % {"name": name, "known": ", ".join(known) or "—"},
            field="name",
        )
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or (kind == CorrectionKind.INCIDENT and number < 0):
        raise Invalid(
            _("the corrected value must be a number (a count of 0 or more)"), field="value"
        )
    # The size first: quantizing 1e400 (typed into the form) to 4 decimals needs more digits
    # than the context has, an InvalidOperation (a 500) before the check could refuse it.
    if abs(number) >= Decimal(10) ** 14 or number != number.quantize(Decimal("0.0001")):
        raise Invalid(
            _("the corrected value has at most 4 decimals and 14 digits before the point"),
            field="value",
        )
    if not reason.strip():
        raise Invalid(_("say why the data is corrected"), field="reason")
    if appeal is not None:
        appeal = _locked(appeal)
        if appeal.cycle_id != cycle.pk or appeal.agent_id != agent.pk:
            raise Invalid(_("the appeal is another agent's or cycle's"), field="appeal")
        if appeal.state != AppealState.UPHELD:
            raise Conflict(
                _("the appeal is %(state)s, not upheld")
                % {"state": AppealState(appeal.state).label}
            )
    correction = Correction.objects.create(
        cycle=cycle,
        agent=agent,
        kind=kind,
        name=name.strip(),
        value=number,
        reason=reason.strip(),
        appeal=appeal,
        by=by if by.is_authenticated else None,
    )
    old = Result.objects.filter(cycle=cycle, agent=agent, is_current=True).first()
    cycle_rescore(
        cycle=cycle,
        by=by,
        reason=_("correction %(n)s: %(reason)s") % {"n": correction.pk, "reason": reason.strip()},
    )
    new = Result.objects.get(cycle=cycle, agent=agent, is_current=True)
    correction.result = new
    correction.save(update_fields=["result"])
    audit_record(
        by=by,
        action="correction.apply",
        obj=correction,
        before={"result_version": old.version if old else None, "total": _num(old)},
        after={
            "kind": kind,
            "name": correction.name,
            "value": format(number.normalize(), "f"),
            "result_version": new.version,
            "total": _num(new),
        },
        cycle_id=cycle.pk,
        note=correction.reason,
    )
    if appeal is not None:
        before = _snapshot(appeal)
        appeal.new_result = new
        appeal.state = AppealState.RESCORED
        appeal.save()
        audit_record(
            by=by,
            action="appeal.rescore",
            obj=appeal,
            before=before,
            after={**_snapshot(appeal), "result_version": new.version},
            cycle_id=appeal.cycle_id,
        )
    return correction


def _num(result: Result | None) -> str | None:
    if result is None or result.total is None:
        return None
    return format(result.total.normalize(), "f")
