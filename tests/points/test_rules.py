"""Leaderboard places, levels and the monthly redemption, worked out by hand."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from appraise.points.export import PayoutRow, payouts_csv, payouts_xlsx
from appraise.points.leaderboard import board_period, rank_standings
from appraise.points.levels import DEFAULT_LADDER, ladder_of, level_for
from appraise.points.redemption import (
    RedemptionTerms,
    redeem,
    redemption_terms,
    scheme_share_and_yuan,
)
from appraise.problems import ProblemsError
from appraise.schemes.loader import load_scheme

ROOT = Path(__file__).resolve().parents[2]


def test_equal_points_share_a_place_and_the_next_place_is_skipped() -> None:
    got = rank_standings(
        {"A": Decimal(4), "B": Decimal(2), "C": Decimal(2), "D": Decimal(1), "E": Decimal(-5)}
    )
    assert [(s.agent_id, s.rank) for s in got] == [("A", 1), ("B", 2), ("C", 2), ("D", 4), ("E", 5)]


def test_a_tie_at_the_top_is_first_for_everyone_in_it() -> None:
    got = rank_standings({"B": Decimal(3), "A": Decimal(3), "C": Decimal(0)})
    assert [(s.agent_id, s.rank) for s in got] == [("A", 1), ("B", 1), ("C", 3)]


def test_a_board_period_is_the_day_week_or_month_around_a_day() -> None:
    # 2026-05-31 is a Sunday: the last day of ISO week 22 (Monday 05-25 .. Sunday 05-31).
    assert str(board_period("week", "2026-05-31")) == "2026-W22"
    assert board_period("week", date(2026, 5, 25)).start == date(2026, 5, 25)
    assert str(board_period("month", "2026-05-31")) == "2026-05"
    assert str(board_period("day", "2026-05-31")) == "2026-05-31"
    assert str(board_period("month", "2026-05")) == "2026-05"
    with pytest.raises(ValueError) as caught:
        board_period("year", "2026")
    assert caught.value.args[0].code == "points.board_kind"
    assert "not one of day, week, month" in caught.value.args[0].render("en")
    assert "只能是 day、week、month 之一" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        board_period("week", "2026-05")
    assert "is a month, not a week" in caught.value.args[0].render("en")
    assert str(caught.value) == "周期 '2026-05' 是月,不是周(或其中的某一天)"


def test_the_seed_ladder_starts_at_sixty_and_says_how_far_the_next_level_is() -> None:
    below = level_for(DEFAULT_LADDER, Decimal(59))
    assert (below.level, below.next_level, below.to_next) == (None, "一级订餐师", Decimal(1))
    first = level_for(DEFAULT_LADDER, Decimal(60))
    assert (first.level, first.next_level, first.to_next) == ("一级订餐师", "二级订餐师", 20)
    assert level_for(DEFAULT_LADDER, Decimal("99.5")).level == "二级订餐师"
    assert level_for(DEFAULT_LADDER, Decimal(100)).level == "三级订餐师"
    top = level_for(DEFAULT_LADDER, Decimal(150))
    assert (top.level, top.next_level, top.to_next) == ("特级订餐师", None, None)
    negative = level_for(DEFAULT_LADDER, Decimal(-21))
    assert (negative.level, negative.to_next) == (None, Decimal(81))  # 60 - (-21)


def test_the_s003_points_scheme_levels_are_the_seed_ladder() -> None:
    scheme = load_scheme(ROOT / "schemes" / "seeds" / "s003-points.yaml").scheme
    ladder = ladder_of(scheme)
    assert ladder is not None
    assert [(r.name, r.range.low) for r in ladder.rungs] == [
        (r.name, r.range.low) for r in DEFAULT_LADDER.rungs
    ]
    assert scheme_share_and_yuan(scheme) == (Decimal("0.8"), Decimal(1))


def test_redeeming_takes_eighty_percent_down_to_a_whole_point_and_rounds_money_half_up() -> None:
    # Rate 1125 / 1000 = 1.125 yuan a point. Balance 62: 0.8 x 62 = 49.6 -> 49 points redeemed,
    # 13 carried; 49 x 1.125 = 55.125 -> 55.13 (half up; half-even would give 55.12).
    terms = RedemptionTerms(Decimal(1125), Decimal(1000))
    got = redeem(Decimal(62), terms)
    assert (got.points, got.carried, got.amount) == (Decimal(49), Decimal(13), Decimal("55.13"))
    assert terms.rate == Decimal("1.125")


def test_the_money_is_rounded_once_from_the_exact_rate() -> None:
    # 1100 / 900 = 1.2222...: 11 points -> 0.8 x 11 = 8.8 -> 8 points; 8 x 1100 / 900 = 9.777...
    # -> 9.78. Rounding the rate first to 1.22 would give 9.76.
    terms = RedemptionTerms(Decimal(1100), Decimal(900))
    got = redeem(Decimal(11), terms)
    assert (got.points, got.carried, got.amount) == (Decimal(8), Decimal(3), Decimal("9.78"))
    assert terms.rate == Decimal("1.222222")


def test_a_balance_of_one_point_is_never_cleared_and_a_debt_is_not_paid() -> None:
    terms = RedemptionTerms(Decimal(1000), Decimal(1000))
    one = redeem(Decimal(1), terms)  # 0.8 -> 0 points: the point stays (保证积分不清零)
    assert (one.points, one.carried, one.amount) == (0, Decimal(1), Decimal("0.00"))
    debt = redeem(Decimal(-21), terms)
    assert (debt.points, debt.carried, debt.amount) == (0, Decimal(-21), Decimal("0.00"))


def test_the_carried_twenty_percent_is_redeemed_again_next_month() -> None:
    # May: balance 62 -> 49 redeemed, 13 carried. June earns 7: balance 20 -> 16 redeemed
    # (0.8 x 20), 4 carried; at 1000 / 1000 that is 16.00 yuan.
    may = redeem(Decimal(62), RedemptionTerms(Decimal(1125), Decimal(1000)))
    june = redeem(may.carried + 7, RedemptionTerms(Decimal(1000), Decimal(1000)))
    assert (june.points, june.carried, june.amount) == (Decimal(16), Decimal(4), Decimal("16.00"))


def test_missing_or_zero_bookings_name_every_bad_figure() -> None:
    with pytest.raises(ProblemsError) as err:
        redemption_terms(this_month_bookings=None, last_month_bookings=Decimal(0))
    assert sorted(p.field or "" for p in err.value.problems) == [
        "last_month_bookings",
        "this_month_bookings",
    ]
    with pytest.raises(ProblemsError, match="缺少上月协议饭店预订成功量"):
        redemption_terms(this_month_bookings=Decimal(5), last_month_bookings=None)
    with pytest.raises(ProblemsError, match="不超过 1"):
        redemption_terms(
            this_month_bookings=Decimal(5), last_month_bookings=Decimal(5), share=Decimal("1.2")
        )


ROW = PayoutRow(
    "A001",
    "马丽",
    "订餐组",
    Decimal(62),
    Decimal(49),
    Decimal("1.125"),
    Decimal("55.13"),
    Decimal(13),
)


def test_the_payout_csv_opens_in_excel_with_chinese_headers() -> None:
    data = payouts_csv([ROW])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "工号",
        "姓名",
        "班组",
        "月末积分",
        "兑换积分",
        "兑换率(元/分)",
        "金额(元)",
        "结转积分",
    ]
    assert rows[1] == ["A001", "马丽", "订餐组", "62", "49", "1.125", "55.13", "13"]
    english = list(csv.reader(io.StringIO(payouts_csv([ROW], lang="en").decode("utf-8-sig"))))
    assert english[0][:3] == ["Agent ID", "Name", "Team"]


def test_the_payout_workbook_keeps_money_as_numbers_in_yuan() -> None:
    wb = load_workbook(io.BytesIO(payouts_xlsx([ROW], title="2026-05")))
    ws = wb["2026-05"]
    assert [c.value for c in ws[1]][:3] == ["工号", "姓名", "班组"]
    assert ws.freeze_panes == "C2"
    assert ws["A2"].value == "A001"
    assert ws["G2"].value == pytest.approx(55.13)
    assert ws["G2"].number_format == '"¥"#,##0.00'
    assert ws["E2"].value == 49
    # Wide enough for the header 兑换率(元/分): 4 Chinese x 2 + 5 = 13 columns, + 2 of margin.
    assert ws.column_dimensions["F"].width == 15


FORMULAS = (
    '=HYPERLINK("http://evil.example/","点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd",
    "-2+3",
)


@pytest.mark.parametrize("name", FORMULAS)
def test_a_name_that_looks_like_a_formula_stays_text_in_the_payout_exports(name: str) -> None:
    row = PayoutRow("A009", name, "\t=1+1", *(Decimal(1),) * 5)
    # CSV: OWASP's rule, a leading apostrophe; the spreadsheet shows the text and runs nothing.
    cells = list(csv.reader(io.StringIO(payouts_csv([row]).decode("utf-8-sig"))))[1]
    assert cells[1] == "'" + name and cells[2] == "'\t=1+1"
    assert cells[0] == "A009" and cells[3] == "1"
    # Workbook: the exact text, stored as a string with Excel's quote prefix, no formula.
    ws = load_workbook(io.BytesIO(payouts_xlsx([row], title="m"))).active
    assert ws is not None
    assert (ws["B2"].value, ws["B2"].data_type, ws["B2"].quotePrefix) == (name, "s", True)
    assert ws["C2"].data_type == "s" and ws["C2"].quotePrefix
