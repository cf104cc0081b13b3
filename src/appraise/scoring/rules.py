"""One evaluator per rule type: an agent's input -> points on the rule's scale, explained.

Evaluators are pure: they read the agent's data and return an :class:`Outcome`. A value the
rule cannot use (a level name it does not know, a rating above the maximum) is a
:class:`~appraise.problems.Problem` naming the file, row and field it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from appraise.inputs.names import normalize_name
from appraise.inputs.records import Incident, Rating
from appraise.messages import message
from appraise.problems import Problem
from appraise.schemes.model import (
    BandsRule,
    BonusRule,
    DeductionRule,
    Indicator,
    KindPoints,
    LevelsRule,
    PointsRange,
    RatedRule,
    Raters,
    TargetRule,
    ThresholdRule,
)
from appraise.schemes.ranges import Range
from appraise.scoring.context import AgentData, Given, where

__all__ = ["Outcome", "bands", "incidents", "metric_input", "rated", "target", "threshold", "where"]
from appraise.scoring.text import Voice, fmt
from appraise.words import Later, Pending, words


@dataclass(slots=True)
class Outcome:
    value: Decimal | str | None
    score: Decimal | None
    explain: Any  # what was said (appraise.words), written in a reader's language when read
    # Sequences, not lists: almost every outcome has none, and an empty tuple costs nothing.
    problems: Sequence[Problem] = ()
    # Money from incidents: (kind name, amount, explanation).
    money: Sequence[tuple[str, Decimal, Any]] = ()
    # What the 实际值 column shows when it is not the value itself: a formula of one metric
    # shows that metric with its unit (45 秒), the formula's result being the score.
    value_text: Any = None


def _bad(src: Given | Rating, said: str) -> Problem:
    source = src.source
    if source is None:
        return Problem("error", "bad_value", said)
    return Problem(
        "error", "bad_value", said, source.file, row=source.row, field=source.field or "value"
    )


# ----------------------------------------------------------------------------------- ratings

_ZERO = Decimal(0)


def level_score(rule: LevelsRule, text: str) -> Decimal | None:
    key = normalize_name(text)
    for level in rule.levels:
        if key in {normalize_name(n) for n in [level.name, *level.aliases]}:
            return level.score
    return None


@dataclass(frozen=True)
class RaterPlan:
    """What one rated indicator needs to combine ratings, worked out once for all agents."""

    single: bool
    # (role id, role name, weight, weight as text)
    roles: tuple[tuple[str, str, Decimal, str], ...]
    role_ids: frozenset[str]
    den_all: Decimal
    missing: str
    # normalised level name -> score (levels rules)
    levels: dict[str, Decimal] | None
    level_names: str
    # Role id -> the rating as given (its text) -> the role's part of the explanation
    # ("直属主管 90×50%") and the rating times the role's weight.
    part_texts: dict[str, dict[str, tuple[str, Decimal]]] = field(
        default_factory=dict, compare=False
    )
    # Ratings on a scale by several roles, none left out: the common case, see rated.
    one_each: bool = False
    # With one role, what a rating (as given) comes to: its score and explanation, which the
    # agents given the same rating share (read-only pieces, written when first read).
    whole: dict[str, tuple[Decimal, Pending]] = field(default_factory=dict, compare=False)


def plan_raters(node: Indicator, rule: RatedRule | LevelsRule, raters: Raters | None) -> RaterPlan:
    levels = None
    names = ""
    if isinstance(rule, LevelsRule):
        levels = {
            normalize_name(n): level.score
            for level in rule.levels
            for n in [level.name, *level.aliases]
        }
        names = "/".join(level.name for level in rule.levels)
    if raters is None:
        return RaterPlan(True, (), frozenset(), Decimal(0), "renormalize", levels, names)
    roles = tuple(
        (r.id, r.name, r.weight, fmt(r.weight))
        for r in raters.roles
        if node.raters is None or r.id in node.raters
    )
    single = len(raters.roles) == 1
    den_all = sum((r[2] for r in roles), Decimal(0))
    return RaterPlan(
        single,
        roles,
        frozenset(r[0] for r in roles),
        den_all,
        raters.missing,
        levels,
        names,
        one_each=isinstance(rule, RatedRule) and not single and bool(roles) and den_all != 0,
    )


def _rating_score(
    node: Indicator,
    rule: RatedRule | LevelsRule,
    plan: RaterPlan,
    value: Decimal | str,
    src: Given | Rating,
) -> tuple[Decimal | None, Problem | None]:
    if plan.levels is not None:
        if isinstance(value, Decimal):
            return None, _bad(
                src,
                message(
                    "rating.level_not_number",
                    '"{name}" takes a level ({levels}), not the number {value}',
                    name=node.name,
                    levels=plan.level_names,
                    value=value,
                ),
            )
        score = plan.levels.get(normalize_name(value))
        if score is None:
            return None, _bad(
                src,
                message(
                    "rating.not_a_level",
                    '"{value}" is not a level of "{name}" ({levels})',
                    value=value,
                    name=node.name,
                    levels=plan.level_names,
                ),
            )
        return score, None
    assert isinstance(rule, RatedRule)
    if not isinstance(value, Decimal):
        return None, _bad(
            src,
            message(
                "rating.number_not_text",
                '"{name}" takes a number, not "{value}"',
                name=node.name,
                value=value,
            ),
        )
    if not rule.min <= value <= rule.max:
        return None, _bad(
            src,
            message(
                "rating.outside",
                '"{name}" is rated {low}..{high}; {value} is outside',
                name=node.name,
                low=fmt(rule.min),
                high=fmt(rule.max),
                value=fmt(value),
            ),
        )
    return value, None


def rated(
    node: Indicator,
    rule: RatedRule | LevelsRule,
    data: AgentData,
    plan: RaterPlan,
    voice: Voice,
) -> Outcome:
    """A value given directly, or the ratings of the roles that rate this indicator."""
    pts = voice.pts
    direct = data.direct.get(node.id)
    if direct is not None:
        score, problem = _rating_score(node, rule, plan, direct.value, direct)
        if problem:
            return Outcome(direct.value, None, "", [problem])
        assert score is not None
        shown = direct.value if isinstance(direct.value, str) else fmt(direct.value)
        return Outcome(
            direct.value,
            score,
            voice.say("given", v=shown, s=pts(score), src=where(direct.source)),
        )
    rows = data.ratings.get(node.id)
    if not rows:
        return Outcome(None, None, voice.say("no_rating"))
    # _rating_score's own test of a number in range, without the call: most ratings pass it.
    numeric = isinstance(rule, RatedRule)
    low, high = (rule.min, rule.max) if isinstance(rule, RatedRule) else (_ZERO, _ZERO)
    if plan.one_each and len(rows) == len(plan.roles):
        done = _one_each(plan, rows, low, high, voice)
        if done is not None:
            return done
    problems: list[Problem] = []
    by_role: dict[str, list[tuple[Decimal, Rating]]] = {}
    for r in rows:
        value = r.value
        if numeric and type(value) is Decimal and low <= value <= high:
            score = value
        else:
            score, problem = _rating_score(node, rule, plan, value, r)
            if problem:
                problems.append(problem)
                continue
        assert score is not None
        role = r.rater_role or ""
        if role in by_role:
            by_role[role].append((score, r))
        else:
            by_role[role] = [(score, r)]
    if problems:
        return Outcome(None, None, "", problems)
    if plan.single and (not plan.roles or by_role.keys() <= {"", plan.roles[0][0]}):
        if len(rows) == 1:
            avg = next(iter(by_role.values()))[0][0]
            return Outcome(
                rows[0].value, avg, voice.later("rated_one", _rated_one, pts, rows[0].value, avg)
            )
        scores = [s for items in by_role.values() for s, _ in items]
        avg = sum(scores, Decimal(0)) / len(scores)
        return Outcome(avg, avg, voice.later("rated_avg", _rated_avg, pts, len(scores), avg))
    # The pieces of the explanation, as words() would splice them (no empty text, a sentence
    # said in the voice's language as its Say): one Pending is made at the end.
    parts: list[Any] = []
    num = Decimal(0)
    den = Decimal(0)
    missing: list[str] = []
    part_texts = plan.part_texts
    for role_id, role_name, weight, weight_text in plan.roles:
        items = by_role.get(role_id)
        if not items:
            missing.append(role_name)
            continue
        if len(items) == 1:
            avg = items[0][0]
            # "直属主管 90×50%": one text per role and rating, which many agents share.
            given = items[0][1].value
            texts = part_texts.get(role_id)
            if texts is None:
                texts = part_texts[role_id] = {}
            key = given if isinstance(given, str) else str(given)  # see text._FMT_CACHE
            known = texts.get(key)
            if known is None:
                known = texts[key] = (f"{role_name} {_show(given)}×{weight_text}%", avg * weight)
            part: Any = known[0]
        else:
            # Several raters of one role (peers): their mean is the role's rating, and the
            # text says how many, never who gave what.
            avg = sum((s for s, _ in items), Decimal(0)) / len(items)
            part = voice.sentence(
                "role_avg_part", role=role_name, v=pts(avg), n=str(len(items)), w=weight_text
            )
        if parts:
            parts.append(" + ")
        parts.append(part)
        num += avg * weight
        den += weight
    for role_id, items in by_role.items():
        if role_id not in plan.role_ids:
            r0 = items[0][1]
            problems.append(
                Problem(
                    "warning",
                    "unknown_rater_role",
                    message(
                        "unknown_rater_role",
                        'rater role "{role}" does not rate "{indicator}"; ignored',
                        role=role_id or "-",
                        indicator=node.name,
                    ),
                    r0.source.file,
                    row=r0.source.row,
                    field="rater_role",
                )
            )
    if den == 0:
        return Outcome(None, None, voice.say("no_rating"), problems)
    if missing and plan.missing == "fail":
        return Outcome(
            None, None, voice.say("missing_role_fail", roles=voice.list(missing)), problems
        )
    divisor = plan.den_all if missing and plan.missing == "zero" else den
    score = num / divisor
    if missing:
        key = "missing_role_zero" if plan.missing == "zero" else "missing_role_renorm"
        parts.append(voice.sentence(key, roles=voice.list(missing), d=fmt(divisor)))
    parts.append(Later(_RATED_COMBINED, score_said, (pts, score)))
    return Outcome(score, score, Pending(tuple(parts), voice.lang), problems)


def role_part(role: tuple[str, str, Decimal, str], value: Decimal) -> tuple[str, Decimal]:
    """A role's part of a rating: ("直属主管 90×50%", the rating × the role's weight); kept in
    RaterPlan.part_texts by the rating's text, since agents share them."""
    _, role_name, weight, weight_text = role
    return f"{role_name} {fmt(value)}×{weight_text}%", value * weight


def one_role(plan: RaterPlan, value: Decimal, key: str, voice: Voice) -> tuple[Decimal, Pending]:
    """With one role rating: what the rating ``value`` (its text ``key``) comes to, its score
    and explanation (the role's part, then the score), shared by the agents given it
    (RaterPlan.whole)."""
    whole = plan.whole.get(key)
    if whole is None:
        role = plan.roles[0]
        texts = plan.part_texts.setdefault(role[0], {})
        known = texts.get(key)
        if known is None:
            known = texts[key] = role_part(role, value)
        score = (_ZERO + known[1]) / plan.den_all
        said = (known[0], Later(_RATED_COMBINED, score_said, (voice.pts, score)))
        whole = plan.whole[key] = (score, Pending(said, voice.lang))
    return whole


def _one_each(
    plan: RaterPlan, rows: list[Rating], low: Decimal, high: Decimal, voice: Voice
) -> Outcome | None:
    """rated's outcome when every role of the plan gave one rating on the scale and no one
    else rated (the common case), or None for rated's general way: the same score, words and
    parts. What an agent shares with others is looked up, not worked out again: each role's
    "直属主管 90×50%" and rating × weight per rating, the whole outcome per rating when one
    role rates; no role is missing, so the divisor is the sum of the weights."""
    given: dict[str, Decimal] = {}
    for r in rows:
        v = r.value
        if type(v) is not Decimal or not low <= v <= high:
            return None
        given[r.rater_role or ""] = v
    roles = plan.roles
    if len(given) != len(roles):  # a role rated twice
        return None
    part_texts = plan.part_texts
    if len(roles) == 1:
        value = given.get(roles[0][0])
        if value is None:
            return None
        score, said = one_role(plan, value, str(value), voice)  # str: see text._FMT_CACHE
        return Outcome(score, score, said)
    parts: list[Any] = []
    num = _ZERO
    for role in roles:
        role_id = role[0]
        value = given.get(role_id)
        if value is None:  # a role that does not rate this, one of the plan's missing
            return None
        found = part_texts.get(role_id)
        texts = found if found is not None else part_texts.setdefault(role_id, {})
        key = str(value)
        known = texts.get(key)
        if known is None:
            known = texts[key] = role_part(role, value)
        if parts:
            parts.append(" + ")
        parts.append(known[0])
        num += known[1]
    score = num / plan.den_all
    parts.append(Later(_RATED_COMBINED, score_said, (voice.pts, score)))
    return Outcome(score, score, Pending(tuple(parts), voice.lang))


_RATED_COMBINED = "explain.rated_combined"
Pts = Callable[[Decimal | None], str]


# The parameters of sentences said with Voice.later: the numbers written when read.
def score_said(pts: Pts, score: Decimal) -> dict[str, str]:
    return {"s": pts(score)}


def _rated_one(pts: Pts, value: Decimal | str, score: Decimal) -> dict[str, str]:
    return {"v": _show(value), "s": pts(score)}


def _rated_avg(pts: Pts, n: int, score: Decimal) -> dict[str, str]:
    return {"n": str(n), "s": pts(score)}


def _show(v: Decimal | str) -> str:
    return v if isinstance(v, str) else fmt(v)


# ----------------------------------------------------------------------------------- metrics


def metric_input(node: Indicator, metric: str | None, data: AgentData) -> Given | None:
    """The value a metric rule reads: given directly for the indicator, or the metric."""
    direct = data.direct.get(node.id)
    if direct is not None:
        return direct
    return data.metrics.get(metric) if metric is not None else None


def _number_for(
    node: Indicator, metric: str | None, data: AgentData, voice: Voice
) -> tuple[Given | None, Decimal | None, Outcome | None]:
    """The number a metric rule reads, or the outcome to return when there is none."""
    src = metric_input(node, metric, data)
    if src is None:
        return None, None, Outcome(None, None, voice.say("no_value", m=metric or node.id))
    if not isinstance(src.value, Decimal):
        problem = _bad(
            src,
            message(
                "rating.needs_number",
                '"{name}" needs a number, not "{value}"',
                name=node.name,
                value=src.value,
            ),
        )
        return src, None, Outcome(src.value, None, "", [problem])
    return src, src.value, None


def _edges(ranges: Sequence[Range]) -> list[Decimal]:
    return [e for r in ranges for e in (r.low, r.high) if e is not None]


@dataclass(frozen=True, slots=True)
class RangesPlan:
    """What a bands or threshold rule says of its ranges, the same for every agent: the edges a
    value is shown against, and each range in words with its points."""

    edges: tuple[Decimal, ...]
    # (range, points, the range in words, the points as text), in the rule's order.
    ranges: tuple[tuple[Range, Decimal | None, Any, str], ...]


def plan_ranges(
    ranges: Sequence[tuple[Range, Decimal | None]], unit: str | None, voice: Voice
) -> RangesPlan:
    return RangesPlan(
        tuple(_edges([r for r, _ in ranges])),
        tuple((r, score, r.said(unit, voice.lang), voice.pts(score)) for r, score in ranges),
    )


def plan_bands(rule: BandsRule, unit: str | None, voice: Voice) -> RangesPlan:
    return plan_ranges([(b.range, b.score) for b in rule.bands], unit, voice)


def _number_quick(
    node: Indicator, metric: str | None, data: AgentData, voice: Voice
) -> tuple[Any, Decimal, Outcome | None]:
    """_number_for without its calls when the number is there, as it is for almost everyone:
    (source, value, None), or (None, 0, the failed outcome)."""
    src = data.direct.get(node.id)
    if src is None and metric is not None:
        src = data.metrics.get(metric)
    if src is not None and type(src.value) is Decimal:
        return src, src.value, None
    src, number, failed = _number_for(node, metric, data, voice)
    if failed is not None:
        return None, Decimal(0), failed
    assert src is not None and number is not None
    return src, number, None


def bands(
    node: Indicator,
    rule: BandsRule,
    data: AgentData,
    voice: Voice,
    unit: str | None = None,
    plan: RangesPlan | None = None,
) -> Outcome:
    src, value, failed = _number_quick(node, rule.metric, data, voice)
    if failed is not None:
        return failed
    if plan is None:
        plan = plan_bands(rule, unit, voice)
    for band_range, score, said, score_text in plan.ranges:
        if band_range.contains(value):
            return Outcome(
                value,
                score,
                voice.later("band", in_range, voice, value, unit, plan.edges, said, score_text),
                (),
                (),
                voice.value_column(value, unit),
            )
    if rule.otherwise is not None:
        shown, _ = voice.value_said(value, unit, plan.edges)
        return Outcome(
            value,
            rule.otherwise,
            voice.say("band_otherwise", v=shown, s=voice.pts(rule.otherwise)),
        )
    return Outcome(
        value,
        None,
        "",
        [
            _bad(
                src,
                message(
                    "rating.no_band",
                    '{value} is in no band of "{name}"',
                    value=fmt(value),
                    name=node.name,
                ),
            )
        ],
    )


def plan_threshold(rule: ThresholdRule, unit: str | None, voice: Voice) -> RangesPlan:
    """The range twice: with the points for a hit, then with those for a miss."""
    return plan_ranges([(rule.range, rule.score), (rule.range, rule.otherwise)], unit, voice)


def threshold(
    node: Indicator,
    rule: ThresholdRule,
    data: AgentData,
    voice: Voice,
    unit: str | None = None,
    plan: RangesPlan | None = None,
) -> Outcome:
    _src, value, failed = _number_quick(node, rule.metric, data, voice)
    if failed is not None:
        return failed
    if plan is None:
        plan = plan_threshold(rule, unit, voice)
    hit = rule.range.contains(value)
    _, score, said, score_text = plan.ranges[0 if hit else 1]
    key = "threshold_hit" if hit else "threshold_miss"
    return Outcome(
        value,
        score,
        voice.later(key, in_range, voice, value, unit, plan.edges, said, score_text),
        (),
        (),
        voice.value_column(value, unit),
    )


def in_range(
    voice: Voice,
    value: Decimal,
    unit: str | None,
    edges: tuple[Decimal, ...],
    said: Any,
    score_text: str,
) -> dict[str, Any]:
    """``explain.band`` / ``threshold_hit`` / ``threshold_miss``: the value (shown against
    the edges), the range in words, the points."""
    return {"v": voice.value_said(value, unit, edges)[0], "r": said, "s": score_text}


def _round(x: Decimal, how: str) -> Decimal:
    if how == "floor":
        return x.to_integral_value(rounding=ROUND_FLOOR)
    if how == "ceil":
        return x.to_integral_value(rounding=ROUND_CEILING)
    return x


def target(
    node: Indicator, rule: TargetRule, data: AgentData, voice: Voice, unit: str | None = None
) -> Outcome:
    src, value, failed = _number_for(node, rule.metric, data, voice)
    if failed is not None:
        return failed
    assert src is not None and value is not None
    goal = rule.target
    if goal is None and rule.metric is not None:
        tgt = data.metrics.get(f"{rule.metric}_target")
        goal = tgt.value if tgt is not None and isinstance(tgt.value, Decimal) else None
    if goal is None or goal <= 0:
        return Outcome(value, None, voice.say("no_target", m=rule.metric or node.id))
    if rule.better == "lower":
        return _target_lower(rule, value, goal, voice, unit)
    pts = voice.pts
    edges = [e for e in (goal, rule.zero_below) if e is not None]
    if rule.method == "proportion":
        cap = rule.full * rule.cap / 100
        raw = rule.full * value / goal
        score = max(rule.min, min(raw, cap))
        text = voice.later(
            "proportion", proportion_said, voice, value, goal, edges, unit, rule.full, score
        )
        if raw > cap:
            text += voice.say("capped", c=pts(cap))
        return Outcome(value, score, text)
    v = voice.value(value, unit, edges)
    g = voice.value(goal, unit)
    if rule.zero_below is not None and value < rule.zero_below:
        return Outcome(
            value, Decimal(0), voice.say("zero_below", v=v, z=voice.value(rule.zero_below, unit))
        )
    if value >= goal:
        return Outcome(value, rule.full, voice.say("target_met", v=v, g=g, s=pts(rule.full)))
    short = goal - value
    steps = _round(short / rule.step, rule.rounding)
    score = max(rule.min, rule.full - steps * rule.step_points)
    return Outcome(
        value,
        score,
        voice.say(
            "steps",
            v=v,
            g=g,
            short=voice.value(short, unit),
            n=fmt(steps),
            step=voice.value(rule.step, unit),
            p=pts(rule.step_points),
            f=pts(rule.full),
            s=pts(score),
        ),
    )


def proportion_said(
    voice: Voice,
    value: Decimal,
    goal: Decimal,
    edges: list[Decimal],
    unit: str | None,
    full: Decimal,
    score: Decimal,
) -> dict[str, Any]:
    """``explain.proportion``: "{v} of target {g} × {f} = {s} points"."""
    return {
        "v": voice.value(value, unit, edges),
        "g": voice.value(goal, unit),
        "f": voice.pts(full),
        "s": voice.pts(score),
    }


def _target_lower(
    rule: TargetRule, value: Decimal, goal: Decimal, voice: Voice, unit: str | None
) -> Outcome:
    """``better: lower``: the higher-is-better formulas mirrored (the value over the target
    counts as the shortfall does, ``zero_above`` as ``zero_below``)."""
    pts = voice.pts
    edges = [e for e in (goal, rule.zero_above) if e is not None]
    v = voice.value(value, unit, edges)
    g = voice.value(goal, unit)
    if rule.method == "proportion":
        cap = rule.full * rule.cap / 100
        if value <= 0:  # nothing at all (no wait): as far below the target as can be
            score = max(rule.min, cap)
            return Outcome(value, score, voice.say("target_met_lower", v=v, g=g, s=pts(score)))
        raw = rule.full * goal / value
        score = max(rule.min, min(raw, cap))
        text = voice.say("proportion_lower", v=v, g=g, f=pts(rule.full), s=pts(score))
        if raw > cap:
            text += voice.say("capped", c=pts(cap))
        return Outcome(value, score, text)
    if rule.zero_above is not None and value > rule.zero_above:
        return Outcome(
            value, Decimal(0), voice.say("zero_above", v=v, z=voice.value(rule.zero_above, unit))
        )
    if value <= goal:
        return Outcome(value, rule.full, voice.say("target_met_lower", v=v, g=g, s=pts(rule.full)))
    over = value - goal
    steps = _round(over / rule.step, rule.rounding)
    score = max(rule.min, rule.full - steps * rule.step_points)
    return Outcome(
        value,
        score,
        voice.say(
            "steps_lower",
            v=v,
            g=g,
            over=voice.value(over, unit),
            n=fmt(steps),
            step=voice.value(rule.step, unit),
            p=pts(rule.step_points),
            f=pts(rule.full),
            s=pts(score),
        ),
    )


# --------------------------------------------------------------------------------- incidents


def match_kind(kinds: list[KindPoints], inc: Incident) -> KindPoints | None:
    key = normalize_name(inc.kind)
    for k in kinds:
        if key in {normalize_name(n) for n in [k.kind, k.name or k.kind, *k.aliases]}:
            return k
    return None


def incidents(
    node: Indicator, rule: DeductionRule | BonusRule, data: AgentData, voice: Voice
) -> Outcome:
    """Points per incident: deducted from ``base`` (deduction) or added (bonus)."""
    pts = voice.pts
    problems: list[Problem] = []
    per_kind: dict[str, Decimal] = {}
    counts: dict[str, Decimal] = {}
    money: list[tuple[str, Decimal, Any]] = []
    skipped: list[Problem] = []
    position = normalize_name(data.agent.position or "")
    for inc in data.incidents:
        k = match_kind(list(rule.kinds), inc)
        if k is None:
            continue
        if k.positions and position not in {normalize_name(p) for p in k.positions}:
            skipped.append(
                Problem(
                    "warning",
                    "kind_not_for_position",
                    message(
                        "kind_not_for_position",
                        'incident kind "{kind}" applies only to {positions}; agent {agent} is '
                        "{position}, so it is not counted",
                        kind=k.name or k.kind,
                        positions=", ".join(k.positions),
                        agent=data.agent.agent_id,
                        position=data.agent.position or message("no_position", "of no position"),
                    ),
                    inc.source.file,
                    row=inc.source.row,
                    field="kind",
                )
            )
            continue
        if isinstance(k.points, PointsRange):
            if inc.points is None:
                problems.append(
                    Problem(
                        "error",
                        "points_required",
                        message(
                            "points_required",
                            'incident kind "{kind}" is graded by severity; give points '
                            "between {min} and {max}",
                            kind=k.name or k.kind,
                            min=fmt(k.points.min),
                            max=fmt(k.points.max),
                        ),
                        inc.source.file,
                        row=inc.source.row,
                        field="points",
                    )
                )
                continue
            if not k.points.min <= inc.points <= k.points.max:
                problems.append(
                    Problem(
                        "error",
                        "points_range",
                        message(
                            "points_out_of_range",
                            'incident kind "{kind}" takes {min}..{max} points, not {points}',
                            kind=k.name or k.kind,
                            min=fmt(k.points.min),
                            max=fmt(k.points.max),
                            points=fmt(inc.points),
                        ),
                        inc.source.file,
                        row=inc.source.row,
                        field="points",
                    )
                )
                continue
            each = inc.points
        else:
            each = k.points
        label = k.name or k.kind
        per_kind[label] = per_kind.get(label, Decimal(0)) + inc.count * each * k.multiplier
        counts[label] = counts.get(label, Decimal(0)) + inc.count
        amount = (
            inc.amount
            if inc.amount is not None
            else (k.amount * inc.count if k.amount is not None else None)
        )
        if amount is not None and amount != 0:
            sign = Decimal(-1) if isinstance(rule, DeductionRule) else Decimal(1)
            money.append(
                (
                    label,
                    sign * amount,
                    # Said, written when the pay line is read (PayLine.explain).
                    voice.say("incident_money", k=label, d=inc.date.isoformat(), a=fmt(amount)),
                )
            )
    if problems:
        return Outcome(None, None, "", problems)
    parts: list[object] = []
    total = Decimal(0)
    for k in rule.kinds:
        label = k.name or k.kind
        if label not in per_kind:
            continue
        points = per_kind[label]
        if k.cap is not None and points > k.cap:
            points = k.cap
        total += points
        mult = f"×{fmt(k.multiplier)}" if k.multiplier != 1 else ""
        if parts:
            parts.append("; ")
        parts.append(voice.say("kind_part", k=label, n=fmt(counts[label]), p=pts(points), m=mult))
    n = sum(counts.values(), Decimal(0))
    if isinstance(rule, DeductionRule):
        raw = rule.base - total
        score = raw if rule.floor is None else max(rule.floor, raw)
        if not parts:
            return Outcome(
                n, score, voice.say("no_incidents_deduct", b=pts(rule.base)), skipped, money
            )
        listed = words(voice.lang, *parts)
        text = voice.say("deducted", b=pts(rule.base), parts=listed, s=pts(score))
        if rule.floor is not None and raw < rule.floor:
            text += voice.say("floored", f=pts(rule.floor))
        return Outcome(n, score, text, skipped, money)
    raw = rule.base + total
    score = raw if rule.cap is None else min(raw, rule.cap)
    if not parts:
        return Outcome(n, score, voice.say("no_incidents_bonus", b=pts(rule.base)), skipped, money)
    listed = words(voice.lang, *parts)
    text = voice.say("added", b=pts(rule.base), parts=listed, s=pts(score))
    if rule.cap is not None and raw > rule.cap:
        text += voice.say("capped", c=pts(rule.cap))
    return Outcome(n, score, text, skipped, money)
