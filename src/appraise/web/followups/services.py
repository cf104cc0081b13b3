"""Writing follow-ups: created from a published cycle's results, then moved by their owners.

``followups_create_for_cycle`` runs inside the transaction of ``cycle_publish`` (and of a
re-score, which may fire a consequence anew); the others are the owners' steps. Each checks
the actor and the state first and writes its audit entry in the same transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraise.schemes.model import Consequence
from appraise.web.audit.services import audit_record
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Conflict, Invalid
from appraise.web.followups.models import GAP_RULE, FactualBasis, FollowUp, ItemState, Kind
from appraise.web.interviews.models import GapFlag, GapStatus, InterviewRecord
from appraise.web.org.models import Agent
from appraise.web.permissions import (
    User,
    is_direct_supervisor,
    is_hr,
    is_self,
    require,
    require_hr,
    signed_in,
)
from appraise.web.schemes.services import scheme_of


def _due(published: date, days: int | None) -> date | None:
    return None if days is None else published + timedelta(days=days)


def _interview_state(record: InterviewRecord | None) -> dict[str, Any]:
    if record is not None and record.signed_at is not None:
        return {"state": ItemState.DONE, "done_at": record.signed_at, "done_by": None}
    return {}


def _move_allowances(new: list[FollowUp], rules: dict[str, Consequence]) -> None:
    """Move each agent's post allowance level by the rules that fired for it, once per new item
    (an item already there moved it before), and write the move on the item."""
    moving = [f for f in new if (r := rules.get(f.rule)) is not None and r.allowance]
    if not moving:
        return
    agents = {
        a.pk: a
        for a in Agent.objects.select_for_update().filter(pk__in={f.agent_id for f in moving})
    }
    for f in moving:
        step = rules[f.rule].allowance or 0
        agent = agents[f.agent_id]
        f.allowance_from = agent.allowance_level
        agent.allowance_level += step
        f.allowance_to = agent.allowance_level
    Agent.objects.bulk_update(list(agents.values()), ["allowance_level"])


def followups_create_for_cycle(*, cycle: Cycle, by: User) -> list[FollowUp]:
    """One item per agent and rule that asks for follow-up work, created once.

    From each current result's consequences (the scheme's ``follow_up``: ``interview``,
    ``plan`` or ``hr``; ``none`` adds nothing) and from every self/supervisor grade gap that
    has not closed (seed 004: the supervisor interviews the agent). Items already there are
    kept as they are, so publishing, then re-scoring, never resets anyone's work.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(  # internal
            "followups_create_for_cycle runs in the publication's transaction"
        )
    from appraise.web.evaluations.models import Result

    rules = {c.id: c for c in scheme_of(cycle.scheme_version).consequences}
    published = timezone.localdate(cycle.published_at or timezone.now())
    have = set(FollowUp.objects.filter(cycle=cycle).values_list("agent_id", "rule"))
    interviews = {r.agent_id: r for r in InterviewRecord.objects.filter(cycle=cycle)}
    new: list[FollowUp] = []

    def add(agent_id: int, kind: str, rule: str, **fields: Any) -> None:
        if (agent_id, rule) in have:
            return
        have.add((agent_id, rule))
        if kind == Kind.INTERVIEW:
            record = interviews.get(agent_id)
            fields.update(interview=record, **_interview_state(record))
        new.append(FollowUp(cycle=cycle, agent_id=agent_id, kind=kind, rule=rule, **fields))

    results = Result.objects.filter(cycle=cycle, is_current=True).order_by("agent__agent_id")
    for agent_id, data in results.values_list("agent_id", "data"):
        for fired in data.get("consequences") or []:
            rule = rules.get(fired["id"])
            kind = rule.follow_up_kind if rule is not None else Kind.HR
            if kind == "none":
                continue
            add(
                agent_id,
                kind,
                fired["id"],
                rule_name=fired.get("name") or "",
                explain=fired.get("explain") or "",
                note=(rule.note or "") if rule is not None else "",
                due_on=_due(published, fired.get("due_days")),
            )
    gaps = GapFlag.objects.filter(cycle=cycle).exclude(status=GapStatus.CLEARED)
    for flag in gaps.order_by("agent__agent_id"):
        add(
            flag.agent_id,
            Kind.INTERVIEW,
            GAP_RULE,
            explain=" / ".join((flag.self_grade or "-", flag.supervisor_grade or "-")),
        )
    _move_allowances(new, rules)
    FollowUp.objects.bulk_create(new)
    if new:
        from appraise.web.followups.notify import notifications_create

        keys = {(f.agent_id, f.rule) for f in new if f.state != ItemState.DONE}
        created = [
            f
            for f in FollowUp.objects.filter(cycle=cycle).select_related(
                "agent", "agent__team", "agent__user", "cycle"
            )
            if (f.agent_id, f.rule) in keys
        ]
        notifications_create(items=created, event="created", by=by)
        audit_record(
            by=by,
            action="followup.create",
            obj=cycle,
            after=[
                {
                    "agent": f.agent_id,
                    "kind": f.kind,
                    "rule": f.rule,
                    "due_on": f.due_on.isoformat() if f.due_on else None,
                    "state": f.state,
                    **(
                        {"allowance": [f.allowance_from, f.allowance_to]}
                        if f.allowance_to is not None
                        else {}
                    ),
                }
                for f in new
            ],
            cycle_id=cycle.pk,
        )
    return new


def followups_interview_changed(*, record: InterviewRecord, by: User) -> None:
    """An interview record was written or signed: its items point at it; signed, they are done.

    Called by the interview services inside their transaction.
    """
    items = FollowUp.objects.select_for_update().filter(
        cycle_id=record.cycle_id, agent_id=record.agent_id, kind=Kind.INTERVIEW
    )
    for item in items:
        before = {"state": item.state}
        item.interview = record
        if record.signed_at is not None and item.state != ItemState.DONE:
            item.state = ItemState.DONE
            item.done_at = record.signed_at
            item.done_by = signed_in(by)
            item.save()
            audit_record(
                by=by,
                action="followup.done",
                obj=item,
                before=before,
                after={"state": item.state, "interview": record.pk},
                cycle_id=item.cycle_id,
            )
        else:
            item.save(update_fields=["interview", "updated_at"])


def _locked(item: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("agent", "cycle").get(pk=item.pk)


def _require_state(item: FollowUp, state: str, doing: str) -> None:
    if item.state != state:
        raise Conflict(
            _("cannot %(doing)s: the follow-up is %(state)s")
            % {"doing": doing, "state": ItemState(item.state).label},
            code="followup_state",
        )


def _require_kind(item: FollowUp, kind: str) -> None:
    if item.kind != kind:
        raise Conflict(
            _("this follow-up is a %(kind)s, not a %(wanted)s")
            % {"kind": Kind(item.kind).label, "wanted": Kind(kind).label},
            code="followup_kind",
        )


@transaction.atomic
def followup_submit_plan(*, item: FollowUp, by: User, text: str) -> FollowUp:
    """The agent submits their rectification plan (整改计划) for the supervisor to accept."""
    item = _locked(item)
    require(is_self(by, item.agent), _("only the agent submits their rectification plan"))
    _require_kind(item, Kind.PLAN)
    _require_state(item, ItemState.OPEN, _("submit a plan"))
    if not text.strip():
        raise Invalid(_("write the plan: the reasons for the result and what you will change"))
    before = {"state": item.state, "plan": item.plan}
    item.plan = text.strip()
    item.plan_submitted_at = timezone.now()
    item.state = ItemState.SUBMITTED
    item.save()
    audit_record(
        by=by,
        action="followup.submit_plan",
        obj=item,
        before=before,
        after={"state": item.state, "plan": item.plan},
        cycle_id=item.cycle_id,
    )
    return item


@transaction.atomic
def followup_review_plan(*, item: FollowUp, by: User, accept: bool, note: str = "") -> FollowUp:
    """The direct supervisor accepts a submitted plan (done) or returns it with a reason."""
    item = _locked(item)
    require(
        is_direct_supervisor(by, item.agent),
        _("only the agent's direct supervisor accepts a rectification plan"),
    )
    _require_kind(item, Kind.PLAN)
    _require_state(item, ItemState.SUBMITTED, _("review a plan"))
    if not accept and not note.strip():
        raise Invalid(_("say why the plan goes back to the agent"))
    before = {"state": item.state}
    item.answer = note.strip()
    if accept:
        item.state = ItemState.DONE
        item.done_by = signed_in(by)
        item.done_at = timezone.now()
    else:
        item.state = ItemState.OPEN
    item.save()
    audit_record(
        by=by,
        action="followup.accept_plan" if accept else "followup.return_plan",
        obj=item,
        before=before,
        after={"state": item.state},
        cycle_id=item.cycle_id,
        note=item.answer,
    )
    return item


@transaction.atomic
def followup_complete(*, item: FollowUp, by: User, note: str) -> FollowUp:
    """HR records what was decided on an HR item (training arranged, allowance moved...)."""
    require_hr(by, _("decide HR follow-ups"))
    item = _locked(item)
    _require_kind(item, Kind.HR)
    _require_state(item, ItemState.OPEN, _("record the decision"))
    if not note.strip():
        raise Invalid(_("record what was decided"))
    before = {"state": item.state}
    item.state = ItemState.DONE
    item.answer = note.strip()
    item.done_by = signed_in(by)
    item.done_at = timezone.now()
    item.save()
    audit_record(
        by=by,
        action="followup.complete",
        obj=item,
        before=before,
        after={"state": item.state},
        cycle_id=item.cycle_id,
        note=item.answer,
    )
    return item


# 事实依据 ------------------------------------------------------------------------------------

BASIS_FILES = 5
BASIS_FILE_BYTES = 5 * 1024 * 1024


def bases_missing(cycle: Cycle) -> list[tuple[Agent, str]]:
    """(agent, grade) of every current result whose grade asks for a factual basis
    (``requires_basis``) that nobody has written yet."""
    from appraise.web.evaluations.models import Result

    written = set(FactualBasis.objects.filter(cycle=cycle).values_list("agent_id", flat=True))
    rows = Result.objects.filter(cycle=cycle, is_current=True).select_related("agent")
    return [
        (r.agent, r.grade)
        for r in rows.order_by("agent__agent_id")
        if "requires_basis" in (r.flags or []) and r.agent_id not in written
    ]


@transaction.atomic
def basis_write(
    *,
    cycle: Cycle,
    agent: Agent,
    by: User,
    text: str,
    files: list[tuple[str, str, bytes]] = [],  # noqa: B006 - read only
) -> FactualBasis:
    """The direct supervisor (or HR) writes the factual basis of an agent's grade, with up to
    five files (name, content type, bytes), before the cycle is published."""
    from appraise.web.cycles.services import BEFORE_PUBLICATION
    from appraise.web.evaluations.models import Result
    from appraise.web.followups.models import BasisAttachment

    require(
        is_direct_supervisor(by, agent) or is_hr(by),
        _("only the agent's direct supervisor or HR may write the factual basis"),
    )
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state not in BEFORE_PUBLICATION:
        raise Conflict(_("the factual basis is written before the results are published"))
    result = Result.objects.filter(cycle=cycle, agent=agent, is_current=True).first()
    if result is None or "requires_basis" not in (result.flags or []):
        raise Conflict(_("this agent's grade asks for no factual basis"))
    if not text.strip():
        raise Invalid(_("write the facts the grade rests on"))
    basis = FactualBasis.objects.filter(cycle=cycle, agent=agent).first()
    if len(files) + (basis.attachments.count() if basis else 0) > BASIS_FILES:
        raise Invalid(_("at most %(n)d files per factual basis") % {"n": BASIS_FILES})
    for name, _type, content in files:
        if len(content) > BASIS_FILE_BYTES:
            raise Invalid(
                _("%(name)s is larger than %(mb)d MB")
                % {"name": name, "mb": BASIS_FILE_BYTES // 2**20}
            )
    before = {"text": basis.text} if basis else None
    if basis is None:
        basis = FactualBasis(cycle=cycle, agent=agent)
    basis.grade = result.grade
    basis.text = text.strip()
    basis.written_by = signed_in(by)
    basis.save()
    for name, content_type, content in files:
        BasisAttachment.objects.create(
            basis=basis,
            name=name[:200],
            content_type=content_type[:100],
            content=content,
            size=len(content),
        )
    audit_record(
        by=by,
        action="basis.write",
        obj=basis,
        before=before,
        after={"grade": basis.grade, "text": basis.text, "files": [n for n, _t, _c in files]},
        cycle_id=cycle.pk,
    )
    return basis
