"""A bad value typed on a phone (390 px wide): the supervisor's rating cell and HR's new cycle.

What a person types is refused beside the field, in Chinese, readable without zooming (the reason
fits the screen's width), and what was typed is still there to correct: ``1,5`` (a decimal comma)
in a rating cell is not read as 15, and ``2026-13`` is no month. The screenshots are kept under
``$APPRAISE_SHOTS`` when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Rating

from ..conftest import Advance, People
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def _shot(page: object, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("APPRAISE_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)  # type: ignore[attr-defined]


def _fits(page: object, selector: str) -> bool:
    """The element's right edge is inside the 390-px screen."""
    box = page.locator(selector).bounding_box()  # type: ignore[attr-defined]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


def test_a_decimal_comma_in_a_rating_cell_is_refused_beside_it_on_a_phone(
    people: People, cycle: Cycle, advance: Advance, sign_in: SignIn, tmp_path: Path
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    page = sign_in(people.sup1, **PHONE)
    page.goto(f"/team/{cycle.pk}/rate/A001/")
    page.fill("#ind_courtesy__supervisor", "85")
    page.fill("#ind_patience__supervisor", "1,5")
    page.fill("#rate-note", "十月复核")
    page.locator("form:has(#ind_patience__supervisor) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    _shot(page, tmp_path, "phone-rating-refused.png")
    # The reason wraps under its cell: the table fits the screen, nothing to scroll sideways
    # (its one long line had pushed the cell off the screen, the reason cut at the edge).
    wrap = "() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth - w.clientWidth }"
    assert page.evaluate(wrap) <= 1
    assert _fits(page, "#ind_patience__supervisor-error") and _fits(
        page, "#ind_patience__supervisor"
    )
    reason = page.inner_text("#ind_patience__supervisor-error")
    assert "1,5" in reason and "数字" in reason  # "耐心" takes a number, not "1,5"
    assert page.get_attribute("#ind_patience__supervisor", "aria-invalid") == "true"
    assert page.input_value("#ind_patience__supervisor") == "1,5"
    assert page.input_value("#ind_courtesy__supervisor") == "85"
    assert page.input_value("#rate-note") == "十月复核"
    # All or nothing: the good 85 beside it was not saved either.
    assert not Rating.objects.filter(cycle=cycle, role="supervisor").exists()


def test_a_month_that_is_none_is_refused_beside_the_period_on_a_phone(
    people: People, cycle: Cycle, sign_in: SignIn, tmp_path: Path
) -> None:
    page = sign_in(people.hr, **PHONE)
    page.goto("/cycles/")
    before = Cycle.objects.count()
    page.fill("#id_name", "十一月考核")
    page.select_option("#id_scheme_version", str(cycle.scheme_version_id))
    page.fill("#id_period", "2026-13")
    page.locator("form:has(#id_period) button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.locator("#id_period").scroll_into_view_if_needed()
    _shot(page, tmp_path, "phone-cycle-refused.png")
    assert page.input_value("#id_period") == "2026-13"
    assert page.input_value("#id_name") == "十一月考核"
    field = page.locator(".field:has(#id_period)")
    assert "2026-13" in field.inner_text()
    assert _fits(page, ".field:has(#id_period) .errorlist")
    assert Cycle.objects.count() == before
