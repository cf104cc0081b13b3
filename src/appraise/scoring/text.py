"""Explanation sentences (Chinese first, English second), kept as what was said.

The templates are written here in English; their Chinese is in the core's message catalog
(:mod:`appraise.messages`, entries ``explain.<key>``). An explanation is a
:class:`~appraise.words.Words`: the sentence codes and their parameters, with the text in the
scheme's language as its ``str`` value, so that the scorecard, the PDF, the payroll workbook and
the API write the same stored result again in the reader's language.

:class:`Voice` is how one run writes its numbers: points (scores, weighted scores, bases, caps)
rounded half up to the scheme's ``score_step`` (``66.6667`` reads ``66.67`` with a step of 0.01,
``66.5`` with 0.5), a metric's value to two decimals with its unit (``45 秒``), but never rounded
onto or across an edge it is compared with (89.996 against ``>= 90`` reads ``89.996``, not
``90``). Display only: the engine computes with the exact numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from appraise.messages import Lang, table
from appraise.words import Later, Made, Pending, Say, joined, register, words

_STEPS = {p: Decimal(1).scaleb(-p) for p in range(12)}


# Keyed by the decimal's text, which says its value: hashing a Decimal (as numbers.Number
# demands, equal to the hash of an equal float or Fraction) costs a few times its str(), and
# the numbers of a run are new objects, whose hash is not yet kept.
_FMT_CACHE: dict[int, dict[str, str]] = {}


def fmt(d: Decimal | None, places: int = 4) -> str:
    """A number as people write it: no exponent, no trailing zeros, at most ``places`` decimals.

    Equal decimals are written alike (``10`` and ``10.00`` both as ``10``), so the text is
    remembered by value: a period's explanations write the same few numbers over and over.
    """
    if d is None:
        return "-"
    cache = _FMT_CACHE.get(places)
    if cache is None:
        cache = _FMT_CACHE[places] = {}
    key = str(d)  # NaN and the infinities too: their text is their value as much
    text = cache.get(key)
    if text is None:
        if len(cache) > 200_000:
            cache.clear()
        text = cache[key] = _fmt(d, places)
    return text


# Numbers up to this many digits before the point are written out; larger ones keep their
# exponent (a value typed as 1e400 and refused as out of range is quoted as typed).
_WRITTEN_OUT = 60


def _fmt(d: Decimal, places: int) -> str:
    text = str(d)
    dot = text.find(".")
    # str() of a Decimal uses an exponent only for very large or small numbers; those, and
    # numbers with more decimals than shown, are rounded first (half up).
    if "E" in text or (dot >= 0 and len(text) - dot - 1 > places):
        if d.adjusted() > _WRITTEN_OUT:
            return text  # 1E+400 (typed into a form) stays short; nobody means its 401 digits
        with localcontext() as ctx:
            # quantize refuses a result of more digits than the precision (28 by default).
            ctx.prec = max(ctx.prec, d.adjusted() + places + 2)
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
    "band": "{v} is in the band “{r}” -> {s} points",
    "band_otherwise": "{v} is in no band -> {s} points",
    "threshold_hit": "{v} meets “{r}” -> {s} points",
    "threshold_miss": "{v} does not meet “{r}” -> {s} points",
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
    "agreement_few": "automatic check {c}: {n} conversation(s) reviewed by a person, the scheme "
    "requires {need}; {m} not counted",
    "agreement_below": "automatic check {c}: {f} {v} below the scheme's minimum {need}; {m} not "
    "counted",
    "agreement_undefined": "automatic check {c}: {f} cannot be computed on the reviews (the "
    "scheme's minimum is {need}); {m} not counted",
    # An agent's notes (not appraised, a grade lowered by its quota).
    "note_missing": "missing data: {names}",
    "note_quota": "{grade} → {lower} (quota {allowed}/{n})",
    "note_veto": "{name} (veto): {when}",
    "note_veto_total": "; the total {before} becomes {total}",
    "fig_kappa": "κ",
    "fig_precision": "precision",
    "fig_recall": "recall",
}

# The sentences in Chinese are in the core's catalog (appraise.messages), as "explain.<key>".
T: dict[str, dict[str, str]] = {lang: t for lang, t in table("explain", EN).items()}
register("explain", EN)

# A metric's value is shown to two decimals (66.6667 % reads 66.67 %), more only near an edge.
VALUE_PLACES = 2
_MAX_PLACES = 8


def quantize(x: Decimal, step: Decimal) -> Decimal:
    """Round half up to a multiple of ``step`` (0.01, 0.5, 1 ...)."""
    return (x / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _side(a: Decimal, b: Decimal) -> int:
    return (a > b) - (a < b)


def shown(value: Decimal, edges: Iterable[Decimal] = (), places: int = VALUE_PLACES) -> str:
    """``value`` to ``places`` decimals, or as many more as keep it on its side of every edge."""
    return _shown(value, edges, places)[0]


def _shown(value: Decimal, edges: Iterable[Decimal], places: int) -> tuple[str, bool]:
    """:func:`shown`, and whether that is ``fmt(value, places)`` (no edge asked for more)."""
    if not value.is_finite():
        return fmt(value), False
    exact = fmt(value, _MAX_PLACES)
    dot = exact.find(".")
    if dot < 0 or len(exact) - dot - 1 <= places:  # nothing to round (45, 92.5)
        return exact, True
    near = [e for e in edges if e is not None]
    start = places
    while places < _MAX_PLACES:
        rounded = value.quantize(_STEPS[places], rounding=ROUND_HALF_UP)
        if all(_side(rounded, e) == _side(value, e) for e in near):
            break
        places += 1
    return fmt(value, places), places == start


def points_text(value: object, step: Decimal) -> str:
    """A stored score (a JSON number) as the page shows it, rounded to the scheme's step:
    ``66.6667`` -> ``66.67`` (step 0.01), ``9.5`` -> ``10`` (step 1); never E notation.
    Text (a level name) as it is, nothing as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return fmt(quantize(d, step), 8) if d.is_finite() else ""


@dataclass(frozen=True, slots=True)
class Voice:
    """How one run writes its explanations: the scheme's language and score step."""

    lang: Lang = "zh"
    step: Decimal = Decimal("0.01")
    _pts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # The 实际值 column's words by unit and the value's text (value_column): the agents of a
    # period share a few thousand values, and a piece said is never changed.
    _columns: dict[str, dict[str, Pending]] = field(default_factory=dict, compare=False, repr=False)

    def say(self, key: str, /, **params: Any) -> Pending:
        """The explanation sentence ``explain.<key>`` (written when a reader wants the text)."""
        return Pending((Say(_CODES[key], params),), self.lang)

    def then_say(self, before: Any, key: str, /, **params: Any) -> Pending:
        """``before``, the break (``;``), then the sentence ``explain.<key>``."""
        if (type(before) is Pending or type(before) is Made) and before.lang == self.lang:
            return Pending((*before.parts, _THEN, Say(_CODES[key], params)), self.lang)
        return words(self.lang, before, _THEN, Say(_CODES[key], params))

    def sentence(self, key: str, /, **params: Any) -> Say:
        """The sentence ``explain.<key>`` alone, to be said by many agents (:meth:`then_sentence`):
        a sentence is never changed once said, so one object serves every explanation."""
        return Say(_CODES[key], params)

    def then_sentence(self, before: Any, said: Say) -> Pending:
        """``before``, the break (``;``), then ``said`` (:meth:`sentence`)."""
        if (type(before) is Pending or type(before) is Made) and before.lang == self.lang:
            return Pending((*before.parts, _THEN, said), self.lang)
        return words(self.lang, before, _THEN, said)

    def later(self, key: str, make: Any, /, *args: Any) -> Pending:
        """The sentence ``explain.<key>`` whose parameters ``make(*args)`` works out when it is
        first read (:class:`~appraise.words.Later`): the same words as :meth:`say` with them."""
        return Pending((Later(_CODES[key], make, args),), self.lang)

    def value_column(self, d: Decimal, unit: str | None) -> Pending | None:
        """The value as the 实际值 column says it (``units.value_words``: two decimals with the
        unit, None without one), written when read."""
        said = self.value_columns(unit)
        if said is None:
            return None
        key = str(d)  # not the Decimal: see _FMT_CACHE
        found = said.get(key)
        if found is None:
            found = said[key] = self.new_value_column(d, unit)
        return found

    def value_columns(self, unit: str | None) -> dict[str, Pending] | None:
        """value_column's pieces of ``unit`` by the value's text (a memo for a loop of
        them, with :meth:`new_value_column`); None for a unit with no words, or none."""
        code = _UNIT_CODES.get(unit) if unit is not None else None
        if code is None:
            return None
        found = self._columns.get(code)
        if found is None or len(found) > 100_000:
            found = self._columns[code] = {}
        return found

    def new_value_column(self, d: Decimal, unit: str | None) -> Pending:
        """value_column's piece, made anew (the unit has words: :meth:`value_columns`)."""
        return Pending((Later(_UNIT_CODES[unit or ""], _two_places, (d,)),), self.lang)

    def then(self) -> Say:
        """The break between two parts of an explanation (``;``)."""
        return _THEN

    def list(self, items: list[Any]) -> Pending:
        """Names or parts with the language's separator (``、`` / ``, ``)."""
        return joined(self.lang, items)

    def pts(self, d: Decimal | None) -> str:
        """Points (a score, a weighted score, a base, a cap) rounded to the score step."""
        if d is None:
            return "-"
        key = str(d)  # not the Decimal: see _FMT_CACHE
        text = self._pts.get(key)
        if text is None:
            if not d.is_finite():
                return fmt(d)
            if len(self._pts) > 100_000:
                self._pts.clear()
            text = self._pts[key] = fmt(quantize(d, self.step), 8)
        return text

    def value(
        self, d: Decimal | str | None, unit: str | None = None, edges: Iterable[Decimal] = ()
    ) -> str | Pending:
        """A metric's value as read: ``45 秒`` (the unit in the reader's language), ``0.125``."""
        if d is None:
            return "-"
        if isinstance(d, str):
            return d
        text = shown(d, edges)
        if unit in _UNIT_CODES:
            return Pending((Say(_UNIT_CODES[unit], {"v": text}),), self.lang)
        return text

    def value_said(
        self, d: Decimal, unit: str | None, edges: Iterable[Decimal] = ()
    ) -> tuple[str | Pending, Pending | None]:
        """:meth:`value` (shown against ``edges``), and the value as the 实际值 column says it
        (``units.value_words``: two decimals with the unit, None without one): one piece for
        both when they read alike, as they do unless the value sits near an edge."""
        text, plain = _shown(d, edges, VALUE_PLACES)
        if unit not in _UNIT_CODES:
            return text, None
        piece = Pending((Say(_UNIT_CODES[unit], {"v": text}),), self.lang)
        if plain:
            return piece, piece
        return piece, Pending((Say(_UNIT_CODES[unit], {"v": fmt(d, VALUE_PLACES)}),), self.lang)


def _two_places(d: Decimal) -> dict[str, str]:
    return {"v": fmt(d, VALUE_PLACES)}


_CODES = {key: f"explain.{key}" for key in EN}
_THEN = Say("words.then", {})
# Imported late: units.py imports fmt from this module.
from appraise.scoring.units import UNITS_EN as _UNITS_EN  # noqa: E402

_UNIT_CODES = {unit: f"unit.{unit}" for unit in _UNITS_EN}
