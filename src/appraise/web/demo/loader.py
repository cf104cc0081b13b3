"""Load the demo company into the database, through the same services as the pages and the API.

The demo: three teams (two pre-sales, one after-sales) of twelve agents, a direct supervisor per
team and one manager over all of them, HR and an administrator; all 22 seed schemes; and three
months (August to October 2026) of appraisal on ``s002-department``, each cycle imported from
files computed from generated raw events, computed, audited, published and closed, except
October, which is left in its appeal window so that an agent can appeal.

Running it again finds everything in place and changes nothing: people, teams and agents are
looked up by name, a scheme text already stored is the same version, and each month's cycle is
only moved on from the state it is in (so an interrupted load finishes where it stopped).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraise.decimals import plain
from appraise.problems import AppraiseError
from appraise.seeds import ROOT, SEEDS
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.demo.data import (
    SCHEME_ID,
    DemoData,
    Member,
    demo_months,
    make_demo_data,
    on_staff,
)
from appraise.web.demo.points import load_points_demo
from appraise.web.evaluations.models import Result
from appraise.web.followups.models import Kind
from appraise.web.followups.selectors import followups_open_for_cycle
from appraise.web.followups.services import followup_complete
from appraise.web.interviews.models import InterviewRecord
from appraise.web.interviews.services import interview_sign, interview_write
from appraise.web.org import roles
from appraise.web.org.models import Agent, Team
from appraise.web.org.services import agent_create, team_create, user_create
from appraise.web.permissions import is_admin
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create

DEMO_PASSWORD = "demo"
SEED = 2026
TEAMS = 3
# The appeal window of the last month: long enough that the demo still works weeks later.
APPEAL_DAYS = 30
# s002-department's lowest grade (total < 70, 降薪或培训): these agents get an interview record.
NEEDS_TALK = "待改进"

Log = Callable[[str], None]


class DemoError(AppraiseError):
    """The database holds something the demo cannot build on (another demo size, a clash)."""


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    who: str  # in the language of the moment (the command's)
    agent: bool = False


@dataclass
class DemoReport:
    logins: list[Login]
    cycles: list[Cycle]
    loaded: bool  # False when everything was already there
    seconds: float
    steps: list[str] = field(default_factory=list)


def cycle_name(month: str) -> str:
    year, mm = month.split("-")
    return f"{year}年{int(mm)}月 客服部绩效考核"


def _quiet(_: str) -> None:
    return None


def load_demo(
    *,
    agents_per_team: int = 12,
    months: int = 3,
    seed: int = SEED,
    log: Log = _quiet,
) -> DemoReport:
    """Create (or finish creating) the demo company and its cycles; returns the logins.

    Raises :class:`DemoError` when the database holds a demo of another size, or a user the
    demo needs already exists with other roles.
    """
    began = time.perf_counter()
    periods = [str(p) for p in demo_months(months)]
    _check_existing(agents_per_team, periods)
    if _complete(agents_per_team, periods):
        log(_("the demo is already loaded; nothing to do"))
        return DemoReport(_logins(agents_per_team), _cycles(periods), False, _since(began))
    log(
        _("generating %(months)d months of events for %(agents)d agents (seed %(seed)d)")
        % {"months": months, "agents": TEAMS * agents_per_team, "seed": seed}
    )
    data = make_demo_data(teams=TEAMS, agents_per_team=agents_per_team, months=months, seed=seed)
    log("  " + _("events and metrics ready (%(s).1f s)") % {"s": _since(began)})
    # One transaction: the load is all there or not at all, and SQLite syncs to disk once.
    with transaction.atomic():
        people = _people(data.roster, log)
        _schemes(people.hr, log)
        version = SchemeVersion.objects.filter(scheme_id=SCHEME_ID).order_by("-version").first()
        assert version is not None  # the seed was stored just above
        for i, month in enumerate(periods):
            last = i == len(periods) - 1
            _hire(people, on_staff(data.roster, month))
            if last:
                # A month of QA (demo/qa.py), before the month is scored: the cycle takes its
                # reviewed agents' qa_average from the QA app, so the scorecard and the QA
                # page show the same reviews (31.91 of 45 there is 70.91 of 100 here).
                from appraise.web.demo.qa import load_qa_demo

                load_qa_demo(
                    hr=people.hr,
                    agents=people.agents,
                    users=people.users,
                    new_user=people.logins.get,
                    period=month,
                    log=log,
                )
            _run_month(people, version, month, data, last, log)
            log(
                "  "
                + _("%(cycle)s done (%(s).1f s)") % {"cycle": cycle_name(month), "s": _since(began)}
            )
        # A month of points and its redemption (demo/points.py).
        load_points_demo(
            hr=people.hr,
            teams=TEAMS,
            agents_per_team=agents_per_team,
            months=months,
            seed=seed,
            log=log,
        )
        _set_passwords(people, log)
    return DemoReport(_logins(agents_per_team), _cycles(periods), True, _since(began))


def _since(began: float) -> float:
    return time.perf_counter() - began


# --- what is there already ----------------------------------------------------------------------


def _team_names() -> list[str]:
    """The generator names teams 售前1组, 售前2组, 售后1组 (its first half sells)."""
    pre = (TEAMS + 1) // 2
    return [f"售前{t + 1}组" if t < pre else f"售后{t + 1 - pre}组" for t in range(TEAMS)]


def _demo_cycles() -> list[Cycle]:
    return list(
        Cycle.objects.filter(scheme_version__scheme_id=SCHEME_ID, name__endswith="客服部绩效考核")
    )


def _check_existing(agents_per_team: int, periods: list[str]) -> None:
    teams = Team.objects.filter(name__in=_team_names())
    if teams.exists():
        have = Agent.objects.filter(team__in=teams).count()
        if have and have != TEAMS * agents_per_team:
            raise DemoError(
                _(
                    "this database holds a demo of %(have)d agents, not %(wanted)d; load this "
                    "size into a fresh database (delete var/appraise.sqlite3)"
                )
                % {"have": have, "wanted": TEAMS * agents_per_team}
            )
    existing = sorted(c.period for c in _demo_cycles())
    if existing != periods[: len(existing)]:
        raise DemoError(
            _(
                "this database holds demo cycles for %(have)s, not the first of %(wanted)s; "
                "load this demo into a fresh database (delete var/appraise.sqlite3)"
            )
            % {"have": ", ".join(existing), "wanted": ", ".join(periods)}
        )


def _final_state(month: str, periods: list[str]) -> str:
    return State.APPEAL_WINDOW if month == periods[-1] else State.CLOSED


def _complete(agents_per_team: int, periods: list[str]) -> bool:
    if Agent.objects.filter(team__name__in=_team_names()).count() != TEAMS * agents_per_team:
        return False
    if SchemeVersion.objects.values("scheme_id").distinct().count() < len(_seed_files()):
        return False
    states = {c.period: c.state for c in _demo_cycles()}
    return all(states.get(m) == _final_state(m, periods) for m in periods)


def _cycles(periods: list[str]) -> list[Cycle]:
    return sorted((c for c in _demo_cycles() if c.period in periods), key=lambda c: c.period)


# --- people -------------------------------------------------------------------------------------


@dataclass
class People:
    admin: User
    hr: User
    manager: User
    supervisors: dict[str, User]  # team name -> its supervisor
    teams: dict[str, Team]
    agents: dict[str, Agent]  # agent_id -> agent
    users: dict[str, User]  # agent_id -> the agent's login
    logins: _Users


def _agent_username(agent_id: str) -> str:
    return agent_id.lower()


def _logins(agents_per_team: int) -> list[Login]:
    names = _team_names()
    out = [
        Login("admin", DEMO_PASSWORD, _("admin: users, roles, API tokens")),
        Login("hr", DEMO_PASSWORD, _("HR: schemes, cycles, imports, calibration, appeals")),
        Login("manager", DEMO_PASSWORD, _("manager: indirect supervisor of every team")),
    ]
    out += [
        Login(f"sup{i + 1}", DEMO_PASSWORD, _("supervisor of %(team)s") % {"team": name})
        for i, name in enumerate(names)
    ]
    out += [
        Login(u.username, DEMO_PASSWORD, _("QA reviewer: review queue, disputes, calibration"))
        for u in User.objects.filter(groups__name=roles.QA).order_by("username")
    ]
    agents = Agent.objects.filter(team__name__in=names).select_related("team", "user")
    for a in agents.order_by("agent_id"):
        out.append(
            Login(
                a.user.username if a.user else _agent_username(a.agent_id),
                DEMO_PASSWORD,
                _("agent %(name)s (%(team)s)")
                % {"name": a.name, "team": a.team.name if a.team else "-"},
                agent=True,
            )
        )
    return out


class _Users:
    """Looks people up by user name and creates the missing ones, remembering which are new."""

    def __init__(self, admin: User) -> None:
        self.admin = admin
        self.new: list[int] = []

    def get(self, username: str, role: str, first_name: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                by=self.admin,
                username=username,
                password=None,
                roles_=[role],
                first_name=first_name,
            )
            self.new.append(user.pk)
        elif role not in roles.roles_of(user):
            raise DemoError(
                _(
                    'the user "%(user)s" exists without the %(role)s role the demo gives it; '
                    "load the demo into a fresh database"
                )
                % {"user": username, "role": role}
            )
        return user


def _bootstrap_admin() -> User:
    """The first administrator: nobody can create it through a service (createsuperuser's job)."""
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser(username="admin", password=None, first_name="管理员")
        admin.groups.set(Group.objects.filter(name=roles.ADMIN))
    elif not is_admin(admin):
        raise DemoError(_('the user "admin" exists and is not an administrator'))
    return admin


def _people(roster: list[Member], log: Log) -> People:
    admin = _bootstrap_admin()
    users = _Users(admin)
    hr = users.get("hr", roles.HR, "人事专员")
    manager = users.get("manager", roles.SUPERVISOR, "客服经理")
    team_of_sup: dict[str, str] = {}
    for m in roster:
        team_of_sup.setdefault(m.supervisor_id, m.team)
    supervisors: dict[str, User] = {}
    teams: dict[str, Team] = {}
    for i, (_sup, team_name) in enumerate(sorted(team_of_sup.items())):
        sup = users.get(f"sup{i + 1}", roles.SUPERVISOR, f"{team_name}主管")
        supervisors[team_name] = sup
        team = Team.objects.filter(name=team_name).first()
        if team is None:
            team = team_create(
                by=hr, name=team_name, supervisors=[sup], indirect_supervisor=manager
            )
        teams[team_name] = team
    people = People(admin, hr, manager, supervisors, teams, {}, {}, users)
    log("  " + _("%(n)d teams with their supervisors") % {"n": len(teams)})
    return people


def _hire(people: People, members: list[Member]) -> None:
    """HR adds the agents on staff this month that the organisation does not list yet."""
    for m in members:
        if m.agent_id in people.agents:
            continue
        user = people.logins.get(_agent_username(m.agent_id), roles.AGENT, m.name)
        agent = Agent.objects.filter(agent_id=m.agent_id).first()
        if agent is None:
            agent = agent_create(
                by=people.hr,
                agent_id=m.agent_id,
                name=m.name,
                team=people.teams[m.team],
                user=user,
                position=m.position,
                hired_on=m.hired_on,
            )
        people.agents[m.agent_id] = agent
        people.users[m.agent_id] = user


def _set_passwords(people: People, log: Log) -> None:
    """Every demo login has the same password: hashing it once instead of once per person saves
    a third of a second each (PBKDF2 is slow on purpose). user_create stores no password when
    given None, so this is the only write of it."""
    new = [*people.logins.new, people.admin.pk] if people.logins.new else []
    if new:
        User.objects.filter(pk__in=new).update(password=make_password(DEMO_PASSWORD))
    log(
        "  "
        + _("%(users)d users created, %(agents)d agents")
        % {"users": len(people.logins.new), "agents": len(people.agents)}
    )


# --- schemes ------------------------------------------------------------------------------------


def _seed_files() -> list[Path]:
    return sorted((ROOT / SEEDS).glob("*.yaml"))


def _schemes(hr: User, log: Log) -> None:
    files = _seed_files()
    for path in files:
        scheme_version_create(by=hr, text=path.read_text(encoding="utf-8"), file=path.name)
    log("  " + _("%(n)d seed schemes stored") % {"n": len(files)})


# --- one month's cycle --------------------------------------------------------------------------


def _run_month(
    people: People, version: SchemeVersion, month: str, data: DemoData, last: bool, log: Log
) -> Cycle:
    hr = people.hr
    name = cycle_name(month)
    cycle = Cycle.objects.filter(
        scheme_version__scheme_id=SCHEME_ID, period=month, name=name
    ).first()
    if cycle is None:
        cycle = cs.cycle_create(
            by=hr,
            name=name,
            scheme_version=version,
            period=month,
            teams=list(people.teams.values()),
        )
    if cycle.state == State.DRAFT:
        cs.cycle_import_data(cycle=cycle, by=hr, files=data.files[month])
    if cycle.state == State.DATA_IMPORTED:
        cs.cycle_compute(cycle=cycle, by=hr)
        cs.cycle_open_self_assessment(cycle=cycle, by=hr)
    if cycle.state == State.SELF_ASSESSMENT:
        cs.cycle_open_supervisor_rating(cycle=cycle, by=hr)
    if cycle.state == State.SUPERVISOR_RATING:
        if cycle.results_stale:
            cs.cycle_compute(cycle=cycle, by=hr)
        cs.cycle_open_indirect_audit(cycle=cycle, by=hr)
    if cycle.state == State.INDIRECT_AUDIT:
        confirmed = set(cycle.confirmations.values_list("team_id", flat=True))
        for team in cs.cycle_teams(cycle):
            if team.pk not in confirmed:
                cs.cycle_confirm_team(
                    cycle=cycle, team=team, by=people.manager, note="已核对本组评分 / checked"
                )
        cs.cycle_open_calibration(cycle=cycle, by=hr)
    if cycle.state == State.CALIBRATION:
        cs.cycle_publish(cycle=cycle, by=hr)
    if cycle.state == State.PUBLISHED:
        cs.cycle_open_interviews(cycle=cycle, by=hr)
    if cycle.state == State.INTERVIEWS:
        _interviews(people, cycle, sign=not last)
        cs.cycle_open_appeal_window(cycle=cycle, by=hr, days=APPEAL_DAYS)
    if cycle.state == State.APPEAL_WINDOW and not last:
        _finish_followups(people, cycle)
        # An earlier month: its appeal window went by long ago (closing earlier needs a reason).
        Cycle.objects.filter(pk=cycle.pk).update(appeal_deadline=timezone.now())
        cycle.refresh_from_db()
        cs.cycle_close(cycle=cycle, by=hr)
    return cycle


def _finish_followups(people: People, cycle: Cycle) -> None:
    """Before a month closes, its follow-ups are done: HR records the training it arranged
    (the seed's 降薪或培训), and an interview asked for by a grade gap is held and signed.
    October's stay open, on the to-do lists."""
    for item in followups_open_for_cycle(cycle).order_by("agent__agent_id", "rule"):
        agent = item.agent
        if item.kind == Kind.HR:
            followup_complete(
                item=item, by=people.hr, note=f"已安排:{item.rule_label}(产品知识培训,下月复核)"
            )
        elif item.kind == Kind.INTERVIEW and agent.team is not None:
            record = item.interview or interview_write(
                cycle=cycle,
                agent=agent,
                by=people.supervisors[agent.team.name],
                content="自评与主管评分相差一个等级,逐项核对了评分依据。",
            )
            if record.signed_at is None:
                interview_sign(record=record, by=people.users[agent.agent_id], comment="已阅。")


def _interviews(people: People, cycle: Cycle, *, sign: bool) -> None:
    """The direct supervisor talks with every agent graded 待改进 (the seed's 降薪或培训);
    agents sign the closed months' records, and October's wait for them in the demo."""
    sup_of = {
        a.pk: people.supervisors[a.team.name] for a in people.agents.values() if a.team is not None
    }
    done = set(InterviewRecord.objects.filter(cycle=cycle).values_list("agent_id", flat=True))
    low = Result.objects.filter(cycle=cycle, is_current=True, grade=NEEDS_TALK).select_related(
        "agent"
    )
    for result in low.order_by("agent__agent_id"):
        agent = result.agent
        if agent.pk in done:
            continue
        record = interview_write(
            cycle=cycle,
            agent=agent,
            by=sup_of[agent.pk],
            content=(
                f"本月总分 {plain(result.total) if result.total is not None else '-'}，"
                "低于 70 分。逐项核对了各指标，重点是响应时间和一次解决率。"
            ),
            plan="参加下月产品知识培训；每周与主管复盘 3 个会话。",
        )
        if sign:
            interview_sign(record=record, by=people.users[agent.agent_id], comment="已阅，同意。")
