"""Reads of ratings and results, scoped by permissions.

An agent sees their own results only once published; supervisors see their teams' results as
they are computed; HR sees everything.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from appraise.web.cycles.models import Cycle
from appraise.web.cycles.scoring import anonymous_roles
from appraise.web.errors import NotFound
from appraise.web.evaluations.models import Rating, Result
from appraise.web.org.models import Agent
from appraise.web.permissions import User, agent_of, can_see_agent, is_hr, led_team_ids
from appraise.web.schemes.services import scheme_of


def _visible(user: User, qs: QuerySet[Result]) -> QuerySet[Result]:
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    from django.db.models import Q

    team_ids = sorted(led_team_ids(user))
    me = agent_of(user)
    cond = Q(agent__team_id__in=team_ids)
    if me is not None:
        cond |= Q(agent=me, published_at__isnull=False)
    return qs.filter(cond)


def result_list_mine(*, user: User) -> QuerySet[Result]:
    """The person's own published results, newest period first (the trend chart reads these)."""
    me = agent_of(user)
    if me is None:
        return Result.objects.none()
    return (
        Result.objects.filter(agent=me, is_current=True, published_at__isnull=False)
        .select_related("cycle__scheme_version", "agent", "agent__team")
        .order_by("-cycle__period", "cycle__name")
    )


def result_list_team(*, user: User, cycle: Cycle | None = None) -> QuerySet[Result]:
    """Current results of the teams the person leads (all teams for HR)."""
    qs = Result.objects.filter(is_current=True)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if not is_hr(user):
        teams = sorted(led_team_ids(user))
        agents = Agent.objects.filter(team_id__in=teams).values("id")
        if cycle is None:
            qs = qs.filter(agent_id__in=agents)
        else:
            # The same rows, found in the indexes alone: the team's agents' results by
            # (cycle, agent) among the cycle's current ones by (cycle, is_current). A join on
            # the agent's team, or is_current beside the agents, had SQLite read every result
            # of the cycle to look at its agent: ~50 ms at 10,000 agents on each request's
            # version (cache.results_version), for a supervisor of 25 as for a manager.
            qs = Result.objects.filter(cycle=cycle, agent_id__in=agents, id__in=qs.values("id"))
    return qs.select_related("cycle", "agent", "agent__team").order_by(
        "cycle", "rank", "agent__agent_id"
    )


def result_list_cycle(*, user: User, cycle: Cycle) -> QuerySet[Result]:
    """Current results of one cycle that the person may see."""
    qs = Result.objects.filter(cycle=cycle, is_current=True)
    return (
        _visible(user, qs)
        .select_related("agent", "agent__team")
        .order_by("rank", "agent__agent_id")
    )


def result_get(*, user: User, cycle: Cycle, agent_id: str) -> Result:
    found = result_list_cycle(user=user, cycle=cycle).filter(agent__agent_id=agent_id).first()
    if found is None:
        raise NotFound(_("no result for %(agent_id)s in this cycle") % {"agent_id": agent_id})
    return found


def result_history(*, user: User, cycle: Cycle, agent_id: str) -> QuerySet[Result]:
    """Every version of one agent's result in a cycle, newest first (earlier ones kept)."""
    qs = Result.objects.filter(cycle=cycle, agent__agent_id=agent_id)
    found = _visible(user, qs).select_related("agent").order_by("-version")
    # Read here (a few versions) rather than asked with exists(): the caller iterates the same
    # rows, which the evaluated queryset keeps, and reads no second time.
    if not found:
        raise NotFound(_("no result for %(agent_id)s in this cycle") % {"agent_id": agent_id})
    return found


def rating_list(*, user: User, cycle: Cycle, agent: Agent | None = None) -> QuerySet[Rating]:
    """Ratings the person may see: their own agent's, their teams', or all for HR.

    An agent never sees the single ratings of an anonymous rater role about themselves (nor
    who gave them): only the role's mean, in their result's explanation.
    """
    qs = Rating.objects.filter(cycle=cycle).select_related("agent", "rater", "assignment")
    if agent is not None:
        if not can_see_agent(user, agent):
            raise NotFound(_("no agent %(agent_id)s") % {"agent_id": agent.agent_id})
        qs = qs.filter(agent=agent)
    if is_hr(user):
        return qs
    from django.db.models import Q

    team_ids = sorted(led_team_ids(user))
    me = agent_of(user)
    cond = Q(agent__team_id__in=team_ids)
    if me is not None:
        # A team lead in their own team is the agent here: anonymity holds for them too.
        hidden = anonymous_roles(scheme_of(cycle.scheme_version))
        cond = (cond & ~Q(agent=me)) | (Q(agent=me) & ~Q(role__in=hidden))
    return qs.filter(cond)
