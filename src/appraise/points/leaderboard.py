"""Leaderboards (积分榜): points in a day, ISO week or month, ranked with shared places."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from appraise.messages import message
from appraise.periods import KIND_WORDS, Period

BoardKind = Literal["day", "week", "month"]
BOARD_KINDS: tuple[BoardKind, ...] = ("day", "week", "month")
_KINDS: dict[str, BoardKind] = {k: k for k in BOARD_KINDS}


@dataclass(frozen=True, slots=True)
class Standing:
    agent_id: str
    points: Decimal
    rank: int


def rank_standings(totals: Mapping[str, Decimal]) -> list[Standing]:
    """Highest points first; equal points share a place and the places after it are skipped
    (1, 2, 2, 4), the way the seed's lists read "最高者" as possibly several people. Agents with
    equal points are listed by id so that the order is the same every time."""
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[Standing] = []
    for i, (agent_id, points) in enumerate(ordered):
        rank = out[-1].rank if out and out[-1].points == points else i + 1
        out.append(Standing(agent_id, points, rank))
    return out


def board_period(kind: str, period: str | date) -> Period:
    """The day, ISO week or month a board covers: ``period`` is its text (``2026-05-31``,
    ``2026-W22``, ``2026-05``) or any date inside it. Raises ValueError with the accepted forms."""
    k = _KINDS.get(kind)
    if k is None:
        raise ValueError(
            message(
                "points.board_kind",
                "leaderboard kind {kind} is not one of day, week, month",
                kind=repr(kind),
            )
        )
    if isinstance(period, date):
        return Period.containing(period, k)
    p = Period.parse(period)
    if p.kind == k:
        return p
    if p.kind == "day":
        return Period.containing(p.start, k)
    raise ValueError(
        message(
            "points.board_period",
            "period {period} is a {got}, not a {kind} (or a day inside one)",
            period=repr(period),
            got=KIND_WORDS[p.kind],
            kind=KIND_WORDS[k],
        )
    )
