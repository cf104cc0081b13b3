"""Explanation sentences, in the scheme's language (Chinese first, English second).

The templates are written here in English; their Chinese is in the core's message catalog
(:mod:`appraise.messages`, entries ``explain.<key>``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from appraise.messages import table

_STEPS = {p: Decimal(1).scaleb(-p) for p in range(12)}


_FMT_CACHE: dict[tuple[Decimal, int], str] = {}


def fmt(d: Decimal | None, places: int = 4) -> str:
    """A number as people write it: no exponent, no trailing zeros, at most ``places`` decimals.

    Equal decimals are written alike (``10`` and ``10.00`` both as ``10``), so the text is
    remembered by value: a period's explanations write the same few numbers over and over.
    """
    if d is None:
        return "-"
    if not d.is_finite():  # NaN is unequal to itself (and a signalling one cannot be hashed)
        return _fmt(d, places)
    key = (d, places)
    text = _FMT_CACHE.get(key)
    if text is None:
        if len(_FMT_CACHE) > 200_000:
            _FMT_CACHE.clear()
        text = _FMT_CACHE[key] = _fmt(d, places)
    return text


def _fmt(d: Decimal, places: int) -> str:
    text = str(d)
    dot = text.find(".")
    # str() of a Decimal uses an exponent only for very large or small numbers; those, and
    # numbers with more decimals than shown, are rounded first (half up).
    if "E" in text or (dot >= 0 and len(text) - dot - 1 > places):
        text = format(d.quantize(_STEPS[places], rounding=ROUND_HALF_UP), "f")
        dot = text.find(".")
    if dot >= 0:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


EN: dict[str, str] = {
    "given": "given directly as {v} ({src}) -> {s} points",
    "no_rating": "no rating",
    "no_value": "no data ({m})",
    "rated_one": "rated {v} -> {s} points",
    "rated_avg": "average of {n} ratings: {s} points",
    "role_part": "{role} {v}×{w}%",
    "role_avg_part": "{role} {v} (mean of {n} raters)×{w}%",
    "missing_role_renorm": "; no rating from {roles}, the others weighed over {d}%",
    "missing_role_zero": "; no rating from {roles}, counted as 0 (divided by {d}%)",
    "missing_role_fail": "no rating from {roles}",
    "rated_combined": " = {s} points",
    "band": "{v} is in {r} -> {s} points",
    "band_otherwise": "{v} is in no band -> {s} points",
    "threshold_hit": "{v} meets {r} -> {s} points",
    "threshold_miss": "{v} does not meet {r} -> {s} points",
    "no_target": "no target ({m})",
    "proportion": "{v} of target {g} × {f} = {s} points",
    "capped": ", capped at {c}",
    "zero_below": "{v} is below {z}: 0 points",
    "target_met": "{v} meets the target {g} -> full {s}",
    "steps": "{v} is {short} short of {g}; {p} off per {step} short, {n} times -> {f} - {n}×{p} = "
    "{s} points",
    "proportion_lower": "target {g} over {v} × {f} = {s} points",
    "target_met_lower": "{v} is at or below the target {g} -> {s} points",
    "zero_above": "{v} is above {z}: 0 points",
    "steps_lower": "{v} is {over} over {g}; {p} off per {step} over, {n} times -> {f} - {n}×{p} = "
    "{s} points",
    "incident_money": "{k} ({d}) amount {a}",
    "kind_part": "{k} {n}× {p} points{m}",
    "no_incidents_deduct": "no deductions: base {b}",
    "no_incidents_bonus": "no bonus items: {b} points",
    "deducted": "base {b}, deducted: {parts} -> {s} points",
    "added": "{b} points, counted: {parts} -> {s} points",
    "floored": ", not below {f}",
    "weighted": "{s} of {f} × weight {w} = {x}",
    "weighted_points": "{s} points",
    "category": "subtotal {x} (weight {w}, {p}% achieved)",
    "category_norm": "subtotal {raw} × {w} ÷ {sw} = {x}",
    "missing_zero": "; counted as 0",
    "rank": "{v}, place {r} of {n} -> {s} points",
    "rank_tie": "{v}, tied for place {r} of {n} -> {s} points",
    "rank_others": "{v}, not in the first {k} -> {s} points",
    "rank_ineligible": "not eligible to rank ({c}) -> {s} points",
    "rank_novalue": "nothing to rank by -> {s} points",
    "formula": "{e} = {s}",
    "formula_explained": "{inputs} -> {e} = {s} points",
    "formula_missing": "{e}: data missing",
    "adjust_add": "adds {x}",
    "adjust_sub": "subtracts {x}",
}

# The sentences in Chinese are in the core's catalog (appraise.messages), as "explain.<key>".
T: dict[str, dict[str, str]] = {lang: t for lang, t in table("explain", EN).items()}
