"""A definition in words (Chinese or English), and the rows behind one agent's value.

``describe`` is what ``appraise metrics explain`` prints above the SQL; ``drilldown_sql`` gives,
for one agent and period, every row the metric read with whether it counted, and if not, why
(the first window or filter it failed, or an empty measure). Both walk the same definitions the
compiler compiles, so the words, the SQL and the rows cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from appraise.metrics.compile import US, _and, _lit, _period_sql, _Rows
from appraise.metrics.config import CenterConfig
from appraise.metrics.definitions import (
    ROW_SOURCES,
    ColumnRef,
    Condition,
    ConfigRef,
    Duration,
    Measure,
    MetricDefinition,
    Part,
    Window,
)

Lang = Literal["zh", "en"]

_UNITS: dict[str, tuple[str, str]] = {
    "seconds": ("秒", "seconds"),
    "percent": ("百分比（0–100）", "percent (0–100)"),
    "count": ("个数", "count"),
    "money": ("金额", "money"),
    "ratio": ("比值", "ratio"),
    "nps": ("NPS（−100–100）", "NPS (−100–100)"),
    "per_hour": ("每小时", "per hour"),
    "hours": ("小时", "hours"),
}
_CREDITS: dict[str, tuple[str, str]] = {
    "owner": ("会话负责人（最先接待的客服）", "the owner (the agent who first took it)"),
    "final_agent": ("最终接手的客服（转接后为接收人）", "the agent who ended with it"),
    "replier": ("发出回复的客服", "the agent who sent the reply"),
    "agent": ("该行的 agent_id", "the row's agent_id"),
    "sender": ("发消息的客服", "the agent who sent the message"),
}
_SOURCES: dict[str, tuple[str, str]] = {
    "conversations": ("会话事实（每个会话一行）", "conversation facts (one row per conversation)"),
    "replies": ("回复事实（每个会话、每位回复客服一行）", "replies (per conversation and replier)"),
}
_OPS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "equals": "=", "not_equals": "≠"}


def unit_words(unit: str, lang: Lang = "zh") -> str:
    """A metric's unit in words (百分比（0–100）), as the definitions' explanations say it; an
    unknown unit as written."""
    found = _UNITS.get(unit)
    return unit if found is None else found[0 if lang == "zh" else 1]


def _t(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _num(v: Decimal | int) -> str:
    d = Decimal(v)
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def _duration(d: Duration, lang: Lang) -> str:
    clock = (
        _t(lang, "营业时间", "business time")
        if d.time == "business"
        else _t(lang, "自然时间", "wall clock")
    )
    return _t(
        lang, f"{d.start} 到 {d.end} 的时长（{clock}）", f"time from {d.start} to {d.end} ({clock})"
    )


def _value(v: Any, kind: str, lang: Lang) -> str:
    if isinstance(v, ColumnRef):
        return v.column
    if isinstance(v, ConfigRef):
        return _t(lang, "服务水平阈值（service_level_seconds）", "service_level_seconds")
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | Decimal):
        return _num(v) + (_t(lang, " 秒", " s") if kind == "duration" else "")
    return str(v)


def condition_words(c: Condition, lang: Lang, kind_of: dict[str, str]) -> str:
    """One condition in words; ``kind_of`` maps the row source's columns to their kinds."""
    if c.all is not None:
        return _t(lang, " 且 ", " and ").join(condition_words(x, lang, kind_of) for x in c.all)
    if c.any is not None:
        inner = _t(lang, " 或 ", " or ").join(condition_words(x, lang, kind_of) for x in c.any)
        return f"（{inner}）" if lang == "zh" else f"({inner})"
    if c.not_ is not None:
        inner = condition_words(c.not_, lang, kind_of)
        return _t(lang, f"并非（{inner}）", f"not ({inner})")
    if c.open is not None:
        return _t(lang, f"{c.open} 在营业时间内", f"{c.open} within business hours")
    if c.exists is not None:
        e = c.exists
        pairs = ", ".join(f"{e.table}.{a} = {b}" for a, b in e.match.items())
        extra = ""
        if e.same_agent:
            extra += _t(lang, "，且为同一客服", ", same agent")
        if e.in_period:
            extra += _t(lang, "，且在本期内", ", in the period")
        return _t(
            lang,
            f"在 {e.table} 中有匹配的行（{pairs}{extra}）",
            f"has a matching {e.table} row ({pairs}{extra})",
        )
    if c.duration is not None:
        subject, kind = _duration(c.duration, lang), "duration"
    else:
        assert c.column is not None
        subject, kind = c.column, kind_of.get(c.column, "")
    case = _t(lang, "（不区分大小写）", " (any case)") if c.ignore_case else ""
    op = c.operator
    if op == "is_":
        yes = _t(lang, "为是", "is true") if c.is_ else _t(lang, "为否", "is false")
        return f"{subject} {yes}"
    if op == "is_null":
        return f"{subject} " + (
            _t(lang, "为空", "is empty") if c.is_null else _t(lang, "不为空", "is not empty")
        )
    if op in ("in_", "not_in"):
        listed = ", ".join(_value(v, kind, lang) for v in getattr(c, op))
        word = _t(lang, "属于", "is one of") if op == "in_" else _t(lang, "不属于", "is none of")
        return f"{subject} {word} [{listed}]{case}"
    if op == "between":
        lo, hi = c.between or (0, 0)
        a, b = _value(lo, kind, lang), _value(hi, kind, lang)
        return _t(lang, f"{subject} 在 {a} 到 {b} 之间", f"{subject} between {a} and {b}") + case
    assert op is not None
    return f"{subject} {_OPS[op]} {_value(getattr(c, op), kind, lang)}{case}"


def _measure_words(m: Measure | None, lang: Lang, kind_of: dict[str, str]) -> str:
    if m is None:
        return _t(lang, "每行计 1", "1 per row")
    if m.duration is not None:
        out = _duration(m.duration, lang)
    elif m.cases is not None:
        cases = "; ".join(
            _t(
                lang,
                f"若 {condition_words(c.when, lang, kind_of)} 则 {_num(c.value)}",
                f"{_num(c.value)} if {condition_words(c.when, lang, kind_of)}",
            )
            for c in m.cases
        )
        out = cases + _t(lang, f"; 否则 {_num(m.else_)}", f"; else {_num(m.else_)}")
    else:
        assert m.column is not None
        out = m.column
    if m.missing is not None:
        out += _t(lang, f"（为空时记 {_num(m.missing)}）", f" (empty counts as {_num(m.missing)})")
    return out


def window_words(w: Window, on: str, lang: Lang) -> list[str]:
    out: list[str] = []
    if w.daily:
        out.append(
            _t(
                lang,
                f"{on} 在每天 {'、'.join(w.daily)} 内",
                f"{on} within {', '.join(w.daily)} each day",
            )
        )
    for x in w.exclude:
        out.append(_t(lang, f"{on} 不在 {x} 内", f"{on} not within {x}"))
    if w.business_hours:
        out.append(_t(lang, f"{on} 在营业时间内", f"{on} within business hours"))
    if w.holidays == "exclude":
        out.append(_t(lang, f"{on} 不在中心日历的节假日", f"{on} not on the calendar's holidays"))
    if w.exempt:
        out.append(
            _t(
                lang,
                f"{on} 不在豁免日期 {', '.join(w.exempt)}",
                f"{on} not on the exempt dates {', '.join(w.exempt)}",
            )
        )
    return out


def _aspect(w: Window, on: str, aspect: str, lang: Lang) -> str:
    """The words for one condition of a window (see ``_Rows.window_parts``)."""
    if aspect == "daily":
        return _t(
            lang,
            f"{on} 在每天 {'、'.join(w.daily)} 内",
            f"{on} within {', '.join(w.daily)} each day",
        )
    if aspect.startswith("exclude "):
        hours = aspect.removeprefix("exclude ")
        return _t(lang, f"{on} 不在 {hours} 内", f"{on} not within {hours}")
    if aspect == "business_hours":
        return _t(lang, f"{on} 在营业时间内", f"{on} within business hours")
    return _t(lang, f"{on} 不在节假日或豁免日期", f"{on} not on a holiday or exempt date")


def _kinds(d: MetricDefinition) -> dict[str, str]:
    if d.from_ is None:
        return {}
    return {n: c.kind for n, c in ROW_SOURCES[d.from_].columns.items()}


def _part_words(p: Part, lang: Lang, kinds: dict[str, str]) -> str:
    if p.metric is not None:
        text = _t(lang, f"指标 {p.metric}", f"metric {p.metric}")
    elif p.aggregate == "count":
        text = _t(lang, "行数", "rows")
    elif p.aggregate == "distinct":
        text = _t(lang, f"不同 {p.distinct} 的个数", f"distinct {p.distinct}")
    else:
        text = _t(
            lang,
            f"{_measure_words(p.measure, lang, kinds)} 之和",
            f"sum of {_measure_words(p.measure, lang, kinds)}",
        )
    if p.where:
        conds = _t(lang, " 且 ", " and ").join(condition_words(c, lang, kinds) for c in p.where)
        text += _t(lang, f"（{conds}）", f" where {conds}")
    return ("− " if p.subtract else "") + text


def _side(parts: list[Part], lang: Lang, kinds: dict[str, str]) -> str:
    out = ""
    for i, p in enumerate(parts):
        words = _part_words(p, lang, kinds)
        out += words if i == 0 else (" " + words if p.subtract else " + " + words)
    return out


def describe(d: MetricDefinition, lang: Lang = "zh") -> list[str]:
    """The definition in words, one line per aspect."""
    kinds = _kinds(d)
    title = f"{d.id} — {d.name}" if lang == "zh" else f"{d.id} — {d.name_en}"
    unit_zh, unit_en = _UNITS[d.unit]
    lines = [title, _t(lang, f"单位：{unit_zh}", f"Unit: {unit_en}")]
    desc = (d.description_zh or d.description) if lang == "zh" else d.description
    lines.append(_t(lang, f"说明：{desc}", f"Description: {desc}"))
    if d.source:
        lines.append(_t(lang, f"来源：{d.source}", f"Source: {d.source}"))
    if d.aggregate == "change":
        lines.append(
            _t(
                lang,
                f"计算：本期的 {d.of} 减去上一期的 {d.of}",
                f"Computed: {d.of} of the period minus {d.of} of the previous period",
            )
        )
        return lines
    if d.from_ is not None:
        src = ROW_SOURCES[d.from_]
        what_zh, what_en = _SOURCES.get(src.name, (f"{src.name} 表", f"the {src.name} table"))
        credit = d.credit or src.default_credit
        period_by = d.period_by or src.period_by
        lines.append(
            _t(
                lang,
                f"读取：{what_zh}，按 {period_by} 归入周期",
                f"Reads: {what_en}, placed in the period by {period_by}",
            )
        )
        cz, ce = _CREDITS.get(credit, (credit, credit))
        lines.append(_t(lang, f"计入：{cz}", f"Credited to: {ce}"))
        if d.window is not None:
            on = d.window.on or period_by
            joined = _t(lang, "；", "; ").join(window_words(d.window, on, lang))
            lines.append(_t(lang, f"时间窗口：{joined}", f"Time window: {joined}"))
        if d.where:
            joined = _t(lang, " 且 ", " and ").join(
                condition_words(c, lang, kinds) for c in d.where
            )
            lines.append(_t(lang, f"筛选：{joined}", f"Rows: {joined}"))
    a = d.aggregate
    if a == "ratio":
        assert d.numerator is not None and d.denominator is not None
        num, den = _side(d.numerator, lang, kinds), _side(d.denominator, lang, kinds)
        scale = "" if d.effective_scale == 1 else f" × {_num(d.effective_scale)}"
        lines.append(
            _t(
                lang,
                f"计算：（{num}） ÷ （{den}）{scale}；分母不为正时无值",
                f"Computed: ({num}) / ({den}){scale}; no value unless the denominator is positive",
            )
        )
        return lines
    if d.measure is not None:
        lines.append(
            _t(
                lang,
                f"每行取值：{_measure_words(d.measure, lang, kinds)}",
                f"Per row: {_measure_words(d.measure, lang, kinds)}",
            )
        )
    agg: dict[str, tuple[str, str]] = {
        "count": ("行数（无数据时为 0）", "number of rows (0 with no rows)"),
        "sum": ("求和（无数据时为 0）", "sum (0 with no rows)"),
        "mean": ("平均值（空值不计）", "mean (empty values left out)"),
        "median": ("中位数（线性插值）", "median (linear interpolation)"),
        "percentile": (
            f"第 {_num(d.percentile or 0)} 百分位数（线性插值）",
            f"{_num(d.percentile or 0)}th percentile (linear interpolation)",
        ),
        "distinct": (f"不同 {d.distinct} 的个数", f"number of distinct {d.distinct}"),
        "share": ("", ""),
    }
    if a == "share":
        assert d.test is not None
        test = condition_words(d.test, lang, kinds)
        of = _t(lang, f"不同 {d.distinct} ", f"distinct {d.distinct} ") if d.distinct else ""
        scale = _num(d.effective_scale)
        lines.append(
            _t(
                lang,
                f"计算：满足「{test}」的{of}占比 × {scale}",
                f"Computed: share of {of}rows where {test}, × {scale}",
            )
        )
    else:
        zh, en = agg[a]
        scale = "" if d.effective_scale == 1 else f" × {_num(d.effective_scale)}"
        lines.append(_t(lang, f"计算：{zh}{scale}", f"Computed: {en}{scale}"))
    return lines


# --- drill-down ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowsQuery:
    """One query of the drill-down: the rows of one part of a metric."""

    label: str
    key: tuple[str, ...]
    sql: str


def _reason(lang: Lang, kind: str, words: str) -> str:
    if kind == "window":
        return _t(lang, f"不在时间窗口：{words}", f"outside the time window: {words}")
    if kind == "filter":
        return _t(lang, f"未通过筛选：{words}", f"fails the filter: {words}")
    return _t(lang, f"无取值：{words} 为空", f"no value: {words} is empty")


def _rows_query(
    d: MetricDefinition,
    agent: str,
    config: CenterConfig,
    lang: Lang,
    *,
    label: str,
    extra_where: Sequence[Condition] = (),
    measure: Measure | None = None,
    test: Condition | None = None,
    previous: bool = False,
) -> RowsQuery:
    assert d.from_ is not None
    src = ROW_SOURCES[d.from_]
    credit_sql = src.credits[d.credit or src.default_credit]
    rows = _Rows(src, config, credit_sql)
    kinds = _kinds(d)
    period_by = d.period_by or src.period_by
    checks: list[tuple[str, str]] = []
    if d.window is not None:
        on = d.window.on or period_by
        for cond, aspect in rows.window_parts(d.window, on):
            words = _aspect(d.window, on, aspect, lang)
            checks.append((f"coalesce({cond}, false)", _reason(lang, "window", words)))
    for c in [*d.where, *extra_where]:
        words = condition_words(c, lang, kinds)
        checks.append((rows.condition(c, True), _reason(lang, "filter", words)))
    value = "NULL"
    if measure is not None:
        value, is_duration = rows.measure(measure)
        words = _measure_words(measure, lang, kinds)
        checks.append((f"{value} IS NOT NULL", _reason(lang, "value", words)))
        if is_duration:
            value = f"CAST({value} AS DOUBLE) / {US}"
    whens = " ".join(f"WHEN NOT ({sql}) THEN {_lit(text)}" for sql, text in checks)
    reason = f"CASE {whens} END" if checks else "NULL"
    passed = f"CASE WHEN {rows.condition(test)} THEN true ELSE false END" if test else "NULL"
    key = [c for c in src.key if c in src.columns] or list(src.columns)[:1]
    keys = ", ".join(f"{src.columns[k].sql} AS {k}" for k in key)
    at = src.columns[period_by].sql
    joins = "".join(f"\n{j}" for j in rows.joins)
    where = [_period_sql(src, period_by, previous=previous), f"{credit_sql} = {_lit(agent)}"]
    select = f"{keys}, {at} AS happened_at, {value} AS value, {reason} AS left_out"
    sql = (
        f"SELECT {select}, {passed} AS passed\nFROM {src.from_sql}{joins}\n"
        f"WHERE {_and(where)}\nORDER BY happened_at, {', '.join(key)}"
    )
    return RowsQuery(label, tuple(key), sql)


def drilldown(
    d: MetricDefinition,
    agent: str,
    config: CenterConfig,
    known: dict[str, MetricDefinition],
    lang: Lang = "zh",
    *,
    previous: bool = False,
) -> list[RowsQuery]:
    """The queries listing the rows behind ``agent``'s value of ``d`` (placeholders unfilled)."""
    if d.aggregate == "change":
        assert d.of is not None
        target = known[d.of]
        now = drilldown(target, agent, config, known, lang)
        before = drilldown(target, agent, config, known, lang, previous=True)
        prev = _t(lang, "上一期", "previous period")
        return now + [RowsQuery(f"{q.label} ({prev})", q.key, q.sql) for q in before]
    if d.aggregate == "ratio":
        out: list[RowsQuery] = []
        for side, parts in (("numerator", d.numerator or []), ("denominator", d.denominator or [])):
            name = _t(lang, "分子" if side == "numerator" else "分母", side)
            for i, p in enumerate(parts):
                label = f"{name} {i + 1}"
                if p.metric is not None:
                    for q in drilldown(
                        known[p.metric], agent, config, known, lang, previous=previous
                    ):
                        out.append(RowsQuery(f"{label}: {p.metric}", q.key, q.sql))
                    continue
                out.append(
                    _rows_query(
                        d,
                        agent,
                        config,
                        lang,
                        label=label,
                        extra_where=p.where,
                        measure=p.measure,
                        previous=previous,
                    )
                )
        return out
    measure = d.measure
    if d.distinct is not None:
        # A distinct count counts values: show each row's, and leave out the empty ones.
        measure = Measure(column=d.distinct)
    return [
        _rows_query(
            d, agent, config, lang, label=d.id, measure=measure, test=d.test, previous=previous
        )
    ]
