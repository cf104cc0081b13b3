"""The payout list of a redemption run as CSV (UTF-8 with BOM, so Excel shows the Chinese) and
as an Excel workbook: headers in the reader's language (Chinese first), money as numbers in yuan
to the cent, names and teams always as text, never as formulas (``appraise.sheets``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook

from appraise.decimals import money, plain
from appraise.sheets import (
    POINTS,
    YUAN,
    append_row,
    csv_text,
    fit_columns,
    header_row,
    number_format,
    print_setup,
)

Lang = Literal["zh", "en"]

HEADERS: dict[Lang, tuple[str, ...]] = {
    "zh": ("工号", "姓名", "班组", "月末积分", "兑换积分", "兑换率(元/分)", "金额(元)", "结转积分"),
    "en": (
        "Agent ID",
        "Name",
        "Team",
        "Balance",
        "Points redeemed",
        "Rate (yuan/point)",
        "Amount (yuan)",
        "Carried over",
    ),
}


@dataclass(frozen=True, slots=True)
class PayoutRow:
    agent_id: str
    name: str
    team: str
    balance: Decimal
    points: Decimal
    rate: Decimal
    amount: Decimal
    carried: Decimal

    def cells(self) -> tuple[str, str, str, Decimal, Decimal, Decimal, Decimal, Decimal]:
        return (
            self.agent_id,
            self.name,
            self.team,
            self.balance,
            self.points,
            self.rate,
            self.amount,
            self.carried,
        )

    def texts(self) -> list[str]:
        """The CSV cells: text made safe, points and rate plain, money to the cent."""
        return [
            csv_text(self.agent_id),
            csv_text(self.name),
            csv_text(self.team),
            plain(self.balance),
            plain(self.points),
            plain(self.rate),
            money(self.amount),
            plain(self.carried),
        ]


def payouts_csv(rows: Sequence[PayoutRow], *, lang: Lang = "zh") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS[lang])
    for r in rows:
        w.writerow(r.texts())
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def payouts_xlsx(rows: Sequence[PayoutRow], *, title: str, lang: Lang = "zh") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    header_row(ws, HEADERS[lang], freeze="C2")
    for r in rows:
        append_row(ws, r.cells())
    number_format(ws, (4, 5, 8), POINTS)
    number_format(ws, (6,), "0.000000")
    number_format(ws, (7,), YUAN)
    fit_columns(ws)
    print_setup(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
