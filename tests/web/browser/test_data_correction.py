"""HR's data correction in Chromium under the production Content-Security-Policy: the form asks
before it applies (app.js, no inline script), a dismissed question changes nothing, a refused
value comes back beside its field, and an accepted one re-scores and badges the scorecard.

The scheme is tests/web/test_data_corrections.py's: one indicator = qa_average with the whole
weight, so A001's total is the metric: 84.15 from the file, 90 once corrected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from appraise.web.appeals.models import Correction
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import State
from appraise.web.evaluations.models import Result
from appraise.web.schemes.services import scheme_version_create

from ..conftest import Advance, People
from ..test_data_corrections import FILE, SCHEME
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_correction_asks_first_keeps_a_refused_value_and_badges_the_result(
    people: People, advance: Advance, sign_in: SignIn
) -> None:
    version = scheme_version_create(by=people.hr, text=SCHEME, file="corrections-test.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"metric_values.csv": FILE})
    advance(cycle, State.APPEAL_WINDOW)
    page = sign_in(people.hr)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"/cycles/{cycle.pk}/agents/A001/")
    page.click("[data-test=correct-link]")
    page.wait_for_load_state("networkidle")
    page.fill("#fix-name", "qa_average")
    page.fill("#fix-value", "九十")
    page.fill("#fix-reason", "质检复核后改为 90")
    asked: list[str] = []

    def answer(yes: bool) -> Any:
        def handle(dialog: Any) -> None:
            asked.append(dialog.message)
            dialog.accept() if yes else dialog.dismiss()

        return handle

    page.once("dialog", answer(False))
    page.click("form[data-confirm] button[type=submit]")
    page.wait_for_timeout(500)  # a POST would have left the page by now
    assert asked and asked[0].startswith("确定更正并重新计分")
    assert not Correction.objects.exists()
    page.once("dialog", answer(True))
    with page.expect_navigation():
        page.click("form[data-confirm] button[type=submit]")
    assert page.input_value("#fix-value") == "九十"
    assert page.input_value("#fix-reason") == "质检复核后改为 90"
    assert page.get_attribute("#fix-value", "aria-invalid") == "true"
    assert page.inner_text("#fix-value-error")
    page.screenshot(path=str(Path("/tmp") / "fixes-refused-correction.png"), full_page=True)
    page.fill("#fix-value", "90")
    page.once("dialog", answer(True))
    with page.expect_navigation():
        page.click("form[data-confirm] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/cycles/{cycle.pk}/agents/A001/")
    badge = page.inner_text("[data-test=corrected]")
    assert "已更正" in badge and "质检复核后改为 90" in badge
    assert page.inner_text("[data-test=total]") == "90"
    page.screenshot(path=str(Path("/tmp") / "fixes-corrected-scorecard.png"), full_page=True)
    current = Result.objects.get(cycle=cycle, agent__agent_id="A001", is_current=True)
    assert current.version == 2
    assert not [e for e in errors if "Content Security Policy" in e], errors
