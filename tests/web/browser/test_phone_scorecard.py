"""An agent reads their scorecard on a 390-px phone (issue 13): the indicators are cards, each
number labelled, the explanation under them, and nothing wider than the screen. Screenshots go
to $APPRAISE_SHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from appraise.web.cycles.models import Cycle, State

from ..conftest import Advance, People
from .conftest import SignIn


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("APPRAISE_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_the_scorecard_is_cards_on_a_phone_and_a_table_on_a_desk(
    people: People, cycle: Cycle, advance: Advance, sign_in: SignIn
) -> None:
    advance(cycle, State.PUBLISHED)
    phone = sign_in(people.a1, width=390, height=844)
    phone.goto("/me/")
    # A001: 80 on every indicator of s000 -> 80 x 90 / 100 = 72 (tests/web/conftest.py PAPER).
    assert phone.inner_text("[data-test=total]").strip() == "72"
    table = phone.locator("table[data-test=indicators]")
    assert table.locator("thead").is_hidden()
    row = table.locator("tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "block"
    # Each number carries its column's name (权重, 得分...) and the explanation sits under them.
    weight = row.locator("td.num").first
    assert weight.evaluate("e => getComputedStyle(e, '::before').content") == '"权重"'
    explain = row.locator("td.explain")
    assert explain.bounding_box()["y"] > weight.bounding_box()["y"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "scorecard-phone.png")

    desk = sign_in(people.a1)
    desk.goto("/me/")
    assert desk.locator("table[data-test=indicators] thead").is_visible()
    first = desk.locator("table[data-test=indicators] tbody tr").first
    assert first.evaluate("e => getComputedStyle(e).display") == "table-row"
