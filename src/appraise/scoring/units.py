"""A metric's value as people write it, with its unit: ``45 秒``, ``92.5%``, ``3 次``.

The units are the metric language's (``appraise.metrics.definitions.Unit``); the words are the
core catalog's (``unit.<unit>``, :mod:`appraise.messages`). Display only: the numbers the
engine computes with are never rounded here.
"""

from __future__ import annotations

from decimal import Decimal

from appraise.messages import table
from appraise.scoring.text import fmt
from appraise.words import Pending, register, say

UNITS_EN: dict[str, str] = {
    "seconds": "{v} s",
    "hours": "{v} h",
    "percent": "{v}%",
    "count": "{v}",
    "money": "{v} yuan",
    "ratio": "{v}",
    "nps": "{v}",
    "per_hour": "{v} per hour",
}
UNITS = table("unit", UNITS_EN)
register("unit", UNITS_EN)

# Shown to two decimals at most: 66.6667 % reads as 66.67 %.
DISPLAY_PLACES = 2


def with_unit(value: Decimal | str | None, unit: str | None, lang: str = "zh") -> str | None:
    """``value`` written with ``unit`` in ``lang``; None when there is no number or no unit."""
    if value is None or isinstance(value, str) or unit not in UNITS_EN:
        return None
    words = UNITS["en" if lang == "en" else "zh"][unit]
    return words.format(v=fmt(value, DISPLAY_PLACES))


def value_words(value: Decimal | str | None, unit: str | None, lang: str = "zh") -> Pending | None:
    """``value`` with ``unit``, kept as what was said so that it reads in any language."""
    if value is None or isinstance(value, str) or unit not in UNITS_EN:
        return None
    return say(lang, f"unit.{unit}", v=fmt(value, DISPLAY_PLACES))
