"""A cycle's results as an Excel workbook for payroll (the layout of ``appraise score --format
xlsx``): ``results`` with one row per agent and a column per pay component, ``indicators``
with every indicator explained, and ``cycle`` saying what the numbers are."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PayrollRow:
    agent_id: str
    name: str
    team: str
    version: int
    eligible: bool
    total: Decimal | None
    grade: str
    computed_grade: str
    rank: int | None
    level: str
    pay_total: Decimal | None
    flags: Sequence[str]
    data: dict[str, Any]


def _amount(value: Any) -> Decimal | None:
    """Pay amounts from result_dict as exact decimals (Excel shows them as numbers)."""
    return None if value is None else Decimal(str(value))


def payroll_xlsx(rows: Sequence[PayrollRow], about: Sequence[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    pay_ids: list[str] = []
    for r in rows:
        for key in r.data.get("pay") or {}:
            if key != "total" and key not in pay_ids:
                pay_ids.append(key)
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    header = [
        "agent_id",
        "name",
        "team",
        "version",
        "eligible",
        "total",
        "grade",
        "computed_grade",
        "rank",
        "level",
        *pay_ids,
        "pay_total",
        "flags",
    ]
    ws.append(header)
    for r in rows:
        pay = r.data.get("pay") or {}
        ws.append(
            [
                r.agent_id,
                r.name,
                r.team,
                r.version,
                r.eligible,
                r.total,
                r.grade,
                r.computed_grade,
                r.rank,
                r.level,
                *(_amount(pay.get(p)) for p in pay_ids),
                r.pay_total,
                ", ".join(r.flags),
            ]
        )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "C2"
    wi = wb.create_sheet("indicators")
    wi.append(["agent_id", "indicator", "name", "weight", "value", "score", "weighted", "explain"])
    for r in rows:
        for i in [*(r.data.get("indicators") or []), *(r.data.get("adjustments") or [])]:
            wi.append(
                [
                    r.agent_id,
                    i["id"],
                    "  " * int(i.get("depth") or 0) + i["name"],
                    i.get("weight"),
                    i.get("value"),
                    i.get("score"),
                    i.get("weighted"),
                    i.get("explain"),
                ]
            )
    wa = wb.create_sheet("cycle")
    for key, value in about:
        wa.append([key, value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
