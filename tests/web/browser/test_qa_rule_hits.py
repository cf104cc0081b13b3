"""A rule hit seen by a reviewer in Chromium: the match marked at its span, the severity and
red line listed, the customer's phone number masked (docs/qa.md, "The rule language")."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation

from ..qa.conftest import PERIOD, Qa, qa_files
from ..qa.conftest import qa as qa
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_reviewer_sees_the_rule_hit_marked_and_the_number_masked(
    qa: Qa, sign_in: SignIn, tmp_path: Path
) -> None:
    lines = [
        ("customer", "耳机坏了，我手机13812345678", 0),
        ("agent", "您好，加我 微信 私下给您换，给个五星好评哦", 20),
    ]
    files = qa_files(
        [("W-A002-9", "A002", "chat", "在线", True, None, "2026-10-15 09:00:00", lines)]
    )
    files["qa.yaml"] = b"builtin_rules: [offsite_contact, praise_request]\n"
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=files)
    c = Conversation.objects.get(conversation_id="W-A002-9")
    page = sign_in(qa.people.hr)
    page.goto(f"/qa/conversations/{c.pk}/")
    marks = page.locator("mark.hit-rule")
    assert marks.all_inner_texts() == ["加我 微信", "给个五星好评"]
    assert marks.first.is_visible()
    text = page.locator("[data-test=transcript]").inner_text()
    assert "138****5678" in text and "13812345678" not in text
    hits = page.locator("[data-test=rule-hits] li")
    assert hits.count() == 2 and "红线（一票否决）" in hits.first.inner_text()
    page.screenshot(path=str(tmp_path / "rule-hits.png"), full_page=True)
