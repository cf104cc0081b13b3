"""Seed 004's printable 绩效面谈表: written by the supervisor, signed by the agent, printed from
the follow-up. The world: tests/web/followups/conftest.py's cycle, B001 (45, 不合格: the
s000-specialist 待改进-and-below interview) in team 二组 under sup2. ``PAGE_NAMES`` counts for
tests/web/pages/test_page_permissions.py."""

from __future__ import annotations

import io
import re

from django.test import Client
from pypdf import PdfReader

from appraise.web.cycles.models import Cycle
from appraise.web.interviews import services as interviews

from ..conftest import Advance, People

PAGE_NAMES = {"followups:interview-form"}


def _text(body: bytes) -> str:
    pages = PdfReader(io.BytesIO(body)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))


def _get(user: object | None, url: str) -> object:
    c = Client()
    if user is not None:
        c.force_login(user)  # type: ignore[arg-type]
    return c.get(url)


def test_the_interview_form_prints_what_was_written_and_signed(
    people: People, fcycle: Cycle, advance: Advance
) -> None:
    advance(fcycle, "interviews")
    url = f"/cycles/{fcycle.pk}/interviews/B001.pdf"
    # No record yet: nothing to print.
    assert _get(people.sup2, url).status_code == 404  # type: ignore[attr-defined]
    record = interviews.interview_write(
        cycle=fcycle,
        agent=people.agent_b1,
        by=people.sup2,
        content="逐项核对十月扣分",
        plan="每周复盘一次",
    )
    interviews.interview_sign(record=record, by=people.b1, comment="同意改进")
    response = _get(people.b1, url)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"  # type: ignore[index]
    text = _text(response.content)  # type: ignore[attr-defined]
    assert "绩效面谈表" in text and "B001" in text and "二组" in text
    assert "逐项核对十月扣分" in text and "每周复盘一次" in text and "同意改进" in text
    # Why: the s000 rule that raised the interview (B001's 45 is 不合格).
    assert "待改进绩效面谈" in text
    assert re.search(r"总分 ?45\b", text) and "不合格" in text
    # The agent's supervisor and HR print it too; the others are refused.
    for who in (people.sup2, people.hr, people.manager):
        assert _get(who, url).status_code == 200, who.username  # type: ignore[attr-defined]
    for who in (people.a1, people.sup1, people.outsider):
        assert _get(who, url).status_code == 404, who.username  # type: ignore[attr-defined]
    assert _get(None, url).status_code == 302  # type: ignore[attr-defined]
