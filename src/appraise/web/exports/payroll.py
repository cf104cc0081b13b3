"""A cycle's results as the payroll workbook (``appraise.scoring.workbook``, the layout of
``appraise score --format xlsx``), in the language of the request, from the stored results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from appraise.scoring.workbook import Lang, PayrollRow, flag_names, payroll_workbook
from appraise.web.evaluations.models import Result
from appraise.web.exports.language import reader_lang


def _amount(value: Any) -> Decimal | None:
    """Pay amounts of result_dict (rounded to the scheme's step) back to exact decimals."""
    return None if value is None else Decimal(str(value))


def payroll_row(r: Result, lang: Lang = "zh") -> PayrollRow:
    data = r.read(lang)
    consequences = {str(c["id"]): str(c["name"]) for c in data.get("consequences") or []}
    pay = {k: _amount(v) for k, v in (data.get("pay") or {}).items() if k != "total"}
    calibration = data.get("calibration") or {}
    return PayrollRow(
        agent_id=r.agent.agent_id,
        name=r.agent.name,
        team=r.agent.team.name if r.agent.team else "",
        version=r.version,
        eligible=r.eligible,
        total=r.total,
        grade=r.grade,
        computed_grade=r.computed_grade,
        rank=r.rank,
        level=r.level,
        pay=pay,
        pay_total=r.pay_total,
        flags=flag_names(list(r.flags), consequences, lang),
        calibration=str(calibration.get("note") or ""),
        indicators=[*(data.get("indicators") or []), *(data.get("adjustments") or [])],
    )


def payroll_xlsx(
    results: Iterable[Result],
    *,
    pay_lines: Sequence[tuple[str, str]],
    about: Sequence[tuple[str, str]],
) -> bytes:
    lang = reader_lang()
    return payroll_workbook(
        [payroll_row(r, lang) for r in results], pay_lines=pay_lines, about=about, lang=lang
    )
