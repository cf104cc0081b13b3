"""The demo's QA month (appraise.web.demo.qa) on the small demo: 3 teams x 3 agents, 2 months.

The first two agents of each team by id have three written contacts each in October (18 in all);
the scores are s003-call-rubric's, worked by hand below.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import pytest

from appraise.web.demo import loader
from appraise.web.demo.data import DemoData, make_demo_data
from appraise.web.qa.models import (
    Assignment,
    CalibrationSession,
    Conversation,
    Dispute,
    Review,
)


@functools.cache
def _data(**kwargs: Any) -> DemoData:
    return make_demo_data(**kwargs)


@pytest.fixture(autouse=True)
def _generate_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "make_demo_data", _data)


def test_the_demo_has_a_reviewed_sample_disputes_and_a_calibration(db: None) -> None:
    report = loader.load_demo(agents_per_team=3, months=2)
    assert {"qa1", "qa2"} <= {x.username for x in report.logins}
    # 6 agents x 3 contacts in October, 2 sampled per agent, 8 reviewed.
    assert Conversation.objects.filter(period="2026-10").count() == 18
    assert Assignment.objects.count() == 12
    assert Assignment.objects.filter(state="reviewed").count() == 8
    sample = Review.objects.filter(calibration=None, version=1)
    scores = {r.conversation.conversation_id: r.score for r in sample}
    # The bad call: 9 + 6 + attitude 10 capped at 8 (its 忌语 我不知道) + 0 + 0 + 0 = 23.
    assert scores["DEMO-A0001-2"] == Decimal(23)
    # The good chat, 后挂机 N/A: 13 + 9 + 14 + 1 + 1 = 38 of 43, x 45 / 43 = 39.767 -> 39.77.
    assert scores["DEMO-A0001-3"] == Decimal("39.77")
    # The chat with 我不清楚: 10 + 7 + min(11, 8) + 1 + 1 = 27 of 43, x 45 / 43 -> 28.26.
    assert scores["DEMO-A0002-2"] == Decimal("28.26")
    # One dispute open, one upheld: 倾听与理解 6 -> 9, 23 + 3 = 26 as version 2.
    states = {d.review.conversation.conversation_id: d for d in Dispute.objects.all()}
    assert states["DEMO-A0001-2"].state == "open"
    upheld = states["DEMO-A0002-3"]
    assert upheld.state == "upheld" and upheld.new_review is not None
    assert (upheld.review.score, upheld.new_review.score) == (Decimal(23), Decimal(26))
    assert upheld.new_review.reviewer != upheld.review.reviewer
    session = CalibrationSession.objects.get()
    assert session.reviews.count() == 4  # 2 reviewers x 2 conversations
    # Loading again changes nothing.
    before = (Conversation.objects.count(), Review.objects.count(), Dispute.objects.count())
    loader.load_demo(agents_per_team=3, months=2)
    assert (Conversation.objects.count(), Review.objects.count(), Dispute.objects.count()) == before
    # The demo's QA config: opening, closing and hang-up mirror their items, κ ≥ 0.6 on 5
    # conversations at least. Opening: the check and the reviewers agree on all 8 (4 bad calls
    # without the script: tp 4, tn 4): po 1, pe (4 × 4 + 4 × 4) / 64 = 1/2, κ 1: it counts.
    # Closing: the default scripts accept "再见", so the check never fails, while the reviewers
    # mark every 简短结束语 / 只说再见 below full: fn 8, po 0, pe 0, κ 0: withheld.
    # Hang-up: only the 4 reviewed calls have a 后挂机 (the chats rate it N/A): too few.
    from appraise.web.qa.selectors import period_agreement

    rows = {r["check"]: r for r in period_agreement(period="2026-10").rows()}
    opening, closing, hangup = rows["opening"], rows["closing"], rows["hangup"]
    assert (opening["figures"].kappa, opening["gate"].passed) == (Decimal(1), True)
    assert (closing["figures"].fn, closing["figures"].kappa) == (8, Decimal(0))
    assert [str(r) for r in closing["gate"].reasons] == ["kappa 0.00 低于要求的 0.60"]
    assert (hangup["figures"].pairs, hangup["gate"].passed) == (4, False)
