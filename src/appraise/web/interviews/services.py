"""Interview records (written by the direct supervisor, signed by the agent) and the answers to
a self-vs-supervisor grade gap (ask for a re-assessment, or interview)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraise.web.audit.services import audit_record
from appraise.web.cycles.models import STATE_ORDER, Cycle, State
from appraise.web.cycles.services import lock_cycle
from appraise.web.errors import Conflict, Invalid, NotFound
from appraise.web.interviews.models import GapFlag, GapStatus, InterviewRecord
from appraise.web.org.models import Agent
from appraise.web.permissions import (
    User,
    can_see_agent,
    is_direct_supervisor,
    is_self,
    require,
    signed_in,
)

_FIRST = STATE_ORDER.index(State.SUPERVISOR_RATING)
_LAST = STATE_ORDER.index(State.APPEAL_WINDOW)


@transaction.atomic
def interview_write(
    *, cycle: Cycle, agent: Agent, by: User, content: str, plan: str = ""
) -> InterviewRecord:
    if not can_see_agent(by, agent) or not cycle.agents.filter(pk=agent.pk).exists():
        raise NotFound(_("no agent %(agent_id)s in this cycle") % {"agent_id": agent.agent_id})
    require(is_direct_supervisor(by, agent), _("only the direct supervisor writes the interview"))
    lock_cycle(cycle)
    if not _FIRST <= STATE_ORDER.index(cycle.state) <= _LAST:
        raise Conflict(
            _("interviews are not held while the cycle is %(state)s")
            % {"state": State(cycle.state).label}
        )
    if not content.strip():
        raise Invalid(_("an interview record needs its content"))
    record = InterviewRecord.objects.select_for_update().filter(cycle=cycle, agent=agent).first()
    before = None
    if record is not None:
        if record.signed_at is not None:
            raise Conflict(
                _("the agent has signed this record; it no longer changes"), code="signed"
            )
        before = {"content": record.content, "plan": record.plan}
    else:
        record = InterviewRecord(cycle=cycle, agent=agent)
    record.supervisor = signed_in(by)
    record.content = content
    record.plan = plan
    record.save()
    GapFlag.objects.filter(cycle=cycle, agent=agent).exclude(status=GapStatus.CLEARED).update(
        status=GapStatus.INTERVIEW
    )
    audit_record(
        by=by,
        action="interview.write",
        obj=record,
        before=before,
        after={"content": content, "plan": plan},
        cycle_id=cycle.pk,
    )
    from appraise.web.followups.services import followups_interview_changed

    followups_interview_changed(record=record, by=by)
    return record


@transaction.atomic
def interview_sign(*, record: InterviewRecord, by: User, comment: str = "") -> InterviewRecord:
    record = InterviewRecord.objects.select_for_update().select_related("agent").get(pk=record.pk)
    require(is_self(by, record.agent), _("only the agent signs their interview record"))
    if record.signed_at is not None:
        raise Conflict(_("already signed"), code="signed")
    record.signed_at = timezone.now()
    record.agent_comment = comment
    record.save()
    audit_record(
        by=by,
        action="interview.sign",
        obj=record,
        after={"signed_at": record.signed_at.isoformat(), "comment": comment},
        cycle_id=record.cycle_id,
    )
    from appraise.web.followups.services import followups_interview_changed

    followups_interview_changed(record=record, by=by)
    return record


@transaction.atomic
def gap_request_reassessment(*, flag: GapFlag, by: User) -> GapFlag:
    """The supervisor asks the agent to assess themselves again (seed 004, step 1)."""
    flag = GapFlag.objects.select_for_update().select_related("agent", "cycle").get(pk=flag.pk)
    require(
        is_direct_supervisor(by, flag.agent),
        _("only the direct supervisor asks for a re-assessment"),
    )
    if flag.cycle.state != State.SUPERVISOR_RATING:
        raise Conflict(_("a re-assessment is asked for during supervisor rating"))
    if flag.status not in (GapStatus.OPEN, GapStatus.REASSESS):
        raise Conflict(_("the gap is %(status)s") % {"status": GapStatus(flag.status).label})
    before = {"status": flag.status}
    flag.status = GapStatus.REASSESS
    flag.save()
    audit_record(
        by=by,
        action="gap.request_reassessment",
        obj=flag,
        before=before,
        after={"status": flag.status},
        cycle_id=flag.cycle_id,
    )
    return flag
