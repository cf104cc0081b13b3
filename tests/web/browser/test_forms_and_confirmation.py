"""Forms in Chromium: a refused self-assessment comes back with the typed values and the reason
beside the field (not a blank 405 page), and publishing asks first: dismissing the question
changes nothing, accepting it publishes. The Content-Security-Policy is the production one
(scripts only from our static files), so the question is asked by app.js, never inline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Rating

from ..conftest import Advance, People
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_refused_self_assessment_keeps_the_values_and_says_why_beside_the_field(
    people: People, cycle: Cycle, advance: Advance, sign_in: SignIn, tmp_path: Path
) -> None:
    advance(cycle, State.SELF_ASSESSMENT)
    page = sign_in(people.a1)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/me/{cycle.pk}/")
    page.fill("#self-courtesy", "90")
    page.fill("#self-patience", "150")
    page.fill("#self-note", "按月度表现自评")
    page.click("#self-assessment button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(tmp_path / "refused-self-assessment.png"), full_page=True)
    assert page.input_value("#self-patience") == "150"
    assert page.input_value("#self-courtesy") == "90"
    assert page.input_value("#self-note") == "按月度表现自评"
    assert "150" in page.inner_text("#self-patience-error")
    assert page.get_attribute("#self-patience", "aria-invalid") == "true"
    assert not Rating.objects.filter(cycle=cycle, role="self").exists()
    # Corrected, it is saved and the page says so.
    page.fill("#self-patience", "95")
    page.click("#self-assessment button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Rating.objects.filter(cycle=cycle, role="self").count() == 2
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_publishing_asks_first_and_a_dismissed_question_changes_nothing(
    people: People, cycle: Cycle, advance: Advance, sign_in: SignIn, tmp_path: Path
) -> None:
    advance(cycle, State.CALIBRATION)
    page = sign_in(people.hr)
    page.goto(f"/cycles/{cycle.pk}/")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("button[data-action=publish]")
    page.wait_for_timeout(500)  # a POST would have left the page by now
    assert asked and asked[0].startswith("确定发布考核结果吗")
    assert page.url.endswith(f"/cycles/{cycle.pk}/")
    cycle.refresh_from_db()
    assert cycle.state == State.CALIBRATION

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.click("button[data-action=publish]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(tmp_path / "published.png"), full_page=True)
    assert len(asked) == 2
    cycle.refresh_from_db()
    assert cycle.state == State.PUBLISHED
