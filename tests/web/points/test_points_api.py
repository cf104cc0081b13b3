"""The points API as HR, a supervisor and an agent use it: token auth, multipart runs, the
redemption twice, the preview and its fingerprint, the exports, and the schema."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appraise.web.audit.models import AuditLog
from appraise.web.points.models import Payout, PointsEntry, Redemption
from points.days import INCIDENTS, METRIC_VALUES

from .conftest import Ledger


def _token_client(user: Any) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return c


def _run(client: APIClient, ledger: Ledger, day: str) -> Any:
    files = [
        SimpleUploadedFile("metric_values.csv", METRIC_VALUES.encode("utf-8")),
        SimpleUploadedFile("incidents.csv", INCIDENTS.encode("utf-8")),
    ]
    return client.post(
        "/api/points/runs/",
        {"scheme_version": ledger.version.pk, "period": day, "files": files},
        format="multipart",
    )


def test_hr_runs_a_day_by_upload_and_the_second_upload_changes_nothing(opening: Ledger) -> None:
    hr = _token_client(opening.people.hr)
    first = _run(hr, opening, "2026-05-29")
    assert first.status_code == 201, first.content.decode()
    body = first.json()
    assert body["changed"] is True
    # 05-29: A001 4, A002 2, A003 -5, A004 2, A006 1; A005 is in the file (05-31 only) and
    # scores 0 that day, so has no entry.
    assert body["totals"] == {
        "A001": "4.00",
        "A002": "2.00",
        "A003": "-5.00",
        "A004": "2.00",
        "A005": "0.00",
        "A006": "1.00",
    }
    assert len(body["entries"]) == 5
    assert body["run"]["files"] == ["incidents.csv", "metric_values.csv"]
    again = _run(hr, opening, "2026-05-29")
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert again.json()["entries"] == []


def test_bad_upload_is_a_400_with_the_file_row_and_field(opening: Ledger) -> None:
    hr = _token_client(opening.people.hr)
    bad = SimpleUploadedFile(
        "metric_values.csv", "agent_id,period,订餐成功总量\nZ999,2026-05-29,3\n".encode()
    )
    r = hr.post(
        "/api/points/runs/",
        {"scheme_version": opening.version.pk, "period": "2026-05-29", "files": [bad]},
        format="multipart",
    )
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert (problem["code"], problem["where"]) == (
        "unknown_agent",
        "metric_values.csv:row 2:agent_id",
    )


def test_an_agent_sees_only_their_own_points(ledger: Ledger) -> None:
    a1 = _token_client(ledger.people.a1)
    mine = a1.get("/api/points/mine/").json()
    # A001: opening 45 + 17 over the three days = 62 -> 一级订餐师.
    assert (mine["agent_id"], mine["balance"], mine["earned"], mine["level"]) == (
        "A001",
        "62.00",
        "62.00",
        "一级订餐师",
    )
    assert {e["agent_id"] for e in mine["entries"]} == {"A001"}
    listed = a1.get("/api/points/entries/").json()
    assert {e["agent_id"] for e in listed} == {"A001"}
    assert len(listed) == PointsEntry.objects.filter(agent__agent_id="A001").count()


def test_a_supervisor_lists_their_teams_entries_and_leaderboard(ledger: Ledger) -> None:
    sup1 = _token_client(ledger.people.sup1)
    listed = sup1.get("/api/points/entries/?period=2026-05-29").json()
    # 05-29 lines of team 一组: A001 4, A002 2, A003 -5.
    assert sorted((e["agent_id"], e["points"]) for e in listed) == [
        ("A001", "4.00"),
        ("A002", "2.00"),
        ("A003", "-5.00"),
    ]
    board = sup1.get("/api/points/leaderboard/?kind=day&period=2026-05-29").json()
    assert [(r["agent_id"], r["points"], r["rank"]) for r in board["rows"]] == [
        ("A001", "4.00", 1),
        ("A002", "2.00", 2),
        ("A003", "-5.00", 3),
    ]
    bad = sup1.get("/api/points/leaderboard/?kind=year&period=2026")
    assert bad.status_code == 400


def test_hr_corrects_an_entry_and_redeems_may_once_then_exports_the_payouts(
    ledger: Ledger,
) -> None:
    hr = _token_client(ledger.people.hr)
    sms = PointsEntry.objects.get(
        agent__agent_id="A002", period="2026-05-31", indicator="daily_negative"
    )
    fixed = hr.post(
        f"/api/points/entries/{sms.pk}/correct/",
        {"points": "-5", "reason": "系统故障"},
        format="json",
    )
    assert fixed.status_code == 201
    assert [(e["kind"], e["points"], e["corrects"]) for e in fixed.json()] == [
        ("reversal", "10.00", sms.pk),
        ("correction", "-5.00", sms.pk),
    ]
    body = {"month": "2026-05", "this_month_bookings": "1125", "last_month_bookings": "1000"}
    first = hr.post("/api/points/redemptions/", body, format="json")
    assert first.status_code == 201
    # 55.13 + 9.00 + 76.50 + 4.50 (see test_ledger for each agent's arithmetic).
    assert (first.json()["rate"], first.json()["amount"]) == ("1.125", "145.13")
    second = hr.post("/api/points/redemptions/", body, format="json")
    assert second.status_code == 200
    assert second.json()["created"] is False
    assert second.json()["amount"] == "145.13"  # the same payouts, not new ones
    csv_resp = hr.get("/api/points/redemptions/2026-05/export/?as=csv")
    assert csv_resp["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_resp.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["A001", "A002", "A003", "A005"]
    # Points as people write them (62), money to the cent.
    assert rows[1][3:] == ["62", "49", "1.125", "55.13", "13"]
    xlsx = hr.get("/api/points/redemptions/2026-05/export/")
    assert 'filename="points-payout-2026-05.xlsx"' in xlsx["Content-Disposition"]
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert [ws.cell(row=r, column=1).value for r in range(2, 6)] == ["A001", "A002", "A003", "A005"]
    assert float(ws["G3"].value) == 9.0  # A002's 8 points x 1.125


def test_the_redemption_without_last_months_bookings_is_a_400_that_names_the_field(
    ledger: Ledger,
) -> None:
    hr = _token_client(ledger.people.hr)
    r = hr.post(
        "/api/points/redemptions/",
        {"month": "2026-05", "this_month_bookings": "1125"},
        format="json",
    )
    assert r.status_code == 400
    assert [p["where"] for p in r.json()["problems"]] == ["redemption 2026-05:last_month_bookings"]


def test_hr_adds_a_manual_entry_with_its_reason(ledger: Ledger) -> None:
    hr = _token_client(ledger.people.hr)
    r = hr.post(
        "/api/points/entries/",
        {"agent_id": "A005", "points": "3", "on": "2026-05-31", "reason": "客户表扬"},
        format="json",
    )
    assert r.status_code == 201
    e = r.json()
    assert (e["source"]["type"], e["created_by"], e["reason"]) == ("manual", "hr", "客户表扬")
    no_reason = hr.post(
        "/api/points/entries/",
        {"agent_id": "A005", "points": "3", "on": "2026-05-31", "reason": " "},
        format="json",
    )
    assert no_reason.status_code == 400


def test_the_openapi_schema_lists_the_points_endpoints(api: Any, ledger: Ledger) -> None:
    schema = api(None).get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {
        "/api/points/mine/",
        "/api/points/leaderboard/",
        "/api/points/runs/",
        "/api/points/redemptions/",
        "/api/points/redemptions/preview/",
        "/api/points/redemptions/{month}/export/",
        "/api/points/entries/{id}/correct/",
    } <= paths


# The preview on the opening balances alone (A001 45, A003 70, both dated 04-30), May at
# 1127 / 1000 = 1.127 yuan a point:
# A001: 0.8 x 45 = 36 points, 9 carried, 36 x 1.127 = 40.572 -> 40.57
# A003: 0.8 x 70 = 56 points, 14 carried, 56 x 1.127 = 63.112 -> 63.11
# together 103.68; nobody else has a balance.
MAY = {"month": "2026-05", "this_month_bookings": "1127", "last_month_bookings": "1000"}
PREVIEW = "/api/points/redemptions/preview/"
REDEEM = "/api/points/redemptions/"


def _written() -> tuple[int, int, int, int]:
    return (
        PointsEntry.objects.count(),
        Payout.objects.count(),
        Redemption.objects.count(),
        AuditLog.objects.count(),
    )


def _paid() -> list[tuple[str, str, str, str]]:
    return sorted(
        (p.agent.agent_id, str(p.points), str(p.carried), str(p.amount))
        for p in Payout.objects.select_related("agent")
    )


def test_the_preview_shows_each_agents_payout_and_writes_nothing(opening: Ledger) -> None:
    hr = _token_client(opening.people.hr)
    before = _written()
    r = hr.get(PREVIEW, MAY)
    assert r.status_code == 200, r.content.decode()
    plan = r.json()
    assert _written() == before
    assert [
        (p["agent_id"], p["balance"], p["points"], p["carried"], p["rate"], p["amount"])
        for p in plan["payouts"]
    ] == [
        ("A001", "45.00", "36.00", "9.00", "1.127", "40.57"),
        ("A003", "70.00", "56.00", "14.00", "1.127", "63.11"),
    ]
    assert (plan["month"], plan["rate"], plan["amount"]) == ("2026-05", "1.127", "103.68")
    assert (plan["redeemed_at"], plan["blocked_by"], plan["skipped"]) == (None, None, {})
    assert len(plan["fingerprint"]) == 16
    # The same figures again: the same plan, so the same fingerprint.
    assert hr.get(PREVIEW, MAY).json()["fingerprint"] == plan["fingerprint"]


def test_the_preview_without_last_months_bookings_is_a_400_that_names_the_field(
    opening: Ledger,
) -> None:
    hr = _token_client(opening.people.hr)
    r = hr.get(PREVIEW, {"month": "2026-05", "this_month_bookings": "1127"})
    assert r.status_code == 400
    assert [p["where"] for p in r.json()["problems"]] == ["redemption 2026-05:last_month_bookings"]


def test_redeeming_with_the_previews_fingerprint_pays_exactly_the_previewed_amounts(
    opening: Ledger,
) -> None:
    hr = _token_client(opening.people.hr)
    plan = hr.get(PREVIEW, MAY).json()
    r = hr.post(REDEEM, {**MAY, "fingerprint": plan["fingerprint"]}, format="json")
    assert r.status_code == 201, r.content.decode()
    previewed = [(p["agent_id"], p["points"], p["carried"], p["amount"]) for p in plan["payouts"]]
    assert (
        _paid()
        == previewed
        == [
            ("A001", "36.00", "9.00", "40.57"),
            ("A003", "56.00", "14.00", "63.11"),
        ]
    )
    assert r.json()["amount"] == plan["amount"] == "103.68"


def test_an_entry_between_preview_and_redemption_is_a_409_and_pays_nothing(
    opening: Ledger,
) -> None:
    hr = _token_client(opening.people.hr)
    plan = hr.get(PREVIEW, MAY).json()
    added = hr.post(
        "/api/points/entries/",
        {"agent_id": "A001", "points": "5", "on": "2026-05-20", "reason": "客户表扬"},
        format="json",
    )
    assert added.status_code == 201
    before = _written()
    r = hr.post(REDEEM, {**MAY, "fingerprint": plan["fingerprint"]}, format="json")
    assert r.status_code == 409, r.content.decode()
    assert r.json()["code"] == "stale_preview"
    assert "请重新预览" in r.json()["message"]
    assert _written() == before  # no redemption, payout, entry or audit row
    # A new preview sees A001's 50: 0.8 x 50 = 40 points, 10 carried, 40 x 1.127 = 45.08;
    # A003 is unchanged at 63.11, so 108.19 in all. Its fingerprint pays.
    again = hr.get(PREVIEW, MAY).json()
    assert again["fingerprint"] != plan["fingerprint"]
    assert again["amount"] == "108.19"
    paid = hr.post(REDEEM, {**MAY, "fingerprint": again["fingerprint"]}, format="json")
    assert paid.status_code == 201
    assert _paid() == [("A001", "40.00", "10.00", "45.08"), ("A003", "56.00", "14.00", "63.11")]


def test_redeeming_the_previewed_month_twice_pays_once(opening: Ledger) -> None:
    hr = _token_client(opening.people.hr)
    plan = hr.get(PREVIEW, MAY).json()
    body = {**MAY, "fingerprint": plan["fingerprint"]}
    assert hr.post(REDEEM, body, format="json").status_code == 201
    paid = _paid()
    written = _written()
    again = hr.post(REDEEM, body, format="json")
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["amount"]) == (False, "103.68")
    assert (_paid(), _written()) == (paid, written)
    # Once paid, the preview says so; the balances it reads now hold the carried points only.
    after = hr.get(PREVIEW, MAY).json()
    assert after["redeemed_at"] is not None
    assert [(p["agent_id"], p["balance"]) for p in after["payouts"]] == [
        ("A001", "9.00"),
        ("A003", "14.00"),
    ]
