"""The monthly points redemption clicked through in Chromium: HR previews May and confirms it, the
agent finds the payout in their ledger, and a second confirmation from a page left open pays
nothing more.

May's ledger (written through the services): A001 张三 +50 on 05-10 and A002 李四 +7 on 05-20.
Bookings 1100 this month and 1000 last month: a point is worth ¥1 × 1100 ÷ 1000 = ¥1.1.
A001: 0.8 × 50 = 40 points, 10 carried, 40 × 1.1 = ¥44.00; A002: 0.8 × 7 = 5.6 → 5 points,
2 carried, 5 × 1.1 = ¥5.50; ¥49.50 in all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from appraise.web.points import services as ps
from appraise.web.points.models import Payout, PointsEntry, Redemption, Source

from ..conftest import People
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def preview(page: Any) -> None:
    page.goto("/points/redemptions/")
    page.fill("#id_month", "2026-05")
    page.fill("#id_this_month_bookings", "1100")
    page.fill("#id_last_month_bookings", "1000")
    page.click("#redeem-form button[type=submit]")
    page.wait_for_url("**/points/redemptions/preview/**")


def test_hr_redeems_may_the_agent_sees_the_payout_and_a_second_confirmation_pays_nothing(
    people: People, sign_in: SignIn
) -> None:
    for agent, points, day in ((people.agent_a1, 50, 10), (people.agent_a2, 7, 20)):
        ps.points_entry_add(
            agent=agent,
            points=Decimal(points),
            on=date(2026, 5, day),
            reason="五月订餐榜",
            by=people.hr,
        )

    hr = sign_in(people.hr)
    preview(hr)
    assert hr.inner_text("[data-test=rate]") == "1.1"
    assert hr.inner_text("[data-test=total]") == "¥49.50"
    plan = hr.locator("table[data-test=plan] tbody tr[data-agent=A001] td")
    assert [plan.nth(i).inner_text() for i in range(2, 6)] == ["50", "40", "¥44.00", "10"]
    assert not Redemption.objects.exists()  # a preview writes nothing

    # The same preview left open in a second tab, to be confirmed again later.
    stale = hr.context.new_page()
    preview(stale)

    hr.click("#confirm-form button[type=submit]")
    hr.wait_for_url("**/points/redemptions/2026-05/")
    hr.wait_for_selector(".messages .success")
    assert hr.inner_text("[data-test=total]") == "¥49.50"
    assert {p.agent.agent_id: p.amount for p in Payout.objects.select_related("agent")} == {
        "A001": Decimal("44.00"),
        "A002": Decimal("5.50"),
    }

    # The agent opens Points from the navigation and lands on their ledger.
    agent = sign_in(people.a1)
    agent.click("nav.nav a[href='/points/']")
    agent.wait_for_url("**/points/me/")
    payout = agent.locator("table[data-test=payouts] tbody tr td")
    assert [payout.nth(i).inner_text() for i in range(6)] == [
        "2026-05",
        "50",
        "40",
        "1.1",
        "¥44.00",
        "10",
    ]
    top = agent.locator("table[data-test=ledger] tbody tr").first
    assert top.get_attribute("data-source") == "redemption"
    assert "¥44.00" in top.inner_text() and "−40" in top.inner_text()
    assert agent.inner_text("[data-test=balance]") == "10"  # 50 - 40: the carried 20%
    assert agent.inner_text("[data-test=earned]") == "50"

    # The page left open confirms again: nothing more is paid, and HR is told so.
    entries = PointsEntry.objects.filter(source=Source.REDEMPTION).count()
    stale.click("#confirm-form button[type=submit]")
    stale.wait_for_url("**/points/redemptions/2026-05/")
    assert "不会重复兑付" in stale.inner_text(".messages .warning")  # nothing was paid again
    assert Payout.objects.count() == 2
    assert PointsEntry.objects.filter(source=Source.REDEMPTION).count() == entries
    assert Redemption.objects.count() == 1

    # A fresh preview of May says it has been redeemed and offers no confirmation.
    preview(hr)
    assert hr.locator("[data-test=done]").is_visible()
    assert hr.locator("#confirm-form").count() == 0
    agent.reload()
    assert agent.locator("table[data-test=payouts] tbody tr").count() == 1
