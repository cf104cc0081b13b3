"""HR marks a rater role in the builder as assigned (HR names the raters per agent) and
anonymous with two checkboxes, on a phone, and the YAML and the scheme's checks follow: seed
004's 同事互评, which the builder could only write as YAML before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..conftest import People
from .conftest import SignIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def settled(page: Any) -> None:
    page.wait_for_timeout(700)
    page.wait_for_selector(".htmx-request", state="detached")
    page.wait_for_load_state("networkidle")


def test_a_peer_role_is_assigned_and_anonymous_by_checkboxes(
    people: People, sign_in: SignIn
) -> None:
    hr = sign_in(people.hr, width=390, height=844)
    hr.goto("/schemes/builder/")
    hr.click("[data-rows='raters.roles'] button[data-test=add-row]")
    hr.wait_for_selector("#b-raters-roles-0-id")
    hr.fill("#b-raters-roles-0-id", "supervisor")
    hr.fill("#b-raters-roles-0-name", "主管评分")
    hr.fill("#b-raters-roles-0-weight", "70")
    settled(hr)
    hr.click("[data-rows='raters.roles'] button[data-test=add-row]")
    hr.wait_for_selector("#b-raters-roles-1-id")
    hr.fill("#b-raters-roles-1-id", "peer")
    hr.fill("#b-raters-roles-1-name", "同事互评")
    hr.fill("#b-raters-roles-1-weight", "30")
    settled(hr)
    # Anonymous alone: the scheme says, in Chinese, that only assigned raters can stay unnamed.
    hr.check("#b-raters-roles-1-anonymous")
    settled(hr)
    assert "设为匿名但不是指派评分" in hr.inner_text("#scheme-check")
    hr.check("#b-raters-roles-1-assigned")
    settled(hr)
    text = hr.input_value("#builder-yaml")
    assert "assigned: true" in text and "anonymous: true" in text
    assert "设为匿名但不是指派评分" not in hr.inner_text("#scheme-check")
    assert hr.inner_text("label[for=b-raters-roles-1-assigned]") == "评分人由人事指派"
    width = hr.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    hr.locator("[data-rows='raters.roles']").screenshot(path=str(SHOTS / "builder-raters-390.png"))
    # Unticked again: the key leaves the YAML (false is the default), and the form reloads so.
    hr.uncheck("#b-raters-roles-1-anonymous")
    settled(hr)
    assert "anonymous" not in hr.input_value("#builder-yaml")
