"""The follow-up pages as their owners use them: Chinese by default, counts in the top bar."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.cycles.models import Cycle, State
from appraise.web.followups.models import FollowUp, ItemState

from ..conftest import Advance, People, appeal_deadline_passed


def client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _count_in_top_bar(html: str) -> str | None:
    found = re.search(r'href="/todo/"[^>]*>待办<span class="count">(\d+)</span>', html)
    return found.group(1) if found else None


def test_the_to_do_page_lists_the_persons_items_in_chinese_with_the_count_in_the_top_bar(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    html = client(people.a1).get("/todo/").content.decode()
    assert "<h1>待办</h1>" in html
    assert "整改计划" in html and "排名后两名提交整改计划" in html
    assert "到期" in html
    assert _count_in_top_bar(html) == "1"  # A001's plan
    # HR: B001's training; the count is HR's own.
    html = client(people.hr).get("/todo/").content.decode()
    assert "末位针对性培训" in html and "人事决定" in html
    assert _count_in_top_bar(html) == "1"
    # Nothing waiting: no count at all.
    html = client(people.sup1).get("/todo/").content.decode()
    assert "暂无待办事项" in html
    assert _count_in_top_bar(html) is None


def test_the_to_do_page_speaks_english_on_request(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    html = client(people.a1).get("/todo/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>To-do</h1>" in html and "rectification plan" in html


def test_an_agent_submits_a_plan_and_the_supervisor_accepts_it_through_the_pages(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    item = FollowUp.objects.get(cycle=fcycle, agent=people.agent_a1, rule="rectification_plan")
    page = client(people.a1).get(f"/followups/{item.pk}/").content.decode()
    assert f'action="/followups/{item.pk}/plan/"' in page
    assert "分析落后原因、找出改进措施" in page  # the scheme's note says what is asked
    response = client(people.a1).post(f"/followups/{item.pk}/plan/", {"plan": "每天复盘三个会话"})
    assert response.status_code == 302
    page = client(people.sup1).get(f"/followups/{item.pk}/").content.decode()
    assert "每天复盘三个会话" in page and "待主管确认" in page
    assert f'action="/followups/{item.pk}/review/"' in page
    client(people.sup1).post(f"/followups/{item.pk}/review/", {"decision": "accept"})
    item.refresh_from_db()
    assert item.state == ItemState.DONE


def test_an_empty_plan_comes_back_with_the_reason_in_chinese(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    item = FollowUp.objects.get(cycle=fcycle, agent=people.agent_a1, rule="rectification_plan")
    response = client(people.a1).post(
        f"/followups/{item.pk}/plan/", {"plan": " ", "next": f"/followups/{item.pk}/"}
    )
    # The page again, not a redirect: the reason beside the plan's field, what was typed kept.
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<div class="errorlist" id="plan-error"[^>]*>[^<]*请填写整改计划', body)
    assert 'aria-invalid="true"' in body
    item.refresh_from_db()
    assert item.state == ItemState.OPEN


def test_returning_a_plan_without_a_note_keeps_the_page_and_says_why(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    item = FollowUp.objects.get(cycle=fcycle, agent=people.agent_a1, rule="rectification_plan")
    client(people.a1).post(f"/followups/{item.pk}/plan/", {"plan": "每天复盘三个会话"})
    response = client(people.sup1).post(
        f"/followups/{item.pk}/review/", {"decision": "return", "note": "  "}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="note-error"' in body and "每天复盘三个会话" in body
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED


def test_the_team_dashboard_shows_the_teams_open_follow_ups(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "published")
    html = client(people.sup2).get(f"/team/?cycle={fcycle.pk}").content.decode()
    assert "未完成的跟进事项" in html
    assert "王五" in html and "待改进绩效面谈" in html
    # sup1 leads 一组 only: A001's plan, not B001's items.
    html = client(people.sup1).get(f"/team/?cycle={fcycle.pk}").content.decode()
    assert "排名后两名提交整改计划" in html and "待改进绩效面谈" not in html


def test_hr_closes_from_the_cycle_page_only_with_a_reason_while_items_are_open(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "appeal_window")
    appeal_deadline_passed(fcycle)
    hr = client(people.hr)
    page = hr.get(f"/cycles/{fcycle.pk}/").content.decode()
    assert "4 项中 4 项未完成" in page
    assert 'name="override_reason"' in page
    back = {"next": f"/cycles/{fcycle.pk}/"}  # as the page's form sends it
    response = hr.post(f"/cycles/{fcycle.pk}/do/close/", back, follow=True)
    assert "还有 4 项跟进事项未完成" in response.content.decode()
    fcycle.refresh_from_db()
    assert fcycle.state == State.APPEAL_WINDOW
    hr.post(f"/cycles/{fcycle.pk}/do/close/", {"override_reason": "人员变动,下月跟进"})
    fcycle.refresh_from_db()
    assert fcycle.state == State.CLOSED
    assert AuditLog.objects.get(action="cycle.close_override").note == "人员变动,下月跟进"


def test_the_api_closes_with_an_override_reason_too(
    people: People, fcycle: Cycle, advance: Advance, api: object
) -> None:
    advance(fcycle, "appeal_window")
    c = api(people.hr)  # type: ignore[operator]
    refused = c.post(f"/api/cycles/{fcycle.pk}/close/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "open_followups"
    done = c.post(f"/api/cycles/{fcycle.pk}/close/", {"override_reason": "下月跟进"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "closed"


def test_the_count_in_the_top_bar_is_the_length_of_the_list_for_everyone(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    # todo_count counts the follow-ups in the database instead of building each item.
    from appraise.web.followups.todo import todo_count, todo_list

    advance(fcycle, "published")
    for user in (people.a1, people.b1, people.sup1, people.sup2, people.manager, people.hr):
        listed = sum(len(items) for items in todo_list(user=user).values())
        assert todo_count(user=user) == listed, user.username
