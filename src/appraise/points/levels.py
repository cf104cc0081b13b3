"""Levels (晋级榜) by points accumulated: 一级订餐师 60, 二级 80, 三级 100, 特级 150 (seed 003).

"Accumulated" counts every point earned or lost (runs, manual awards, incidents, corrections) but
not redemptions: paying points out each month must not demote anyone, or the ladder would fall
back every month and nobody would keep a level.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from appraise.schemes.model import Scheme
from appraise.schemes.ranges import Range


@dataclass(frozen=True, slots=True)
class Rung:
    name: str
    range: Range


@dataclass(frozen=True, slots=True)
class Ladder:
    """Rungs from the highest down, as a scheme lists them; ``default`` when none matches."""

    rungs: tuple[Rung, ...]
    default: str | None = None


@dataclass(frozen=True, slots=True)
class LevelInfo:
    level: str | None
    next_level: str | None  # the next rung up, None at the top
    to_next: Decimal | None  # points still needed to reach it


def _rung(name: str, text: str) -> Rung:
    return Rung(name, Range.parse(text))


# The seed's ladder, used when no points scheme with levels has been run.
DEFAULT_LADDER = Ladder(
    (
        _rung("特级订餐师", ">= 150"),
        _rung("三级订餐师", "[100, 150)"),
        _rung("二级订餐师", "[80, 100)"),
        _rung("一级订餐师", "[60, 80)"),
    )
)


def ladder_of(scheme: Scheme) -> Ladder | None:
    """The scheme's levels as a ladder, or None when it has none."""
    if scheme.levels is None:
        return None
    return Ladder(tuple(Rung(r.name, r.range) for r in scheme.levels.rungs), scheme.levels.default)


def level_for(ladder: Ladder, points: Decimal) -> LevelInfo:
    """The level of an accumulated total, the next rung above it and how far away it is.

    The next rung is the one with the lowest lower edge above ``points``; rungs without a lower
    edge (a bottom ``< 60``) are never "next".
    """
    level = ladder.default
    for rung in ladder.rungs:
        if rung.range.contains(points):
            level = rung.name
            break
    above = [
        r
        for r in ladder.rungs
        if r.range.low is not None
        and (r.range.low > points or (r.range.low == points and not r.range.low_inclusive))
    ]
    if not above:
        return LevelInfo(level, None, None)
    nxt = min(above, key=lambda r: r.range.low if r.range.low is not None else Decimal(0))
    assert nxt.range.low is not None
    gap = nxt.range.low - points
    # An exclusive edge (> 60) needs a little more than the edge; whole points: one more.
    if not nxt.range.low_inclusive:
        gap += 1
    return LevelInfo(level, nxt.name, gap)
