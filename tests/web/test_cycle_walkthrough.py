"""A whole cycle through the services, on the real s000 scheme, with totals worked by hand."""

from __future__ import annotations

from decimal import Decimal

from appraise.web.appeals import services as appeals
from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result
from appraise.web.evaluations.services import rating_set
from appraise.web.followups.models import FollowUp
from appraise.web.interviews import services as interviews

from .conftest import PAPER, S000_WEIGHTS, People, appeal_deadline_passed, ratings_csv


def _current(cycle: Cycle, agent_id: str) -> Result:
    return Result.objects.get(cycle=cycle, agent__agent_id=agent_id, is_current=True)


def test_a_cycle_from_draft_to_closed_scores_ratings_from_files_and_from_the_app(
    people: People, cycle: Cycle
) -> None:
    hr, sup1 = people.hr, people.sup1
    cs.cycle_import_data(cycle=cycle, by=hr, files={"ratings.csv": ratings_csv(PAPER)})
    cs.cycle_compute(cycle=cycle, by=hr)
    # A001: 80 on every leaf -> sum of 80 x weight / 100 = 80 x 90 / 100 = 72, grade 合格 [70, 85).
    r = _current(cycle, "A001")
    assert r.total == Decimal(72)
    assert r.grade == "合格"
    # Ranks: A002 90, A001 72, B001 45.
    assert [
        (x.agent.agent_id, x.rank) for x in Result.objects.filter(cycle=cycle).order_by("rank")
    ] == [
        ("A002", 1),
        ("A001", 2),
        ("B001", 3),
    ]
    cs.cycle_open_self_assessment(cycle=cycle, by=hr)
    rating_set(
        cycle=cycle,
        agent=people.agent_a1,
        indicator="courtesy",
        role="self",
        value="85",
        by=people.a1,
    )
    cs.cycle_open_supervisor_rating(cycle=cycle, by=hr)
    # The supervisor rates courtesy 90 in the app; it replaces the paper rating of 80.
    rating_set(
        cycle=cycle,
        agent=people.agent_a1,
        indicator="courtesy",
        role="supervisor",
        value="90",
        by=sup1,
    )
    cs.cycle_compute(cycle=cycle, by=hr)
    # 72 + (90 - 80) x 10 / 100 = 73.
    assert _current(cycle, "A001").total == Decimal(73)
    explain = next(i for i in _current(cycle, "A001").data["indicators"] if i["id"] == "courtesy")
    assert explain["value"] == 90
    cs.cycle_open_indirect_audit(cycle=cycle, by=hr)
    cs.cycle_confirm_team(cycle=cycle, team=people.team1, by=people.manager)
    cs.cycle_confirm_team(cycle=cycle, team=people.team2, by=people.manager)
    cs.cycle_open_calibration(cycle=cycle, by=hr)
    cs.cycle_calibrate(cycle=cycle, by=hr, agent=people.agent_b1, grade="待改进", note="新人首月")
    cs.cycle_publish(cycle=cycle, by=hr)
    assert _current(cycle, "B001").grade == "待改进"
    assert _current(cycle, "B001").computed_grade == "不合格"
    cs.cycle_open_interviews(cycle=cycle, by=hr)
    record = interviews.interview_write(
        cycle=cycle, agent=people.agent_a1, by=sup1, content="沟通顺畅", plan="提升工单处理速度"
    )
    interviews.interview_sign(record=record, by=people.a1, comment="同意")
    # B001's 待改进 is below 合格: the scheme asks for an interview, which keeps the cycle open
    # until B001 signs it.
    item = FollowUp.objects.get(cycle=cycle, agent=people.agent_b1)
    assert (item.rule, item.kind, item.state) == ("improvement_interview", "interview", "open")
    record = interviews.interview_write(
        cycle=cycle, agent=people.agent_b1, by=people.sup2, content="新人首月,逐项讲解指标"
    )
    interviews.interview_sign(record=record, by=people.b1, comment="明白")
    cs.cycle_open_appeal_window(cycle=cycle, by=hr, days=7)
    appeal = appeals.appeal_file(cycle=cycle, by=people.a1, reasons="礼貌得体一项有客户表扬记录")
    appeals.appeal_decide(appeal=appeal, by=sup1, decision="reject", note="已按记录评分")
    appeals.appeal_escalate(appeal=appeal, by=people.a1)
    appeals.appeal_decide(appeal=appeal, by=hr, decision="uphold", note="表扬记录属实")
    rating_set(
        cycle=cycle,
        agent=people.agent_a1,
        indicator="courtesy",
        role="supervisor",
        value="100",
        by=hr,
    )
    appeal = appeals.appeal_rescore(appeal=appeal, by=hr)
    appeal_deadline_passed(cycle)
    cs.cycle_close(cycle=cycle, by=hr)

    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED
    # After the appeal: 72 + (100 - 80) x 10 / 100 = 74, a new version; 73 is kept as version 1.
    versions = list(
        Result.objects.filter(cycle=cycle, agent=people.agent_a1)
        .order_by("version")
        .values_list("version", "total", "is_current")
    )
    assert versions == [(1, Decimal(73), False), (2, Decimal(74), True)]
    assert appeal.new_result is not None and appeal.new_result.version == 2
    actions = list(
        AuditLog.objects.filter(cycle_id=cycle.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "cycle.create",
        "cycle.import_data",
        "cycle.compute",
        "cycle.open_self_assessment",
        "rating.set",
        "cycle.open_supervisor_rating",
        "rating.set",
        "cycle.compute",
        "cycle.open_indirect_audit",
        "cycle.confirm_team",
        "cycle.confirm_team",
        "cycle.open_calibration",
        "result.calibrate",
        "cycle.publish",
        "followup.create",
        "cycle.open_interviews",
        "interview.write",
        "interview.sign",
        "interview.write",
        "interview.sign",
        "followup.done",
        "cycle.open_appeal_window",
        "appeal.file",
        "appeal.reject",
        "appeal.escalate",
        "appeal.uphold",
        "rating.set",
        "result.rescore",
        "appeal.rescore",
        "cycle.close",
    ]
    # Every entry names who did it.
    assert set(AuditLog.objects.filter(cycle_id=cycle.pk).values_list("actor_name", flat=True)) == {
        "hr",
        "a1",
        "sup1",
        "sup2",
        "b1",
        "manager",
    }


def test_the_weights_of_s000_add_up_to_90_points() -> None:
    # The fixture's hand-worked totals rely on this: every leaf's weight in points.
    assert sum(S000_WEIGHTS.values()) == 90
