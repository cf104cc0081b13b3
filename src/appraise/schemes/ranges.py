"""Value ranges with explicit edges, written the way managers write score bands.

``"<= 30"``, ``"> 55"``, ``">= 90"``, ``"== 3"``, interval notation ``"(30, 40]"`` / ``"[85, 95]"``
(a round bracket leaves the edge out, a square one takes it in; ``inf`` may stand for no bound), and
``"*"`` for any value. The full-width forms ``≥ ≤ ＞ ＜ ＝`` and ``（ ）［ ］`` mean the same.
Edges are exact decimals, so a value exactly on an edge is always decided by the bracket.

:meth:`Range.said` is the range in words for an explanation, in any language: ``60 至 90 秒``,
``≥ 90``, ``低于 60`` / ``60 to 90 s``, ``below 60``, with the edges a bracket leaves out named
(``60 至 90 秒(不含 90)``). The words are the core catalog's (``range.<key>``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from appraise.decimals import plain
from appraise.messages import message, table
from appraise.words import Pending, Say, joined, register, words

RANGES_EN: dict[str, str] = {
    "any": "any value",
    "eq": "exactly {a}",
    "ge": "≥ {a}",
    "gt": "above {a}",
    "le": "≤ {b}",
    "lt": "below {b}",
    "between": "{a} to {b}",
    "excluding": "{r} ({e} excluded)",
}
RANGES = table("range", RANGES_EN)
register("range", RANGES_EN)
# The metric units a range may be written in (appraise.scoring.units, entries unit.<unit>).
_UNITS = frozenset({"seconds", "hours", "percent", "count", "money", "ratio", "nps", "per_hour"})

_COMPARISON = re.compile(r"^(<=|>=|==|<|>|=)\s*([-+]?\d+(?:\.\d+)?)\s*(%?)$")
_INTERVAL = re.compile(
    r"^([\[(])\s*([-+]?(?:\d+(?:\.\d+)?|inf))\s*%?\s*,\s*([-+]?(?:\d+(?:\.\d+)?|inf))\s*%?\s*([\])])$"
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("≥", ">=").replace("≤", "<=").replace("≦", "<=").replace("≧", ">=").strip()


@dataclass(frozen=True, slots=True)
class Range:
    """A set of numbers ``low (<|<=) x (<|<=) high``; ``None`` bounds are open-ended."""

    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool
    text: str

    @classmethod
    def parse(cls, text: str | int | float | Decimal) -> Range:
        """Parse range notation; raise ``ValueError`` saying what is accepted."""
        raw = str(text)
        s = _fold(raw)
        if s in {"*", "any", "其他", "其它"}:
            return cls(None, False, None, False, raw)
        m = _COMPARISON.match(s)
        if m:
            op, num = m.group(1), Decimal(m.group(2))
            if op in {"==", "="}:
                return cls(num, True, num, True, raw)
            if op == "<":
                return cls(None, False, num, False, raw)
            if op == "<=":
                return cls(None, False, num, True, raw)
            if op == ">":
                return cls(num, False, None, False, raw)
            return cls(num, True, None, False, raw)
        m = _INTERVAL.match(s)
        if m:
            lo_b, lo, hi, hi_b = m.groups()
            low = None if lo.lstrip("+-") == "inf" else Decimal(lo)
            high = None if hi.lstrip("+-") == "inf" else Decimal(hi)
            if low is not None and high is not None and low > high:
                raise ValueError(
                    message(
                        "range.edges_reversed",
                        "range {raw!r}: the lower edge {low} is above the upper {high}",
                        raw=raw,
                        low=plain(low),
                        high=plain(high),
                    )
                )
            return cls(low, lo_b == "[", high, hi_b == "]", raw)
        raise ValueError(
            message(
                "range.not_understood",
                "range {raw!r} is not understood; write e.g. '<= 30', '> 55', '>= 90', "
                "'(30, 40]', '[85, 95]' or '*'",
                raw=raw,
            )
        )

    def contains(self, value: Decimal) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )

    def overlaps(self, other: Range) -> bool:
        """True when some number lies in both ranges."""
        # The higher of the two lower edges must lie below the lower of the two upper edges.
        lo, lo_inc = _max_low(self, other)
        hi, hi_inc = _min_high(self, other)
        if lo is None or hi is None:
            return True
        if lo < hi:
            return True
        return lo == hi and lo_inc and hi_inc

    def __str__(self) -> str:
        return self.text

    def said(self, unit: str | None = None, lang: str = "zh") -> Pending:
        """The range in words (``60 至 90 秒``), said in ``lang`` and written again in any."""
        return _said(self, unit, lang)

    def _said(self, unit: str | None, lang: str) -> Pending:
        low, high = self.low, self.high
        a = plain(low) if low is not None else ""
        b = plain(high) if high is not None else ""
        left_out: list[str] = []
        if low is None and high is None:
            return words(lang, Say("range.any", {}))
        if low is not None and high is not None and low == high:
            core = Say("range.eq", {"a": a})
        elif high is None:
            core = Say("range.ge" if self.low_inclusive else "range.gt", {"a": a})
        elif low is None:
            core = Say("range.le" if self.high_inclusive else "range.lt", {"b": b})
        else:
            core = Say("range.between", {"a": a, "b": b})
            left_out = [
                e for e, inc in ((a, self.low_inclusive), (b, self.high_inclusive)) if not inc
            ]
        if unit in _UNITS:
            core = Say(f"unit.{unit}", {"v": core})
        if not left_out:
            return words(lang, core)
        return words(lang, Say("range.excluding", {"r": core, "e": joined(lang, list(left_out))}))


@lru_cache(maxsize=4096)
def _said(r: Range, unit: str | None, lang: str) -> Pending:
    # A band's words are the same for every agent it explains (Pending is never changed).
    return r._said(unit, lang)


def _max_low(a: Range, b: Range) -> tuple[Decimal | None, bool]:
    if a.low is None:
        return b.low, b.low_inclusive
    if b.low is None or a.low > b.low:
        return a.low, a.low_inclusive
    if b.low > a.low:
        return b.low, b.low_inclusive
    return a.low, a.low_inclusive and b.low_inclusive


def _min_high(a: Range, b: Range) -> tuple[Decimal | None, bool]:
    if a.high is None:
        return b.high, b.high_inclusive
    if b.high is None or a.high < b.high:
        return a.high, a.high_inclusive
    if b.high < a.high:
        return b.high, b.high_inclusive
    return a.high, a.high_inclusive and b.high_inclusive


def gaps(ranges: list[Range]) -> list[str]:
    """Describe the numbers that no range covers (empty when the ranges cover every number)."""
    if not ranges:
        return ["*"]
    items = sorted(
        ranges,
        key=lambda r: (Decimal("-Infinity") if r.low is None else r.low, not r.low_inclusive),
    )
    found: list[str] = []
    first = items[0]
    if first.low is not None:
        found.append(f"{'<' if first.low_inclusive else '<='} {first.low}")
    # The union of the ranges seen so far reaches up to `reach` (None: without end).
    reach, reach_inc = first.high, first.high_inclusive
    for r in items[1:]:
        if reach is None:
            return found
        if r.low is not None and (
            r.low > reach or (r.low == reach and not reach_inc and not r.low_inclusive)
        ):
            left = "(" if reach_inc else "["
            right = ")" if r.low_inclusive else "]"
            found.append(f"{left}{reach}, {r.low}{right}")
        if r.high is None:
            reach = None
        elif r.high > reach:
            reach, reach_inc = r.high, r.high_inclusive
        elif r.high == reach:
            reach_inc = reach_inc or r.high_inclusive
    if reach is not None:
        found.append(f"{'>' if reach_inc else '>='} {reach}")
    return found


def to_decimal(value: object) -> Decimal:
    """Exact decimal from a YAML scalar; floats go through their shortest text form."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(message("number.not_bool", "a number is needed, not true/false"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(unicodedata.normalize("NFKC", str(value)).strip())
    except InvalidOperation:
        raise ValueError(
            message("number.not_a_number", "{value!r} is not a number", value=value)
        ) from None
