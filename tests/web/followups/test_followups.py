"""Follow-ups: created when a cycle is published, moved by their owners, checked at closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appraise.schemes.model import Consequence
from appraise.web.appeals import services as appeals
from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Conflict, Forbidden, Invalid
from appraise.web.evaluations.services import rating_set
from appraise.web.followups import selectors as sel
from appraise.web.followups import services as svc
from appraise.web.followups.models import GAP_RULE, FollowUp, ItemState, Kind
from appraise.web.followups.todo import todo_list
from appraise.web.interviews import services as interviews

from ..conftest import S000_WEIGHTS, Advance, People, appeal_deadline_passed


def _items(cycle: Cycle) -> list[tuple[str, str, str, str]]:
    return sorted(
        (f.agent.agent_id, f.rule, f.kind, f.state)
        for f in FollowUp.objects.filter(cycle=cycle).select_related("agent")
    )


def _item(cycle: Cycle, agent_id: str, rule: str) -> FollowUp:
    return FollowUp.objects.get(cycle=cycle, agent__agent_id=agent_id, rule=rule)


def test_an_undeclared_follow_up_is_hr_work_unless_the_consequence_pays() -> None:
    assert Consequence(id="x", name="培训", when="total < 70").follow_up_kind == "hr"
    assert Consequence(id="x", name="奖励", when="rank == 1", pay=100).follow_up_kind == "none"
    assert (
        Consequence(id="x", name="面谈", when="total < 70", follow_up="interview").follow_up_kind
        == "interview"
    )


def test_nothing_is_created_before_publication(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "calibration")
    assert _items(fcycle) == []


def test_publishing_turns_the_schemes_consequences_into_work_with_owners_and_due_dates(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    # Ranks 2 and 3 (A001 72, B001 45) submit a plan; rank 3 = last_rank gets training (HR);
    # B001's 不合格 is below 合格: an interview. A002 (rank 1, 称职) has nothing.
    assert _items(fcycle) == [
        ("A001", "rectification_plan", Kind.PLAN, ItemState.OPEN),
        ("B001", "improvement_interview", Kind.INTERVIEW, ItemState.OPEN),
        ("B001", "rectification_plan", Kind.PLAN, ItemState.OPEN),
        ("B001", "targeted_training", Kind.HR, ItemState.OPEN),
    ]
    fcycle.refresh_from_db()
    assert fcycle.published_at is not None
    published = timezone.localdate(fcycle.published_at)
    plan = _item(fcycle, "A001", "rectification_plan")
    assert plan.due_on == published + timedelta(days=7)  # due_days: 7
    assert plan.rule_name == "排名后两名提交整改计划"
    assert plan.note == "分析落后原因、找出改进措施"
    assert plan.explain  # the engine's reading of the rule
    assert _item(fcycle, "B001", "targeted_training").due_on is None
    entry = AuditLog.objects.get(action="followup.create", cycle_id=fcycle.pk)
    assert len(entry.after) == 4


def test_who_has_which_item_on_their_to_do_list(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")

    def todo(user: object) -> list[tuple[str, str]]:
        return sorted((f.agent.agent_id, f.rule) for f in sel.followup_todo(user=user))  # type: ignore[arg-type]

    assert todo(people.a1) == [("A001", "rectification_plan")]
    assert todo(people.b1) == [("B001", "rectification_plan")]
    assert todo(people.sup2) == [("B001", "improvement_interview")]
    assert todo(people.sup1) == []
    assert todo(people.hr) == [("B001", "targeted_training")]
    assert todo(people.manager) == []  # the indirect supervisor sees them, but owns none
    assert len(sel.followup_list(user=people.manager)) == 4
    assert sorted(f.agent.agent_id for f in sel.followup_list(user=people.a1)) == ["A001"]


def test_an_interview_item_is_done_when_the_agent_signs_the_record(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "interviews")
    item = _item(fcycle, "B001", "improvement_interview")
    record = interviews.interview_write(
        cycle=fcycle, agent=people.agent_b1, by=people.sup2, content="逐项核对", plan="每周复盘"
    )
    item.refresh_from_db()
    assert (item.interview_id, item.state) == (record.pk, ItemState.OPEN)
    # Written: now the agent's signature is awaited, on the agent's list, off the supervisor's.
    assert [t.url for t in todo_list(user=people.b1)["interview_sign"]] == [f"/me/{fcycle.pk}/"]
    assert list(sel.followup_todo(user=people.sup2)) == []
    interviews.interview_sign(record=record, by=people.b1, comment="同意")
    item.refresh_from_db()
    assert item.state == ItemState.DONE
    assert item.done_by == people.b1
    assert AuditLog.objects.filter(action="followup.done", object_id=str(item.pk)).exists()


def test_an_interview_signed_before_publication_counts(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "supervisor_rating")
    record = interviews.interview_write(
        cycle=fcycle, agent=people.agent_b1, by=people.sup2, content="提前面谈"
    )
    interviews.interview_sign(record=record, by=people.b1)
    advance(fcycle, "published")
    item = _item(fcycle, "B001", "improvement_interview")
    assert (item.state, item.interview_id) == (ItemState.DONE, record.pk)


def test_a_plan_is_submitted_by_the_agent_and_accepted_or_returned_by_the_supervisor(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    item = _item(fcycle, "A001", "rectification_plan")
    with pytest.raises(Forbidden):
        svc.followup_submit_plan(item=item, by=people.sup1, text="代写")
    with pytest.raises(Invalid):
        svc.followup_submit_plan(item=item, by=people.a1, text="  ")
    item = svc.followup_submit_plan(item=item, by=people.a1, text="响应慢:每天复盘三个会话")
    assert item.state == ItemState.SUBMITTED
    assert [f.pk for f in sel.followup_todo(user=people.sup1)] == [item.pk]
    with pytest.raises(Forbidden):  # the other team's supervisor
        svc.followup_review_plan(item=item, by=people.sup2, accept=True)
    with pytest.raises(Invalid):  # returning needs a reason
        svc.followup_review_plan(item=item, by=people.sup1, accept=False)
    item = svc.followup_review_plan(item=item, by=people.sup1, accept=False, note="措施太笼统")
    assert (item.state, item.answer) == (ItemState.OPEN, "措施太笼统")
    item = svc.followup_submit_plan(item=item, by=people.a1, text="每天复盘三个会话,周五交主管")
    item = svc.followup_review_plan(item=item, by=people.sup1, accept=True)
    assert item.state == ItemState.DONE
    with pytest.raises(Conflict):
        svc.followup_submit_plan(item=item, by=people.a1, text="再交一次")
    actions = list(
        AuditLog.objects.filter(object_type="followups.followup", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "followup.submit_plan",
        "followup.return_plan",
        "followup.submit_plan",
        "followup.accept_plan",
    ]


def test_a_plan_past_its_due_date_is_overdue_until_submitted(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    item = _item(fcycle, "A001", "rectification_plan")
    assert not item.overdue
    FollowUp.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    item.refresh_from_db()
    assert item.overdue
    item = svc.followup_submit_plan(item=item, by=people.a1, text="补交")
    assert not item.overdue


def test_hr_records_the_decision_of_an_hr_item(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    item = _item(fcycle, "B001", "targeted_training")
    with pytest.raises(Forbidden):
        svc.followup_complete(item=item, by=people.sup2, note="已安排")
    with pytest.raises(Invalid):
        svc.followup_complete(item=item, by=people.hr, note="")
    item = svc.followup_complete(item=item, by=people.hr, note="已报名十一月产品培训")
    assert (item.state, item.answer, item.done_by) == (
        ItemState.DONE,
        "已报名十一月产品培训",
        people.hr,
    )
    with pytest.raises(Conflict):  # a plan is not HR's to complete
        svc.followup_complete(
            item=_item(fcycle, "A001", "rectification_plan"), by=people.hr, note="x"
        )


def _finish_all(people: People, cycle: Cycle) -> None:
    for agent_id, by in (("A001", people.a1), ("B001", people.b1)):
        item = svc.followup_submit_plan(
            item=_item(cycle, agent_id, "rectification_plan"), by=by, text="改进措施"
        )
        reviewer = people.sup1 if agent_id == "A001" else people.sup2
        svc.followup_review_plan(item=item, by=reviewer, accept=True)
    svc.followup_complete(
        item=_item(cycle, "B001", "targeted_training"), by=people.hr, note="已培训"
    )
    record = interviews.interview_write(
        cycle=cycle, agent=people.agent_b1, by=people.sup2, content="面谈"
    )
    interviews.interview_sign(record=record, by=people.b1)


def test_an_open_follow_up_blocks_closing_and_the_cycle_closes_once_all_are_done(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "appeal_window")
    with pytest.raises(Conflict) as refused:
        cs.cycle_close(cycle=fcycle, by=people.hr)
    assert refused.value.code == "open_followups"
    assert "4" in str(refused.value)
    _finish_all(people, fcycle)
    appeal_deadline_passed(fcycle)
    cs.cycle_close(cycle=fcycle, by=people.hr)
    fcycle.refresh_from_db()
    assert fcycle.state == State.CLOSED
    assert not AuditLog.objects.filter(action="cycle.close_override").exists()


def test_hr_closes_with_open_follow_ups_only_with_a_reason_and_the_audit_names_them(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "appeal_window")
    svc.followup_complete(
        item=_item(fcycle, "B001", "targeted_training"), by=people.hr, note="已培训"
    )
    with pytest.raises(Conflict):
        cs.cycle_close(cycle=fcycle, by=people.hr, override_reason="   ")
    cs.cycle_close(cycle=fcycle, by=people.hr, override_reason="B001 已离职,A001 调岗")
    fcycle.refresh_from_db()
    assert fcycle.state == State.CLOSED
    entry = AuditLog.objects.get(action="cycle.close_override", cycle_id=fcycle.pk)
    assert entry.note == "B001 已离职,A001 调岗"
    assert sorted((i["agent"], i["rule"]) for i in entry.after["open_followups"]) == [
        ("A001", "rectification_plan"),
        ("B001", "improvement_interview"),
        ("B001", "rectification_plan"),
    ]
    # The work is not lost: it stays on the owners' lists.
    assert [f.rule for f in sel.followup_todo(user=people.a1)] == ["rectification_plan"]


def test_a_grade_gap_still_open_at_publication_asks_for_an_interview(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    # A001 rates themselves 100 everywhere: self total 90 (称职) against the paper's 72 (合格),
    # a grade apart (tests/web/test_grade_gap.py).
    advance(cycle, "self_assessment")
    for indicator in S000_WEIGHTS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="self",
            value="100",
            by=people.a1,
        )
    advance(cycle, "published")
    item = _item(cycle, "A001", GAP_RULE)
    assert item.kind == Kind.INTERVIEW
    assert item.explain == "称职 / 合格"
    assert [f.pk for f in sel.followup_todo(user=people.sup1)] == [item.pk]


def test_a_re_score_adds_newly_fired_items_and_keeps_the_work_done(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "appeal_window")
    done = svc.followup_complete(
        item=_item(fcycle, "B001", "targeted_training"), by=people.hr, note="已培训"
    )
    a2 = people.agent_a2.user
    assert a2 is not None
    appeal = appeals.appeal_file(cycle=fcycle, by=a2, reasons="评分录错了")
    appeals.appeal_decide(appeal=appeal, by=people.sup1, decision="uphold", note="属实")
    # A002 drops to 40 on every leaf: 40 x 90 / 100 = 36, last place (不合格); B001 moves to 2.
    for indicator in S000_WEIGHTS:
        rating_set(
            cycle=fcycle,
            agent=people.agent_a2,
            indicator=indicator,
            role="supervisor",
            value="40",
            by=people.hr,
        )
    cs.cycle_rescore(cycle=fcycle, by=people.hr, reason="补录")
    rules = {(a, r) for a, r, _k, _s in _items(fcycle)}
    assert {
        ("A002", "rectification_plan"),
        ("A002", "targeted_training"),
        ("A002", "improvement_interview"),
    } <= rules
    done.refresh_from_db()
    assert done.state == ItemState.DONE  # B001 is no longer last, but the training happened
