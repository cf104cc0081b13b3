"""The demo's points ledger (appraise.web.demo.points): the catering scheme's daily files made from
orders and attendance, checked by hand on a few days; and the small demo loaded with its October
of points and its redemption, loaded twice without a second payout."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth.models import User
from django.db.models import Sum

from appraise.periods import Period
from appraise.web.demo import loader
from appraise.web.demo.points import (
    POINTS_SCHEME,
    Shift,
    load_points_demo,
    month_files,
    points_month,
)
from appraise.web.points.models import Payout, PointsEntry, PointsRun, Redemption, Source

OCTOBER = Period.parse("2026-10")
WORKED, LATE, ABSENT = Shift(False, False), Shift(True, False), Shift(False, True)


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))[1:]


def test_the_daily_files_follow_orders_and_attendance() -> None:
    # A1 works 09-28 (the Monday of the week that closes on Sunday 10-04), 10-01 (late),
    # is absent 10-02 and works 10-04; A2 works 10-01 and is absent 10-04; B is absent on every
    # scheduled day of October (on leave).
    shifts = {
        "A1": {
            date(2026, 9, 28): WORKED,
            date(2026, 10, 1): LATE,
            date(2026, 10, 2): ABSENT,
            date(2026, 10, 4): WORKED,
        },
        "A2": {date(2026, 10, 1): WORKED, date(2026, 10, 4): ABSENT},
        "B": {date(2026, 10, 1): ABSENT, date(2026, 10, 2): ABSENT},
    }
    sales = {
        "A1": {
            date(2026, 9, 28): Decimal("30"),
            date(2026, 10, 1): Decimal("100.5"),
            date(2026, 10, 4): Decimal("20"),
        }
    }
    files = month_files(OCTOBER, shifts, sales)
    assert len(files) == 31
    day1 = files["2026-10-01"]
    # At work: a figure, 0 when nothing was sold (A2); absent: none (B).
    assert _rows(day1["metric_values.csv"]) == [
        ["A1", "2026-10-01", "100.50", "", ""],
        ["A2", "2026-10-01", "0.00", "", ""],
    ]
    # Late -> 晨会迟到; B is on leave, not skipping meetings.
    assert _rows(day1["incidents.csv"]) == [["A1", "2026-10-01", "晨会迟到", "1", "", "", "迟到"]]
    day2 = files["2026-10-02"]
    assert _rows(day2["metric_values.csv"]) == []
    assert _rows(day2["incidents.csv"]) == [["A1", "2026-10-02", "不参加晨会", "1", "", "", "缺勤"]]
    # Sunday 10-04 closes the week 09-28 .. 10-04: A1 30 + 100.50 + 20 = 150.50; A2 worked in
    # it (10-01) with nothing sold: 0.00, though absent today.
    day4 = files["2026-10-04"]
    assert _rows(day4["metric_values.csv"]) == [
        ["A1", "2026-10-04", "20.00", "150.50", ""],
        ["A2", "2026-10-04", "", "0.00", ""],
    ]
    assert _rows(day4["incidents.csv"]) == [["A2", "2026-10-04", "不参加晨会", "1", "", "", "缺勤"]]
    # Saturday 10-31 closes the month: October only (09-28's 30 is September's):
    # A1 100.50 + 20 = 120.50, A2 0.00; nobody worked that day.
    assert _rows(files["2026-10-31"]["metric_values.csv"]) == [
        ["A1", "2026-10-31", "", "", "120.50"],
        ["A2", "2026-10-31", "", "", "0.00"],
    ]


@pytest.fixture
def small_demo(db: None) -> loader.DemoReport:
    return loader.load_demo(agents_per_team=3, months=2)


def test_the_small_demo_has_an_october_of_points_and_its_redemption(
    small_demo: loader.DemoReport,
) -> None:
    data = points_month(teams=3, agents_per_team=3, months=2, seed=loader.SEED)
    assert PointsRun.objects.filter(scheme_id=POINTS_SCHEME).count() == 31
    # 10-01: the top collector(s) get 2, everyone else at work 1; late for the meeting -1.
    day1 = _rows(data.files["2026-10-01"]["metric_values.csv"])
    amounts = {r[0]: Decimal(r[2]) for r in day1 if r[2]}
    top = max(amounts.values())
    expected = {a: (2 if v == top else 1) for a, v in amounts.items()}
    got = {
        e.agent.agent_id: e.points
        for e in PointsEntry.objects.filter(period="2026-10-01", indicator="daily_collections")
    }
    assert got == expected
    late = {r[0] for r in _rows(data.files["2026-10-01"]["incidents.csv"]) if r[2] == "晨会迟到"}
    meeting = PointsEntry.objects.filter(period="2026-10-01", indicator="morning_meeting")
    assert {e.agent.agent_id for e in meeting if e.points == -1} == late

    # The redemption: paid orders this month over last month; 80% of each balance down to whole
    # points, the money rounded once to the cent; the ledger keeps the carried points.
    red = Redemption.objects.get(month="2026-10")
    assert (red.this_month_bookings, red.last_month_bookings) == (
        data.this_month_orders,
        data.last_month_orders,
    )
    payouts = list(Payout.objects.filter(redemption=red).select_related("agent"))
    assert payouts
    for p in payouts:
        earned = PointsEntry.objects.filter(agent=p.agent).exclude(source=Source.REDEMPTION)
        balance = earned.aggregate(s=Sum("points"))["s"]
        assert p.balance == balance
        assert p.points == (balance * Decimal("0.8")).to_integral_value(rounding=ROUND_FLOOR)
        exact = p.points * red.this_month_bookings / red.last_month_bookings
        assert p.amount == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        left = PointsEntry.objects.filter(agent=p.agent).aggregate(s=Sum("points"))["s"]
        assert left == p.carried == balance - p.points

    # Loading again adds nothing, nor does the points part run on its own.
    counts = (PointsEntry.objects.count(), PointsRun.objects.count(), Payout.objects.count())
    loader.load_demo(agents_per_team=3, months=2)
    hr = User.objects.get(username="hr")
    load_points_demo(hr=hr, teams=3, agents_per_team=3, months=2, seed=loader.SEED, log=print)
    assert (
        PointsEntry.objects.count(),
        PointsRun.objects.count(),
        Payout.objects.count(),
    ) == counts
