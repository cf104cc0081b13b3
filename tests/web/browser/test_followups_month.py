"""The month's follow-ups clicked through in Chromium, each by its owner, until the cycle closes.

The cycle (tests/web/followups/conftest.py): s000-specialist plus seed 004's two rules; on the
paper ratings A001 (rank 2) and B001 (rank 3, 不合格) owe a rectification plan, B001 an interview
(below 合格) and HR a training decision (last place). HR cannot close while they are open; the
agents (on a 390-px phone) and the supervisors finish them from their 待办 lists; then HR closes.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.followups.models import FollowUp, ItemState
from appraise.web.schemes.services import scheme_version_create

from ..conftest import S000, Advance, People, appeal_deadline_passed
from ..followups.conftest import EXTRA
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = 390


def ok(page: Any) -> None:
    page.wait_for_selector(".messages .success")


def open_from_todo(page: Any, kind: str, name: str) -> None:
    """Open the item of this kind (its badge) and agent from the person's 待办 list."""
    page.goto("/todo/")
    page.click(f".todo-list a:has-text('{kind}'):has-text('{name}')")
    page.wait_for_load_state("networkidle")


def test_every_follow_up_is_done_by_its_owner_and_the_cycle_closes_after(
    people: People, advance: Advance, sign_in: SignIn
) -> None:
    version = scheme_version_create(
        by=people.hr, text=S000.read_text(encoding="utf-8") + EXTRA, file="s000-specialist.yaml"
    )
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月考核",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    advance(cycle, "appeal_window")
    # The appeal window is over (closing before its deadline needs a reason of its own).
    appeal_deadline_passed(cycle)
    assert FollowUp.objects.filter(cycle=cycle).count() == 4

    hr = sign_in(people.hr)
    # Closing asks first; HR says yes.
    hr.on("dialog", lambda dialog: dialog.accept())
    hr.goto(f"/cycles/{cycle.pk}/")
    assert "4 项中 4 项未完成" in hr.inner_text("body")
    hr.click("button[data-action=close]")
    # The refusal comes back on the cycle page, the reason beside the step's reason field.
    hr.wait_for_selector("[data-test=refused]")
    assert "还有 4 项跟进事项未完成" in hr.inner_text("main")

    # The agents write their plans on a phone, from the count in the top bar.
    a1 = sign_in(people.a1, width=PHONE)
    assert a1.inner_text("nav.nav a[href='/todo/'] .count") == "1"
    a1.goto("/todo/")
    assert a1.evaluate("document.documentElement.scrollWidth") <= PHONE  # no sideways scroll
    open_from_todo(a1, "整改计划", "张三")
    assert a1.evaluate("document.documentElement.scrollWidth") <= PHONE
    a1.fill("#plan", "响应慢:每天复盘三个会话,周五交主管")
    a1.click("form[action$='/plan/'] button[type=submit]")
    ok(a1)
    b1 = sign_in(people.b1, width=PHONE)
    b1.on("dialog", lambda dialog: dialog.accept())  # signing asks first
    open_from_todo(b1, "整改计划", "王五")
    b1.fill("#plan", "补学产品知识,每周两次跟听")
    b1.click("form[action$='/plan/'] button[type=submit]")
    ok(b1)

    # The supervisors accept them; sup2 also holds B001's interview.
    sup1 = sign_in(people.sup1)
    open_from_todo(sup1, "整改计划", "张三")
    sup1.click("button[name=decision][value=accept]")
    ok(sup1)
    sup2 = sign_in(people.sup2)
    open_from_todo(sup2, "整改计划", "王五")
    sup2.click("button[name=decision][value=accept]")
    ok(sup2)
    open_from_todo(sup2, "绩效面谈", "王五")
    sup2.click("a:has-text('填写面谈记录')")
    sup2.fill("#iv-content", "逐项核对了各指标,重点是工单处理速度")
    sup2.fill("#iv-plan", "每周复盘")
    sup2.click("form:has(#iv-content) button[type=submit]")
    ok(sup2)
    sup2.goto("/todo/")
    assert "暂无待办事项" in sup2.inner_text("body")

    # B001 signs the record from the to-do list (interview to sign).
    b1.goto("/todo/")
    b1.click("[data-kind=interview_sign] a")
    b1.wait_for_load_state("networkidle")
    b1.click("form[action$='/sign/'] button[type=submit]")
    ok(b1)

    # HR records the training decision, then closes.
    open_from_todo(hr, "人事决定", "王五")
    hr.fill("#hr-note", "已报名十一月产品知识培训")
    hr.click("form[action$='/complete/'] button[type=submit]")
    ok(hr)
    assert set(FollowUp.objects.filter(cycle=cycle).values_list("state", flat=True)) == {
        ItemState.DONE
    }
    hr.goto(f"/cycles/{cycle.pk}/")
    assert "4 项中 0 项未完成" in hr.inner_text("body")
    hr.click("button[data-action=close]")
    ok(hr)
    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED
    assert isinstance(cycle, Cycle)
