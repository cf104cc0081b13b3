"""The month of seed 004 in Chromium with every kind of follow-up: the 事实依据 written before
publication and read by HR in calibration, the plans, the interview (written, signed, printed),
the HR items with the post allowance move, all done and checked at closing.

The cycle: s000-specialist and tests/web/followups/conftest.py's two seed 004 rules, with 不合格
asking for a factual basis and cutting the post allowance a level (s004-grades' 急需改进). Paper
totals: A002 90, A001 72 (rank 2), B001 45 (rank 3, 不合格). Items at publication: plans for A001
and B001 (the last two), B001's interview (below 合格), B001's training (last place) and
allowance cut (不合格): five.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import State
from appraise.web.followups.models import FactualBasis, FollowUp, ItemState
from appraise.web.org.models import Agent
from appraise.web.schemes.services import scheme_version_create

from ..conftest import S000, Advance, People, appeal_deadline_passed
from ..followups.conftest import EXTRA
from .conftest import SignIn
from .test_followups_month import PHONE, ok, open_from_todo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CUT = """  - {id: allowance_down, name: 岗位津贴下调一级, when: "grade == '不合格'", allowance: -1}
"""


def test_the_month_with_basis_plans_interview_and_allowance_closes_when_all_are_done(
    people: People, advance: Advance, sign_in: SignIn, tmp_path: Path
) -> None:
    text = (S000.read_text(encoding="utf-8") + EXTRA + CUT).replace(
        '- {name: 不合格, name_en: Unqualified, range: "< 50"}',
        '- {name: 不合格, name_en: Unqualified, range: "< 50", requires_basis: true}',
    )
    version = scheme_version_create(by=people.hr, text=text, file="s000-month.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月考核",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    Agent.objects.filter(pk=people.agent_b1.pk).update(allowance_level=2)
    advance(cycle, State.CALIBRATION)

    # Publishing waits for B001's factual basis.
    hr = sign_in(people.hr)
    hr.on("dialog", lambda dialog: dialog.accept())
    hr.goto(f"/cycles/{cycle.pk}/")
    assert "未填写" in hr.inner_text("#bases")
    hr.click("button[data-action=publish]")
    hr.wait_for_selector("[data-test=refused], .messages .error")
    assert "事实依据尚未填写" in hr.inner_text("main")

    # sup2 writes it from the team page, on a phone, with a file.
    sup2 = sign_in(people.sup2, width=PHONE)
    sup2.goto(f"/team/?cycle={cycle.pk}")
    sup2.click(f"#basis a[href='/team/{cycle.pk}/basis/B001/']")
    sup2.wait_for_load_state("networkidle")
    assert sup2.evaluate("document.documentElement.scrollWidth") <= PHONE
    letter = tmp_path / "投诉记录.txt"
    letter.write_text("10月8日、10月15日书面投诉", encoding="utf-8")
    sup2.fill("#basis-text", "两次书面投诉均已核实,工单超时 6 张。")
    sup2.set_input_files("#basis-files", str(letter))
    sup2.click("form:has(#basis-text) button[type=submit]")
    ok(sup2)
    sup2.screenshot(path=str(tmp_path / "basis.png"), full_page=True)
    assert FactualBasis.objects.get(cycle=cycle).attachments.count() == 1

    # HR reads it in calibration, then publishes.
    hr.goto(f"/cycles/{cycle.pk}/")
    assert "两次书面投诉均已核实" in hr.inner_text("#bases")
    assert hr.locator("#bases a:has-text('投诉记录.txt')").count() == 1
    with hr.expect_navigation():
        hr.click("button[data-action=publish]")
    hr.wait_for_load_state("networkidle")
    cycle.refresh_from_db()
    assert cycle.state == State.PUBLISHED
    assert FollowUp.objects.filter(cycle=cycle).count() == 5
    # The rule moved B001's post allowance from 2 to 1 at publication.
    assert Agent.objects.get(pk=people.agent_b1.pk).allowance_level == 1

    advance(cycle, "appeal_window")
    appeal_deadline_passed(cycle)
    hr.goto(f"/cycles/{cycle.pk}/")
    hr.click("button[data-action=close]")
    hr.wait_for_selector("[data-test=refused]")
    assert "还有 5 项跟进事项未完成" in hr.inner_text("main")

    # Plans: written by the agents, accepted by the supervisors.
    a1 = sign_in(people.a1, width=PHONE)
    open_from_todo(a1, "整改计划", "张三")
    a1.fill("#plan", "每天复盘三个会话")
    a1.click("form[action$='/plan/'] button[type=submit]")
    ok(a1)
    b1 = sign_in(people.b1, width=PHONE)
    b1.on("dialog", lambda dialog: dialog.accept())
    open_from_todo(b1, "整改计划", "王五")
    b1.fill("#plan", "每周两次跟听")
    b1.click("form[action$='/plan/'] button[type=submit]")
    ok(b1)
    sup1 = sign_in(people.sup1)
    open_from_todo(sup1, "整改计划", "张三")
    sup1.click("button[name=decision][value=accept]")
    ok(sup1)
    sup2.set_viewport_size({"width": 1280, "height": 900})
    open_from_todo(sup2, "整改计划", "王五")
    sup2.click("button[name=decision][value=accept]")
    ok(sup2)

    # The interview: sup2 writes it, B001 signs it, and it prints as the 绩效面谈表.
    open_from_todo(sup2, "绩效面谈", "王五")
    sup2.click("a:has-text('填写面谈记录')")
    sup2.fill("#iv-content", "核对了两次投诉和超时工单")
    sup2.fill("#iv-plan", "每周复盘")
    sup2.click("form:has(#iv-content) button[type=submit]")
    ok(sup2)
    b1.goto("/todo/")
    b1.click("[data-kind=interview_sign] a")
    b1.wait_for_load_state("networkidle")
    b1.click("form[action$='/sign/'] button[type=submit]")
    ok(b1)
    item = FollowUp.objects.get(cycle=cycle, agent=people.agent_b1, rule="improvement_interview")
    hr.goto(f"/followups/{item.pk}/")
    href = hr.get_attribute("a:has-text('打印绩效面谈表')", "href")
    assert href == f"/cycles/{cycle.pk}/interviews/B001.pdf"
    # Fetched with the page's session (a click would wait on the PDF's rendering as a
    # navigation): the form comes back as a PDF attachment.
    printed = hr.request.get(href, timeout=60000)
    assert printed.status == 200 and printed.headers["content-type"] == "application/pdf"
    assert "interview-2026-10-B001.pdf" in printed.headers["content-disposition"]

    # HR decides the two HR items; the allowance item shows the move.
    open_from_todo(hr, "人事决定", "王五")
    items: dict[str, Any] = {}
    for rule in ("targeted_training", "allowance_down"):
        items[rule] = FollowUp.objects.get(cycle=cycle, agent=people.agent_b1, rule=rule)
        hr.goto(f"/followups/{items[rule].pk}/")
        if rule == "allowance_down":
            assert "岗位津贴级别" in hr.inner_text("main") and "2 → 1" in hr.inner_text("main")
        hr.fill("#hr-note", "已安排" if rule == "targeted_training" else "十一月起按新级别发放")
        hr.click("form[action$='/complete/'] button[type=submit]")
        ok(hr)
    assert set(FollowUp.objects.filter(cycle=cycle).values_list("state", flat=True)) == {
        ItemState.DONE
    }
    hr.goto(f"/cycles/{cycle.pk}/")
    assert "5 项中 0 项未完成" in hr.inner_text("body")
    hr.click("button[data-action=close]")
    ok(hr)
    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED
