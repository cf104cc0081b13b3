"""What the points pages show and do, on seed 003's three days (./conftest.py: opening balances
A001 45 and A003 70 on 04-30, then 05-29, 05-30 and 05-31 run in order; test_ledger.py works out
every day's points by hand). The pages speak Chinese by default, so the words checked here are
the Chinese ones.

Three-day points: A001 4 + 0 + 13 = 17, A002 6, A003 16, A004 -21, A005 5, A006 -6.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from appraise.web.pages.common import nav
from appraise.web.points import services as ps
from appraise.web.points.models import Kind, Payout, PointsEntry, PointsRun, Redemption, Source
from points.days import files

from ..conftest import People
from .conftest import DAYS, Ledger
from .html import read


def client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def said(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def _redeem_may(ledger: Ledger) -> ps.RedemptionOutcome:
    return ps.points_redeem_month(
        month="2026-05",
        this_month_bookings=Decimal(1125),
        last_month_bookings=Decimal(1000),
        by=ledger.people.hr,
    )


# --- navigation ---------------------------------------------------------------------------------


def test_the_points_link_is_for_agents_leaders_and_hr(people: People) -> None:
    def keys(user: object) -> list[str]:
        return [link["key"] for link in nav(user)]  # type: ignore[arg-type]

    for who in (people.hr, people.sup1, people.manager, people.a1):
        assert "points" in keys(who)
    for who in (people.admin, people.outsider):
        assert "points" not in keys(who)


def test_the_points_home_sends_leaders_to_the_boards_and_an_agent_to_their_ledger(
    people: People,
) -> None:
    assert client(people.hr).get("/points/")["Location"] == "/points/boards/"
    assert client(people.sup1).get("/points/")["Location"] == "/points/boards/"
    assert client(people.a1).get("/points/")["Location"] == "/points/me/"


# --- the agent's ledger -------------------------------------------------------------------------


def test_an_agent_reads_every_entry_with_its_reason_source_and_running_balance(
    ledger: Ledger,
) -> None:
    response = client(ledger.people.a1).get("/points/me/")
    assert response.status_code == 200
    page = read(response.content)
    rows = page.rows("ledger")
    # A001: the opening 45, 05-29's 4 (first in both daily lists: 3 + 1), and 05-31's four
    # lines (3, -5, weekly 5, monthly 10); 05-30 gave nothing. Newest first.
    assert len(rows) == 6
    points = [r.cells[2] for r in rows]
    assert sorted(points) == sorted(["+45", "+4", "+3", "−5", "+5", "+10"])
    newest, oldest = rows[0], rows[-1]
    assert newest.cells[6] == "62"  # 45 + 4 + 3 - 5 + 5 + 10
    assert (oldest.cells[1], oldest.cells[2], oldest.cells[6]) == ("2026-04-30", "+45", "45")
    assert "hr 录入" in oldest.cells[4] and oldest.cells[5] == "纸质积分表结转"
    may29 = next(r for r in rows if r.cells[1] == "2026-05-29")
    assert may29.cells[4].startswith("s003-points · 正积分")
    assert may29.cells[5].startswith("正积分:")
    assert may29.cells[6] == "49"  # 45 + 4
    # Balance 62 = accumulated 62 (nothing redeemed yet): 一级订餐师 (60), 18 short of 80.
    assert (page.texts["balance"], page.texts["earned"]) == ("62", "62")
    assert page.texts["level"] == "一级订餐师"
    assert page.texts["next-level"] == "距 二级订餐师 还差 18 分"
    assert b"/correct/" not in response.content  # only HR corrects


def test_after_the_redemption_the_agent_sees_the_payout_and_keeps_the_carried_points(
    ledger: Ledger,
) -> None:
    _redeem_may(ledger)
    page = read(client(ledger.people.a1).get("/points/me/").content)
    # 0.8 x 62 = 49.6 -> 49 points at 1125 / 1000 = 1.125 yuan: 55.125 -> ¥55.13; 13 carried.
    assert page.cells("payouts") == [["2026-05", "62", "49", "1.125", "¥55.13", "13"]]
    top = page.rows("ledger")[0]
    assert top.attrs["data-source"] == "redemption"
    assert (top.cells[2], top.cells[6]) == ("−49", "13")
    assert "积分兑换 2026-05" in top.cells[5] and "¥55.13" in top.cells[5]
    # The balance keeps the carried 13; the level keeps every point earned (62).
    assert (page.texts["balance"], page.texts["earned"]) == ("13", "62")
    assert page.texts["level"] == "一级订餐师"


def test_hr_may_correct_standing_entries_but_not_redemptions_reversals_or_corrected_ones(
    ledger: Ledger,
) -> None:
    _redeem_may(ledger)
    first = PointsEntry.objects.get(agent__agent_id="A001", period="2026-05-29")
    reversal, right = ps.points_entry_correct(
        entry=first, points=Decimal(3), reason="复核:只在一个榜单第一", by=ledger.people.hr
    )
    response = client(ledger.people.hr).get("/points/agents/A001/")
    links = set(re.findall(rb'href="/points/entries/(\d+)/correct/"', response.content))
    standing = PointsEntry.objects.filter(agent__agent_id="A001", source__in=("scheme", "manual"))
    expected = {
        str(e.pk).encode()
        for e in standing
        if e.pk not in (first.pk, reversal.pk)  # corrected, and the reversal itself
    }
    assert right.pk in {int(x) for x in expected}
    assert links == expected
    redemption = PointsEntry.objects.get(agent__agent_id="A001", source=Source.REDEMPTION)
    assert str(redemption.pk).encode() not in links


# --- leaderboards and teams ---------------------------------------------------------------------


def test_the_boards_rank_day_week_and_month_with_shared_places_and_show_how_totals_were_made(
    ledger: Ledger,
) -> None:
    page_html = client(ledger.people.hr).get("/points/boards/?on=2026-05-29").content.decode()
    page = read(page_html)

    def board(kind: str) -> list[tuple[str, str, str]]:
        return [(r.attrs["data-agent"], r.cells[0], r.cells[2]) for r in page.rows(kind)]

    # 05-29: A001 4; A002 and A004 2 share second; A006 1 is fourth; A003 -5 fifth.
    assert board("board-day") == [
        ("A001", "1", "4"),
        ("A002", "2", "2"),
        ("A004", "2", "2"),
        ("A006", "4", "1"),
        ("A003", "5", "−5"),
    ]
    # A001's 4 is one line: first in both daily lists, the better place's 3 + 1.
    assert page.by("board-day", "data-agent")["A001"][1].endswith("正积分 +4")
    # Week 2026-W22 and May hold the three days (the opening balances are April's).
    week = [
        ("A001", "1", "17"),
        ("A003", "2", "16"),
        ("A002", "3", "6"),
        ("A005", "4", "5"),
        ("A006", "5", "−6"),
        ("A004", "6", "−21"),
    ]
    assert board("board-week") == week
    assert board("board-month") == week
    headings = re.findall(r"<h2>[^<]*<span class=\"muted small\">([^<]+)</span>", page_html)
    assert headings == ["2026-05-29", "2026-W22", "2026-05"]


def test_a_supervisor_sees_only_their_teams_on_the_boards_and_the_team_page(
    ledger: Ledger,
) -> None:
    sup1 = client(ledger.people.sup1)
    boards = read(sup1.get("/points/boards/?on=2026-05-31").content)
    assert [r.attrs["data-agent"] for r in boards.rows("board-month")] == ["A001", "A003", "A002"]
    teams = read(sup1.get("/points/teams/?month=2026-05").content)
    assert set(teams.tables) == {"team-一组"}
    # Most accumulated first: A003 70 + 16 = 86 (二级订餐师), A001 45 + 17 = 62 (一级), A002 6.
    assert teams.by("team-一组", "data-agent") == {
        "A003": ["罗敏 A003", "16", "86", "86", "二级订餐师", "距 三级订餐师 还差 14 分"],
        "A001": ["张三 A001", "17", "62", "62", "一级订餐师", "距 二级订餐师 还差 18 分"],
        "A002": ["李四 A002", "6", "6", "6", "—", "距 一级订餐师 还差 54 分"],
    }
    assert [r.attrs["data-agent"] for r in teams.rows("team-一组")] == ["A003", "A001", "A002"]


# --- HR: runs -----------------------------------------------------------------------------------


def _run(c: Client, ledger: Ledger, day: str, **kw: str) -> HttpResponse:
    uploads = [SimpleUploadedFile(name, body) for name, body in files(**kw).items()]
    return c.post(  # type: ignore[return-value]
        "/points/runs/",
        {"scheme_version": str(ledger.version.pk), "period": day, "files": uploads},
    )


def test_hr_runs_a_day_from_uploaded_files_and_the_same_files_again_write_nothing(
    opening: Ledger,
) -> None:
    hr = client(opening.people.hr)
    response = _run(hr, opening, DAYS[0])
    run = PointsRun.objects.get(period=DAYS[0])
    assert response.status_code == 302 and response["Location"] == f"/points/runs/{run.pk}/"
    # 05-29: A001 +4, A002 +2, A003 -5 (one failed recording; 40% success: no positive points),
    # A004 +2, A006 +1.
    page = read(hr.get(response["Location"]).content)
    assert sorted((r.cells[1].split()[-1], r.cells[3]) for r in page.rows("run-entries")) == [
        ("A001", "+4"),
        ("A002", "+2"),
        ("A003", "−5"),
        ("A004", "+2"),
        ("A006", "+1"),
    ]
    before = (PointsEntry.objects.count(), PointsRun.objects.count())
    again = _run(hr, opening, DAYS[0])
    assert again["Location"] == "/points/runs/"
    # "nothing changed; the ledger already holds these points"
    assert any("没有变化" in m for m in said(again))
    assert (PointsEntry.objects.count(), PointsRun.objects.count()) == before


def test_the_runs_are_listed_newest_first_with_their_entry_counts(ledger: Ledger) -> None:
    page = read(client(ledger.people.hr).get("/points/runs/").content)
    # Run in order 05-29, 05-30, 05-31 (conftest), writing 5, 3 and 16 entries (test_ledger.py).
    assert [(r.cells[1], r.cells[3]) for r in page.rows("runs")] == [
        ("2026-05-31", "16"),
        ("2026-05-30", "3"),
        ("2026-05-29", "5"),
    ]


def test_a_run_naming_an_unknown_agent_says_which_row_and_writes_nothing(opening: Ledger) -> None:
    text = "agent_id,period,订餐成功总量\nA001,2026-05-29,3\nZ999,2026-05-29,4\n"
    response = client(opening.people.hr).post(
        "/points/runs/",
        {
            "scheme_version": str(opening.version.pk),
            "period": "2026-05-29",
            "files": [SimpleUploadedFile("metric_values.csv", text.encode("utf-8"))],
        },
    )
    # The form again (200), the reason beside the file input naming the file and the row, and
    # the period typed kept.
    assert response.status_code == 200
    page = response.content.decode()
    beside = re.search(r'id="run-files-error"[^>]*>(.*?)</div>', page, re.S)
    assert beside and "metric_values.csv" in beside[1] and "Z999" in beside[1]
    assert 'value="2026-05-29"' in page
    assert PointsRun.objects.count() == 0
    assert not PointsEntry.objects.filter(source=Source.SCHEME).exists()


def test_a_run_without_files_or_cycle_is_refused(opening: Ledger) -> None:
    response = client(opening.people.hr).post(
        "/points/runs/", {"scheme_version": str(opening.version.pk), "period": "2026-05-29"}
    )
    assert response.status_code == 200
    assert "请上传输入文件，或选择一个考核周期" in response.content.decode()
    assert PointsRun.objects.count() == 0


# --- HR: manual entries and corrections ---------------------------------------------------------


def test_hr_adds_a_manual_entry_and_one_without_a_reason_writes_nothing(ledger: Ledger) -> None:
    hr = client(ledger.people.hr)
    a002 = ledger.agents["A002"]
    before = PointsEntry.objects.count()
    refused = hr.post(
        "/points/entries/", {"agent": a002.pk, "points": "3", "on": "2026-05-20", "reason": " "}
    )
    assert refused.status_code == 200  # the form again, with its error
    assert PointsEntry.objects.count() == before
    done = hr.post(
        "/points/entries/",
        {"agent": a002.pk, "points": "3", "on": "2026-05-20", "reason": "客户来电表扬"},
    )
    assert done["Location"] == "/points/entries/"
    entry = PointsEntry.objects.get(source=Source.MANUAL, agent=a002)
    assert (entry.points, str(entry.on), entry.reason, entry.created_by) == (
        Decimal(3),
        "2026-05-20",
        "客户来电表扬",
        ledger.people.hr,
    )
    listed = read(hr.get("/points/entries/").content)
    newest = listed.rows("manual")[0]
    assert newest.cells[2:5] == ["李四", "+3", "记录"]


def test_a_correction_through_the_page_adds_a_reversal_and_the_right_value(ledger: Ledger) -> None:
    hr = client(ledger.people.hr)
    sms = PointsEntry.objects.get(
        agent__agent_id="A002", period="2026-05-31", indicator="daily_negative"
    )
    assert sms.points == -10  # two SMS errors with complaints x 5
    response = hr.post(
        f"/points/entries/{sms.pk}/correct/", {"points": "-5", "reason": "一条短信错误是系统故障"}
    )
    assert response["Location"] == "/points/agents/A002/"
    new = list(PointsEntry.objects.filter(corrects=sms).order_by("id"))
    assert [(e.kind, e.points) for e in new] == [
        (Kind.REVERSAL, Decimal(10)),
        (Kind.CORRECTION, Decimal(-5)),
    ]
    sms.refresh_from_db()
    assert sms.points == -10  # never edited
    # A002: 6 + 10 - 5 = 11.
    page = read(hr.get("/points/agents/A002/").content)
    assert page.texts["balance"] == "11"
    history = read(hr.get(f"/points/entries/{sms.pk}/correct/").content)
    assert [r.cells[1] for r in history.rows("history")] == ["−10", "+10", "−5"]
    # The corrected entry takes no second correction: correct its correction instead.
    again = hr.post(f"/points/entries/{sms.pk}/correct/", {"points": "0", "reason": "again"})
    assert again.status_code == 200 and "该记录已更正过" in again.content.decode()
    assert PointsEntry.objects.filter(corrects=sms).count() == 2


# --- HR: the redemption -------------------------------------------------------------------------

MAY = {"month": "2026-05", "this_month_bookings": "1125", "last_month_bookings": "1000"}


def _counts() -> tuple[int, int, int]:
    return PointsEntry.objects.count(), Redemption.objects.count(), Payout.objects.count()


def test_the_preview_writes_nothing_and_the_confirmation_pays_it_once(ledger: Ledger) -> None:
    hr = client(ledger.people.hr)
    before = _counts()
    preview = hr.get("/points/redemptions/preview/", MAY)
    assert preview.status_code == 200
    assert _counts() == before
    page = read(preview.content)
    # Month-end balances 62, 6, 86, -21, 5, -6 at 1125 / 1000 = 1.125 yuan a point:
    # A001 0.8 x 62 = 49.6 -> 49 points, 13 carried, 49 x 1.125 = 55.125 -> ¥55.13;
    # A002 0.8 x 6 = 4.8 -> 4, 2 carried, ¥4.50; A003 0.8 x 86 = 68.8 -> 68, 18, ¥76.50;
    # A005 0.8 x 5 = 4, 1, ¥4.50; A004 and A006 owe points: nothing redeemed, all carried.
    assert page.by("plan", "data-agent") == {
        "A001": ["张三 A001", "一组", "62", "49", "¥55.13", "13"],
        "A002": ["李四 A002", "一组", "6", "4", "¥4.50", "2"],
        "A003": ["罗敏 A003", "一组", "86", "68", "¥76.50", "18"],
        "A005": ["宋佳 A005", "二组", "5", "4", "¥4.50", "1"],
        "A004": ["梁超 A004", "二组", "−21", "0", "¥0.00", "−21"],
        "A006": ["唐宁 A006", "二组", "−6", "0", "¥0.00", "−6"],
    }
    assert page.texts["rate"] == "1.125"
    assert page.texts["total"] == "¥140.63"  # 55.13 + 4.50 + 76.50 + 4.50
    digest = re.search(rb'name="digest" value="([0-9a-f]+)"', preview.content)
    assert digest is not None
    confirm = hr.post("/points/redemptions/confirm/", {**MAY, "digest": digest.group(1).decode()})
    assert confirm["Location"] == "/points/redemptions/2026-05/"
    assert any("¥140.63" in m and "4 人" in m for m in said(confirm))
    paid = {p.agent.agent_id: p.amount for p in Payout.objects.select_related("agent")}
    assert paid == {
        "A001": Decimal("55.13"),
        "A002": Decimal("4.50"),
        "A003": Decimal("76.50"),
        "A005": Decimal("4.50"),
    }
    detail = read(hr.get("/points/redemptions/2026-05/").content)
    assert detail.texts["total"] == "¥140.63"
    after = _counts()
    # The same confirmation again (a double click, the back button): nothing is paid again.
    twice = hr.post("/points/redemptions/confirm/", {**MAY, "digest": digest.group(1).decode()})
    assert twice["Location"] == "/points/redemptions/2026-05/"
    assert any("不会重复兑付" in m for m in said(twice))  # nothing was paid again
    assert _counts() == after
    # A preview of a redeemed month says so and offers no confirmation.
    shown = hr.get("/points/redemptions/preview/", MAY)
    assert "done" in read(shown.content).texts
    assert b'id="confirm-form"' not in shown.content


def test_a_confirmation_after_the_ledger_moved_pays_nothing_and_asks_for_a_new_preview(
    ledger: Ledger,
) -> None:
    hr = client(ledger.people.hr)
    preview = hr.get("/points/redemptions/preview/", MAY)
    digest = re.search(rb'name="digest" value="([0-9a-f]+)"', preview.content)
    assert digest is not None
    ps.points_entry_add(
        agent=ledger.agents["A002"],
        points=Decimal(2),
        on=date(2026, 5, 20),
        reason="预览之后补录",
        by=ledger.people.hr,
    )
    before = _counts()
    response = hr.post("/points/redemptions/confirm/", {**MAY, "digest": digest.group(1).decode()})
    # The redemption page again, with the figures kept and the reason on the form.
    assert response.status_code == 200
    assert "积分余额或数据已变动" in response.content.decode()
    assert 'value="1125"' in response.content.decode()
    assert _counts() == before
    assert not Redemption.objects.exists()


def test_bad_redemption_figures_come_back_on_the_form_and_write_nothing(ledger: Ledger) -> None:
    before = _counts()
    response = client(ledger.people.hr).get(
        "/points/redemptions/preview/", {**MAY, "last_month_bookings": "0"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    # Beside the field that holds it, the figure typed still in it.
    field = re.search(r'<input[^>]*name="last_month_bookings"[^>]*>(.*?)</ul>', page, re.S)
    assert field and 'value="0"' in field[0] and "上月协议饭店预订成功量" in field[1]
    assert 'id="redeem-form"' in page
    assert _counts() == before


def test_the_payout_list_downloads_as_csv_and_excel_to_the_cent(ledger: Ledger) -> None:
    _redeem_may(ledger)
    hr = client(ledger.people.hr)
    got = hr.get("/points/redemptions/2026-05/payouts.csv")
    assert got["Content-Disposition"] == 'attachment; filename="points-payout-2026-05.csv"'
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["工号", "姓名", "班组"] and rows[0][6] == "金额(元)"
    # agent, name, team, balance, points, rate, amount, carried; money always to the cent.
    assert [(r[0], r[6]) for r in rows[1:]] == [
        ("A001", "55.13"),
        ("A002", "4.50"),
        ("A003", "76.50"),
        ("A005", "4.50"),
    ]
    xlsx = hr.get("/points/redemptions/2026-05/payouts.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    amounts = [(c.value, c.number_format) for c in sheet["G"][1:]]
    yuan = '"¥"#,##0.00'
    assert amounts == [(55.13, yuan), (4.5, yuan), (76.5, yuan), (4.5, yuan)]
    assert hr.get("/points/redemptions/2026-05/payouts.pdf").status_code == 400
