"""A QA review, its dispute and the decision, clicked through in Chromium.

The month of tests/web/qa/conftest.py is imported and every conversation sampled to q1. q1 opens
A001's bad call, sees the 忌语 marked in the transcript, scores it on seed 003's call rubric
(the live score shows 26) and submits; the agent A001 reads the review and disputes it; q2, the
second reviewer, upholds it and raises 倾听与理解 from 6 to 9 (29); the agent sees 29 as the
current version with 26 kept; HR's audit log shows every step with who did it.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraise.web.qa.models import Dispute, Review

from ..qa.conftest import Qa
from ..qa.conftest import qa as qa
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def preview_shows(page: Any, score: str) -> None:
    page.wait_for_function(
        "s => document.querySelector('[data-test=preview-score]')?.textContent.trim() === s",
        arg=score,
    )


def test_a_review_its_dispute_and_the_second_reviewers_decision_in_the_browser(
    qa: Qa, sign_in: SignIn
) -> None:
    qa.sample(reviewers=[qa.q1])

    # The reviewer's queue, reached from the QA link of the navigation.
    q1 = sign_in(qa.q1)
    q1.click("nav.nav a[href='/qa/']")
    q1.wait_for_url("**/qa/queue/")
    q1.click("table[data-test=todo] a:text('K-A001-2')")
    q1.wait_for_url("**/qa/assignments/*/")
    # The transcript marks the 忌语 the automatic check found; the check is listed as failed.
    assert q1.inner_text("mark.hit-bad") == "我不知道"
    assert q1.locator("[data-check=forbidden][data-passed=no]").count() == 1
    # Seed 003's C002: 12 + 6 + attitude 12 capped at 8 by the 忌语 + 0 + 0 + 0 = 26.
    q1.fill("#item-expression", "12")
    q1.fill("#item-listening", "6")
    q1.fill("#item-attitude_rated", "12")
    q1.select_option("#item-opening", "未用标准开场白")
    q1.select_option("#item-closing", "只说再见")
    q1.select_option("#item-hang_up", "先挂机")
    preview_shows(q1, "26")
    q1.fill("#review-comment", "未安抚客户，出现服务忌语")
    q1.click("[data-test=submit-review]")
    q1.wait_for_url("**/qa/reviews/*/")
    assert q1.inner_text("[data-test=score]") == "26"
    review = Review.objects.get(conversation__conversation_id="K-A001-2")

    # The agent reads the review among their own and disputes it.
    agent = sign_in(qa.people.a1)
    agent.click("nav.nav a[href='/qa/']")
    agent.wait_for_url("**/qa/reviews/")
    row = agent.locator(f"tr[data-review='{review.pk}']")
    assert row.locator("[data-test=row-score]").inner_text().startswith("26")
    row.locator("a.btn").click()
    agent.fill("#dispute-reason", "我已向客户道歉并说明，倾听理解没有问题")
    agent.click("#dispute-form button[type=submit]")
    agent.wait_for_url("**/qa/disputes/*/")
    agent.wait_for_selector(".messages .success")
    dispute = Dispute.objects.get(review=review)
    assert agent.inner_text("[data-test=dispute-state]") == "待复核"

    # The first reviewer cannot decide it: no form for them.
    q1.goto(f"/qa/disputes/{dispute.pk}/")
    assert q1.locator("#decide").count() == 0

    # The second reviewer upholds it: 倾听与理解 6 -> 9, 12 + 9 + 8 = 29.
    q2 = sign_in(qa.q2)
    q2.goto("/qa/disputes/")
    q2.click(f"a[href='/qa/disputes/{dispute.pk}/']")
    assert q2.input_value("#item-listening") == "6"  # the first review's ratings
    q2.fill("#item-listening", "9")
    preview_shows(q2, "29")
    q2.fill("#decision-note", "录音显示客服有确认客户需求，倾听理解给 9 分")
    q2.click("[data-test=uphold]")
    q2.wait_for_selector(".messages .success")
    assert q2.inner_text("[data-test=dispute-state]") == "申诉成立"

    # The agent sees the new score as the current version, the old one kept.
    agent.goto("/qa/reviews/")
    scores = agent.locator("table[data-test=reviews] [data-test=row-score]").all_inner_texts()
    assert sorted(s.split()[0] for s in scores) == ["26", "29"]
    dispute.refresh_from_db()
    agent.click(f"tr[data-review='{dispute.new_review_id}'] a.mono")
    agent.wait_for_url(f"**/qa/reviews/{dispute.new_review_id}/")
    assert agent.inner_text("[data-test=score]") == "29"
    assert "v2" in agent.inner_text("[data-test=review-version]")

    # HR's audit log shows each step, oldest first, with who did it.
    hr = sign_in(qa.people.hr)
    hr.goto("/audit/")
    # Each entry reads as a sentence that starts with who did it ("q1 提交了质检评分 ..."); the
    # action's code is kept in the cell's data-action.
    cells = hr.locator("table[data-test=audit] [data-test=audit-sentence]")
    shown = [
        (cells.nth(i).inner_text().split()[0], cells.nth(i).get_attribute("data-action") or "")
        for i in range(cells.count())
    ]
    qa_steps = [s for s in reversed(shown) if s[1].startswith("qa.")]
    assert qa_steps == [
        ("hr", "qa.rubric.create"),
        ("hr", "qa.import"),
        ("hr", "qa.sample"),
        ("q1", "qa.review.submit"),
        ("a1", "qa.dispute.open"),
        ("q2", "qa.dispute.assign"),
        ("q2", "qa.review.rescore"),
        ("q2", "qa.dispute.uphold"),
    ]
