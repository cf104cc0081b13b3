"""HR assigns two peers to an agent in Chromium, and each rates on their own page: one from the
to-do list on a 390-px phone, one at a desk (issue 13: seed 004's 同事互评, seed 002's 跨部门).
Screenshots go to $APPRAISE_SHOTS when it is set."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from appraise.web.cycles import services as cs
from appraise.web.evaluations.models import Rating, Result

from ..conftest import Advance, People
from ..peers import peer_cycle
from .conftest import SignIn


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("APPRAISE_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_hr_assigns_two_peers_and_each_rates_on_their_own_page(
    people: People, advance: Advance, sign_in: SignIn
) -> None:
    cycle = peer_cycle(people)
    advance(cycle, "self_assessment")
    a2 = people.agent_a2.user
    assert a2 is not None
    a2.first_name = "李四"
    a2.save()

    hr = sign_in(people.hr)
    hr.goto(f"/cycles/{cycle.pk}/")
    hr.click("[data-action=raters]")
    hr.wait_for_url(f"**/cycles/{cycle.pk}/raters/")
    hr.select_option("#assign-role", "peer")
    hr.select_option("#assign-raters", [str(a2.pk), str(people.outsider.pk)])
    hr.select_option("#assign-agents", ["A001"])
    hr.click("[data-action=assign]")
    hr.wait_for_load_state("networkidle")
    assert "已指派 2 项评分。" in hr.inner_text("body")
    rows = hr.locator("table[data-test=assignments] tbody tr")
    assert rows.count() == 2
    assert "outsider" in rows.nth(1).inner_text()
    _shot(hr, "raters-hr.png")

    hr_phone = sign_in(people.hr, width=390, height=844)
    hr_phone.goto(f"/cycles/{cycle.pk}/raters/")
    _fits(hr_phone, 390)
    _shot(hr_phone, "raters-hr-390.png")

    # The outsider (another department, no role) finds the agent on their to-do list.
    phone = sign_in(people.outsider, width=390, height=844)
    phone.goto("/todo/")
    phone.click("text=张三 A001")
    phone.wait_for_url("**/ratings/assigned/*/")
    assert phone.is_visible("[data-test=anonymous]")
    phone.fill("#ind_teamwork", "80")
    phone.fill("#ind_attitude", "90")
    _fits(phone, 390)
    _shot(phone, "assigned-rate-390.png")
    phone.click("[data-action=save-assigned]")
    phone.wait_for_url("**/ratings/assigned/")
    assert "2 / 2" in phone.inner_text("table[data-test=my-assignments]")
    _fits(phone, 390)
    _shot(phone, "assigned-list-390.png")

    desk = sign_in(a2)
    desk.goto("/ratings/assigned/")
    assert desk.locator("table[data-test=my-assignments] tbody tr").count() == 1
    desk.click("table[data-test=my-assignments] a")
    desk.fill("#ind_teamwork", "70")
    desk.fill("#ind_attitude", "60")
    desk.click("[data-action=save-assigned]")
    desk.wait_for_url("**/ratings/assigned/")
    _shot(desk, "assigned-list.png")

    given = sorted(
        (r.rater.username, r.indicator, r.value)
        for r in Rating.objects.filter(cycle=cycle, role="peer").select_related("rater")
    )
    assert given == [
        ("a2", "attitude", "60"),
        ("a2", "teamwork", "70"),
        ("outsider", "attitude", "90"),
        ("outsider", "teamwork", "80"),
    ]
    cs.cycle_compute(cycle=cycle, by=people.hr)
    result = Result.objects.get(cycle=cycle, agent__agent_id="A001", is_current=True)
    # Only the peers rated A001 so far: 协作性 (80 + 70) ÷ 2 = 75 and 工作态度 (90 + 60) ÷ 2 = 75,
    # the absent roles renormalized away, so each adds 75 × 50 ÷ 100 = 37.5: total 75.
    assert result.total == Decimal(75)
    assert "同事互评 75（2 人平均）×30%" in result.data["indicators"][0]["explain"]
