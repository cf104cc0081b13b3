"""The checks' agreement and a risk-weighted sample, in Chromium.

HR draws a sample with 50% random from the sample form; after four reviews (tests/web/qa/
test_agreement.py: the opening check's κ is 0.5, below the 0.6 the config requires) the figures
page shows the opening check withheld with its reason; the calibration page shows Cohen's κ of
the pair and the leniency.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation

from ..qa.conftest import C002, PERFECT, PERIOD, Qa, qa_files
from ..qa.conftest import qa as qa
from ..qa.test_agreement import AGREEMENT, NO_OPENING
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = os.environ.get("APPRAISE_SCREENSHOTS")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_hr_draws_a_risk_weighted_sample_and_sees_a_check_withheld(qa: Qa, sign_in: SignIn) -> None:
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=AGREEMENT)
    hr = sign_in(qa.people.hr)
    hr.goto("/qa/manage/")
    hr.fill("#smp-n", "15")
    hr.fill("#smp-share", "50%")
    hr.uncheck(f"input[name=reviewers][value='{qa.q2.pk}']")
    hr.uncheck(f"input[name=reviewers][value='{qa.q3.pk}']")
    shot(hr, "qa-sample-form")
    hr.click("#sample-form button[type=submit]")
    hr.wait_for_load_state("networkidle")
    assert "随机 50%，其余按风险抽取" in hr.inner_text("body")
    for cid, ratings in (
        ("K-A001-1", PERFECT),
        ("K-A001-2", C002),
        ("K-A002-1", NO_OPENING),
        ("K-B001-1", PERFECT),
    ):
        a = qa.assignment(cid)
        qs.review_submit(assignment=a, by=a.reviewer, ratings=ratings)
    hr.goto(f"/qa/figures/?period={PERIOD}")
    row = hr.locator("table[data-test=agreement] tr[data-check=opening]")
    # With 15 places for at most 3 conversations every conversation is in the random part, so
    # the four reviews are all compared: κ 0.5 (see tests/web/qa/test_agreement.py).
    assert row.locator("[data-test=kappa]").inner_text() == "0.500"
    assert "暂不计入" in row.locator("[data-test=gate]").inner_text()
    shot(hr, "qa-figures-agreement")

    convs = list(Conversation.objects.filter(conversation_id__in=["K-A001-2", "K-B001-1"]))
    s = qs.calibration_create(
        name="十月校准",
        rubric=qa.rubric,
        conversations=convs,
        reviewers=[qa.q1, qa.q2],
        by=qa.people.hr,
    )
    for user, expression in ((qa.q1, "15"), (qa.q2, "11")):
        for c in convs:
            ratings = (
                C002 if c.conversation_id == "K-A001-2" else {**PERFECT, "expression": expression}
            )
            qs.calibration_review_submit(session=s, conversation=c, by=user, ratings=ratings)
    hr.goto(f"/qa/calibration/{s.pk}/")
    assert hr.locator("table[data-test=pair-kappa] [data-test=kappa]").inner_text() == "0.857"
    shot(hr, "qa-calibration-kappa")
