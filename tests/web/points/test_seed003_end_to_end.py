"""Seed 003's three points schemes end to end through the pages and the services behind them:
HR uploads a few hand-made days, the ledger holds the entries worked out below by hand, the agents
read their balances and levels, HR corrects an entry and runs the May redemption.

The organisation (tests/web/conftest.py): 一组 = A001 张三, A002 李四 (supervisor sup1); 二组 =
B001 王五 and, added here, B002 赵六 (supervisor sup2). 2026-05-30 is a Saturday; 2026-05-31 is a
Sunday, so it closes ISO week 2026-W22 and May, and the weekly and monthly lists are awarded on it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.org.models import Agent
from appraise.web.points import selectors as sel
from appraise.web.points.models import Kind, Payout, PointsEntry, Source
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create

from ..conftest import ROOT, People
from .html import read

SEEDS = ROOT / "schemes" / "seeds"


def _version(people: People, name: str) -> SchemeVersion:
    path = SEEDS / f"{name}.yaml"
    return scheme_version_create(
        by=people.hr, text=path.read_text(encoding="utf-8"), file=path.name
    )


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _upload(hr: Client, version: SchemeVersion, day: str, tables: dict[str, str]) -> None:
    """HR's run page: the scheme, the day and the files, as the form sends them."""
    response = hr.post(
        "/points/runs/",
        {
            "scheme_version": str(version.pk),
            "period": day,
            "files": [SimpleUploadedFile(n, t.encode("utf-8")) for n, t in tables.items()],
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/points/runs/"), response["Location"]


def _ledger(scheme_id: str) -> dict[tuple[str, str, str], Decimal]:
    return {
        (e.agent.agent_id, e.period, e.indicator): e.points
        for e in PointsEntry.objects.filter(source=Source.SCHEME, scheme_id=scheme_id)
    }


def _earned(people: People, agent_id: str) -> tuple[Decimal, Decimal, str | None, Decimal | None]:
    """(balance, accumulated, level, points to the next level) as the ledger page reads them."""
    got = sel.agent_points_get(user=people.hr, agent_id=agent_id)
    return got.balance, got.earned, got.level.level, got.level.to_next


@pytest.fixture
def four(people: People) -> People:
    Agent.objects.create(agent_id="B002", name="赵六", team=people.team2)
    return people


# --- s003-points: 客服积分制度 (订餐) -----------------------------------------------------------------

# 订餐成功总量, 协议饭店预订成功量, 订餐成功率 every day; the week's totals and the month's success
# rate on the 31st; the department's answer rate (当月部门接通率) as a center row (no agent).
POINTS_VALUES = """agent_id,period,订餐成功总量,协议饭店预订成功量,订餐成功率,本周订餐成功总量,本周协议饭店预订成功量,本月订餐成功率,当月部门接通率
A001,2026-05-30,50,20,80%,,,,
A002,2026-05-30,40,12,70%,,,,
B001,2026-05-30,30,11,60%,,,,
B002,2026-05-30,55,25,45%,,,,
,2026-05-30,,,,,,,95%
A001,2026-05-31,45,10,85%,300,90,80%,
A002,2026-05-31,45,18,75%,280,60,80%,
B001,2026-05-31,20,8,55%,200,,60%,
B002,2026-05-31,35,18,50%,310,40,55%,
,2026-05-31,,,,,,,96%
"""

POINTS_INCIDENTS = """agent_id,date,kind,count,points,amount,note
B002,2026-05-30,录音抽查不符合客服规范,3,,,
A002,2026-05-30,服务态度造成投诉,1,,,
A001,2026-05-31,短信出错造成用户投诉,1,,,
B001,2026-05-31,记录作弊,1,,,虚报订餐
B002,2026-05-31,录音抽查不符合客服规范,1,,,
"""

# 05-30, daily lists (3/2 points, ties share; under 50% success no place and no points):
#   订餐: B002 55 has 45% success and takes no place; A001 50 first (3), A002 40 second (2),
#         B001 30 third (nothing: the list pays two places).
#   饭店: B002 25 out again; A001 20 first (3), A002 12 second (2), B001 11 third.
#   正积分: A001 first in both: 3 + 1 = 4; A002 second in both: 2 + 1 = 3; B001 placed nowhere,
#   worked (60%) and the department answered 95% ("95% 以上" includes 95): 1; B002 0.
#   负积分: A002 one attitude complaint -8; B002 three failed recordings 3 x 5 = 15, at most 10
#   a day: -10.
# 05-31:
#   订餐: A001 and A002 tie on 45: both first (3); the next place is third: B002 35, B001 20 get 0.
#   饭店: A002 and B002 tie on 18: both first (3); A001 10 third, B001 8: 0.
#   正积分: A001 3; A002 first in both 3 + 1 = 4; B002 3; B001 placed nowhere, 55%, 96%: 1.
#   负积分: A001 one SMS error with a complaint -5; B001 cheating -10; B002 one recording -5.
#   周 (5/4/2/1, +1 when placed in both): 订餐 B002 310 (5), A001 300 (4), A002 280 (2),
#   B001 200 (1); 饭店 A001 90 (5), A002 60 (4), B002 40 (2), B001 no figure (no place).
#   A001 max(4, 5) + 1 = 6; A002 max(2, 4) + 1 = 5; B002 max(5, 2) + 1 = 6; B001 1 + 0 = 1.
#   月 (本月订餐成功率 10/5/2): A001 and A002 tie on 80% (10 each), B001 60% third (2), B002 0.
POINTS_LEDGER = {
    ("A001", "2026-05-30", "daily_positive"): 4,
    ("A002", "2026-05-30", "daily_positive"): 3,
    ("A002", "2026-05-30", "daily_negative"): -8,
    ("B001", "2026-05-30", "daily_positive"): 1,
    ("B002", "2026-05-30", "daily_negative"): -10,
    ("A001", "2026-05-31", "daily_positive"): 3,
    ("A001", "2026-05-31", "daily_negative"): -5,
    ("A001", "2026-05-31", "weekly_points"): 6,
    ("A001", "2026-05-31", "monthly_points"): 10,
    ("A002", "2026-05-31", "daily_positive"): 4,
    ("A002", "2026-05-31", "weekly_points"): 5,
    ("A002", "2026-05-31", "monthly_points"): 10,
    ("B001", "2026-05-31", "daily_positive"): 1,
    ("B001", "2026-05-31", "daily_negative"): -10,
    ("B001", "2026-05-31", "weekly_points"): 1,
    ("B001", "2026-05-31", "monthly_points"): 2,
    ("B002", "2026-05-31", "daily_positive"): 3,
    ("B002", "2026-05-31", "daily_negative"): -5,
    ("B002", "2026-05-31", "weekly_points"): 6,
}


def test_s003_points_two_days_a_correction_and_the_may_redemption(four: People) -> None:
    version = _version(four, "s003-points")
    hr = _client(four.hr)
    # Opening balances from the paper 晋级榜, dated April: A001 50, A002 90.
    for agent, points in ((four.agent_a1, "50"), (four.agent_a2, "90")):
        response = hr.post(
            "/points/entries/",
            {"agent": agent.pk, "points": points, "on": "2026-04-30", "reason": "纸质积分表结转"},
        )
        assert response["Location"] == "/points/entries/"
    tables = {"metric_values.csv": POINTS_VALUES, "incidents.csv": POINTS_INCIDENTS}
    for day in ("2026-05-30", "2026-05-31"):
        _upload(hr, version, day, tables)

    assert _ledger("s003-points") == POINTS_LEDGER
    # Day totals: 05-30 A001 4, A002 3 - 8 = -5, B001 1, B002 -10;
    # 05-31 A001 3 - 5 + 6 + 10 = 14, A002 4 + 5 + 10 = 19, B001 1 - 10 + 1 + 2 = -6,
    # B002 3 - 5 + 6 = 4. With the opening balances: A001 50 + 4 + 14 = 68, A002 90 - 5 + 19 =
    # 104, B001 1 - 6 = -5, B002 -10 + 4 = -6.
    # Levels (60/80/100/150): A001 68 一级订餐师, 12 short of 二级 (80); A002 104 三级订餐师, 46
    # short of 特级 (150); B001 and B002 have none yet, 65 and 66 short of 一级 (60).
    assert _earned(four, "A001") == (68, 68, "一级订餐师", 12)
    assert _earned(four, "A002") == (104, 104, "三级订餐师", 46)
    assert _earned(four, "B001") == (-5, -5, None, 65)
    assert _earned(four, "B002") == (-6, -6, None, 66)

    # The day's board as sup2 sees it (二组 only): B002 4 first, B001 -6 second.
    sup2 = read(_client(four.sup2).get("/points/boards/?on=2026-05-31").content)
    day = [(r.attrs["data-agent"], r.cells[0], r.cells[2]) for r in sup2.rows("board-day")]
    assert day == [("B002", "1", "4"), ("B001", "2", "−6")]

    # The cheating record was wrong: HR corrects B001's 05-31 负积分 from -10 to 0, which is a
    # reversal of +10 and no new value; the original entry stays.
    cheat = PointsEntry.objects.get(
        agent__agent_id="B001", period="2026-05-31", indicator="daily_negative"
    )
    response = hr.post(
        f"/points/entries/{cheat.pk}/correct/", {"points": "0", "reason": "作弊记录经复核不成立"}
    )
    assert response["Location"] == "/points/agents/B001/"
    assert [(e.kind, e.points) for e in PointsEntry.objects.filter(corrects=cheat)] == [
        (Kind.REVERSAL, Decimal(10))
    ]
    # B001: -5 + 10 = 5, 55 short of 一级.
    assert _earned(four, "B001") == (5, 5, None, 55)
    # The day's board for everyone: A002 19, A001 14, then B001 -6 + 10 = 4 and B002 4 share
    # third place.
    board = read(hr.get("/points/boards/?on=2026-05-31").content)
    day = [(r.attrs["data-agent"], r.cells[0], r.cells[2]) for r in board.rows("board-day")]
    assert day == [("A002", "1", "19"), ("A001", "2", "14"), ("B001", "3", "4"), ("B002", "3", "4")]
    # Running the 31st again on the same files keeps HR's correction: nothing is written.
    entries = PointsEntry.objects.count()
    _upload(hr, version, "2026-05-31", tables)
    assert PointsEntry.objects.count() == entries

    # The May redemption: 协议饭店 bookings 1234 this month and 1000 last month, so a point is
    # worth ¥1 x 1234 / 1000 = ¥1.234; 80% of each month-end balance, down to whole points.
    # A001 0.8 x 68 = 54.4 -> 54 points, 14 carried, 54 x 1.234 = 66.636 -> ¥66.64;
    # A002 0.8 x 104 = 83.2 -> 83, 21 carried, 83 x 1.234 = 102.422 -> ¥102.42;
    # B001 0.8 x 5 = 4 -> 4, 1 carried, 4 x 1.234 = 4.936 -> ¥4.94;
    # B002 -6: nothing redeemed, the debt is carried. In all 66.64 + 102.42 + 4.94 = ¥174.00.
    may = {"month": "2026-05", "this_month_bookings": "1234", "last_month_bookings": "1000"}
    preview = hr.get("/points/redemptions/preview/", {**may, "scheme_version": version.pk})
    plan = read(preview.content)
    assert plan.texts["rate"] == "1.234" and plan.texts["total"] == "¥174.00"
    digest = preview.content.decode().split('name="digest" value="')[1].split('"')[0]
    hr.post("/points/redemptions/confirm/", {**may, "scheme_version": version.pk, "digest": digest})
    paid = {
        p.agent.agent_id: (p.balance, p.points, p.carried, p.amount)
        for p in Payout.objects.select_related("agent")
    }
    assert paid == {
        "A001": (68, 54, 14, Decimal("66.64")),
        "A002": (104, 83, 21, Decimal("102.42")),
        "B001": (5, 4, 1, Decimal("4.94")),
    }
    # Balances now hold the carried points; levels keep every point earned.
    assert _earned(four, "A001") == (14, 68, "一级订餐师", 12)
    assert _earned(four, "A002") == (21, 104, "三级订餐师", 46)
    assert _earned(four, "B002") == (-6, -6, None, 66)
    # The agent reads the payout in their ledger.
    mine = read(_client(four.a1).get("/points/me/").content)
    assert mine.cells("payouts") == [["2026-05", "68", "54", "1.234", "¥66.64", "14"]]
    assert (mine.texts["balance"], mine.texts["earned"]) == ("14", "68")
    # Again: nothing more is paid.
    hr.post("/points/redemptions/confirm/", {**may, "scheme_version": version.pk, "digest": digest})
    assert Payout.objects.count() == 3


# --- s003-points-catering: 餐饮商务中心 ------------------------------------------------------------

CATERING_VALUES = """agent_id,period,当日回款,本周回款,本月回款
A001,2026-05-30,5000,,
A002,2026-05-30,5000,,
B001,2026-05-30,2000,,
A001,2026-05-31,1000,30000,80000
A002,2026-05-31,3000,20000,120000
B001,2026-05-31,0,10000,60000
"""

CATERING_INCIDENTS = """agent_id,date,kind,count,points,amount,note
B001,2026-05-30,晨会迟到,1,,,
A001,2026-05-30,签约A类饭店,1,,,
A002,2026-05-31,不参加晨会,1,,,
B001,2026-05-31,签约A类饭店,1,,,
B001,2026-05-31,签约其他类别饭店,1,,,
"""

# 05-30: 回款 A001 and A002 5000 share the top (2 each), B001 2000 gets 1; B001 late for the
# morning meeting -1; A001 signs an A-class restaurant +20. Day totals A001 22, A002 2, B001 0.
# 05-31: 回款 A002 3000 top (2); A001 1000 and B001 0 (at work, nothing collected) 1 each;
# A002 absent from the meeting -2; B001 signs A-class 20 and another class 5 = 25.
# Week (5/3/1, the last place gets nothing): A001 30000 5, A002 20000 3, B001 10000 last 0.
# Month (8/3/1, the last nothing): A002 120000 8, A001 80000 3, B001 60000 last 0.
# 每月积分最高 +5 on the month's last day, over the month's points (earlier days from the
# ledger + today's, without this bonus): A001 22 + (1 + 5 + 3) = 31, A002 2 + (2 - 2 + 3 + 8) =
# 13, B001 0 + (1 + 25) = 26: A001 gets 5. Without the ledger's 05-30, B001's 26 would beat
# A001's 9: the bonus depends on the history the ledger keeps.
CATERING_LEDGER = {
    ("A001", "2026-05-30", "daily_collections"): 2,
    ("A001", "2026-05-30", "signing"): 20,
    ("A002", "2026-05-30", "daily_collections"): 2,
    ("B001", "2026-05-30", "daily_collections"): 1,
    ("B001", "2026-05-30", "morning_meeting"): -1,
    ("A001", "2026-05-31", "daily_collections"): 1,
    ("A001", "2026-05-31", "weekly_points"): 5,
    ("A001", "2026-05-31", "monthly_points"): 3,
    ("A001", "2026-05-31", "month_top_bonus"): 5,
    ("A002", "2026-05-31", "daily_collections"): 2,
    ("A002", "2026-05-31", "morning_meeting"): -2,
    ("A002", "2026-05-31", "weekly_points"): 3,
    ("A002", "2026-05-31", "monthly_points"): 8,
    ("B001", "2026-05-31", "daily_collections"): 1,
    ("B001", "2026-05-31", "signing"): 25,
}


def test_s003_points_catering_reads_the_months_earlier_days_from_the_ledger(
    four: People,
) -> None:
    version = _version(four, "s003-points-catering")
    hr = _client(four.hr)
    tables = {"metric_values.csv": CATERING_VALUES, "incidents.csv": CATERING_INCIDENTS}
    for day in ("2026-05-30", "2026-05-31"):
        _upload(hr, version, day, tables)
    assert _ledger("s003-points-catering") == CATERING_LEDGER
    # Two days: A001 22 + 14 = 36, A002 2 + 11 = 13, B001 0 + 26 = 26. The scheme has no levels,
    # so the seed's ladder applies: nobody has 60 yet (A001 is 24 short).
    assert _earned(four, "A001") == (36, 36, None, 24)
    board = read(hr.get("/points/boards/?on=2026-05-31").content)
    month = [(r.attrs["data-agent"], r.cells[0], r.cells[2]) for r in board.rows("board-month")]
    assert month == [("A001", "1", "36"), ("B001", "2", "26"), ("A002", "3", "13")]


# --- s003-service-points: 客户服务积分方案, from a cycle's files --------------------------------------

SERVICE_VALUES = """agent_id,period,resolved_simple,resolved_normal,resolved_hard,qa_average,first_response_time_mean,worked_hours,satisfied_reviews,dissatisfied_reviews
A001,2026-05,100,50,10,96,25,170,40,5
A002,2026-05,37,11,3,90,60,160,10,8
B001,2026-05,0,0,0,79.5,121,7,0,0
"""

# A001: 解决问题 100 x 0.1 + 50 x 0.2 + 10 x 0.5 = 25; 服务质量 QA 96 >= 95: 30; 回复速度 25 s
# <= 30: 20; 服务时长 floor(170 / 8) = 21; 服务评价 40 - 2 x 5 = 30. Total 126.
# A002: 37 x 0.1 + 11 x 0.2 + 3 x 0.5 = 3.7 + 2.2 + 1.5 = 7.4; QA 90 in [90, 95): 20; 60 s in
# (30, 60]: 10; 160 / 8 = 20; 10 - 2 x 8 = -6, never below 0: 0 (no entry). Total 57.4.
# B001: nothing resolved, QA 79.5 < 80, 121 s > 120, 7 h < 8, no reviews: no entry at all.
SERVICE_LEDGER = {
    ("A001", "2026-05", "problem_solving"): 25,
    ("A001", "2026-05", "service_quality"): 30,
    ("A001", "2026-05", "response_speed"): 20,
    ("A001", "2026-05", "service_hours"): 21,
    ("A001", "2026-05", "service_reviews"): 30,
    ("A002", "2026-05", "problem_solving"): Decimal("7.4"),
    ("A002", "2026-05", "service_quality"): 20,
    ("A002", "2026-05", "response_speed"): 10,
    ("A002", "2026-05", "service_hours"): 20,
}


def test_s003_service_points_run_on_the_metric_values_a_cycle_imported(four: People) -> None:
    version = _version(four, "s003-service-points")
    cycle = cs.cycle_create(
        by=four.hr,
        name="五月服务积分",
        scheme_version=version,
        period="2026-05",
        teams=[four.team1, four.team2],
    )
    cs.cycle_import_data(
        cycle=cycle, by=four.hr, files={"metric_values.csv": SERVICE_VALUES.encode("utf-8")}
    )
    hr = _client(four.hr)
    response = hr.post(
        "/points/runs/",
        {"scheme_version": str(version.pk), "period": "2026-05", "cycle": str(cycle.pk)},
    )
    assert response.status_code == 302 and response["Location"].startswith("/points/runs/")
    assert _ledger("s003-service-points") == SERVICE_LEDGER
    # The scheme's own ladder (积累级 below 1000, 礼品级 from 1000, 晋升级 from 2000) is the
    # one of the latest run with levels: A001 126 积累级, 874 to 礼品级; A002 57.4, 942.6 to go.
    assert _earned(four, "A001") == (126, 126, "积累级", 874)
    assert _earned(four, "A002") == (Decimal("57.4"), Decimal("57.4"), "积累级", Decimal("942.6"))
    assert not PointsEntry.objects.filter(agent__agent_id="B001").exists()
    # The month's board prints 57.4 as people write it.
    board = read(hr.get("/points/boards/?on=2026-05-31").content)
    assert [r.cells[2] for r in board.rows("board-month")] == ["126", "57.4"]
    assert date(2026, 5, 31) == PointsEntry.objects.filter(scheme_id=version.scheme_id)[0].on
