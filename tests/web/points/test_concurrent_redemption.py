"""Fourteen HR confirmations of one month's redemption at the same moment (issue 16.2: 9 of 14
answered 500 "database is locked" before SQLite was opened for concurrent writers). Each runs in
its own thread and connection (``threads.at_once``), on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraise.web.audit.models import AuditLog
from appraise.web.errors import AppError
from appraise.web.points import services as ps
from appraise.web.points.models import Payout, PointsEntry, Redemption, Source

from ..threads import at_once, database_errors
from .conftest import Ledger

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]


def test_fourteen_confirmations_at_once_pay_the_month_once(ledger: Ledger) -> None:
    figures = {
        "month": "2026-05",
        "this_month_bookings": Decimal(1125),
        "last_month_bookings": Decimal(1000),
        "scheme_version": ledger.version,
    }
    preview = ps.redemption_plan(by=ledger.people.hr, **figures)  # type: ignore[arg-type]

    def confirm(i: int) -> ps.RedemptionOutcome:
        # Half confirm the preview they saw (the page's way), half without a fingerprint (the
        # API's documented default).
        expect = preview.digest if i % 2 == 0 else None
        return ps.points_redeem_month(by=ledger.people.hr, expect=expect, **figures)  # type: ignore[arg-type]

    outcome = at_once(14, confirm)
    assert database_errors(outcome) == []
    created = [x for x in outcome if isinstance(x, ps.RedemptionOutcome) and x.created]
    assert len(created) == 1
    # The other thirteen were told the month is done or being done; none paid.
    for x in outcome:
        if isinstance(x, AppError):
            assert x.status == 409
        elif isinstance(x, ps.RedemptionOutcome) and not x.created:
            assert x.redemption.pk == created[0].redemption.pk
    assert Redemption.objects.count() == 1
    # Month-end balances (test_ledger.py works them out): A001 62, A002 6, A003 86, A005 5;
    # A004 and A006 are below zero. Rate 1125 / 1000 = 1.125 yuan a point, 80% redeemed:
    # A001 0.8 x 62 = 49.6 -> 49 points, 49 x 1.125 = 55.125 -> 55.13
    # A002 0.8 x 6 = 4.8 -> 4 points, 4.50
    # A003 0.8 x 86 = 68.8 -> 68 points, 76.50
    # A005 0.8 x 5 = 4 points, 4.50                         together 140.63 yuan, 125 points
    paid = {p.agent.agent_id: p.amount for p in Payout.objects.select_related("agent")}
    assert paid == {
        "A001": Decimal("55.13"),
        "A002": Decimal("4.50"),
        "A003": Decimal("76.50"),
        "A005": Decimal("4.50"),
    }
    assert sum(paid.values()) == Decimal("140.63")
    booked = PointsEntry.objects.filter(source=Source.REDEMPTION)
    assert sorted(-e.points for e in booked) == [4, 4, 49, 68]
    assert AuditLog.objects.filter(action="points.redeem").count() == 1
