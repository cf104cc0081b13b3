"""The low-CSAT stratum on the sampling page, in Chromium at a desk (1280 px) and on a phone
(390 px): November's month with its surveys (tests/web/qa/test_sampling_low_csat.py), HR draws
a half-random sample from the form and reads what the risk part was drawn for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from appraise.web.qa import services as qs

from ..qa.conftest import Qa
from ..qa.conftest import qa as qa
from ..qa.test_sampling_low_csat import NOVEMBER, november
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("APPRAISE_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_hr_sees_the_low_csat_stratum_at_a_desk_and_on_a_phone(qa: Qa, sign_in: SignIn) -> None:
    qs.conversation_import(period=NOVEMBER, by=qa.people.hr, files=november())
    hr = sign_in(qa.people.hr)
    hr.goto("/qa/manage/")
    # K-A002-1 (CSAT 2) and W-B001-2 (CSAT 1) are at or below the config's 2.
    row = hr.locator(f"table[data-test=periods] tr[data-period='{NOVEMBER}']")
    assert row.locator("[data-test=low-csat]").inner_text() == "2（CSAT ≤ 2）"
    hr.select_option("#smp-period", NOVEMBER)
    hr.fill("#smp-n", "2")
    hr.fill("#smp-seed", "7")
    hr.fill("#smp-share", "50%")
    hr.uncheck(f"input[name=reviewers][value='{qa.q2.pk}']")
    hr.uncheck(f"input[name=reviewers][value='{qa.q3.pk}']")
    hr.click("#sample-form button[type=submit]")
    hr.wait_for_load_state("networkidle")
    strata = hr.locator("[data-test=strata]").first.inner_text()
    # 1 random place per agent (3), risk K-A001-2 (checks) and K-A002-1 (CSAT), fill K-B001-1
    assert "随机 3 · 风险 2 · 补足 1" in strata
    assert "风险部分：自动质检未通过 1，低满意度（CSAT ≤ 2）1" in strata
    _shot(hr, "qa-low-csat-1280.png")
    phone = sign_in(qa.people.hr, width=390, height=844)
    phone.goto("/qa/manage/")
    assert "低满意度（CSAT ≤ 2）1" in phone.locator("[data-test=strata]").first.inner_text()
    _shot(phone, "qa-low-csat-390.png")
    # The sample form's two-column grid folds to one column inside a phone's card.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
