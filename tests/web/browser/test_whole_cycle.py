"""A whole appraisal cycle clicked through in Chromium by the people who live it.

HR creates the cycle, imports the paper ratings and computes; the agent assesses themselves; the
supervisor rates; HR calibrates and publishes; the agent reads the scorecard and appeals; the
supervisor rejects, the agent escalates, HR upholds and corrects; the agent sees the new result;
the audit log shows every step, in order, with who did it.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.web.appeals.models import Appeal
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.models import Result
from appraise.web.schemes.models import SchemeVersion

from ..conftest import PAPER, People, ratings_csv
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def step(page: Any, cycle_id: int, action: str) -> None:
    page.goto(f"/cycles/{cycle_id}/")
    page.click(f"button[data-action={action}]")
    page.wait_for_load_state("networkidle")


def wait_for_task(page: Any) -> None:
    page.wait_for_selector("#task-area [data-status=done]")


def test_a_cycle_from_creation_to_the_appeal_walked_through_in_the_browser(
    people: People, scheme_version: SchemeVersion, sign_in: SignIn
) -> None:
    hr = sign_in(people.hr)
    assert hr.url.endswith("/cycles/")  # HR's home is the cycle list
    # Steps that cannot be taken back ask first; each person here says yes (what is asked is
    # checked at the end; dismissing is tests/web/browser/test_forms_and_confirmation.py).
    asked: list[str] = []

    def yes(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    hr.on("dialog", yes)

    # HR opens the cycle and imports the paper ratings, which are computed at once.
    hr.fill("#id_name", "十月考核")
    hr.select_option("#id_scheme_version", value=str(scheme_version.pk))
    hr.fill("#id_period", "2026-10")
    for box in hr.query_selector_all("input[name=teams]"):
        box.check()
    hr.click("main form button[type=submit]")
    hr.wait_for_url("**/cycles/*/")
    cycle = Cycle.objects.get(name="十月考核")
    hr.set_input_files(
        "#import-files",
        files=[{"name": "ratings.csv", "mimeType": "text/csv", "buffer": ratings_csv(PAPER)}],
    )
    hr.click("#import-form button[type=submit]")
    wait_for_task(hr)
    # A001: 80 on every leaf of s000 -> 80 x 90 / 100 = 72.
    assert Result.objects.get(cycle=cycle, agent__agent_id="A001").total == 72
    step(hr, cycle.pk, "open-self-assessment")

    # The agent assesses themselves (self ratings do not count in s000's total).
    agent = sign_in(people.a1)
    agent.on("dialog", yes)
    assert agent.url.endswith("/me/")
    agent.fill("#self-courtesy", "85")
    agent.click("#self-assessment button[type=submit]")
    agent.wait_for_selector(".messages .success")

    step(hr, cycle.pk, "open-supervisor-rating")

    # The supervisor rates courtesy 90, replacing the paper 80, and sees the self rating beside it.
    sup = sign_in(people.sup1)
    sup.on("dialog", yes)
    assert sup.url.endswith("/team/")
    sup.click(f"a[href='/team/{cycle.pk}/rate/A001/']")
    assert "85" in sup.inner_text("table")
    sup.fill("#ind_courtesy__supervisor", "90")
    sup.click("main form button[type=submit]")
    sup.wait_for_selector(".messages .success")

    # HR computes again (the ratings changed), then the audit.
    hr.goto(f"/cycles/{cycle.pk}/")
    hr.click("button[data-action=compute]")
    wait_for_task(hr)
    # 72 + (90 - 80) x 10 / 100 = 73.
    assert Result.objects.get(cycle=cycle, agent__agent_id="A001").total == 73
    step(hr, cycle.pk, "open-indirect-audit")

    manager = sign_in(people.manager)
    for _ in range(2):  # both teams, one confirmation each
        manager.goto(f"/team/?cycle={cycle.pk}")
        manager.click("form[action*='/confirm/'] button[type=submit]")
        manager.wait_for_selector(".messages .success")

    # HR calibrates B001 (45, 不合格) to 待改进 with the reason, and publishes.
    step(hr, cycle.pk, "open-calibration")
    row = hr.locator("form[action$='/calibrate/']", has=hr.locator("input[value=B001]"))
    row.locator("select[name=grade]").select_option("待改进")
    row.locator("input[name=note]").fill("新人首月")
    row.locator("button").click()
    hr.wait_for_selector(".messages .success")
    step(hr, cycle.pk, "publish")
    step(hr, cycle.pk, "open-interviews")

    sup.goto(f"/team/{cycle.pk}/interview/A001/")
    sup.fill("#iv-content", "沟通顺畅")
    sup.fill("#iv-plan", "提升工单处理速度")
    sup.click("main form button[type=submit]")
    sup.wait_for_selector(".messages .success")
    step(hr, cycle.pk, "open-appeal-window")

    # The agent reads the published scorecard, signs the interview record and appeals.
    agent.goto(f"/me/{cycle.pk}/")
    assert agent.inner_text("[data-test=total]") == "73"
    assert agent.inner_text("[data-test=grade]") == "合格"
    # Every indicator with its explanation: courtesy rated 90 -> 90 x 10 / 100 = 9 points.
    courtesy = agent.locator("table[data-test=indicators] tr", has_text="礼貌得体").inner_text()
    assert "评分 90" in courtesy and "= 9" in courtesy
    agent.fill("#interviews input[name=comment]", "同意")
    agent.click("#interviews button[type=submit]")
    agent.wait_for_selector(".messages .success")
    agent.fill("#appeal-reasons", "礼貌得体一项有客户表扬记录")
    agent.click("#appeals button[type=submit]")
    agent.wait_for_selector(".messages .success")
    appeal = Appeal.objects.get(cycle=cycle)

    # The supervisor answers first and rejects; the agent escalates to HR.
    sup.goto("/appeals/")
    sup.click(f"a[href='/appeals/{appeal.pk}/']")
    sup.fill("#decision-note", "已按记录评分")
    sup.click("button[name=decision][value=reject]")
    sup.wait_for_selector(".messages .success")
    agent.goto(f"/appeals/{appeal.pk}/")
    agent.click("form[action$='/escalate/'] button[type=submit]")
    agent.wait_for_selector(".messages .success")

    # HR upholds, corrects courtesy to 100 and re-scores: a new version, the old one kept.
    hr.goto("/appeals/")
    hr.click(f"a[href='/appeals/{appeal.pk}/']")
    hr.fill("#decision-note", "表扬记录属实")
    hr.click("button[name=decision][value=uphold]")
    hr.wait_for_selector(".messages .success")
    hr.fill("input[name=ind_courtesy__supervisor]", "100")
    hr.click("form[action$='/correct/'] button[type=submit]")
    hr.wait_for_selector(".messages .success")

    # 72 + (100 - 80) x 10 / 100 = 74, version 2; version 1 (73) is still listed.
    agent.goto(f"/me/{cycle.pk}/")
    assert agent.inner_text("[data-test=total]") == "74"
    assert "v1" in agent.inner_text("body") and "v2" in agent.inner_text("body")
    assert (
        agent.inner_text("[data-test=appeal-state]").strip() == "已重新评分"
    )  # the state label in the default language

    # Calibrating, publishing, signing, rejecting and upholding each asked first.
    assert [q[:4] for q in asked] == ["确定调整", "确定发布", "确定签字", "确定驳回", "确定支持"]

    # The audit log, newest first, shows every step above.
    hr.goto(f"/audit/?cycle={cycle.pk}")
    # Each entry reads as a sentence that starts with who did it ("hr 新建了 十月考核 ..."); the
    # action's code is kept in the cell's data-action.
    cells = hr.locator("table[data-test=audit] [data-test=audit-sentence]")
    shown = [
        (cells.nth(i).inner_text().split()[0], cells.nth(i).get_attribute("data-action") or "")
        for i in range(cells.count())
    ]
    assert list(reversed(shown)) == [
        ("hr", "cycle.create"),
        ("hr", "cycle.import_data"),
        ("hr", "cycle.compute"),
        ("hr", "cycle.open_self_assessment"),
        ("a1", "rating.set"),
        ("hr", "cycle.open_supervisor_rating"),
        ("sup1", "rating.set"),
        ("hr", "cycle.compute"),
        ("hr", "cycle.open_indirect_audit"),
        ("manager", "cycle.confirm_team"),
        ("manager", "cycle.confirm_team"),
        ("hr", "cycle.open_calibration"),
        ("hr", "result.calibrate"),
        ("hr", "cycle.publish"),
        ("hr", "followup.create"),  # B001's 不合格 asks for an interview
        ("hr", "cycle.open_interviews"),
        ("sup1", "interview.write"),
        ("hr", "cycle.open_appeal_window"),
        ("a1", "interview.sign"),
        ("a1", "appeal.file"),
        ("sup1", "appeal.reject"),
        ("a1", "appeal.escalate"),
        ("hr", "appeal.uphold"),
        ("hr", "rating.set"),
        ("hr", "result.rescore"),
        ("hr", "appeal.rescore"),
    ]
