"""The 待办 list reads what waits for each person from the other apps, and HR's progress per
step counts the same things (tests/web/conftest.py: 一组 = A001, A002 with sup1; 二组 = B001
with sup2; manager confirms both; s000-specialist has 10 rated indicators)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from appraise.web.appeals import services as appeals
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.services import rating_set
from appraise.web.followups.todo import cycle_progress, todo_count, todo_list
from appraise.web.qa import services as qs

from ..conftest import PAPER, S000_WEIGHTS, Advance, People, ratings_csv
from ..qa.conftest import C002, Qa, qa  # noqa: F401 (the qa fixture)


def _titles(user: User, kind: str) -> list[str]:
    return [t.title for t in todo_list(user=user).get(kind, [])]


def _progress(cycle: Cycle) -> dict[str, tuple[int, int]]:
    return {str(s.label): (s.done, s.of) for s in cycle_progress(cycle)}


def test_an_agent_sees_their_self_assessment_until_every_indicator_is_assessed(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    [item] = todo_list(user=people.a1)["self_assessment"]
    assert (item.detail, item.url) == ("已自评 0 / 10 项指标", f"/me/{cycle.pk}/")
    assert _progress(cycle)["已完成自评"] == (0, 3)
    for indicator in list(S000_WEIGHTS)[:9]:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="self",
            value="90",
            by=people.a1,
        )
    assert todo_list(user=people.a1)["self_assessment"][0].detail == "已自评 9 / 10 项指标"
    rating_set(
        cycle=cycle,
        agent=people.agent_a1,
        indicator="suggestions",
        role="self",
        value="90",
        by=people.a1,
    )
    assert "self_assessment" not in todo_list(user=people.a1)
    assert _progress(cycle)["已完成自评"] == (1, 3)  # A001 of A001, A002, B001


def test_a_supervisor_sees_the_agents_whose_ratings_no_file_or_form_has_given(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    # The paper has A001 and A002 only: B001 (二组, sup2) has all 10 indicators to rate.
    paper = {k: v for k, v in PAPER.items() if k != "B001"}
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(paper)})
    cs.cycle_compute(cycle=cycle, by=people.hr)
    advance(cycle, "supervisor_rating")
    [item] = todo_list(user=people.sup2)["ratings"]
    assert item.title == "王五 B001"
    assert item.detail == "十月考核:10 项指标待评分"
    assert item.url == f"/team/{cycle.pk}/rate/B001/"
    assert "ratings" not in todo_list(user=people.sup1)  # the file rated 一组
    assert "ratings" not in todo_list(user=people.hr)  # HR may rate, but it is not HR's work
    assert _progress(cycle)["已完成评分的员工"] == (2, 3)
    for indicator in S000_WEIGHTS:
        rating_set(
            cycle=cycle,
            agent=people.agent_b1,
            indicator=indicator,
            role="supervisor",
            value="60",
            by=people.sup2,
        )
    assert "ratings" not in todo_list(user=people.sup2)
    assert _progress(cycle)["已完成评分的员工"] == (3, 3)


def test_the_indirect_supervisor_sees_each_team_to_confirm(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "indirect_audit")
    assert _titles(people.manager, "confirm_team") == ["一组", "二组"]
    assert _progress(cycle)["已审核确认的班组"] == (0, 2)
    cs.cycle_confirm_team(cycle=cycle, team=people.team1, by=people.manager)
    assert _titles(people.manager, "confirm_team") == ["二组"]
    assert _titles(people.sup1, "confirm_team") == []
    assert _progress(cycle)["已审核确认的班组"] == (1, 2)


def test_appeals_wait_for_the_supervisor_first_then_for_hr(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "appeal_window")
    appeal = appeals.appeal_file(cycle=cycle, by=people.a1, reasons="投诉率算错了")
    assert _titles(people.sup1, "appeal") == [f"#{appeal.pk} 张三 A001"]
    assert _titles(people.sup2, "appeal") == [] and _titles(people.hr, "appeal") == []
    appeals.appeal_decide(appeal=appeal, by=people.sup1, decision="reject", note="数据无误")
    assert _titles(people.sup1, "appeal") == []
    appeals.appeal_escalate(appeal=appeal, by=people.a1)
    assert _titles(people.hr, "appeal") == [f"#{appeal.pk} 张三 A001"]
    assert _progress(cycle)["已处理完的申诉"] == (0, 1)
    appeals.appeal_decide(appeal=appeal, by=people.hr, decision="reject", note="维持")
    assert _titles(people.hr, "appeal") == []
    assert _progress(cycle)["已处理完的申诉"] == (1, 1)


def test_an_interview_record_waits_for_the_agents_signature(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    from appraise.web.interviews import services as interviews

    advance(cycle, "interviews")
    record = interviews.interview_write(
        cycle=cycle, agent=people.agent_a1, by=people.sup1, content="沟通顺畅"
    )
    assert _titles(people.a1, "interview_sign") == ["十月考核 · 2026-10"]
    assert _progress(cycle)["已签字的面谈记录"] == (0, 1)
    interviews.interview_sign(record=record, by=people.a1)
    assert _titles(people.a1, "interview_sign") == []
    assert _progress(cycle)["已签字的面谈记录"] == (1, 1)


def test_a_qa_dispute_waits_for_the_reviewers_who_may_decide_it(qa: Qa) -> None:  # noqa: F811
    qa.sample()
    a = qa.assignment("K-A001-2")
    first = qs.review_submit(assignment=a, by=a.reviewer, ratings=C002)
    d = qs.dispute_open(review=first, by=qa.people.a1, reason="倾听没有问题")
    other = qa.other_reviewer(a.reviewer)
    # Open: any QA reviewer but the first may take it (q3 and the other of q1, q2).
    assert _titles(other, "qa_dispute") == [f"#{d.pk} 张三 A001"]
    assert _titles(qa.q3, "qa_dispute") == [f"#{d.pk} 张三 A001"]
    assert _titles(a.reviewer, "qa_dispute") == []
    qs.dispute_assign(dispute=d, reviewer=qa.q3, by=qa.people.hr)
    assert _titles(qa.q3, "qa_dispute") == [f"#{d.pk} 张三 A001"]
    assert _titles(other, "qa_dispute") == []


def test_the_top_bar_counts_every_kind_and_the_page_lists_them(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    assert todo_count(user=people.a1) == 1
    c = Client()
    c.force_login(people.a1)
    html = c.get("/todo/").content.decode()
    assert '待办<span class="count">1</span>' in html
    assert "待自评" in html and "已自评 0 / 10 项指标" in html
    c.force_login(people.sup1)
    assert "暂无待办事项" in c.get("/todo/").content.decode()


def test_the_cycle_page_shows_hr_the_progress_of_each_step(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "indirect_audit")
    c = Client()
    c.force_login(people.hr)
    html = c.get(f"/cycles/{cycle.pk}/").content.decode()
    assert "各步骤进度" in html
    assert "已完成自评" in html and "0 / 3" in html
    assert "已审核确认的班组" in html and "0 / 2" in html
