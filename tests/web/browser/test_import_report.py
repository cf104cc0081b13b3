"""HR brings a 赤兔 daily report as exported, in Chromium: chooses the file and the 赤兔 preset,
sees the preview (header on row 3, the 合计 row left out), imports, and the month is scored from
the declared roll-ups. Screenshots at 1280 px and on a 390-px phone go to $APPRAISE_SHOTS."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from appraise.web.cycles import services as cs
from appraise.web.schemes.services import scheme_version_create

from ..conftest import People
from .conftest import SignIn

# The chitu_workbook fixture of tests/conftest.py.
ChituWorkbook = Callable[[Path, str, list[list[object]], str], Path]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCHEME = """
id: shop-conversion
name: 询单转化考核
indicators:
  - {id: conv, name: 询单转化, weight: 100%, rule: {type: bands, metric: conversion_rate, bands: [{range: ">= 40", score: 100}, {range: "< 40", score: 50}]}}
"""
ROWS: list[list[object]] = [
    [
        "2026-10-01",
        "A001",
        50,
        48,
        20,
        8,
        "40.00%",
        "￥1,200.50",
        "150.06",
        0,
        "1分5秒",
        "110%",
        1,
        "12.50%",
        "95.00%",
    ],
    [
        "2026-10-02",
        "A001",
        30,
        30,
        10,
        3,
        "30.00%",
        "800",
        "266.67",
        "-",
        "35",
        "120%",
        0,
        "0.00%",
        "100.00%",
    ],
    ["2026-10-01", "A002", 12, 12, 10, 5, "50.00%", "500", "100", 2, "2分", "90%", 0, "-", "-"],
    [
        "合计",
        None,
        92,
        90,
        40,
        16,
        "40.00%",
        "2,500.50",
        "156.28",
        2,
        "47",
        "108%",
        1,
        "6.25%",
        "97%",
    ],
]


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("APPRAISE_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_hr_previews_and_imports_a_chitu_report(
    people: People, sign_in: SignIn, tmp_path: Path, chitu_workbook: ChituWorkbook
) -> None:
    version = scheme_version_create(by=people.hr, text=SCHEME, file="shop.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月询单",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1],
    )
    report = chitu_workbook(
        tmp_path, "客服绩效_202610.xlsx", ROWS, "数据更新时间：2026-11-01 08:00"
    )
    for width, suffix in ((1280, "desktop"), (390, "phone")):
        hr = sign_in(people.hr, width=width, height=900)
        hr.goto(f"/cycles/{cycle.pk}/")
        hr.set_input_files("#import-files", str(report))
        hr.select_option("#import-preset", "chitu_daily")
        hr.click("#import-preview-button")
        preview = hr.locator("#import-preview .preview-file")
        preview.wait_for()
        text = preview.inner_text()
        assert "chitu → metric_values" in text
        assert "表头在第 3 行" in text
        assert "1 行合计" in text and "1 行备注" in text
        assert "询单人数 → inquiries" in text
        assert not cycle.files.exists()  # nothing stored by a preview
        _shot(hr, f"import-preview-{suffix}.png")
    hr.click("#import-form button[type=submit]")
    hr.wait_for_function(
        "() => document.querySelector('#task-area') && "
        "/完成|done/.test(document.querySelector('#task-area').innerText)"
    )
    totals = {r.agent.agent_id: r.total for r in cycle.results.filter(is_current=True)}
    # A001: (8 + 3) / (20 + 10) = 36.7 % -> 50; A002: 5 / 10 = 50 % -> 100.
    assert totals == {"A001": 50, "A002": 100}
