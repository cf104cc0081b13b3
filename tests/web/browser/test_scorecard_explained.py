"""An agent reads why each score is what it is, in Chinese, on a desk and on a 390-px phone
(issue 11): the formula with the metric's Chinese name and its value with its unit, ranges in
words, points to the scheme's step, never E notation, nothing wider than the screen.
Screenshots go to $APPRAISE_SHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.schemes.services import scheme_version_create

from ..conftest import Advance, People
from .conftest import SignIn

SCHEME = """\
id: explained-scorecard
name: 网店客服月度考核
period: month
indicators:
  - id: reply
    name: 回复时长得分
    weight: 40%
    rule: {type: formula, expr: "min(100, 100 * 30 / reply_time_mean)"}
  - id: reply_band
    name: 回复时长区间
    weight: 30%
    rule:
      type: bands
      metric: reply_time_mean
      bands:
        - {range: "< 60", score: 100}
        - {range: "[60, 90)", score: 60}
        - {range: ">= 90", score: 0}
  - id: conversion
    name: 询单转化率
    weight: 30%
    rule: {type: target, metric: conversion_rate, target: 60, full: 100}
"""
FILE = (
    b"agent_id,period,metric,value\n"
    b"A001,2026-10,reply_time_mean,45\nA001,2026-10,conversion_rate,48\n"
    b"A002,2026-10,reply_time_mean,75\nA002,2026-10,conversion_rate,66\n"
    b"B001,2026-10,reply_time_mean,95\nB001,2026-10,conversion_rate,30\n"
)


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("APPRAISE_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.fixture
def published(people: People, advance: Advance) -> Cycle:
    version = scheme_version_create(by=people.hr, text=SCHEME, file="explained-scorecard.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月考核",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"metric_values.csv": FILE})
    return advance(cycle, State.PUBLISHED)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_the_scorecard_explains_every_score_in_chinese(
    people: People, published: Cycle, sign_in: SignIn, width: int, height: int
) -> None:
    page = sign_in(people.a1, width=width, height=height)
    page.goto("/me/")
    # A001: reply 100 × 30 ÷ 45 = 66.666… × 40% = 26.67; 45 s < 60 -> 100 × 30% = 30;
    # conversion 100 × 48 ÷ 60 = 80 × 30% = 24; total 26.666… + 30 + 24 = 80.67.
    assert page.inner_text("[data-test=total]").strip() == "80.67"
    table = page.locator("table[data-test=indicators]")
    text = table.inner_text()
    assert "平均回复时长 45 秒 → min(100, 100 × 30 ÷ 45) = 66.67 分" in text
    assert "45 秒 落在「低于 60 秒」区间 → 100 分" in text
    assert "完成 48% / 目标 60% × 100 = 80 分" in text
    values = [v.strip() for v in table.locator("[data-test=value]").all_inner_texts()]
    assert values == ["45 秒", "45 秒", "48%"]
    # 66.6667 reads 66.67 (score step 0.01) in the score column; no number in E notation.
    assert "66.67" in text and "66.6667" not in text
    assert "E+" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"scorecard-explained-{width}.png")
