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
from typing import Any, Literal

from openpyxl import Workbook

from appraise.sheets import YUAN, append_row, fit_columns, header_row, number_format, print_setup

Lang = Literal["zh", "en"]

LABELS: dict[str, tuple[str, str]] = {
    # key: (Chinese, English)
    "results": ("考核结果", "Results"),
    "indicators": ("指标明细", "Indicators"),
    "about": ("考核周期", "Cycle"),
    "warnings": ("警告", "Warnings"),
    "agent_id": ("工号", "Agent ID"),
    "name": ("姓名", "Name"),
    "team": ("班组", "Team"),
    "version": ("结果版本", "Version"),
    "eligible": ("参加考核", "Appraised"),
    "total": ("总分", "Total"),
    "grade": ("等级", "Grade"),
    "computed_grade": ("校准前等级", "Grade before calibration"),
    "rank": ("排名", "Rank"),
    "level": ("级别", "Level"),
    "pay_total": ("绩效工资合计", "Pay total"),
    "calibration": ("校准说明", "Calibration reason"),
    "flags": ("标记", "Flags"),
    "indicator": ("指标编号", "Indicator ID"),
    "indicator_name": ("考核项目", "Indicator"),
    "weight": ("权重", "Weight"),
    "value": ("实际值", "Value"),
    "score": ("得分", "Score"),
    "weighted": ("加权得分", "Weighted score"),
    "explain": ("评分说明", "Explanation"),
    "code": ("代码", "Code"),
    "where": ("位置", "Where"),
    "message": ("内容", "Message"),
    "item": ("项目", "Item"),
    "content": ("内容", "Value"),
    "cycle_name": ("考核名称", "Cycle"),
    "scheme": ("考核方案", "Scheme"),
    "period": ("考核期间", "Period"),
    "state": ("状态", "State"),
    "published": ("已发布", "Published"),
    "draft": ("否（草稿结果）", "no (draft results)"),
    "exported": ("导出时间", "Exported at"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}


def label(key: str, lang: Lang) -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


_FLAGS: dict[str, tuple[str, str]] = {
    "requires_basis": ("需附评定依据", "needs the grounds of the grade"),
}


def flag_names(flags: Sequence[str], consequences: Mapping[str, str], lang: Lang) -> list[str]:
    """Flags as the reader knows them: a consequence rule by its name in the scheme (降薪或培训),
    the engine's own flags in the reader's language, anything else as it is."""
    out = []
    for f in flags:
        if f in consequences:
            out.append(consequences[f])
        elif f in _FLAGS:
            out.append(_FLAGS[f][0 if lang == "zh" else 1])
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
            value = i.get("value")
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
