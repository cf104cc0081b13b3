"""Roll a scheme's period results up into quarters, half-years and years (``rollup:``).

The months come from the history (in the web app: the cycle's earlier published results of
the same scheme) and from the period being scored. Only longer periods that have ended by the
end of the period being scored are rolled up, never a quarter still under way. What a roll-up
makes is a history entry like one a history file would give (total, grade, rank); a history
file's own row for the same agent and period wins. :mod:`appraise.scoring.history` reads a
rolled-up period only in the period that closes it (see there).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from appraise.decimals import plain
from appraise.inputs import HistoryEntry, Source
from appraise.periods import MONTHS, Period
from appraise.schemes.model import Scheme
from appraise.scoring.context import Context
from appraise.scoring.results import AgentResult

ROLLUP_SOURCE = "rollup"


@dataclass(frozen=True)
class Rolled:
    """One agent's rolled-up period: the entry consequences read, and how it was made."""

    entry: HistoryEntry
    parts: tuple[tuple[str, Decimal, Decimal], ...]  # (month, total, weight)
    rule: str

    def explain(self, lang: str) -> str:
        """``2026-Q1 = (50 + 55 + 58) ÷ 3 = 54.33``, weights shown when not 1."""
        shown = Decimal("0.0001")
        terms = [
            plain(t) if w == 1 else f"{plain(t)} × {plain(w.quantize(shown))}"
            for _, t, w in self.parts
        ]
        weight = sum((w for _, _, w in self.parts), Decimal(0))
        weight = weight if weight == weight.to_integral_value() else weight.quantize(shown)
        months = (
            "、".join(m for m, _, _ in self.parts)
            if lang == "zh"
            else ", ".join(m for m, _, _ in self.parts)
        )
        total = plain(self.entry.total) if self.entry.total is not None else "-"
        word = (
            ("平均" if self.rule == "mean" else "按在岗天数加权平均")
            if lang == "zh"
            else ("mean" if self.rule == "mean" else "mean weighted by days on the job")
        )
        return (
            f"{self.entry.period} = ({' + '.join(terms)}) ÷ {plain(weight)} = {total}"
            f"({months} {word})"
            if lang == "zh"
            else f"{self.entry.period} = ({' + '.join(terms)}) / {plain(weight)} = {total} "
            f"({word} of {months})"
        )


def _on_the_job(month: Period, hired_on: date | None) -> Decimal:
    """The share of the month's days from the hiring day on (1 for a month fully worked)."""
    if hired_on is None or hired_on <= month.start:
        return Decimal(1)
    if hired_on >= month.end:
        return Decimal(0)
    return Decimal((month.end - hired_on).days) / Decimal(month.days)


def roll_up(
    scheme: Scheme, ctx: Context, period: Period, results: list[AgentResult]
) -> dict[tuple[str, str], Rolled]:
    """Every longer period of ``rollup.to`` that has ended by the end of ``period`` and holds
    one of the agents' months, by (agent, period text).

    ``results`` are this period's ranked results; the earlier periods of the scheme's own kind
    are read from ``ctx.history_by_period``.
    """
    rollup = scheme.rollup
    if rollup is None or scheme.period not in MONTHS:
        return {}
    step = MONTHS[scheme.period]
    own: dict[str, dict[str, Decimal]] = defaultdict(dict)  # agent -> period -> total
    for text, entries in ctx.history_by_period.items():
        try:
            p = Period.parse(text)
        except ValueError:
            continue
        if p.kind != scheme.period:
            continue
        for agent_id, h in entries.items():
            if h.total is not None:
                own[agent_id][text] = h.total
    for r in results:
        if r.total is not None:
            own[r.agent_id][str(period)] = r.total
    out: dict[tuple[str, str], Rolled] = {}
    months = {m for totals in own.values() for m in totals}
    for kind in rollup.to:
        if kind not in MONTHS or MONTHS[kind] <= step or MONTHS[kind] % step:
            continue
        closed = {
            longer
            for m in months
            if (longer := Period.containing(Period.parse(m).start, kind)).end <= period.end
        }
        for longer in sorted(closed):
            out.update(_roll(scheme, ctx, longer, own))
    return out


def _roll(
    scheme: Scheme, ctx: Context, longer: Period, own: dict[str, dict[str, Decimal]]
) -> dict[tuple[str, str], Rolled]:
    rule = scheme.rollup.rule if scheme.rollup is not None else "mean"
    out: dict[tuple[str, str], Rolled] = {}
    key = str(longer)
    given = ctx.history_by_period.get(key, {})
    parts_of: dict[str, list[tuple[str, Decimal, Decimal]]] = {}
    first = Period.containing(longer.start, scheme.period)
    inside = [str(first.shift(k)) for k in range(MONTHS[longer.kind] // MONTHS[scheme.period])]
    for agent_id, totals in own.items():
        if agent_id in given:
            continue
        data = ctx.agents.get(agent_id)
        hired = data.agent.hired_on if data is not None else None
        parts = []
        for m in inside:
            if m not in totals:
                continue
            w = _on_the_job(Period.parse(m), hired) if rule == "weighted" else Decimal(1)
            if w > 0:
                parts.append((m, totals[m], w))
        if parts:
            parts_of[agent_id] = parts
    totals_of: dict[str, Decimal] = {}
    for agent_id, parts in parts_of.items():
        weight = sum((w for _, _, w in parts), Decimal(0))
        exact = sum((t * w for _, t, w in parts), Decimal(0)) / weight
        q = scheme.score_step
        totals_of[agent_id] = (exact / q).quantize(Decimal(1), rounding=ROUND_HALF_UP) * q
    ranks = _ranks(scheme, ctx, totals_of)
    for agent_id, total in totals_of.items():
        grade = next(
            (g.name for g in scheme.grades if g.range is not None and g.range.contains(total)),
            None,
        )
        entry = HistoryEntry(
            agent_id, key, total, grade, ranks[agent_id], Source(ROLLUP_SOURCE, 0, key)
        )
        out[(agent_id, key)] = Rolled(entry, tuple(parts_of[agent_id]), rule)
    return out


def _ranks(scheme: Scheme, ctx: Context, totals: dict[str, Decimal]) -> dict[str, int]:
    """Shared (1, 2, 2, 4) or dense ranks by rolled total, within the scheme's ranking group."""
    groups: dict[str | None, list[str]] = defaultdict(list)
    for agent_id in totals:
        data = ctx.agents.get(agent_id)
        team = data.agent.team if data is not None else None
        groups[team if scheme.ranking.group == "team" else None].append(agent_id)
    ranks: dict[str, int] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda a: (-totals[a], a))
        prev: Decimal | None = None
        rank = distinct = 0
        for i, a in enumerate(ordered):
            if totals[a] != prev:
                distinct += 1
                rank = i + 1 if scheme.ranking.ties == "shared" else distinct
                prev = totals[a]
            ranks[a] = rank
    return ranks
