"""A period's results as an Excel workbook for payroll, in the reader's language (Chinese first).

One layout for ``appraise score --format xlsx`` and the web's payroll download:

* 考核结果 (results): one row per agent, a column per pay line under its name in the scheme
  (绩效工资, 全勤奖 ...), money in yuan to the cent, the calibration reason;
* 指标明细 (indicators): every indicator of every agent, explained;
* 考核周期 (cycle): what the numbers are (which cycle, scheme, state, when exported);
* 警告 (warnings), when there are any.

Text from people (names, teams, notes) is written as text, never as a formula (``appraise.sheets``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from appraise.messages import Lang as Lang
from appraise.messages import table
from appraise.sheets import YUAN, append_row, fit_columns, header_row, number_format, print_setup

LABELS_EN: dict[str, str] = {
    # key: English; the Chinese is the catalog's "workbook.<key>" (appraise.messages)
    "results": "Results",
    "indicators": "Indicators",
    "about": "Cycle",
    "warnings": "Warnings",
    "agent_id": "Agent ID",
    "name": "Name",
    "team": "Team",
    "version": "Version",
    "eligible": "Appraised",
    "total": "Total",
    "grade": "Grade",
    "computed_grade": "Grade before calibration",
    "rank": "Rank",
    "level": "Level",
    "pay_total": "Pay total",
    "calibration": "Calibration reason",
    "flags": "Flags",
    "indicator": "Indicator ID",
    "indicator_name": "Indicator",
    "weight": "Weight",
    "value": "Value",
    "score": "Score",
    "weighted": "Weighted score",
    "explain": "Explanation",
    "code": "Code",
    "where": "Where",
    "message": "Message",
    "item": "Item",
    "content": "Value",
    "cycle_name": "Cycle",
    "scheme": "Scheme",
    "period": "Period",
    "state": "State",
    "published": "Published",
    "draft": "no (draft results)",
    "exported": "Exported at",
    "yes": "yes",
    "no": "no",
}
LABELS = table("workbook", LABELS_EN)


def label(key: str, lang: Lang) -> str:
    return LABELS[lang][key]


_FLAGS_EN: dict[str, str] = {
    "requires_basis": "needs the grounds of the grade",
}
_FLAGS = table("flag", _FLAGS_EN)


def flag_names(flags: Sequence[str], consequences: Mapping[str, str], lang: Lang) -> list[str]:
    """Flags as the reader knows them: a consequence rule by its name in the scheme (降薪或培训),
    the engine's own flags in the reader's language, anything else as it is."""
    out = []
    for f in flags:
        if f in consequences:
            out.append(consequences[f])
        elif f in _FLAGS_EN:
            out.append(_FLAGS[lang][f])
        else:
            out.append(f)
    return out


@dataclass(frozen=True)
class PayrollRow:
    """One agent's result as the workbook prints it; ``indicators`` are result_dict entries."""

    agent_id: str
    name: str
    team: str
    eligible: bool
    total: Decimal | None
    grade: str
    rank: int | None
    level: str
    pay: Mapping[str, Decimal | None]
    pay_total: Decimal | None
    flags: Sequence[str] = ()  # as printed: see flag_names
    version: int | None = None
    computed_grade: str = ""
    calibration: str = ""
    indicators: Sequence[Mapping[str, Any]] = field(default_factory=list)


def _decimal(value: Any) -> Decimal | None:
    """result_dict writes numbers as int or float (rounded to the scheme's step); back to exact."""
    if value is None or isinstance(value, str):
        return None
    return Decimal(str(value))


def payroll_workbook(
    rows: Sequence[PayrollRow],
    *,
    pay_lines: Sequence[tuple[str, str]],
    about: Sequence[tuple[str, str]] = (),
    warnings: Sequence[tuple[str, str, str]] = (),
    lang: Lang = "zh",
    versions: bool = True,
) -> bytes:
    """The workbook as bytes. ``pay_lines`` are (id, name) in the scheme's order; a pay id of a
    row that is not among them gets a column under its id after them."""
    lines = list(pay_lines)
    known = {pid for pid, _ in lines}
    for r in rows:
        for pid in r.pay:
            if pid not in known:
                lines.append((pid, pid))
                known.add(pid)

    def t(key: str) -> str:
        return label(key, lang)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t("results")
    keys = ["agent_id", "name", "team", *(["version"] if versions else [])]
    keys += ["eligible", "total", "grade", "computed_grade", "rank", "level"]
    header = [*(t(k) for k in keys), *(n for _, n in lines)]
    header_row(ws, [*header, t("pay_total"), t("calibration"), t("flags")], freeze="C2")
    for r in rows:
        cells: list[Any] = [r.agent_id, r.name, r.team, *([r.version] if versions else [])]
        cells += [
            t("yes") if r.eligible else t("no"),
            r.total,
            r.grade,
            r.computed_grade if r.computed_grade != r.grade else "",
            r.rank,
            r.level,
            *(r.pay.get(pid) for pid, _ in lines),
            r.pay_total,
            r.calibration,
            ("、" if lang == "zh" else ", ").join(r.flags),
        ]
        append_row(ws, cells)
    first_money = len(keys) + 1
    number_format(ws, range(first_money, first_money + len(lines) + 1), YUAN)
    fit_columns(ws)
    print_setup(ws)

    wi = wb.create_sheet(t("indicators"))
    header_row(
        wi,
        [
            t("agent_id"),
            t("name"),
            t("indicator"),
            t("indicator_name"),
            t("weight"),
            t("value"),
            t("score"),
            t("weighted"),
            t("explain"),
        ],
        freeze="C2",
    )
    for r in rows:
        for i in r.indicators:
            # With its unit when the indicator reads a metric (45 秒), else the number.
            value = i.get("value_text") or i.get("value")
            append_row(
                wi,
                [
                    r.agent_id,
                    r.name,
                    i["id"],
                    "  " * int(i.get("depth") or 0) + str(i["name"]),
                    _decimal(i.get("weight")),
                    value if isinstance(value, str) else _decimal(value),
                    _decimal(i.get("score")),
                    _decimal(i.get("weighted")),
                    i.get("explain") or "",
                ],
            )
    fit_columns(wi)

    wa = wb.create_sheet(t("about"))
    header_row(wa, [t("item"), t("content")])
    for key, value in about:
        append_row(wa, [key, value])
    fit_columns(wa)

    if warnings:
        ww = wb.create_sheet(t("warnings"))
        header_row(ww, [t("code"), t("where"), t("message")])
        for code, where, message in warnings:
            append_row(ww, [code, where, message])
        fit_columns(ww)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
