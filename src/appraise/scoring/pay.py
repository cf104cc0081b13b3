"""Pay: every component computed exactly in Decimal and rounded once, half up, at ``pay.step``.

Components are computed in the order the scheme lists them, so a later one (hours pro-rating, a
formula) can read an earlier one by its id. Money from incidents (扣除当月奖金100元) and from
consequences (第一名奖励100元) is added as its own lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from appraise.messages import table
from appraise.schemes.expr import Value
from appraise.schemes.model import (
    HoursProration,
    PayBand,
    PayComponent,
    PayFormula,
    Pool,
    RankLadder,
    RatedBonus,
    SalaryChange,
    Scheme,
    Tiers,
)
from appraise.schemes.validate import RESULT_NAMES, all_indicators
from appraise.scoring.conditions import said_condition, scheme_labels
from appraise.scoring.context import Context
from appraise.scoring.results import AgentResult, PayLine
from appraise.scoring.text import fmt
from appraise.scoring.variables import EligibilityReader, expression_reads
from appraise.words import Later, Pending, Say, register, say, words, written

# A pay line's explanation, kept as what was said (appraise.words) so that a stored result's
# pay reads in the reader's language; the Chinese is the catalog's (``pay.<key>``).
PAY_EN: dict[str, str] = {
    "not_appraised": "not appraised: none",
    "blocked": "{reason}: not paid",
    "condition": "condition {c} not met",
    "incidents": "incident amounts",
    "no_rated_amount": "no rated amount",
    "rated": "{b} × {t} / {f} = {a}",
    "fallback": "total {t} in {r} -> {a}",
    "rank": "rank {n} -> {a}",
    "tier": "{k} → {a}",
    "no_base": "no base salary",
    "salary": "{b} × {p}% ({r}) = {a}",
    "no_band": "total in no band",
    "no_hours": "no hours",
    "hours": "{h} hours, {s} short, {a} per {per} -> {d}",
    "pool": "{t} × {r}% ÷ {n} = {a}",
    "formula_missing": "{e}: data missing",
    "formula": "{e} = {a}",
}
PAY = table("pay", PAY_EN)
register("pay", PAY_EN)
_THEN = Say("words.then", {})


def _round(x: Decimal, step: Decimal) -> Decimal:
    return ((x / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(step)


def _amount_of(spec: Decimal | str, env: Mapping[str, Value]) -> Decimal | None:
    if isinstance(spec, Decimal):
        return spec
    v = env.get(spec)
    return v if isinstance(v, Decimal) else None


def compute_pay(
    scheme: Scheme,
    results: dict[str, AgentResult],
    ctx: Context,
    scores: dict[str, dict[str, Decimal | None]],
    money: dict[str, list[tuple[str, Decimal, Any]]],
    blocked: dict[str, dict[str, str]],
    counts: dict[str, int],
    paid_only: set[str] | None = None,
) -> None:
    """Pay lines of every scored agent, and of the agents not appraised but paid
    (``paid_only``), who get the lines that read no result."""
    lang = scheme.language
    step = scheme.pay.step if scheme.pay else Decimal("0.01")
    comps = list(scheme.pay.components) if scheme.pay else []
    unscored = paid_only or set()
    paid = [
        r
        for r in results.values()
        if (r.eligible and r.total is not None) or (not r.eligible and r.agent_id in unscored)
    ]
    pools = _pools(comps, paid, ctx)
    # Pay conditions may read the result (total, grade, rank ...) and tenure alike: the
    # environment of eligibility_env, the agent's scores and the result, made of only the names
    # the components read (a component's own amount is added under its id as it is worked out).
    names = _reads(comps)
    env_of = EligibilityReader(scheme, names - _PAY_RESULT, ctx.period)
    results_read = sorted(names & _PAY_RESULT)
    needs = [_needs_result(comp, scheme) for comp in comps]
    # A component's condition as said to the reader when it does not hold (scoring.conditions).
    labels = scheme_labels(scheme)
    unmet = {
        comp.id: say(lang, "pay.condition", c=said_condition(comp.when, lang, labels))
        for comp in comps
        if comp.when is not None
    }
    no_block: dict[str, str] = {}
    # Each amount's rounding by its text: most agents are paid one of a few amounts (0, a rank's
    # prize), and the rounding is four Decimal operations.
    rounded: dict[str, Decimal] = {}

    def round_once(amount: Decimal) -> Decimal:
        key = str(amount)  # not the Decimal: see text._FMT_CACHE
        found = rounded.get(key)
        if found is None:
            if len(rounded) > 100_000:
                rounded.clear()
            found = rounded[key] = _round(amount, step)
        return found

    for r in paid:
        env = env_of(ctx.agents[r.agent_id])
        own = scores.get(r.agent_id)
        if own:
            for name in names:
                if name in own:
                    env[name] = own[name]
        for name in results_read:
            env[name] = _result_value(name, r, counts, ctx.last_rank)
        exact: dict[str, Decimal] = {}
        agent_blocked = blocked.get(r.agent_id, no_block)
        for comp, needed in zip(comps, needs, strict=True):
            reason = agent_blocked.get(comp.id)
            if r.total is None and needed:
                amount, text = Decimal(0), say(lang, "pay.not_appraised")
            else:
                amount, text = _component(comp, scheme, r, env, exact, pools, lang)
            if reason is not None:
                amount, text = Decimal(0), say(lang, "pay.blocked", reason=reason)
            elif comp.when is not None and comp.when.evaluate(env) is not True:
                amount, text = Decimal(0), unmet[comp.id]
            exact[comp.id] = amount
            env[comp.id] = amount
            r.pay.append(PayLine(comp.id, comp.name, round_once(amount), text))
        items = money.get(r.agent_id, [])
        if items:
            total = sum((a for _, a, _ in items), Decimal(0))
            r.pay.append(
                PayLine(
                    "incidents",
                    written(say(lang, "pay.incidents")),
                    _round(total, step),
                    _then_joined(lang, [t for _, _, t in items]),
                )
            )
        for c in r.consequences:
            if c.pay is not None:
                r.pay.append(PayLine(c.id, c.name, _round(c.pay, step), c.said))


# The result's names a pay component may read, set last (they win over any metric's).
_PAY_RESULT = frozenset({"total", "rank", "count", "last_rank", "grade", "level", "points"})


def _result_value(
    name: str, r: AgentResult, counts: dict[str, int], last_rank: dict[str, int]
) -> Value:
    if name in ("total", "points"):
        return r.total
    if name == "rank":
        return Decimal(r.rank) if r.rank else None
    if name == "count":
        return Decimal(counts[r.agent_id]) if r.agent_id in counts else None
    if name == "last_rank":
        return Decimal(last_rank[r.agent_id]) if r.agent_id in last_rank else None
    if name == "grade":
        return r.grade
    return r.level


def _reads(comps: list[PayComponent]) -> frozenset[str]:
    """Every name the components read from the environment: their conditions' and formulas'
    names, and the metrics or constants named as an amount, a base or hours."""
    names: set[str] = set()
    for comp in comps:
        if comp.when is not None:
            names |= expression_reads(comp.when)
        if isinstance(comp, PayFormula):
            names |= expression_reads(comp.expr)
        elif isinstance(comp, RatedBonus) and isinstance(comp.amount, str):
            names.add(comp.amount)
        elif isinstance(comp, SalaryChange) and isinstance(comp.base, str):
            names.add(comp.base)
        elif isinstance(comp, HoursProration):
            names.add(comp.hours_metric)
    return frozenset(names)


def _then_joined(lang: str, texts: list[Any]) -> Any:
    """The incidents' explanations one after the other, with the language's break (``;``)."""
    parts: list[object] = []
    for i, t in enumerate(texts):
        if i:
            parts.append(_THEN)
        parts.append(t)
    return words(lang, *parts)


def _later(lang: str, code: str, make: Any, *args: Any) -> Pending:
    """``say(lang, code, **make(*args))``, the parameters worked out when first read."""
    return Pending((Later(code, make, args),), "en" if lang == "en" else "zh")


def _rank_said(rank: int, amount: Decimal) -> dict[str, str]:
    return {"n": str(rank), "a": fmt(amount)}


def _salary_said(base: Decimal, band: PayBand, amount: Decimal) -> dict[str, str]:
    return {"b": fmt(base), "p": fmt(band.percent), "r": str(band.range), "a": fmt(amount, 2)}


def _needs_result(comp: PayComponent, scheme: Scheme) -> bool:
    """A component that reads the agent's score, grade, rank or level (or an indicator's
    score): it cannot be paid to an agent who was not appraised."""
    if isinstance(comp, Pool | HoursProration):
        names: frozenset[str] = frozenset()
    elif isinstance(comp, PayFormula):
        names = comp.expr.names
    else:
        return True
    if comp.when is not None:
        names = names | comp.when.names
    indicators = {node.id for node, _ in all_indicators(scheme)}
    return bool(names & (RESULT_NAMES | indicators))


def _pools(
    comps: list[PayComponent], paid: list[AgentResult], ctx: Context
) -> dict[tuple[str, str | None], tuple[Decimal, int]]:
    """Per pool component and group: (sum of the metric, head count)."""
    out: dict[tuple[str, str | None], tuple[Decimal, int]] = {}
    for comp in comps:
        if not isinstance(comp, Pool):
            continue
        sums: dict[str | None, Decimal] = defaultdict(Decimal)
        heads: dict[str | None, int] = defaultdict(int)
        center = ctx.center.get(comp.metric)
        shared: set[str | None] = set()
        for r in paid:
            key = r.team if comp.group == "team" else None
            m = ctx.agents[r.agent_id].metrics.get(comp.metric)
            heads[key] += 1
            if m is None or not isinstance(m.value, Decimal):
                continue
            # A value given once for the whole center (公共总销售业绩) is in every agent's
            # metrics; it enters the pool once, not once per agent.
            if m is center:
                if key in shared:
                    continue
                shared.add(key)
            sums[key] += m.value
        for key, n in heads.items():
            out[(comp.id, key)] = (sums[key], n)
    return out


def _component(
    comp: PayComponent,
    scheme: Scheme,
    r: AgentResult,
    env: Mapping[str, Value],
    exact: dict[str, Decimal],
    pools: dict[tuple[str, str | None], tuple[Decimal, int]],
    lang: str,
) -> tuple[Decimal, Any]:
    # A component that reads the total is only reached for a scored agent (_needs_result).
    if isinstance(comp, RatedBonus):
        assert r.total is not None
        base = _amount_of(comp.amount, env)
        full = scheme.full_score or Decimal(100)
        if base is None:
            return Decimal(0), say(lang, "pay.no_rated_amount")
        amount = base * r.total / full
        return amount, say(
            lang, "pay.rated", b=fmt(base), t=fmt(r.total), f=fmt(full), a=fmt(amount, 2)
        )
    if isinstance(comp, RankLadder):
        assert r.total is not None
        if (
            comp.fallback_range is not None
            and comp.fallback is not None
            and comp.fallback_range.contains(r.total)
        ):
            return comp.fallback, say(
                lang,
                "pay.fallback",
                t=fmt(r.total),
                r=str(comp.fallback_range),
                a=fmt(comp.fallback),
            )
        rank = r.rank or 0
        if rank <= len(comp.amounts):
            amount = comp.amounts[rank - 1]
        elif comp.step is not None:
            amount = max(comp.minimum, comp.amounts[-1] + comp.step * (rank - len(comp.amounts)))
        else:
            amount = comp.minimum
        return amount, _later(lang, "pay.rank", _rank_said, rank, amount)
    if isinstance(comp, Tiers):
        key = r.grade if comp.by == "grade" else r.level
        amount = comp.amounts.get(key or "", Decimal(0))
        return amount, say(lang, "pay.tier", k=key or "-", a=fmt(amount))
    if isinstance(comp, SalaryChange):
        assert r.total is not None
        base = _amount_of(comp.base, env)
        if base is None:
            return Decimal(0), say(lang, "pay.no_base")
        for band in comp.bands:
            if band.range.contains(r.total):
                amount = base * band.percent / 100
                return amount, _later(lang, "pay.salary", _salary_said, base, band, amount)
        return Decimal(0), say(lang, "pay.no_band")
    if isinstance(comp, HoursProration):
        hours = env.get(comp.hours_metric)
        if not isinstance(hours, Decimal):
            return Decimal(0), say(lang, "pay.no_hours")
        short = max(Decimal(0), comp.required - hours)
        blocks = short / comp.per_hours
        if comp.rounding == "floor":
            blocks = blocks.to_integral_value(rounding=ROUND_FLOOR)
        elif comp.rounding == "ceil":
            blocks = blocks.to_integral_value(rounding=ROUND_CEILING)
        deduction = min(
            blocks * comp.amount, max(exact.get(comp.applies_to, Decimal(0)), Decimal(0))
        )
        return -deduction, say(
            lang,
            "pay.hours",
            h=fmt(hours),
            s=fmt(short),
            a=fmt(comp.amount),
            per=fmt(comp.per_hours),
            d=fmt(-deduction),
        )
    if isinstance(comp, Pool):
        total, heads = pools[(comp.id, r.team if comp.group == "team" else None)]
        amount = total * comp.rate / 100 / heads
        return amount, say(
            lang, "pay.pool", t=fmt(total), r=fmt(comp.rate), n=str(heads), a=fmt(amount, 2)
        )
    assert isinstance(comp, PayFormula)
    value = comp.expr.evaluate(env)
    if not isinstance(value, Decimal):
        return Decimal(0), say(lang, "pay.formula_missing", e=str(comp.expr))
    return value, say(lang, "pay.formula", e=str(comp.expr), a=fmt(value, 2))
