"""Writes to the organisation: users and roles (admin), teams and agents (HR)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from django.contrib.auth import password_validation
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from appraise.inputs import tables
from appraise.inputs.reading import ColumnFrame
from appraise.problems import Problem, ProblemsError, raise_if_errors
from appraise.web.audit.services import audit_record
from appraise.web.errors import Invalid
from appraise.web.org import roles
from appraise.web.org.models import Agent, Team
from appraise.web.permissions import require_admin, require_hr
from appraise.web.uploads import check_workbooks

Actor = User | AnonymousUser


def _check_roles(names: Iterable[str]) -> list[str]:
    wanted = sorted(set(names))
    unknown = [r for r in wanted if r not in roles.ROLES]
    if unknown:
        raise Invalid(
            _("unknown role(s) %(unknown)s; roles are %(roles)s")
            % {"unknown": ", ".join(unknown), "roles": ", ".join(roles.ROLES)}
        )
    return wanted


def _check_password(password: str, user: User) -> None:
    """settings.AUTH_PASSWORD_VALIDATORS, every complaint at once, in the reader's language."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from None


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
    require_admin(by, _("create users"))
    wanted = _check_roles(roles_)
    if not username.strip():
        raise Invalid(_("a user needs a user name"), field="username")
    if User.objects.filter(username=username).exists():
        raise Invalid(_('the user name "%(name)s" is taken') % {"name": username}, field="username")
    if password is not None:
        _check_password(password, User(username=username, first_name=first_name, email=email))
    user = User.objects.create_user(
        username=username, password=password, first_name=first_name, email=email
    )
    user.groups.set(Group.objects.filter(name__in=wanted))
    audit_record(by=by, action="user.create", obj=user, after={"roles": wanted})
    return user


@transaction.atomic
def user_set_roles(*, by: Actor, user: User, roles_: Iterable[str]) -> User:
    require_admin(by, _("change roles"))
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
    require_admin(by, _("issue API tokens"))
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(by=by, action="token.create", obj=user)
    return token


@transaction.atomic
def token_revoke(*, by: Actor, user: User) -> None:
    require_admin(by, _("revoke API tokens"))
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
    require_hr(by, _("define teams"))
    if Team.objects.filter(name=name).exists():
        raise Invalid(_('a team named "%(name)s" exists') % {"name": name}, field="name")
    team = Team.objects.create(name=name, indirect_supervisor=indirect_supervisor)
    team.supervisors.set(list(supervisors))
    audit_record(by=by, action="team.create", obj=team, after=_team_dict(team))
    return team


@transaction.atomic
def team_set_supervisors(
    *, by: Actor, team: Team, supervisors: Iterable[User], indirect_supervisor: User | None
) -> Team:
    require_hr(by, _("change team supervisors"))
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
    require_hr(by, _("define agents"))
    agent_id = tables.id_of_text(agent_id)
    if not agent_id or not name.strip():
        raise Invalid(_("an agent needs an agent_id and a name"))
    if Agent.objects.filter(agent_id=agent_id).exists():
        raise Invalid(
            _('the agent id "%(agent_id)s" is taken') % {"agent_id": agent_id}, field="agent_id"
        )
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
    require_hr(by, _("change agents"))
    before = _agent_dict(agent)
    team_before = agent.team_id
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
    _team_heats_moved([(agent.pk, team_before, agent.team_id)])
    return agent


def _team_heats_moved(moves: list[tuple[int, int | None, int | None]]) -> None:
    """The dashboard's kept team means group a cycle's results by their agent's team now: an
    agent's move changes both teams' (evaluations.teamheat)."""
    from appraise.web.evaluations.teamheat import team_heat_refresh_moved

    team_heat_refresh_moved(moves)


def _agent_dict(agent: Agent) -> dict[str, object]:
    return {
        "agent_id": agent.agent_id,
        "name": agent.name,
        "team": agent.team.name if agent.team else None,
        "position": agent.position,
        "hired_on": agent.hired_on.isoformat() if agent.hired_on else None,
        "user": agent.user.username if agent.user else None,
    }


# --- the agents file: many agents at once ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentRow:
    """One agent as a file or an API caller gives it; ``None`` leaves a stored value as it is.

    ``file`` and ``row`` say where it came from (row 1 is the header), so a problem names them.
    """

    agent_id: str
    name: str
    team: str | None = None
    position: str | None = None
    hired_on: date | None = None
    file: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class UpsertResult:
    created: list[Agent]
    updated: list[Agent]
    unchanged: list[Agent]


AGENT_FILE_SUFFIXES = (".csv", ".xlsx")


def agent_rows_read(*, file_name: str, content: bytes) -> list[AgentRow]:
    """The rows of an ``agents`` table (.csv or .xlsx, docs/scoring-inputs.md), read by
    :mod:`appraise.inputs` so that its rules (ids folded, dates in every spelling, empty cells
    missing) hold here too. Raises :class:`ProblemsError` with every bad cell by row and column.

    ``supervisor_id`` is read and checked for shape but not stored: the organisation takes
    supervision from the team (a center's ``S01`` is not a login).
    """
    suffix = Path(file_name).suffix.lower()
    if suffix not in AGENT_FILE_SUFFIXES:
        raise Invalid(
            _("%(file)s: the agents table must be a .csv or .xlsx file")
            % {"file": file_name or _("the file")}
        )
    check_workbooks([(file_name or f"agents{suffix}", content)])
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory() as folder:
        # The reader finds a table by its file name; the uploaded name may be anything.
        (Path(folder) / f"agents{suffix}").write_bytes(content)
        sheets = tables._read_folder(Path(folder), problems)
        sheet = sheets.get("agents")
        read = tables._agents(sheet, problems) if sheet is not None else []
    if sheet is None and not problems:
        problems.append(Problem("error", "no_inputs", _("the file holds no table"), file=file_name))

    def named(p: Problem) -> Problem:
        # Problems name the file as the person uploaded it, not the reader's temporary name.
        label = p.file.replace(f"agents{suffix}", file_name, 1) if p.file else file_name
        return replace(p, file=label)

    raise_if_errors([named(p) for p in problems])
    assert sheet is not None
    if not read:
        # A header and nothing under it: the wrong file, or the rows on another sheet.
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "no_rows",
                    _("the agents table has its header row but no agent under it"),
                    file=file_name,
                )
            ]
        )
    # With no error, every non-empty data row became one agent, in order. A CSV is read into
    # columns, and its rows are made only when asked for (the agents were read by column).
    if isinstance(sheet, ColumnFrame):
        sheet.materialize()
    numbers = [n for n, _ in sheet.rows]
    return [
        AgentRow(
            agent_id=a.agent_id,
            name=a.name,
            team=a.team or None,
            position=a.position or None,
            hired_on=a.hired_on,
            file=file_name,
            row=n,
        )
        for a, n in zip(read, numbers, strict=True)
    ]


def _row_problems(rows: Sequence[AgentRow], teams: dict[str, Team]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int | None] = {}

    def bad(r: AgentRow, field: str, code: str, message: str) -> None:
        problems.append(Problem("error", code, message, file=r.file, row=r.row, field=field))

    for r in rows:
        if not r.agent_id.strip():
            bad(r, "agent_id", "missing_value", _("agent_id is empty"))
        elif len(r.agent_id) > 64:
            bad(r, "agent_id", "too_long", _("agent_id is longer than 64 characters"))
        elif r.agent_id in first:
            bad(
                r,
                "agent_id",
                "duplicate_agent",
                _("agent_id %(id)s is given twice") % {"id": repr(r.agent_id)},
            )
        else:
            first[r.agent_id] = r.row
        if not r.name.strip():
            bad(r, "name", "missing_value", _("name is empty"))
        elif len(r.name) > 100:
            bad(r, "name", "too_long", _("name is longer than 100 characters"))
        if r.position is not None and len(r.position) > 100:
            bad(r, "position", "too_long", _("position is longer than 100 characters"))
        if r.team is not None and r.team not in teams:
            bad(
                r,
                "team",
                "unknown_team",
                _('there is no team "%(team)s"; create it on the organisation page first')
                % {"team": r.team},
            )
    return problems


@transaction.atomic
def agents_upsert(*, by: Actor, rows: Sequence[AgentRow], note: str = "") -> UpsertResult:
    """Create the agents whose ``agent_id`` is new and update the others, all or nothing.

    Every row is checked before anything is written; any problem (an unknown team, an empty
    name, an id given twice) raises :class:`ProblemsError` naming every bad row and column and
    changes nothing. An empty cell (``None``) leaves the stored value as it is. Each created or
    changed agent gets its audit entry; an agent the rows leave as it was gets none.
    """
    require_hr(by, _("define agents"))
    teams = {t.name: t for t in Team.objects.all()}
    raise_if_errors(_row_problems(rows, teams))
    stored = {
        a.agent_id: a
        for a in Agent.objects.select_for_update(of=("self",))
        .select_related("team", "user")
        .filter(agent_id__in=[r.agent_id for r in rows])
    }
    result = UpsertResult([], [], [])
    moves: list[tuple[int, int | None, int | None]] = []
    for r in rows:
        why = (
            _("%(file)s row %(row)d") % {"file": r.file, "row": r.row} if r.file and r.row else note
        )
        team = teams[r.team] if r.team is not None else None
        agent = stored.get(r.agent_id)
        if agent is None:
            agent = Agent.objects.create(
                agent_id=r.agent_id,
                name=r.name,
                team=team,
                position=r.position or "",
                hired_on=r.hired_on,
            )
            audit_record(
                by=by, action="agent.create", obj=agent, after=_agent_dict(agent), note=why
            )
            result.created.append(agent)
            continue
        before = _agent_dict(agent)
        team_before = agent.team_id
        agent.name = r.name
        if team is not None:
            agent.team = team
        if r.position is not None:
            agent.position = r.position
        if r.hired_on is not None:
            agent.hired_on = r.hired_on
        after = _agent_dict(agent)
        if after == before:
            result.unchanged.append(agent)
            continue
        agent.save()
        audit_record(by=by, action="agent.update", obj=agent, before=before, after=after, note=why)
        result.updated.append(agent)
        moves.append((agent.pk, team_before, agent.team_id))
    _team_heats_moved(moves)
    return result


def agents_upload(*, by: Actor, file_name: str, content: bytes | None) -> UpsertResult:
    """:func:`agents_upsert` from an uploaded ``agents`` file (the page and the API)."""
    require_hr(by, _("define agents"))
    if content is None:
        raise Invalid(_("attach the agents table (.csv or .xlsx)"))
    rows = agent_rows_read(file_name=file_name, content=content)
    return agents_upsert(by=by, rows=rows)
