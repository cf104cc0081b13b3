"""Who may see and do what; every selector and service asks here and nowhere else.

- an agent sees only their own results (published ones) and their own ratings, appeals and
  interview records;
- a supervisor sees the agents of the teams that list them as direct or indirect supervisor;
- HR sees everything and runs cycles, schemes and escalated appeals;
- an admin manages users, roles and API tokens (and sees no results unless also HR).

A person who may not know an object exists gets :class:`NotFound` (404); a person who can see an
object but may not act on it gets :class:`Forbidden` (403).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet, Value
from django.utils.translation import gettext as _

from appraise.web import memo
from appraise.web.errors import Forbidden
from appraise.web.org import roles
from appraise.web.org.models import Agent, Team

# Who is asking: a signed-in user, or nobody.
User = AuthUser | AnonymousUser


def is_hr(user: User) -> bool:
    return roles.HR in roles.roles_of(user)


def is_admin(user: User) -> bool:
    return roles.ADMIN in roles.roles_of(user)


def agent_of(user: User) -> Agent | None:
    """The agent profile of a login, or None for people who are not appraised."""
    if not user.is_authenticated:
        return None
    try:
        return user.agent
    except Agent.DoesNotExist:
        return None


def _team_ids(user: AuthUser) -> tuple[frozenset[int], frozenset[int]]:
    """(teams the person supervises directly, teams they are the indirect supervisor of), in one
    query, once a request (``memo``): every selector and the menu ask it."""

    def read() -> tuple[frozenset[int], frozenset[int]]:
        direct = Team.supervisors.through.objects.filter(user_id=user.pk).order_by()
        indirect = Team.objects.filter(indirect_supervisor_id=user.pk).order_by()
        rows = direct.values_list("team_id", Value(True)).union(
            indirect.values_list("id", Value(False)), all=True
        )
        pairs = list(rows)
        return (
            frozenset(t for t, is_direct in pairs if is_direct),
            frozenset(t for t, is_direct in pairs if not is_direct),
        )

    return memo.remember(("team_ids", user.pk), read)


def led_team_ids(user: User) -> frozenset[int]:
    """Ids of the teams the person leads, directly or as indirect supervisor."""
    if not isinstance(user, AuthUser) or not user.is_authenticated:
        return frozenset()
    direct, indirect = _team_ids(user)
    return direct | indirect


def supervised_team_ids(user: User) -> frozenset[int]:
    """Ids of the teams that list the person as a direct supervisor."""
    if not isinstance(user, AuthUser) or not user.is_authenticated:
        return frozenset()
    return _team_ids(user)[0]


def indirect_team_ids(user: User) -> frozenset[int]:
    """Ids of the teams that name the person as their indirect supervisor."""
    if not isinstance(user, AuthUser) or not user.is_authenticated:
        return frozenset()
    return _team_ids(user)[1]


def leads_a_team(user: User) -> bool:
    return bool(led_team_ids(user))


def led_teams(user: User) -> QuerySet[Team]:
    """Teams the person leads, directly or as indirect supervisor."""
    if not user.is_authenticated:
        return Team.objects.none()
    if memo.active():
        # Inside a request the ids are known already: no subquery, and `.exists()` is free.
        ids = led_team_ids(user)
        return Team.objects.filter(id__in=sorted(ids)) if ids else Team.objects.none()
    return Team.objects.filter(Q(supervisors=user) | Q(indirect_supervisor=user)).distinct()


def visible_agents(user: User) -> QuerySet[Agent]:
    """Every agent whose results the person may see."""
    if not user.is_authenticated:
        return Agent.objects.none()
    if is_hr(user):
        return Agent.objects.all()
    team_ids = sorted(led_team_ids(user))
    return Agent.objects.filter(Q(team_id__in=team_ids) | Q(user=user))


def can_see_agent(user: User, agent: Agent) -> bool:
    if not user.is_authenticated:
        return False
    if is_hr(user) or (agent.user_id is not None and agent.user_id == user.pk):
        return True
    return agent.team_id is not None and agent.team_id in led_team_ids(user)


def is_direct_supervisor(user: User, agent: Agent) -> bool:
    return agent.team_id is not None and agent.team_id in supervised_team_ids(user)


def is_indirect_supervisor(user: User, team: Team) -> bool:
    return user.is_authenticated and team.indirect_supervisor_id == user.pk


def is_self(user: User, agent: Agent) -> bool:
    return user.is_authenticated and agent.user_id is not None and agent.user_id == user.pk


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


def require_hr(user: User, doing: str) -> None:
    require(is_hr(user), _("only HR may %(doing)s") % {"doing": doing})


def require_admin(user: User, doing: str) -> None:
    require(is_admin(user), _("only an administrator may %(doing)s") % {"doing": doing})


def signed_in(user: User) -> AuthUser | None:
    """The user to record as the author of a change (None for nobody)."""
    return user if isinstance(user, AuthUser) else None
