"""Buttons only for steps the person may take now, confirmation before what cannot be taken
back, and no closing before the appeal deadline without HR's reason (audited)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from appraise.web.appeals import services as appeals
from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Conflict
from appraise.web.evaluations.services import rating_set
from appraise.web.followups.models import FollowUp, ItemState

from ..conftest import Advance, People, appeal_deadline_passed


def followups_done(cycle: Cycle) -> None:
    """The publication's follow-ups were done (tests/web/followups walks them one by one):
    here only the appeal deadline keeps the cycle open."""
    FollowUp.objects.filter(cycle=cycle).update(state=ItemState.DONE)


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def actions(page: str) -> list[str]:
    return re.findall(r'data-action="([a-z-]+)"', page)


def test_no_audit_button_while_the_results_are_older_than_a_rating(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    hr = client(people.hr)
    assert "open-indirect-audit" in actions(hr.get(f"/cycles/{cycle.pk}/").content.decode())
    rating_set(
        cycle=cycle, agent=people.agent_a1, indicator="courtesy", role="supervisor",
        value="90", by=people.sup1,
    )  # fmt: skip
    page = hr.get(f"/cycles/{cycle.pk}/").content.decode()
    assert "open-indirect-audit" not in actions(page)
    assert "compute" in actions(page)  # what to do instead, with the notice saying why


def test_no_close_button_while_an_appeal_is_open(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    appeals.appeal_file(cycle=cycle, by=people.a1, reasons="礼貌一项有表扬记录")
    page = client(people.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    assert "close" not in actions(page)
    assert 'data-test="open-appeals"' in page and "还有 1 条申诉未处理" in page


def test_every_rate_and_interview_link_of_the_dashboard_opens_for_its_reader(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    seen = {}
    for user in (people.hr, people.manager, people.sup1, people.sup2):
        c = client(user)
        page = c.get(f"/team/?cycle={cycle.pk}").content.decode()
        links = set(re.findall(r'href="(/team/\d+/(?:rate|interview)/[^"/]+/)"', page))
        for link in links:
            assert c.get(link).status_code == 200, (user.username, link)
        seen[user.username] = sorted(links)
    # The indirect supervisor neither rates nor writes interviews: no link at all; HR rates
    # everyone but writes no interview; each supervisor both, for their own team only.
    assert seen["manager"] == []
    assert all("/rate/" in link for link in seen["hr"]) and len(seen["hr"]) == 3
    assert seen["sup1"] == sorted(
        f"/team/{cycle.pk}/{kind}/{agent}/"
        for kind in ("interview", "rate")
        for agent in ("A001", "A002")
    )


def test_irreversible_steps_ask_first(people: People, cycle: Cycle, advance: Advance) -> None:
    advance(cycle, State.CALIBRATION)
    page = client(people.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    publish = re.search(r'<form[^>]*action="/cycles/\d+/do/publish/"[^>]*>', page)
    assert publish and 'data-confirm="确定发布考核结果吗' in publish.group(0)
    calibrate = re.findall(r'<form[^>]*action="/cycles/\d+/calibrate/"[^>]*>', page)
    assert len(calibrate) == 3 and all("data-confirm=" in f for f in calibrate)


def test_closing_before_the_appeal_deadline_needs_a_reason_and_is_audited(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    followups_done(cycle)
    assert cycle.appeal_deadline is not None
    with pytest.raises(Conflict) as refused:
        cs.cycle_close(cycle=cycle, by=people.hr)
    assert refused.value.code == "appeal_window_open"
    with pytest.raises(Conflict):
        cs.cycle_close(cycle=cycle, by=people.hr, override_reason="  ")
    cycle.refresh_from_db()
    assert cycle.state == State.APPEAL_WINDOW
    cs.cycle_close(cycle=cycle, by=people.hr, override_reason="全员已确认结果,无人申诉")
    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED
    entry = AuditLog.objects.get(action="cycle.close_override", cycle_id=cycle.pk)
    assert entry.note == "全员已确认结果,无人申诉"
    assert entry.after["appeal_deadline"].startswith(str(cycle.appeal_deadline.date()))


def test_after_the_deadline_the_cycle_closes_without_a_reason_and_without_an_override(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    followups_done(cycle)
    appeal_deadline_passed(cycle)
    cs.cycle_close(cycle=cycle, by=people.hr)
    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED
    assert not AuditLog.objects.filter(action="cycle.close_override").exists()


def test_the_cycle_page_asks_for_the_reason_and_keeps_it_when_refused(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    followups_done(cycle)
    hr = client(people.hr)
    page = hr.get(f"/cycles/{cycle.pk}/").content.decode()
    assert 'placeholder="提前关闭（申诉截止前）的理由"' in page
    response = hr.post(f"/cycles/{cycle.pk}/do/close/", {"next": f"/cycles/{cycle.pk}/"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "申诉截止时间" in page and 'id="override-reason-error"' in page
    response = hr.post(
        f"/cycles/{cycle.pk}/do/close/",
        {"next": f"/cycles/{cycle.pk}/", "override_reason": "提前结束"},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED


def test_the_command_closes_early_only_with_a_reason(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    followups_done(cycle)
    with pytest.raises(CommandError, match="申诉截止"):
        call_command("cycle", str(cycle.pk), "close", "--as", "hr")
    call_command("cycle", str(cycle.pk), "close", "--as", "hr", "--override-reason", "提前结束")
    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED
