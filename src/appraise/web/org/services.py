"""Writes to the organisation: users and roles (admin), teams and agents (HR)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import transaction
from rest_framework.authtoken.models import Token

from appraise.web.audit.services import audit_record
from appraise.web.errors import Invalid
from appraise.web.org import roles
from appraise.web.org.models import Agent, Team
from appraise.web.permissions import require_admin, require_hr

Actor = User | AnonymousUser


def _check_roles(names: Iterable[str]) -> list[str]:
    wanted = sorted(set(names))
    unknown = [r for r in wanted if r not in roles.ROLES]
    if unknown:
        raise Invalid(f"unknown role(s) {', '.join(unknown)}; roles are {', '.join(roles.ROLES)}")
    return wanted


@transaction.atomic
def user_create(
    *,
    by: Actor,
    username: str,
    password: str | None,
    roles_: Iterable[str] = (),
    first_name: str = "",
    email: str = "",
) -> User:
    require_admin(by, "create users")
    wanted = _check_roles(roles_)
    if not username.strip():
        raise Invalid("a user needs a user name")
    if User.objects.filter(username=username).exists():
        raise Invalid(f'the user name "{username}" is taken')
    user = User.objects.create_user(
        username=username, password=password, first_name=first_name, email=email
    )
    user.groups.set(Group.objects.filter(name__in=wanted))
    audit_record(by=by, action="user.create", obj=user, after={"roles": wanted})
    return user


@transaction.atomic
def user_set_roles(*, by: Actor, user: User, roles_: Iterable[str]) -> User:
    require_admin(by, "change roles")
    wanted = _check_roles(roles_)
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=wanted))
    roles.forget_roles(user)
    audit_record(
        by=by, action="user.set_roles", obj=user, before={"roles": before}, after={"roles": wanted}
    )
    return user


@transaction.atomic
def token_create(*, by: Actor, user: User) -> Token:
    """A new API token for ``user``; an earlier token of theirs stops working."""
    require_admin(by, "issue API tokens")
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(by=by, action="token.create", obj=user)
    return token


@transaction.atomic
def token_revoke(*, by: Actor, user: User) -> None:
    require_admin(by, "revoke API tokens")
    Token.objects.filter(user=user).delete()
    audit_record(by=by, action="token.revoke", obj=user)


@transaction.atomic
def team_create(
    *,
    by: Actor,
    name: str,
    supervisors: Iterable[User] = (),
    indirect_supervisor: User | None = None,
) -> Team:
    require_hr(by, "define teams")
    if Team.objects.filter(name=name).exists():
        raise Invalid(f'a team named "{name}" exists')
    team = Team.objects.create(name=name, indirect_supervisor=indirect_supervisor)
    team.supervisors.set(list(supervisors))
    audit_record(by=by, action="team.create", obj=team, after=_team_dict(team))
    return team


@transaction.atomic
def team_set_supervisors(
    *, by: Actor, team: Team, supervisors: Iterable[User], indirect_supervisor: User | None
) -> Team:
    require_hr(by, "change team supervisors")
    before = _team_dict(team)
    team.supervisors.set(list(supervisors))
    team.indirect_supervisor = indirect_supervisor
    team.save(update_fields=["indirect_supervisor"])
    audit_record(
        by=by, action="team.set_supervisors", obj=team, before=before, after=_team_dict(team)
    )
    return team


def _team_dict(team: Team) -> dict[str, object]:
    return {
        "name": team.name,
        "supervisors": sorted(team.supervisors.values_list("username", flat=True)),
        "indirect_supervisor": team.indirect_supervisor.username
        if team.indirect_supervisor
        else None,
    }


@transaction.atomic
def agent_create(
    *,
    by: Actor,
    agent_id: str,
    name: str,
    team: Team | None,
    user: User | None = None,
    position: str = "",
    hired_on: date | None = None,
) -> Agent:
    require_hr(by, "define agents")
    if not agent_id.strip() or not name.strip():
        raise Invalid("an agent needs an agent_id and a name")
    if Agent.objects.filter(agent_id=agent_id).exists():
        raise Invalid(f'the agent id "{agent_id}" is taken')
    agent = Agent.objects.create(
        agent_id=agent_id, name=name, team=team, user=user, position=position, hired_on=hired_on
    )
    audit_record(by=by, action="agent.create", obj=agent, after=_agent_dict(agent))
    return agent


@transaction.atomic
def agent_update(
    *,
    by: Actor,
    agent: Agent,
    name: str | None = None,
    team: Team | None = None,
    position: str | None = None,
    hired_on: date | None = None,
) -> Agent:
    require_hr(by, "change agents")
    before = _agent_dict(agent)
    if name is not None:
        agent.name = name
    if team is not None:
        agent.team = team
    if position is not None:
        agent.position = position
    if hired_on is not None:
        agent.hired_on = hired_on
    agent.save()
    audit_record(by=by, action="agent.update", obj=agent, before=before, after=_agent_dict(agent))
    return agent


def _agent_dict(agent: Agent) -> dict[str, object]:
    return {
        "agent_id": agent.agent_id,
        "name": agent.name,
        "team": agent.team.name if agent.team else None,
        "position": agent.position,
        "hired_on": agent.hired_on.isoformat() if agent.hired_on else None,
        "user": agent.user.username if agent.user else None,
    }
