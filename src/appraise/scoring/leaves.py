"""A leaf indicator's results, weighted as its tree has them, for every agent at once.

:func:`finish_leaf` makes one agent's result from what its rule gave (an
:class:`~appraise.scoring.rules.Outcome`): the score ÷ full × weight and the sentence that
says so after the rule's own. :func:`column` makes those of the common cases of a few rules
(a band or a threshold on a metric's number, ratings on a scale with one per role) for every
agent of a leaf in one loop, with what every agent shares worked out once (which band a number
falls in, each band's weighted score and sentence, each role's part per rating): the same
results, words and data as the rule and :func:`finish_leaf`, with no ``Outcome`` and no
explanation made twice. The agents it leaves (a value given directly, a text, a number in no
band, a missing or unknown role) go the general way.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from appraise.schemes.model import (
    BandsRule,
    Indicator,
    RatedRule,
    Raters,
    Scheme,
    TargetRule,
    ThresholdRule,
    full_score_of,
)
from appraise.schemes.ranges import Range
from appraise.schemes.validate import all_indicators, weight_points
from appraise.scoring import rules
from appraise.scoring.context import AgentData
from appraise.scoring.results import IndicatorResult
from appraise.scoring.text import Voice, fmt
from appraise.words import Later, Made, Pending, Say

_ZERO = Decimal(0)
_THEN = Say("words.then", {})
_WEIGHTED = "explain.weighted"
_WEIGHTED_POINTS = "explain.weighted_points"
_BAND = "explain.band"
_PROPORTION = "explain.proportion"
_THRESHOLD = ("explain.threshold_hit", "explain.threshold_miss")

Pts = Callable[[Decimal | None], str]


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """Per-indicator constants of the tree arithmetic, worked out once per run."""

    weight: Decimal | None
    full: Decimal | None
    # "95 分 ÷ 满分 100 × 权重 10% = 9.5": the full score and the weight as written.
    full_text: str
    weight_in: str
    # The weight in points, as text.
    weight_text: str


def node_info(scheme: Scheme) -> dict[str, NodeInfo]:
    out: dict[str, NodeInfo] = {}
    for n, _ in all_indicators(scheme):
        full = full_score_of(n.rule)
        wtext = n.weight if isinstance(n.weight, str) else fmt(n.weight)
        points = weight_points(n, scheme.full_score)
        out[n.id] = NodeInfo(points, full, fmt(full), wtext, fmt(points))
    return out


@dataclass(slots=True)
class LeafPlan:
    """A leaf's place in its tree, the same for every agent: what :func:`finish_leaf` needs to
    make its result."""

    node: Indicator
    info: NodeInfo
    depth: int
    parent_id: str | None
    # The leaf's weighted score and its sentence by score (the score's text), for the rules
    # whose points are a few fixed values: remembering the score of a rating or a formula, new
    # for nearly every agent, would cost more than it saves. A rating by one role is one of a
    # few hundred scores too. None: worked out for every agent.
    memo: dict[str, tuple[Decimal, Later | None]] | None


def weighted(plan: LeafPlan, voice: Voice, score: Decimal) -> tuple[Decimal, Later | None]:
    """A leaf's weighted score and the sentence that says it (None: nothing to say), from the
    leaf's memo when it keeps one."""
    memo = plan.memo
    if memo is None:
        return _weighted_of(plan, voice, score)
    key = str(score)  # not the Decimal: see text._FMT_CACHE
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _weighted_of(plan, voice, score)
    return hit


def _weighted_of(plan: LeafPlan, voice: Voice, score: Decimal) -> tuple[Decimal, Later | None]:
    info = plan.info
    wp, full = info.weight, info.full
    if wp is None or not full:
        if not plan.node.counts:
            return score, None
        return score, Later(_WEIGHTED_POINTS, _weighted_points, (voice.pts, score))
    out = score * wp / full
    return out, Later(_WEIGHTED, _weighted_said, (voice.pts, score, info, out))


def _weighted_said(pts: Pts, score: Decimal, info: NodeInfo, weighted: Decimal) -> dict[str, str]:
    """``explain.weighted``'s parameters: "95 分 ÷ 满分 100 × 权重 10% = 9.5"."""
    return {"s": pts(score), "f": info.full_text, "w": info.weight_in, "x": pts(weighted)}


def _weighted_points(pts: Pts, weighted: Decimal) -> dict[str, str]:
    return {"s": pts(weighted)}


def finish_leaf(
    plan: LeafPlan,
    voice: Voice,
    value: Decimal | str | None,
    score: Decimal | None,
    said: Any,
    value_said: Any,
) -> IndicatorResult:
    """A leaf's result as its tree has it: weighted, and its explanation followed by the
    weighted sentence ("95 分 ÷ 满分 100 × 权重 10% = 9.5"). The numbers' texts are written when
    the sentence is read (words.Later)."""
    node = plan.node
    out, then = weighted(plan, voice, score if score is not None else _ZERO)
    if then is not None:
        # Voice.then_sentence, without the call.
        if (type(said) is Pending or type(said) is Made) and said.lang == voice.lang:
            said = Pending((*said.parts, _THEN, then), said.lang)
        else:
            said = voice.then_sentence(said, then)
    counts = node.counts
    return IndicatorResult(
        node.id,
        node.name,
        plan.info.weight,
        value,
        score,
        out if counts else _ZERO,
        said,
        plan.depth,
        counts,
        plan.parent_id,
        value_said,
    )


# ------------------------------------------------------------------------------- columns


def _number(data: AgentData, node_id: str, metric: str | None) -> Decimal | None:
    """What a column reads of an agent: the value given for the indicator, else its metric's,
    when it is a number (anything else goes the general way)."""
    src = data.direct.get(node_id) if data.direct else None
    if src is None and metric is not None:
        src = data.metrics.get(metric)
    value = src.value if src is not None else None
    return value if type(value) is Decimal else None


def column(
    node: Indicator,
    scheme: Scheme,
    agents: dict[str, AgentData],
    voice: Voice,
    unit: str | None,
    leaf: LeafPlan,
    scores: dict[str, dict[str, Decimal | None]],
    results: dict[str, dict[str, IndicatorResult]],
) -> dict[str, AgentData]:
    """The results of ``node`` for the agents of its rule's common case, put in ``scores``
    and ``results`` (by agent, then indicator) as the general way puts them; the agents left
    for the general way, in ``agents``' order."""
    rule = node.rule
    if isinstance(rule, BandsRule):
        plan = rules.plan_bands(rule, unit, voice)
        return _ranges(node, agents, voice, unit, leaf, scores, results, plan, None)
    if isinstance(rule, ThresholdRule):
        plan = rules.plan_threshold(rule, unit, voice)
        return _ranges(node, agents, voice, unit, leaf, scores, results, plan, rule.range)
    if isinstance(rule, RatedRule):
        return _rated(node, rule, scheme.raters, agents, voice, unit, leaf, scores, results)
    if isinstance(rule, TargetRule) and rule.better == "higher" and rule.method == "proportion":
        return _proportion(node, rule, agents, voice, unit, leaf, scores, results)
    return agents


def _proportion(
    node: Indicator,
    rule: TargetRule,
    agents: dict[str, AgentData],
    voice: Voice,
    unit: str | None,
    leaf: LeafPlan,
    scores: dict[str, dict[str, Decimal | None]],
    results: dict[str, dict[str, IndicatorResult]],
) -> dict[str, AgentData]:
    """rules.target's ``proportion`` (higher is better) and finish_leaf for every agent with a
    number and a target above 0."""
    metric = rule.metric
    target_of = f"{metric}_target" if metric is not None else None
    full, least, zero_below = rule.full, rule.min, rule.zero_below
    cap = full * rule.cap / 100
    # ", capped at 100": said alike for every agent capped.
    capped = voice.say("capped", c=voice.pts(cap)).parts
    node_id, name, counts = node.id, node.name, node.counts
    depth, parent_id, weight = leaf.depth, leaf.parent_id, leaf.info.weight
    lang = voice.lang
    value_column = voice.value_column
    rest: dict[str, AgentData] = {}
    for agent_id, data in agents.items():
        value = _number(data, node_id, metric)
        if value is None:
            rest[agent_id] = data
            continue
        goal = rule.target
        if goal is None and target_of is not None:
            tgt = data.metrics.get(target_of)
            goal = tgt.value if tgt is not None and isinstance(tgt.value, Decimal) else None
        if goal is None or goal <= 0:
            rest[agent_id] = data
            continue
        edges = [e for e in (goal, zero_below) if e is not None]
        raw = full * value / goal
        score = max(least, min(raw, cap))
        said = Later(
            _PROPORTION, rules.proportion_said, (voice, value, goal, edges, unit, full, score)
        )
        out, then = weighted(leaf, voice, score)
        parts: tuple[Any, ...] = (said, *capped) if raw > cap else (said,)
        if then is not None:
            parts = (*parts, _THEN, then)
        scores[agent_id][node_id] = score
        results[agent_id][node_id] = IndicatorResult(
            node_id,
            name,
            weight,
            value,
            score,
            out if counts else _ZERO,
            Pending(parts, lang),
            depth,
            counts,
            parent_id,
            value_column(value, unit) if unit is not None else None,
        )
    return rest


def _regions(ranges: list[Range]) -> tuple[list[Decimal], list[int]] | None:
    """Which of ``ranges`` a number falls in first, by where it lies among their edges: the
    sorted edges, and for each region (below the first edge, on it, between it and the next,
    ... above the last) the index of the first range holding it, -1 for none. A range holds
    all of a region or none of it, so one number inside each tells. None when no number lies
    strictly between two edges at the context's precision (then every number is tried)."""
    edges = sorted({e for r in ranges for e in (r.low, r.high) if e is not None})
    probes: list[Decimal] = []
    for i in range(len(edges) + 1):
        if not edges:
            inside = _ZERO
        elif i == 0:
            inside = edges[0] - 1
        elif i == len(edges):
            inside = edges[-1] + 1
        else:
            inside = (edges[i - 1] + edges[i]) / 2
        if (i > 0 and not edges[i - 1] < inside) or (i < len(edges) and not inside < edges[i]):
            return None
        probes.append(inside)
        if i < len(edges):
            probes.append(edges[i])
    first = [next((j for j, r in enumerate(ranges) if r.contains(p)), -1) for p in probes]
    return edges, first


def _ranges(
    node: Indicator,
    agents: dict[str, AgentData],
    voice: Voice,
    unit: str | None,
    leaf: LeafPlan,
    scores: dict[str, dict[str, Decimal | None]],
    results: dict[str, dict[str, IndicatorResult]],
    plan: rules.RangesPlan,
    hit: Range | None,
) -> dict[str, AgentData]:
    """rules.bands (``hit`` None) or rules.threshold (the range ``hit``) for every agent whose
    metric is a number the rule scores (in a band; a threshold scores every number)."""
    found = _regions([r for r, *_ in plan.ranges] if hit is None else [hit])
    if found is None:
        return agents
    edges, first = found
    n_edges = len(edges)
    metric = getattr(node.rule, "metric", None)
    node_id, name, counts = node.id, node.name, node.counts
    depth, parent_id, weight = leaf.depth, leaf.parent_id, leaf.info.weight
    lang = voice.lang
    # Per region: the points, the words of the value's sentence, the weighted score and the
    # sentence that says it; None where the general way decides (no band, no points).
    outcome: list[tuple[Decimal, Decimal, _Region] | None] = []
    for j in first:
        if hit is not None:
            code = _THRESHOLD[0 if j == 0 else 1]
            j = 0 if j == 0 else 1
        else:
            code = _BAND
        if j < 0 or plan.ranges[j][1] is None:
            outcome.append(None)
            continue
        _, score, said, score_text = plan.ranges[j]
        assert score is not None
        out, then = weighted(leaf, voice, score)
        region = (voice, unit, plan.edges, code, said, score_text, then)
        outcome.append((score, out if counts else _ZERO, region))
    columns = voice.value_columns(unit)
    rest: dict[str, AgentData] = {}
    for agent_id, data in agents.items():
        value = _number(data, node_id, metric)
        if value is None:
            rest[agent_id] = data
            continue
        i = bisect_left(edges, value)
        got = outcome[2 * i + 1 if i < n_edges and edges[i] == value else 2 * i]
        if got is None:
            rest[agent_id] = data
            continue
        score, out, region = got
        explain = Made(_in_range, (region, value), lang)
        # Voice.value_column, without the call.
        if columns is not None:
            key = str(value)
            shown = columns.get(key)
            if shown is None:
                shown = columns[key] = voice.new_value_column(value, unit)
        else:
            shown = None
        scores[agent_id][node_id] = score
        results[agent_id][node_id] = IndicatorResult(
            node_id, name, weight, value, score, out, explain, depth, counts, parent_id, shown
        )
    return rest


# What a region of a bands or threshold rule says of every value in it: the voice, the unit,
# the edges, the sentence's code, the range in words, the points as text, the weighted sentence.
_Region = tuple[Voice, str | None, tuple[Decimal, ...], str, Any, str, Later | None]


def _in_range(region: _Region, value: Decimal) -> tuple[Any, ...]:
    """The pieces of a value's explanation in a region: rules.bands' or rules.threshold's
    sentence, then finish_leaf's weighted one."""
    voice, unit, edges, code, said, score_text, then = region
    sentence = Later(code, rules.in_range, (voice, value, unit, edges, said, score_text))
    return (sentence,) if then is None else (sentence, _THEN, then)


def _rated(
    node: Indicator,
    rule: RatedRule,
    raters: Raters | None,
    agents: dict[str, AgentData],
    voice: Voice,
    unit: str | None,
    leaf: LeafPlan,
    scores: dict[str, dict[str, Decimal | None]],
    results: dict[str, dict[str, IndicatorResult]],
) -> dict[str, AgentData]:
    """rules.rated's shortcut (rules._one_each) for every agent whose roles each gave one
    rating on the scale, and no one else rated: the same parts ("直属主管 90×50%" per role, in
    the roles' order), score and words, each role's part looked up per rating."""
    plan = rules.plan_raters(node, rule, raters)
    if not plan.one_each:
        return agents
    roles = plan.roles
    n_roles = len(roles)
    role_at = {r[0]: k for k, r in enumerate(roles)}
    low, high = rule.min, rule.max
    node_id, name, counts = node.id, node.name, node.counts
    info = leaf.info
    depth, parent_id, weight, full = leaf.depth, leaf.parent_id, info.weight, info.full
    # finish_leaf's weighted score, worked out here when it is not looked up.
    inline = leaf.memo is None and weight is not None and bool(full)
    lang = voice.lang
    pts = voice.pts
    den = plan.den_all
    # Per role (in the plan's order): the rating's text -> ("直属主管 90×50%", rating × weight).
    part_texts = plan.part_texts
    texts = [part_texts.setdefault(r[0], {}) for r in roles]
    # With one role, by the rating's text: the score, the whole explanation, what it adds.
    whole: dict[str, tuple[Decimal, Pending, Decimal]] = {}
    rest: dict[str, AgentData] = {}
    for agent_id, data in agents.items():
        rows = data.ratings.get(node_id)
        if not rows or len(rows) != n_roles or (data.direct and node_id in data.direct):
            rest[agent_id] = data
            continue
        if n_roles == 1:
            r = rows[0]
            v = r.value
            if (
                (r.rater_role or "") not in role_at
                or type(v) is not Decimal
                or not low <= v <= high
            ):
                rest[agent_id] = data
                continue
            key = str(v)  # see text._FMT_CACHE
            found = whole.get(key)
            if found is None:
                found = whole[key] = _one_role(plan, v, key, leaf, voice)
            score, explain, out = found
        else:
            known_at = _known_parts(rows, role_at, roles, texts, low, high)
            if known_at is None:
                rest[agent_id] = data
                continue
            # Every role once (as many rows as roles, none twice): rules._one_each.
            num = _ZERO
            for known in known_at:
                num += known[1]
            score = num / den
            if inline:
                # The pieces made when first read (_rated_said).
                out = score * weight / full  # type: ignore[operator]
                explain = Made(_rated_said, (known_at, score, out, pts, info), lang)
            else:
                parts = _role_parts(known_at)
                parts.append(Later(_RATED_COMBINED, rules.score_said, (pts, score)))
                out, then = weighted(leaf, voice, score)
                if then is not None:
                    parts.append(_THEN)
                    parts.append(then)
                explain = Pending(tuple(parts), lang)
            if not counts:
                out = _ZERO
        shown = voice.value_column(score, unit) if unit is not None else None
        scores[agent_id][node_id] = score
        results[agent_id][node_id] = IndicatorResult(
            node_id, name, weight, score, score, out, explain, depth, counts, parent_id, shown
        )
    return rest


def _known_parts(
    rows: list[Any],
    role_at: dict[str, int],
    roles: tuple[tuple[str, str, Decimal, str], ...],
    texts: list[dict[str, tuple[str, Decimal]]],
    low: Decimal,
    high: Decimal,
) -> list[tuple[str, Decimal]] | None:
    """Each role's part of an agent's ratings, in the plan's order, when every role gave one
    rating on the scale (as many rows as roles, none twice); None for the general way."""
    known_at: list[tuple[str, Decimal]] = [_NO_PART] * len(roles)
    for r in rows:
        k = role_at.get(r.rater_role or "")
        v = r.value
        if (
            k is None
            or known_at[k] is not _NO_PART
            or type(v) is not Decimal
            or not low <= v <= high
        ):
            return None
        key = str(v)
        known = texts[k].get(key)
        if known is None:
            known = texts[k][key] = rules.role_part(roles[k], v)
        known_at[k] = known
    return known_at


def _role_parts(known_at: list[tuple[str, Decimal]]) -> list[Any]:
    """ "自评 80×30% + 直属主管 90×50% + …": each role's part, in the plan's order."""
    parts: list[Any] = []
    for known in known_at:
        if parts:
            parts.append(" + ")
        parts.append(known[0])
    return parts


def _rated_said(
    known_at: list[tuple[str, Decimal]], score: Decimal, out: Decimal, pts: Pts, info: NodeInfo
) -> tuple[Any, ...]:
    """A rating's pieces, as rules._one_each and finish_leaf say them: the roles' parts, the
    score, the weighted score."""
    parts = _role_parts(known_at)
    parts.append(Later(_RATED_COMBINED, rules.score_said, (pts, score)))
    parts.append(_THEN)
    parts.append(Later(_WEIGHTED, _weighted_said, (pts, score, info, out)))
    return tuple(parts)


def _one_role(
    plan: rules.RaterPlan, v: Decimal, key: str, leaf: LeafPlan, voice: Voice
) -> tuple[Decimal, Pending, Decimal]:
    """A rating by the one role that rates: rules.one_role's score and words, weighted
    (finish_leaf), and what it adds; the agents given the same rating share it."""
    score, said = rules.one_role(plan, v, key, voice)
    out, then = weighted(leaf, voice, score)
    if then is not None:
        said = Pending((*said.parts, _THEN, then), said.lang)
    return score, said, out if leaf.node.counts else _ZERO


_NO_PART: tuple[str, Decimal] = ("", _ZERO)
_RATED_COMBINED = "explain.rated_combined"
