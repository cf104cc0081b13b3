"""Each result's leaf indicators as the heat map reads them, kept beside the result.

The team dashboard's heat map, and the team averages on a scorecard, need of a result only its
leaf indicators' ids, names and the share of their weight achieved. A result's ``data`` holds
every indicator with its explanation (~4.5 KB): reading and parsing it for each of a 10,000-agent
cycle's results took 2-3 s whenever the dashboard's cache was rebuilt. ``Result.heat`` keeps the
cells instead, written by ``Result.save`` whenever ``data`` is (no Django here: pure functions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

# One leaf indicator: [id, name, share of its weight achieved in percent or None].
Cell = list[Any]


def leaves(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The leaf indicators of one result, in scheme order (the ones a person is scored on)."""
    indicators: list[dict[str, Any]] = list(data.get("indicators") or [])
    parents = {i["parent"] for i in indicators if i.get("parent")}
    return [i for i in indicators if i["id"] not in parents]


def achieved(indicator: Mapping[str, Any]) -> float | None:
    """Share of the weight an indicator earned, in percent (None when it has no weight).

    A points scheme (no weights) has no share; its indicators are shown by their points.
    """
    weight, weighted = indicator.get("weight"), indicator.get("weighted")
    if weight in (None, 0) or weighted is None:
        return None
    return round(float(Decimal(str(weighted)) / Decimal(str(weight)) * 100), 1)


def heat_cells(data: Mapping[str, Any] | None) -> list[Cell]:
    """``[id, name, achieved]`` of each leaf indicator of ``data``, in scheme order."""
    return [[leaf["id"], leaf.get("name"), achieved(leaf)] for leaf in leaves(data or {})]


def heat_averages(heats: Iterable[Sequence[Cell]]) -> dict[str, float]:
    """Mean achieved percentage of each leaf indicator over a team's results' cells."""
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for cells in heats:
        for leaf_id, _name, pct in cells:
            if pct is None:
                continue
            sums[leaf_id] = sums.get(leaf_id, 0.0) + pct
            counts[leaf_id] = counts.get(leaf_id, 0) + 1
    return {k: round(sums[k] / counts[k], 1) for k in sums}
