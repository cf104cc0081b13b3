"""The payout list of a redemption run as CSV (UTF-8 with BOM, so Excel shows the Chinese) and
as an Excel workbook with money as numbers formatted to the cent."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = (
    "工号 agent_id",
    "姓名 name",
    "班组 team",
    "月末积分 balance",
    "兑换积分 points_redeemed",
    "兑换率 rate",
    "金额(元) amount",
    "结转积分 carried",
)


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


def payouts_csv(rows: Sequence[PayoutRow]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS)
    for r in rows:
        w.writerow([str(c) for c in r.cells()])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def payouts_xlsx(rows: Sequence[PayoutRow], *, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(list(r.cells()))
    formats = {"D": "0.00", "E": "0.00", "F": "0.000000", "G": "0.00", "H": "0.00"}
    for col, fmt in formats.items():
        for cell in ws[col][1:]:
            cell.number_format = fmt
    for col, width in zip("ABCDEFGH", (12, 10, 12, 14, 16, 12, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
