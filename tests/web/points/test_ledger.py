"""Seed 003's points end to end on three days: runs, leaderboards, levels, a correction and the
May redemption, every number worked out by hand from the rules (tests/points/test_lines.py has
each day's points per indicator)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from appraise.problems import ProblemsError
from appraise.web.audit.models import AuditLog
from appraise.web.errors import Conflict, Forbidden, Invalid
from appraise.web.points import selectors as sel
from appraise.web.points import services as ps
from appraise.web.points.models import (
    Kind,
    LedgerChangeRefused,
    Payout,
    PointsEntry,
    PointsRun,
    Source,
)
from points.days import INCIDENTS

from .conftest import DAYS, Ledger, run_day

# Points each agent earned over 05-29, 05-30 and 05-31 (daily lines in tests/points):
# A001 4 + 0 + 13, A002 2 + 4 + 0, A003 -5 + 4 + 17, A004 2 - 8 - 15, A005 0 + 0 + 5, A006 1 + 0 - 7.
THREE_DAYS = {"A001": 17, "A002": 6, "A003": 16, "A004": -21, "A005": 5, "A006": -6}


def _scheme_sums() -> dict[str, Decimal]:
    qs = PointsEntry.objects.filter(source=Source.SCHEME)
    rows = qs.values("agent__agent_id").annotate(s=Sum("points")).order_by()
    return {r["agent__agent_id"]: r["s"] for r in rows}


def _balance(agent_id: str) -> Decimal:
    got = PointsEntry.objects.filter(agent__agent_id=agent_id).aggregate(s=Sum("points"))["s"]
    return got if got is not None else Decimal(0)


def test_three_days_write_one_entry_per_agent_per_indicator_with_its_source(
    ledger: Ledger,
) -> None:
    # 5 lines on 05-29, 3 on 05-30, 16 on 05-31 (A001 4, A002 4, A003 3, A004 2, A005 1, A006 2).
    assert PointsEntry.objects.filter(source=Source.SCHEME).count() == 5 + 3 + 16
    assert _scheme_sums() == THREE_DAYS
    cheat = PointsEntry.objects.get(
        agent__agent_id="A004", period="2026-05-31", indicator="daily_negative"
    )
    assert cheat.points == -20  # recordings 2 x -5 + cheating -10
    assert cheat.on == date(2026, 5, 31)
    assert cheat.kind == Kind.ENTRY
    assert cheat.scheme_id == "s003-points"
    assert cheat.scheme_hash == ledger.version.content_hash
    assert cheat.run is not None and cheat.run.period == "2026-05-31"
    assert cheat.reason.startswith(
        "负积分:基础分 0,扣分:录音抽查不符合客服规范 2 次 10 分; 记录作弊 1 次 10 分"
    )
    assert cheat.created_by == ledger.people.hr
    assert AuditLog.objects.filter(action="points.run").count() == 3


def test_the_fifty_percent_rule_and_the_plus_one_for_two_lists_reach_the_ledger(
    ledger: Ledger,
) -> None:
    # 05-29: A003 sold the most (45) at 40% success: no positive line, only the -5.
    a003 = PointsEntry.objects.filter(agent__agent_id="A003", period="2026-05-29")
    assert [(e.indicator, e.points) for e in a003] == [("daily_negative", Decimal(-5))]
    # A001 topped both daily lists: 3 + 1.
    a001 = PointsEntry.objects.get(agent__agent_id="A001", period="2026-05-29")
    assert (a001.indicator, a001.points) == ("daily_positive", Decimal(4))


def test_running_a_day_again_on_the_same_inputs_writes_nothing(ledger: Ledger) -> None:
    entries, runs, audit = (
        PointsEntry.objects.count(),
        PointsRun.objects.count(),
        AuditLog.objects.count(),
    )
    outcome = run_day(ledger, "2026-05-31")
    assert not outcome.changed
    assert "nothing changed" in outcome.message
    assert (PointsEntry.objects.count(), PointsRun.objects.count(), AuditLog.objects.count()) == (
        entries,
        runs,
        audit,
    )


def test_changed_inputs_write_a_reversal_and_the_new_value_for_the_difference_only(
    ledger: Ledger,
) -> None:
    before = PointsEntry.objects.count()
    original = PointsEntry.objects.get(
        agent__agent_id="A004", period="2026-05-31", indicator="daily_negative"
    )
    # The cheating record was a mistake: A004's 05-31 deductions become 2 x -5 = -10.
    without_cheating = "\n".join(line for line in INCIDENTS.splitlines() if "记录作弊" not in line)
    outcome = run_day(ledger, "2026-05-31", incidents=without_cheating + "\n")
    assert outcome.changed
    assert outcome.run is not None and outcome.run.seq == 2
    assert [(e.kind, e.points, e.corrects_id) for e in outcome.entries] == [
        (Kind.REVERSAL, Decimal(20), original.pk),
        (Kind.CORRECTION, Decimal(-10), original.pk),
    ]
    assert PointsEntry.objects.count() == before + 2
    # A004 over three days: -21 + 20 - 10 = -11; nobody else moved.
    assert _scheme_sums() == {**THREE_DAYS, "A004": -11}
    original.refresh_from_db()
    assert original.points == -20  # never edited
    # Once more on the same changed inputs: nothing.
    assert not run_day(ledger, "2026-05-31", incidents=without_cheating + "\n").changed


def test_an_indicator_that_no_longer_gives_points_is_reversed_without_a_new_value(
    ledger: Ledger,
) -> None:
    without_a006 = "\n".join(
        line for line in INCIDENTS.splitlines() if not line.startswith("A006,")
    )
    outcome = run_day(ledger, "2026-05-31", incidents=without_a006 + "\n")
    # A006's -8 for the attitude complaint is reversed; no zero entry is written.
    assert [(e.agent.agent_id, e.kind, e.points) for e in outcome.entries] == [
        ("A006", Kind.REVERSAL, Decimal(8))
    ]


def test_leaderboards_by_day_week_and_month_share_places(ledger: Ledger) -> None:
    hr = ledger.people.hr
    day = sel.leaderboard(user=hr, kind="day", period="2026-05-29")
    # 05-29: A001 4; A002 2 and A004 2 share second; A006 1 is fourth; A003 -5 fifth.
    assert [(r.agent.agent_id, r.points, r.rank) for r in day.rows] == [
        ("A001", 4, 1),
        ("A002", 2, 2),
        ("A004", 2, 2),
        ("A006", 1, 4),
        ("A003", -5, 5),
    ]
    # ISO week 2026-W22 (05-25 .. 05-31) holds the three days; the opening balances of 04-30
    # are not in it.
    week = sel.leaderboard(user=hr, kind="week", period="2026-05-31")
    expected = [("A001", 17, 1), ("A003", 16, 2), ("A002", 6, 3), ("A005", 5, 4)]
    expected += [("A006", -6, 5), ("A004", -21, 6)]
    assert str(week.period) == "2026-W22"
    assert [(r.agent.agent_id, r.points, r.rank) for r in week.rows] == expected
    month = sel.leaderboard(user=hr, kind="month", period="2026-05")
    assert [(r.agent.agent_id, r.points, r.rank) for r in month.rows] == expected


def test_a_supervisor_sees_the_leaderboard_of_their_team_only(ledger: Ledger) -> None:
    board = sel.leaderboard(user=ledger.people.sup1, kind="month", period="2026-05")
    assert [(r.agent.agent_id, r.rank) for r in board.rows] == [
        ("A001", 1),
        ("A003", 2),
        ("A002", 3),
    ]
    with pytest.raises(Forbidden):
        sel.leaderboard(user=ledger.people.a1, kind="month", period="2026-05")


def test_the_level_crosses_sixty_on_the_day_that_closes_the_month(opening: Ledger) -> None:
    hr = opening.people.hr
    run_day(opening, "2026-05-29")
    run_day(opening, "2026-05-30")
    # A001: opening 45 + 4 (05-29) + 0 (05-30) = 49: below 一级 (60), 11 to go.
    before = sel.agent_points_get(user=hr, agent_id="A001")
    assert (before.earned, before.level.level, before.level.to_next) == (49, None, 11)
    run_day(opening, "2026-05-31")
    # + 13 on 05-31 = 62: 一级订餐师, 18 short of 二级 (80).
    after = sel.agent_points_get(user=hr, agent_id="A001")
    assert (after.earned, after.level.level) == (62, "一级订餐师")
    assert (after.level.next_level, after.level.to_next) == ("二级订餐师", 18)
    # A003: 70 - 5 + 4 + 17 = 86: 二级订餐师.
    assert sel.agent_points_get(user=hr, agent_id="A003").level.level == "二级订餐师"


def test_a_correction_reverses_the_entry_and_writes_the_right_value(ledger: Ledger) -> None:
    hr = ledger.people.hr
    sms = PointsEntry.objects.get(
        agent__agent_id="A002", period="2026-05-31", indicator="daily_negative"
    )
    assert sms.points == -10  # two SMS errors with complaints
    new = ps.points_entry_correct(
        entry=sms, points=Decimal(-5), reason="一条短信错误是系统故障", by=hr
    )
    assert [(e.kind, e.points, e.corrects_id, e.indicator) for e in new] == [
        (Kind.REVERSAL, Decimal(10), sms.pk, "daily_negative"),
        (Kind.CORRECTION, Decimal(-5), sms.pk, "daily_negative"),
    ]
    assert _balance("A002") == 11  # 6 + 10 - 5
    log = AuditLog.objects.get(action="points.correct")
    assert (log.before, log.after["points"], log.note) == (
        {"points": "-10.00"},
        "-5",
        "一条短信错误是系统故障",
    )
    with pytest.raises(Conflict):
        ps.points_entry_correct(entry=sms, points=Decimal(0), reason="again", by=hr)
    with pytest.raises(Forbidden):
        ps.points_entry_correct(entry=new[1], points=Decimal(0), reason="x", by=ledger.people.sup1)
    # The same inputs again: the run leaves HR's correction alone.
    assert not run_day(ledger, "2026-05-31").changed
    assert _balance("A002") == 11


def test_ledger_rows_are_never_edited_or_deleted(ledger: Ledger) -> None:
    entry = PointsEntry.objects.filter(source=Source.SCHEME).first()
    assert entry is not None
    entry.points = Decimal(99)
    with pytest.raises(LedgerChangeRefused):
        entry.save()
    with pytest.raises(LedgerChangeRefused):
        entry.delete()
    with pytest.raises(LedgerChangeRefused):
        PointsEntry.objects.filter(pk=entry.pk).update(points=0)
    with pytest.raises(LedgerChangeRefused):
        PointsEntry.objects.filter(pk=entry.pk).delete()


def _redeem_may(ledger: Ledger) -> ps.RedemptionOutcome:
    return ps.points_redeem_month(
        month="2026-05",
        this_month_bookings=Decimal(1125),
        last_month_bookings=Decimal(1000),
        by=ledger.people.hr,
        scheme_version=ledger.version,
    )


def test_the_may_redemption_pays_eighty_percent_at_this_months_rate_and_carries_the_rest(
    ledger: Ledger,
) -> None:
    sms = PointsEntry.objects.get(
        agent__agent_id="A002", period="2026-05-31", indicator="daily_negative"
    )
    ps.points_entry_correct(entry=sms, points=Decimal(-5), reason="系统故障", by=ledger.people.hr)
    outcome = _redeem_may(ledger)
    assert outcome.created
    # Month-end balances: A001 45 + 17 = 62, A002 6 + 5 = 11, A003 70 + 16 = 86, A005 5,
    # A004 -21 and A006 -6 (nothing to redeem). Rate 1125 / 1000 = 1.125 yuan a point.
    # A001: 0.8 x 62 = 49.6 -> 49 points, 13 carried, 49 x 1.125 = 55.125 -> 55.13
    # A002: 0.8 x 11 = 8.8 -> 8, 3 carried, 9.00
    # A003: 0.8 x 86 = 68.8 -> 68, 18 carried, 76.50
    # A005: 0.8 x 5 = 4, 1 carried, 4.50
    assert [
        (p.agent.agent_id, p.balance, p.points, p.carried, p.amount) for p in outcome.payouts
    ] == [
        ("A001", 62, 49, 13, Decimal("55.13")),
        ("A002", 11, 8, 3, Decimal("9.00")),
        ("A003", 86, 68, 18, Decimal("76.50")),
        ("A005", 5, 4, 1, Decimal("4.50")),
    ]
    assert outcome.skipped == {"A004": -21, "A006": -6}
    assert outcome.redemption.rate == Decimal("1.125")
    assert "¥145.13" in outcome.message  # 55.13 + 9.00 + 76.50 + 4.50
    # The redemption is a negative entry on 05-31; the balance keeps the carried 20%, the level
    # keeps every point earned.
    assert _balance("A001") == 13
    a001 = sel.agent_points_get(user=ledger.people.hr, agent_id="A001")
    assert (a001.balance, a001.earned, a001.level.level) == (13, 62, "一级订餐师")
    red_entry = PointsEntry.objects.get(agent__agent_id="A001", source=Source.REDEMPTION)
    assert (red_entry.points, red_entry.on) == (-49, date(2026, 5, 31))
    assert red_entry.reason == (
        "积分兑换 2026-05:月末积分 62 × 0.8 → 49 分,× 1 元 × 1125 ÷ 1000 = ¥55.13;结转 13 分"
    )
    # Redemptions are not points earned: May's leaderboard is unchanged.
    board = sel.leaderboard(user=ledger.people.hr, kind="month", period="2026-05")
    assert board.rows[0].points == 17


def test_a_redemption_run_twice_for_the_same_month_pays_once(ledger: Ledger) -> None:
    first = _redeem_may(ledger)
    entries, payouts = PointsEntry.objects.count(), Payout.objects.count()
    again = ps.points_redeem_month(
        month="2026-05",
        this_month_bookings=Decimal(2000),  # other figures change nothing either
        last_month_bookings=Decimal(1000),
        by=ledger.people.hr,
    )
    assert not again.created
    assert "nothing was paid again" in again.message
    assert again.redemption.pk == first.redemption.pk
    assert (PointsEntry.objects.count(), Payout.objects.count()) == (entries, payouts)
    assert AuditLog.objects.filter(action="points.redeem").count() == 1


def test_the_redemption_needs_last_months_bookings_above_zero(ledger: Ledger) -> None:
    with pytest.raises(ProblemsError) as err:
        ps.points_redeem_month(
            month="2026-05",
            this_month_bookings=Decimal(1125),
            last_month_bookings=Decimal(0),
            by=ledger.people.hr,
        )
    assert [p.field for p in err.value.problems] == ["last_month_bookings"]
    with pytest.raises(ProblemsError, match="缺少上月协议饭店预订成功量"):
        ps.points_redeem_month(
            month="2026-05", this_month_bookings=None, last_month_bookings=None, by=ledger.people.hr
        )
    assert Payout.objects.count() == 0
    with pytest.raises(Invalid, match="积分兑换按月进行（如 2026-05），不能按日"):
        ps.points_redeem_month(
            month="2026-05-31",
            this_month_bookings=Decimal(1),
            last_month_bookings=Decimal(1),
            by=ledger.people.hr,
        )


def test_june_redeems_the_carried_points_again(ledger: Ledger) -> None:
    _redeem_may(ledger)
    ps.points_entry_add(
        agent=ledger.agents["A001"],
        points=Decimal(7),
        on=date(2026, 6, 10),
        reason="六月表扬",
        by=ledger.people.hr,
    )
    june = ps.points_redeem_month(
        month="2026-06",
        this_month_bookings=Decimal(1000),
        last_month_bookings=Decimal(1125),
        by=ledger.people.hr,
    )
    a001 = next(p for p in june.payouts if p.agent.agent_id == "A001")
    # Carried 13 + 7 = 20; 0.8 x 20 = 16 points, 4 carried; 16 x 1000 / 1125 = 14.222... -> 14.22.
    assert (a001.balance, a001.points, a001.carried, a001.amount) == (
        20,
        16,
        4,
        Decimal("14.22"),
    )
    with pytest.raises(Conflict, match="2026-05 已兑换，2026-04 在它之前"):
        ps.points_redeem_month(
            month="2026-04",
            this_month_bookings=Decimal(1),
            last_month_bookings=Decimal(1),
            by=ledger.people.hr,
        )


def test_an_agent_the_organisation_does_not_know_is_named_with_file_and_row(
    opening: Ledger,
) -> None:
    text = "agent_id,period,订餐成功总量\nA001,2026-05-29,3\nZ999,2026-05-29,4\n"
    with pytest.raises(ProblemsError) as err:
        ps.points_run_period(
            scheme_version=opening.version,
            period="2026-05-29",
            by=opening.people.hr,
            files={"metric_values.csv": text.encode("utf-8")},
        )
    p = err.value.problems[0]
    assert (p.code, p.file, p.row, p.field) == ("unknown_agent", "metric_values.csv", 3, "agent_id")
    assert PointsEntry.objects.filter(source=Source.SCHEME).count() == 0


def test_a_run_is_for_hr_and_for_a_period_of_the_schemes_kind(opening: Ledger) -> None:
    with pytest.raises(Forbidden):
        ps.points_run_period(
            scheme_version=opening.version,
            period=DAYS[0],
            by=opening.people.sup1,
            files={},
        )
    with pytest.raises(Invalid, match="考核方案 s003-points 按日计分，而 2026-05 是月"):
        ps.points_run_period(
            scheme_version=opening.version, period="2026-05", by=opening.people.hr, files={}
        )
