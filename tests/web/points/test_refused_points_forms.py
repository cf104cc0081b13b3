"""Every points form refused for what was typed comes back as its page (200, never a redirect
that loses the input, a 405 or a blank page) with the reason beside the field and what was
typed still in the form: text in a number field, an empty required field, a figure out of
range. The ledger is seed 003's (./conftest.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraise.web.points.models import PointsEntry, PointsRun, Redemption

from ..forms import beside, refused_page, value
from .conftest import Ledger

MAY = {"month": "2026-05", "this_month_bookings": "1125", "last_month_bookings": "1000"}


def client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_a_run_for_a_month_of_a_daily_scheme_comes_back_beside_the_period(
    opening: Ledger,
) -> None:
    text = "agent_id,period,订餐成功总量\nA001,2026-05-29,3\n"
    page = refused_page(
        client(opening.people.hr).post(
            "/points/runs/",
            {
                "scheme_version": str(opening.version.pk),
                "period": "2026-05",
                "files": [SimpleUploadedFile("metric_values.csv", text.encode("utf-8"))],
            },
        )
    )
    # Seed 003's points are scored per day: a month is refused beside the period, kept in it.
    assert "按日计分" in beside(page, "period") and value(page, "period") == "2026-05"
    assert value(page, "scheme_version") == str(opening.version.pk)
    assert PointsRun.objects.count() == 0


def test_a_run_for_a_day_in_words_comes_back_beside_the_period(opening: Ledger) -> None:
    page = refused_page(
        client(opening.people.hr).post(
            "/points/runs/",
            {
                "scheme_version": str(opening.version.pk),
                "period": "五月二十九日",
                "files": [SimpleUploadedFile("metric_values.csv", b"agent_id,period\n")],
            },
        )
    )
    assert "五月二十九日" in beside(page, "period") and value(page, "period") == "五月二十九日"


def test_a_manual_entry_of_points_in_words_keeps_the_reason(ledger: Ledger) -> None:
    before = PointsEntry.objects.count()
    a002 = ledger.agents["A002"]
    page = refused_page(
        client(ledger.people.hr).post(
            "/points/entries/",
            {"agent": a002.pk, "points": "三", "on": "2026-05-20", "reason": "客户来电表扬"},
        )
    )
    assert beside(page, "points") != "" and value(page, "points") == "三"
    assert value(page, "reason") == "客户来电表扬" and value(page, "on") == "2026-05-20"
    assert value(page, "agent") == str(a002.pk)
    assert PointsEntry.objects.count() == before


def test_a_manual_entry_without_a_reason_is_said_beside_the_reason(ledger: Ledger) -> None:
    a002 = ledger.agents["A002"]
    page = refused_page(
        client(ledger.people.hr).post(
            "/points/entries/", {"agent": a002.pk, "points": "3", "on": "2026-05-20", "reason": ""}
        )
    )
    assert beside(page, "reason") != "" and value(page, "points") == "3"


def test_a_manual_entry_of_zero_points_is_said_beside_the_points(ledger: Ledger) -> None:
    a002 = ledger.agents["A002"]
    page = refused_page(
        client(ledger.people.hr).post(
            "/points/entries/",
            {"agent": a002.pk, "points": "0", "on": "2026-05-20", "reason": "补录"},
        )
    )
    # The form takes 0; the service does not (an entry of nothing): beside the points all the same.
    assert "非零" in beside(page, "points") and value(page, "reason") == "补录"


def test_a_correction_of_three_decimals_comes_back_beside_the_points(ledger: Ledger) -> None:
    entry = PointsEntry.objects.get(
        agent__agent_id="A002", period="2026-05-31", indicator="daily_negative"
    )
    page = refused_page(
        client(ledger.people.hr).post(
            f"/points/entries/{entry.pk}/correct/", {"points": "-5.125", "reason": "系统故障"}
        )
    )
    assert beside(page, "points") != "" and value(page, "points") == "-5.125"
    assert value(page, "reason") == "系统故障"
    assert not PointsEntry.objects.filter(corrects=entry).exists()


def test_a_redemption_preview_of_bookings_in_words_keeps_the_figures(ledger: Ledger) -> None:
    page = refused_page(
        client(ledger.people.hr).get(
            "/points/redemptions/preview/", {**MAY, "this_month_bookings": "一千"}
        )
    )
    assert beside(page, "this_month_bookings") != ""
    assert value(page, "this_month_bookings") == "一千"
    assert value(page, "last_month_bookings") == "1000" and value(page, "month") == "2026-05"


def test_a_redemption_of_a_quarter_is_said_beside_the_month(ledger: Ledger) -> None:
    page = refused_page(
        client(ledger.people.hr).get("/points/redemptions/preview/", {**MAY, "month": "2026-Q2"})
    )
    assert "不能按季度" in beside(page, "month") and value(page, "month") == "2026-Q2"


def test_a_confirmed_redemption_of_last_month_zero_comes_back_beside_the_figure(
    ledger: Ledger,
) -> None:
    page = refused_page(
        client(ledger.people.hr).post(
            "/points/redemptions/confirm/", {**MAY, "last_month_bookings": "0", "digest": "x"}
        )
    )
    # The rate divides by last month's bookings: 0 is out of range.
    assert "上月协议饭店预订成功量" in beside(page, "last_month_bookings")
    assert (
        value(page, "last_month_bookings") == "0" and value(page, "this_month_bookings") == "1125"
    )
    assert not Redemption.objects.exists()
