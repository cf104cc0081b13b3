"""Reading the points ledger: what the person may see, shaped for the API and the pages.

- an agent sees their own entries, balance, level and payouts;
- a supervisor sees the agents of the teams they lead (directly or indirectly) and their
  leaderboards;
- HR sees everything: all entries, runs, redemptions and payout exports.

An agent outside the person's view is 404; an HR-only list asked for by someone else is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext

from appraise.periods import Period
from appraise.points.export import PayoutRow, payouts_csv, payouts_xlsx
from appraise.points.leaderboard import board_period, rank_standings
from appraise.points.levels import DEFAULT_LADDER, Ladder, LevelInfo, ladder_of, level_for
from appraise.points.lines import as_points
from appraise.schemes.validate import all_indicators
from appraise.web.errors import Forbidden, Invalid, NotFound
from appraise.web.exports.language import reader_lang
from appraise.web.org.models import Agent, Team
from appraise.web.permissions import (
    User,
    agent_of,
    can_see_agent,
    is_hr,
    led_teams,
    require_hr,
    visible_agents,
)
from appraise.web.points.models import Kind, Payout, PointsEntry, PointsRun, Redemption, Source
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_of

ZERO = Decimal(0)


def entry_list(
    *,
    user: User,
    agent: Agent | None = None,
    period: Period | None = None,
    source: str | None = None,
) -> QuerySet[PointsEntry]:
    """Entries the person may see, newest day first; an agent sees only their own."""
    qs = PointsEntry.objects.select_related("agent", "created_by", "corrects").filter(
        agent__in=visible_agents(user)
    )
    if agent is not None:
        qs = qs.filter(agent=agent)
    if period is not None:
        qs = qs.filter(on__gte=period.start, on__lt=period.end)
    if source is not None:
        qs = qs.filter(source=source)
    return qs


def entry_get(*, user: User, pk: int) -> PointsEntry:
    found = entry_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(gettext("no points entry %(pk)s") % {"pk": pk})
    return found


def current_ladder() -> Ladder:
    """The levels of the most recently run points scheme that has levels, else the seed's."""
    seen: set[int] = set()
    for run in PointsRun.objects.select_related("scheme_version").order_by("-id")[:50]:
        if run.scheme_version_id in seen:
            continue
        seen.add(run.scheme_version_id)
        ladder = ladder_of(scheme_of(run.scheme_version))
        if ladder is not None:
            return ladder
    return DEFAULT_LADDER


def _sums(
    agents: QuerySet[Agent] | list[Agent], *, until: date | None, earned: bool
) -> dict[int, Decimal]:
    qs = PointsEntry.objects.filter(agent__in=agents)
    if until is not None:
        qs = qs.filter(on__lt=until)
    if earned:
        qs = qs.exclude(source=Source.REDEMPTION)
    return {
        int(r["agent"]): as_points(r["s"])
        for r in qs.values("agent").annotate(s=Sum("points")).order_by()
    }


@dataclass
class AgentPoints:
    """One agent's standing: ``balance`` (what may still be redeemed), ``earned`` (every point
    except redemptions, which decides the level), recent entries and payouts."""

    agent: Agent
    balance: Decimal
    earned: Decimal
    level: LevelInfo
    entries: list[PointsEntry]
    payouts: list[Payout]


def agent_points(*, user: User, agent: Agent, limit: int = 100) -> AgentPoints:
    if not can_see_agent(user, agent):
        raise NotFound(gettext("no agent %(agent_id)s") % {"agent_id": agent.agent_id})
    balance = _sums([agent], until=None, earned=False).get(agent.pk, ZERO)
    earned = _sums([agent], until=None, earned=True).get(agent.pk, ZERO)
    entries = list(entry_list(user=user, agent=agent)[:limit])
    payouts = list(Payout.objects.filter(agent=agent).order_by("-month"))
    return AgentPoints(
        agent, balance, earned, level_for(current_ladder(), earned), entries, payouts
    )


def my_points(*, user: User, limit: int = 100) -> AgentPoints:
    me = agent_of(user)
    if me is None:
        raise NotFound(gettext("you have no agent profile, so you have no points"))
    return agent_points(user=user, agent=me, limit=limit)


def agent_points_get(*, user: User, agent_id: str, limit: int = 100) -> AgentPoints:
    agent = visible_agents(user).filter(agent_id=agent_id).select_related("team").first()
    if agent is None:
        raise NotFound(gettext("no agent %(agent_id)s") % {"agent_id": agent_id})
    return agent_points(user=user, agent=agent, limit=limit)


@dataclass(frozen=True)
class BoardRow:
    agent: Agent
    points: Decimal
    rank: int
    earned: Decimal  # accumulated up to the end of the board's period
    level: str | None


@dataclass
class Leaderboard:
    kind: str
    period: Period
    team: Team | None
    rows: list[BoardRow]


def leaderboard(
    *, user: User, kind: str, period: str | date, team: Team | None = None
) -> Leaderboard:
    """Points earned in a day, ISO week or month, ranked with shared places (1, 2, 2, 4).

    HR sees every agent (or one team); a supervisor the teams they lead. Only agents with
    entries in the period are listed; redemptions are not points earned and do not count.
    """
    try:
        p = board_period(kind, period)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if is_hr(user):
        agents = Agent.objects.all()
    else:
        teams = led_teams(user)
        if not teams.exists():
            raise Forbidden(gettext("leaderboards are for supervisors (their teams) and HR"))
        agents = Agent.objects.filter(team__in=teams)
    if team is not None:
        if not is_hr(user) and not led_teams(user).filter(pk=team.pk).exists():
            raise NotFound(gettext("no team %(team)s") % {"team": team.pk})
        agents = agents.filter(team=team)
    sums = (
        PointsEntry.objects.filter(agent__in=agents, on__gte=p.start, on__lt=p.end)
        .exclude(source=Source.REDEMPTION)
        .values("agent")
        .annotate(s=Sum("points"))
        .order_by()
    )
    # Sums come back as 4 from SQLite and 4.00 from PostgreSQL; the ledger's scale is 0.01.
    totals = {r["agent"]: as_points(r["s"]) for r in sums}
    by_pk = Agent.objects.select_related("team").in_bulk(list(totals))
    earned = _sums(list(by_pk.values()), until=p.end, earned=True)
    ladder = current_ladder()
    standings = rank_standings({by_pk[pk].agent_id: v for pk, v in totals.items()})
    by_id = {a.agent_id: a for a in by_pk.values()}
    rows = []
    for s in standings:
        a = by_id[s.agent_id]
        acc = earned.get(a.pk, ZERO)
        rows.append(BoardRow(a, s.points, s.rank, acc, level_for(ladder, acc).level))
    return Leaderboard(kind, p, team, rows)


def team_get_for_board(*, user: User, pk: int) -> Team:
    """A team the person may ask a leaderboard of (HR: any; a supervisor: theirs)."""
    qs = Team.objects.all() if is_hr(user) else led_teams(user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(gettext("no team %(pk)s") % {"pk": pk})
    return found


def run_list(
    *, user: User, scheme_id: str | None = None, period: str | None = None
) -> QuerySet[PointsRun]:
    require_hr(user, gettext("see points runs"))
    qs = PointsRun.objects.select_related("scheme_version", "created_by")
    if scheme_id:
        qs = qs.filter(scheme_id=scheme_id)
    if period:
        qs = qs.filter(period=period)
    return qs


def redemption_list(*, user: User) -> QuerySet[Redemption]:
    require_hr(user, gettext("see redemptions"))
    return Redemption.objects.all()


def redemption_get(*, user: User, month: str) -> Redemption:
    require_hr(user, gettext("see redemptions"))
    found = Redemption.objects.filter(month=month).first()
    if found is None:
        raise NotFound(gettext("no redemption for %(month)s") % {"month": month})
    return found


def payout_rows(redemption: Redemption) -> list[PayoutRow]:
    return [
        PayoutRow(
            p.agent.agent_id,
            p.agent.name,
            p.agent.team.name if p.agent.team else "",
            p.balance,
            p.points,
            redemption.rate.normalize(),
            p.amount,
            p.carried,
        )
        for p in redemption.payouts.select_related("agent", "agent__team").order_by(
            "agent__agent_id"
        )
    ]


def payout_export(*, user: User, month: str, fmt: str) -> tuple[bytes, str, str]:
    """The payout list as (content, content type, file name); ``fmt`` is ``xlsx`` or ``csv``."""
    red = redemption_get(user=user, month=month)
    rows = payout_rows(red)
    if fmt == "csv":
        return (
            payouts_csv(rows, lang=reader_lang()),
            "text/csv; charset=utf-8",
            f"points-payout-{red.month}.csv",
        )
    if fmt == "xlsx":
        return (
            payouts_xlsx(rows, title=red.month, lang=reader_lang()),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"points-payout-{red.month}.xlsx",
        )
    raise Invalid(gettext("format is xlsx or csv"))


# --- for the pages ------------------------------------------------------------------------------


def points_scheme_versions(*, user: User) -> list[SchemeVersion]:
    """Stored versions of points schemes (积分制: no full score), newest first (HR)."""
    require_hr(user, gettext("run points schemes"))
    out = []
    for v in SchemeVersion.objects.order_by("scheme_id", "-version"):
        if scheme_of(v).full_score is None:
            out.append(v)
    return out


def indicator_names(scheme_id: str) -> dict[str, str]:
    """Indicator id -> name in the newest stored version of a scheme ({} when none is stored)."""
    version = SchemeVersion.objects.filter(scheme_id=scheme_id).order_by("-version").first()
    if version is None:
        return {}
    return {node.id: node.name for node, _ in all_indicators(scheme_of(version))}


@dataclass(frozen=True)
class Part:
    """Points of one kind inside a board's total: an indicator of a scheme, or manual entries."""

    label: str
    points: Decimal


def board_parts(board: Leaderboard) -> dict[int, list[Part]]:
    """Each listed agent's points in the board's period by indicator (and manual entries), so
    the page shows how a total was made (正积分 4: first in both daily lists, 3 + 1)."""
    agents = [r.agent for r in board.rows]
    rows = (
        PointsEntry.objects.filter(agent__in=agents, on__gte=board.period.start)
        .filter(on__lt=board.period.end)
        .exclude(source=Source.REDEMPTION)
        .values("agent", "source", "scheme_id", "indicator")
        .annotate(s=Sum("points"))
        .order_by("agent", "scheme_id", "indicator")
    )
    names: dict[str, dict[str, str]] = {}
    found: dict[int, list[tuple[tuple[str, int], Part]]] = {}
    for r in rows:
        points = as_points(r["s"])
        if points == 0:
            continue  # an entry and its reversal
        if r["source"] == Source.MANUAL or not r["indicator"]:
            order, label = ("~", 0), str(gettext("manual"))
        else:
            scheme_id = r["scheme_id"]
            if scheme_id not in names:
                names[scheme_id] = indicator_names(scheme_id)
            # In the scheme's order (daily, weekly, monthly), not by id.
            ids = list(names[scheme_id])
            index = ids.index(r["indicator"]) if r["indicator"] in ids else len(ids)
            order = (scheme_id, index)
            label = names[scheme_id].get(r["indicator"], r["indicator"])
        found.setdefault(int(r["agent"]), []).append((order, Part(label, points)))
    return {
        agent: [p for _, p in sorted(parts, key=lambda x: x[0])] for agent, parts in found.items()
    }


@dataclass(frozen=True)
class TeamRow:
    agent: Agent
    month_points: Decimal  # earned in the month shown (redemptions excluded)
    balance: Decimal
    earned: Decimal
    level: LevelInfo


def _team_order(r: TeamRow) -> tuple[str, Decimal, str]:
    return (r.agent.team.name if r.agent.team else "", -r.earned, r.agent.agent_id)


def team_points(*, user: User, month: Period, team: Team | None = None) -> list[TeamRow]:
    """Every agent of the teams the person leads (HR: all, or one team) with this month's points,
    balance, accumulated points and level; by team, then most points accumulated first."""
    if is_hr(user):
        agents = Agent.objects.all()
    else:
        teams = led_teams(user)
        if not teams.exists():
            raise Forbidden(gettext("the team points are for supervisors (their teams) and HR"))
        agents = Agent.objects.filter(team__in=teams)
    if team is not None:
        agents = agents.filter(team=team)
    listed = list(agents.select_related("team"))
    in_month = {
        int(r["agent"]): as_points(r["s"])
        for r in PointsEntry.objects.filter(agent__in=listed, on__gte=month.start, on__lt=month.end)
        .exclude(source=Source.REDEMPTION)
        .values("agent")
        .annotate(s=Sum("points"))
        .order_by()
    }
    balances = _sums(listed, until=None, earned=False)
    earned = _sums(listed, until=None, earned=True)
    ladder = current_ladder()
    rows = [
        TeamRow(
            a,
            in_month.get(a.pk, ZERO),
            balances.get(a.pk, ZERO),
            earned.get(a.pk, ZERO),
            level_for(ladder, earned.get(a.pk, ZERO)),
        )
        for a in listed
    ]
    rows.sort(key=_team_order)
    return rows


def running_balances(agent: Agent) -> dict[int, Decimal]:
    """Entry pk -> the agent's balance just after it (entries in the order of their day, then
    of their writing), for the ledger's balance column."""
    out: dict[int, Decimal] = {}
    total = ZERO
    for pk, points in (
        PointsEntry.objects.filter(agent=agent).order_by("on", "id").values_list("id", "points")
    ):
        total += points
        out[pk] = as_points(total)
    return out


@dataclass(frozen=True)
class Day:
    on: date
    balance: Decimal  # at the end of the day
    earned: Decimal  # accumulated at the end of the day (redemptions excluded)


def balance_by_day(agent: Agent) -> list[Day]:
    """The agent's balance and accumulated points at the end of every day with an entry."""
    rows = (
        PointsEntry.objects.filter(agent=agent)
        .values("on", "source")
        .annotate(s=Sum("points"))
        .order_by("on")
    )
    days: dict[date, tuple[Decimal, Decimal]] = {}
    for r in rows:
        all_, earned = days.get(r["on"], (ZERO, ZERO))
        s = r["s"] or ZERO
        days[r["on"]] = (all_ + s, earned + (ZERO if r["source"] == Source.REDEMPTION else s))
    out: list[Day] = []
    balance = earned_total = ZERO
    for on in sorted(days):
        balance += days[on][0]
        earned_total += days[on][1]
        out.append(Day(on, as_points(balance), as_points(earned_total)))
    return out


def reversed_entries(pks: list[int]) -> set[int]:
    """Which of these entries have been reversed (corrected): they take no second correction."""
    return set(
        PointsEntry.objects.filter(kind=Kind.REVERSAL, corrects_id__in=pks).values_list(
            "corrects_id", flat=True
        )
    )


def entry_history(entry: PointsEntry) -> list[PointsEntry]:
    """The entry and every entry written to correct it, oldest first (the chain of corrections
    follows each correction's own corrections)."""
    out = [entry]
    frontier = [entry.pk]
    seen = {entry.pk}
    while frontier:
        found = list(
            PointsEntry.objects.filter(corrects_id__in=frontier)
            .select_related("created_by")
            .order_by("id")
        )
        frontier = [e.pk for e in found if e.pk not in seen]
        seen.update(frontier)
        out.extend(e for e in found if e.pk in frontier)
    return sorted(out, key=lambda e: e.pk)


def last_entry_day(*, user: User) -> date | None:
    """The latest day with an entry the person may see (the pages open on it)."""
    found = (
        PointsEntry.objects.filter(agent__in=visible_agents(user))
        .exclude(source=Source.REDEMPTION)
        .order_by("-on")
        .values_list("on", flat=True)
        .first()
    )
    return found


def payout_list(redemption: Redemption) -> list[Payout]:
    return list(
        redemption.payouts.select_related("agent", "agent__team", "entry").order_by(
            "agent__agent_id"
        )
    )
