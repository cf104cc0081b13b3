"""Each result's leaf indicators as the heat map reads them, kept beside the result.

The team dashboard's heat map, and the team averages on a scorecard, need of a result only its
leaf indicators' ids, names and the share of their weight achieved. A result's ``data`` holds
every indicator with its explanation (~4.5 KB): reading and parsing it for each of a 10,000-agent
cycle's results took 2-3 s whenever the dashboard's cache was rebuilt. ``Result.heat`` keeps the
cells instead, written by ``Result.save`` whenever ``data`` is (no Django here: pure functions).
Over several teams the map shows each team's means of those cells, kept per team too
(``team_means``; ``TeamHeat`` and ``teamheat.py`` beside the models).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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


def results_digest(ids: Iterable[int]) -> str:
    """Names the results a team's means were taken over, in their order: another result, one
    fewer or more, or the same in another order (the sums' order) is another digest."""
    text = ",".join(str(i) for i in ids)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class TeamMeans:
    """One team's row of the dashboard's heat map over several teams (``TeamHeat``).

    ``first`` is the cells of the team's first result (the chart's columns when the team is the
    first row); ``means`` each leaf's mean as ``[id, mean]`` in the order ``heat_averages``
    meets them (the order of the chart's cells, which a JSON object would not keep in jsonb).
    """

    digest: str
    count: int
    first: list[Cell]
    means: list[list[Any]]


def team_means(results: Iterable[tuple[Any, int, Sequence[Cell]]]) -> dict[Any, TeamMeans]:
    """Each team's means over ``(team, result id, cells)`` given in the dashboard's order of the
    results (by rank, then agent id): the team's means summed in that order, as the dashboard's
    heat map sums them (``heat_averages``)."""
    grouped: dict[Any, tuple[list[int], list[Sequence[Cell]]]] = {}
    for team, result_id, cells in results:
        group = grouped.get(team)
        if group is None:
            group = grouped[team] = ([], [])
        group[0].append(result_id)
        group[1].append(cells or [])
    return {
        team: TeamMeans(
            digest=results_digest(ids),
            count=len(ids),
            first=list(heats[0]),
            means=[[k, v] for k, v in heat_averages(heats).items()],
        )
        for team, (ids, heats) in grouped.items()
    }
