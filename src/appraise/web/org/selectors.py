"""Reads of the organisation, scoped by :mod:`appraise.web.permissions`."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from appraise.web.errors import NotFound
from appraise.web.org.models import Agent, Team
from appraise.web.permissions import User as Actor
from appraise.web.permissions import can_see_agent, is_admin, is_hr, led_teams, require


def agent_list(*, user: Actor) -> QuerySet[Agent]:
    from appraise.web.permissions import visible_agents

    return visible_agents(user).select_related("team", "user")


def agent_get(*, user: Actor, agent_id: str) -> Agent:
    agent = Agent.objects.select_related("team", "user").filter(agent_id=agent_id).first()
    if agent is None or not can_see_agent(user, agent):
        raise NotFound(_("no agent %(agent_id)s") % {"agent_id": agent_id})
    return agent


def team_list(*, user: Actor) -> QuerySet[Team]:
    if is_hr(user) or is_admin(user):
        return Team.objects.all()
    return led_teams(user)


def team_get(*, user: Actor, pk: int) -> Team:
    team = team_list(user=user).filter(pk=pk).first()
    if team is None:
        raise NotFound(_("no team %(pk)s") % {"pk": pk})
    return team


def user_list(*, user: Actor) -> QuerySet[User]:
    require(is_admin(user) or is_hr(user), _("only HR and administrators may list users"))
    return User.objects.order_by("username").prefetch_related("groups")


def user_get(*, user: Actor, pk: int) -> User:
    found = user_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no user %(pk)s") % {"pk": pk})
    return found
