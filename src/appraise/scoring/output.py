"""Render a :class:`ScoreRun` as JSON (the documented format), a Rich table, or an Excel book."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from appraise.messages import Lang, current_lang
from appraise.scoring.results import AgentResult, IndicatorResult, ScoreRun
from appraise.words import Pending, Words, in_lang, render_data, words


def num(d: Decimal | None) -> int | float | None:
    """A JSON number for an exact decimal: an int when whole, else the shortest float that
    prints the same digits (totals and money have at most a few decimals, which floats keep)."""
    if d is None:
        return None
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _text(said: object, lang: Lang) -> str | None:
    return None if said is None else in_lang(said, lang)


def _indicator(
    ir: IndicatorResult, step: Decimal, lang: Lang | None = None, said: bool = False
) -> dict[str, Any]:
    def q(x: Decimal | None) -> int | float | None:
        return None if x is None else num(x.quantize(step))

    lang = lang or current_lang()
    value: Any = ir.value if isinstance(ir.value, str) or ir.value is None else q(ir.value)
    out = {
        "id": ir.id,
        "name": ir.name,
        "weight": num(ir.weight),
        "value": value,
        "score": q(ir.score),
        "weighted": q(ir.weighted),
        "explain": _text(ir.said, lang),
        "depth": ir.depth,
        "parent": ir.parent,
        **({"value_text": _text(ir.value_said, lang)} if ir.value_said is not None else {}),
    }
    if said:
        # What was said, to write again in another reader's language (localized()).
        if isinstance(ir.said, Words | Pending):
            out["explain_said"] = ir.said.data()
        if isinstance(ir.value_said, Words | Pending):
            out["value_said"] = ir.value_said.data()
    return out


def result_dict(
    r: AgentResult, step: Decimal = Decimal("0.0001"), *, said: bool = False
) -> dict[str, Any]:
    """An agent's result as JSON, its text in the reader's language; ``said=True`` keeps beside
    each explanation what was said (``explain_said``, ``value_said``), from which
    :func:`localized` writes the stored result again in another language."""
    lang = current_lang()
    pay: dict[str, Any] = {line.id: num(line.amount) for line in r.pay}
    pay["total"] = num(r.pay_total)
    kept: dict[str, Any] = {}
    if said:
        # A pay line reads "name: explanation"; kept whole, to write again in any language.
        kept["pay_said"] = {
            line.id: words(lang, line.name, ": ", line.explain).data()
            for line in r.pay
            if isinstance(line.explain, Words | Pending)
        }
    return {
        "agent_id": r.agent_id,
        "name": r.name,
        "team": r.team,
        "eligible": r.eligible,
        "total": num(r.total),
        "grade": r.grade,
        "rank": r.rank,
        "level": r.level,
        "pay": pay,
        "pay_explain": {
            line.id: f"{in_lang(line.name, lang)}: {in_lang(line.explain, lang)}" for line in r.pay
        },
        **kept,
        "flags": list(r.flags),
        "consequences": [
            {
                "id": c.id,
                "name": c.name,
                "due_days": c.due_days,
                "pay": num(c.pay),
                "explain": in_lang(c.explain, lang),
                **(
                    {"explain_said": c.explain.data()}
                    if said and isinstance(c.explain, Words | Pending)
                    else {}
                ),
            }
            for c in r.consequences
        ],
        "notes": [in_lang(n, lang) for n in r.notes],
        **(
            {"notes_said": [_data_of(n) for n in r.notes]}
            if said and any(isinstance(n, Words | Pending) for n in r.notes)
            else {}
        ),
        "indicators": [_indicator(i, step, lang, said) for i in r.indicators],
        "adjustments": [_indicator(i, step, lang, said) for i in r.adjustments],
    }


SAID = {"explain_said": "explain", "value_said": "value_text"}


def _data_of(note: object) -> Any:
    """A note as stored: what was said, or the scheme's own text (an eligibility rule's name)."""
    return note.data() if isinstance(note, Words | Pending) else str(note)


def localized(data: dict[str, Any], lang: Lang | None = None) -> dict[str, Any]:
    """A stored :func:`result_dict` with its explanations written in ``lang`` (the reader's):
    each ``explain`` and ``value_text`` (and each pay line's ``pay_explain``) rendered again
    from what was said, and the ``*_said`` keys left out. A result stored before explanations
    were kept so (no ``explain_said``, no ``pay_said``) keeps the text it was stored with."""
    lang = lang or current_lang()

    def one(ind: dict[str, Any]) -> dict[str, Any]:
        if not any(k in ind for k in SAID):
            return ind
        out = {k: v for k, v in ind.items() if k not in SAID}
        for key, shown in SAID.items():
            if key in ind:
                out[shown] = render_data(ind[key], lang)
        return out

    copy = {k: v for k, v in data.items() if k not in ("pay_said", "notes_said")}
    if isinstance(data.get("notes_said"), list):
        copy["notes"] = [render_data(n, lang) for n in data["notes_said"]]
    if isinstance(data.get("pay_said"), dict) and isinstance(data.get("pay_explain"), dict):
        copy["pay_explain"] = {
            **data["pay_explain"],
            **{k: render_data(v, lang) for k, v in data["pay_said"].items()},
        }
    if isinstance(data.get("consequences"), list):
        copy["consequences"] = [one(c) if isinstance(c, dict) else c for c in data["consequences"]]
    for part in ("indicators", "adjustments"):
        if isinstance(data.get(part), list):
            copy[part] = [one(i) if isinstance(i, dict) else i for i in data[part]]
    return copy


def run_dict(run: ScoreRun) -> dict[str, Any]:
    return {
        "scheme": run.scheme_id,
        "period": run.period,
        "warnings": [{"code": w.code, "message": w.text, "where": w.where} for w in run.warnings],
        "results": [result_dict(r) for r in run.results],
    }


def to_json(run: ScoreRun) -> str:
    return json.dumps(run_dict(run), ensure_ascii=False, indent=2)


def write_xlsx(run: ScoreRun, path: Path) -> None:
    """The payroll workbook (``appraise.scoring.workbook``): totals and pay, every indicator,
    the warnings; in the reader's language (the CLI's ``--lang``, Chinese by default)."""
    from appraise.messages import current_lang, text
    from appraise.scoring.workbook import PayrollRow, flag_names, label, payroll_workbook

    lang = current_lang()

    pay_lines: list[tuple[str, str]] = []
    for r in run.results:
        for line in r.pay:
            if line.id not in {pid for pid, _ in pay_lines}:
                pay_lines.append((line.id, line.name))
    rows = [
        PayrollRow(
            agent_id=r.agent_id,
            name=r.name,
            team=r.team or "",
            eligible=r.eligible,
            total=r.total,
            grade=r.grade or "",
            rank=r.rank,
            level=r.level or "",
            pay={line.id: line.amount for line in r.pay},
            pay_total=r.pay_total,
            flags=flag_names(r.flags, {c.id: c.name for c in r.consequences}, lang),
            indicators=[
                _indicator(i, Decimal("0.0001"), lang) for i in [*r.indicators, *r.adjustments]
            ],
        )
        for r in run.results
    ]
    about = [
        (label("scheme", lang), f"{run.scheme_name} ({run.scheme_id})"),
        (label("period", lang), run.period),
    ]
    warnings = [(w.code, w.where_in(lang), text(w.message, lang)) for w in run.warnings]
    path.write_bytes(
        payroll_workbook(
            rows, pay_lines=pay_lines, about=about, warnings=warnings, versions=False, lang=lang
        )
    )
