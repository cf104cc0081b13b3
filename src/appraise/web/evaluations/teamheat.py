"""Each team's heat-map means, kept with the results (``TeamHeat``, docs/deploy.md sixth round).

Every service that changes what a team's means are taken from refreshes them in its transaction:

- ``cycles.services.cycle_compute`` (results written in place, added or removed): every team;
- ``cycles.services.cycle_rescore`` (new versions; ``appeals.services.correction_apply`` goes
  through it): the teams of the agents with a new version;
- ``org.services.agent_update`` and ``agents_upsert`` (an agent moving to another team, since
  the map groups a cycle's results by their agent's team now): both teams, in every cycle where
  the agent has a result.

A calibration and a publication change a result's grade or publication in place, never its
cells: nothing to refresh. A row whose results are not the team's (``results``, the digest) is
not used: the dashboard takes that team's means from the cells (``stored_team_means``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.heat import TeamMeans, team_means
from appraise.web.evaluations.models import Result, TeamHeat
from appraise.web.org.models import Agent

# The dashboard's order of a cycle's results (``selectors.result_list_team``): each team's
# means are summed in it.
ORDER = ("cycle", "rank", "agent__agent_id")


def _of_teams(cycle_id: int, team_ids: Iterable[int | None]) -> QuerySet[Result]:
    """The cycle's current results of these teams' agents (``None``: the agents without a team),
    found in the indexes as ``selectors.result_list_team`` finds them: a join on the agent's
    team had SQLite read every result of the cycle (~50 ms at 10,000 agents)."""
    wanted = set(team_ids)
    teams = Q(team_id__in=sorted(t for t in wanted if t is not None))
    if None in wanted:
        teams |= Q(team_id__isnull=True)
    agents = Agent.objects.filter(teams).values("id")
    current = Result.objects.filter(cycle_id=cycle_id, is_current=True).values("id")
    return Result.objects.filter(cycle_id=cycle_id, agent_id__in=agents, id__in=current)


def computed_team_means(cycle_id: int, team_ids: Iterable[int | None]) -> dict[Any, TeamMeans]:
    """The means of these teams (``None``: the agents without a team) from their results' cells."""
    rows = (
        _of_teams(cycle_id, team_ids).order_by(*ORDER).values_list("agent__team_id", "id", "heat")
    )
    return team_means(rows.iterator(chunk_size=2000))


def team_heat_refresh(*, cycle_id: int, team_ids: Iterable[int | None] | None = None) -> None:
    """Write again the kept means of these teams of the cycle (every team when ``None``).

    Run inside the transaction that changed the results or the teams. The rows are replaced (new
    ids): the dashboard's cache version counts the highest (``cache.results_version``), so a
    change of a team's means, an agent's move included, is a new version of the cached charts.
    The cycle's row is locked first (a computation and a re-score hold it already): an agent's
    move refreshing a team while a computation does would otherwise both write its row.
    """
    Cycle.objects.select_for_update().filter(pk=cycle_id).values_list("pk").first()
    stale = TeamHeat.objects.filter(cycle_id=cycle_id)
    if team_ids is None:
        every = Result.objects.filter(cycle_id=cycle_id, is_current=True, agent__team__isnull=False)
        rows = every.order_by(*ORDER).values_list("agent__team_id", "id", "heat")
        fresh = team_means(rows.iterator(chunk_size=2000))
    else:
        wanted = sorted({t for t in team_ids if t is not None})
        stale = stale.filter(team_id__in=wanted)
        fresh = computed_team_means(cycle_id, wanted) if wanted else {}
    stale.delete()
    TeamHeat.objects.bulk_create(
        [
            TeamHeat(
                cycle_id=cycle_id,
                team_id=team,
                results=m.digest,
                count=m.count,
                first=m.first,
                means=m.means,
            )
            for team, m in fresh.items()
            if team is not None
        ],
        batch_size=500,
    )


def team_heat_refresh_moved(moves: Iterable[tuple[int, int | None, int | None]]) -> None:
    """After agents moved, ``(agent pk, team before, team after)``: both teams of each, in every
    cycle where the agent has a current result."""
    teams_of: dict[int, set[int | None]] = {}
    for agent, before, after in moves:
        if before != after:
            teams_of[agent] = {before, after}
    if not teams_of:
        return
    per_cycle: dict[int, set[int | None]] = {}
    found = Result.objects.filter(agent_id__in=sorted(teams_of), is_current=True)
    for cycle_id, agent in found.values_list("cycle_id", "agent_id").distinct():
        per_cycle.setdefault(cycle_id, set()).update(teams_of[agent])
    for cycle_id, teams in sorted(per_cycle.items()):
        team_heat_refresh(cycle_id=cycle_id, team_ids=teams)


# Up to this many teams the dashboard names them in its read of the kept means.
FEW_TEAMS = 50


def stored_team_means(cycle_id: int, digests: dict[Any, str]) -> dict[Any, TeamMeans]:
    """Each team's means for the dashboard, given the digest of the team's results in scope
    (``heat.results_digest``): the kept row when it was taken over those results, else from the
    cells (a team without kept row, or whose results changed without a refresh)."""
    kept = TeamHeat.objects.filter(cycle_id=cycle_id)
    named = [t for t in digests if t is not None]
    if len(named) <= FEW_TEAMS:
        kept = kept.filter(team_id__in=sorted(named))
    # Else every team of the cycle, most of them asked for: a list of hundreds of ids cost the
    # ORM more to build than the few rows more cost to read.
    found = {
        team: TeamMeans(digest=digest, count=count, first=first, means=means)
        for team, digest, count, first, means in kept.values_list(
            "team_id", "results", "count", "first", "means"
        )
        if digests.get(team) == digest
    }
    missing = [t for t in digests if t not in found]
    if missing:
        found.update(computed_team_means(cycle_id, missing))
    return found


# Result ids asked for in one query: far below SQLite's limit on a statement's parameters.
IDS_PER_QUERY = 2000


def result_cells(ids: Sequence[int]) -> dict[int, Any]:
    """The cells (``Result.heat``) of these results, by id: a supervisor's heat map of one team,
    a row per agent (by primary key: the team's results found again through its agents took
    as long as reading them all)."""
    found: dict[int, Any] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        found.update(Result.objects.filter(pk__in=chunk).values_list("id", "heat"))
    return found
