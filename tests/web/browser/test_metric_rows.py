"""A supervisor opens the rows behind a scorecard value in Chromium, at 1280 px and on a 390-px
phone: the value is a link, the rows page lists the four conversations with c3 left out, and
nothing is wider than the screen. Screenshots go to $APPRAISE_SHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..conftest import People
from ..pages.test_metric_rows_permissions import computed  # noqa: F401  (the fixture)
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_value_opens_its_rows_on_a_phone_and_a_desktop(
    people: People,
    computed: object,  # noqa: F811
    sign_in: SignIn,
) -> None:
    for width in (1280, 390):
        page = sign_in(people.sup1, width=width, height=900)
        page.goto(f"/cycles/{computed.pk}/agents/A001/")  # type: ignore[attr-defined]
        page.click("a[href$='/rows/reply_within_200s/']")
        page.wait_for_load_state("networkidle")
        text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        assert "200秒回复率" in text and "共 4 行，计入 3 行" in text
        assert page.locator("[data-test=metric-rows] tbody tr").count() == 4
        # The page itself never scrolls sideways (a wide table scrolls inside its wrapper).
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        folder = os.environ.get("APPRAISE_SHOTS")
        if folder:
            page.screenshot(path=str(Path(folder) / f"metric-rows-{width}.png"), full_page=True)
