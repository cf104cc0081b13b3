"""The rule test bench in Chromium, on a desk (1280 px) and a phone (390 px): HR pastes a draft
rule, runs it on December's hand-written chats (tests/web/qa/test_rule_bench.py worked the hits)
and reads the hit with its spans marked and the number masked; a draft with a mistake comes
back beside the YAML with its line, the text kept. No script is refused by the CSP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from appraise.web.qa import services as qs

from ..qa.conftest import Qa, qa_files
from ..qa.conftest import qa as qa
from ..qa.test_rule_bench import DEC, DECEMBER, RULE
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("APPRAISE_SCREENSHOTS") or tmp_path)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_hr_runs_a_draft_rule_and_reads_its_hit_then_a_mistake_beside_the_yaml(
    qa: Qa, sign_in: SignIn, tmp_path: Path, width: int
) -> None:
    qs.conversation_import(period=DEC, by=qa.people.hr, files=qa_files(DECEMBER))
    page = sign_in(qa.people.hr, width=width, height=900 if width > 500 else 844)
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/qa/rules/test/")
    assert page.locator(".qa-tabs a.on").inner_text() == "规则测试台"
    page.fill("#bench-draft", RULE)
    page.select_option("#bench-period", DEC)
    page.click("#bench-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    hits = page.locator("[data-test=bench-hits] li.bench-hit")
    assert hits.count() == 1
    assert hits.first.get_attribute("data-conversation") == "W-A001-12"
    assert "3 处，5 分" in hits.first.inner_text()
    marks = hits.first.locator("mark.hit-rule")
    assert marks.all_inner_texts() == ["加我微信", "私下", "私下"]
    assert marks.first.is_visible()
    text = hits.first.inner_text()
    assert "138****5678" in text and "13812345678" not in text
    summary = page.locator("[data-test=bench-summary]").inner_text()
    assert summary.startswith("2026-12 的 3 个会话中抽取 3 个") and "命中 1 个" in summary
    # Nothing overflows sideways on the phone: the hit and the YAML wrap or scroll inside.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, tmp_path, f"qa-rule-bench-{width}")

    page.fill("#bench-draft", RULE.replace('"wx && !transfer"', '"wx && !3"'))
    page.click("#bench-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    problem = page.locator("[data-test=draft-problems] li")
    assert problem.count() == 1 and problem.first.get_attribute("data-line") == "9"
    assert problem.first.inner_text().startswith("第 9 行：")
    assert "wx && !3" in page.input_value("#bench-draft")
    assert page.locator("#bench-draft").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, tmp_path, f"qa-rule-bench-problem-{width}")
    assert refused == []
