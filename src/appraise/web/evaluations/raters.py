"""Assigned raters (同事互评, 跨部门, 办公室评分): HR assigns people to rate agents in a rater
role the scheme marks ``assigned: true``; each rater sees only their own assignments.

Services (``raters_assign``, ``rater_unassign``) check the actor and the cycle's state and audit
every change in their transaction; the selectors return only what the person may see: HR every
assignment of a cycle, anyone else their own (a rater who may not know an assignment exists
gets 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from appraise.web.audit.services import audit_record
from appraise.web.cycles.models import Cycle, State
from appraise.web.cycles.scoring import assigned_roles, role_indicators
from appraise.web.cycles.services import lock_cycle, mark_inputs_changed, state_label
from appraise.web.errors import Conflict, Invalid, NotFound
from appraise.web.evaluations.models import RaterAssignment
from appraise.web.evaluations.services import ASSIGNED_RATING_STATES
from appraise.web.org.models import Agent
from appraise.web.permissions import User, is_hr, require_hr, signed_in
from appraise.web.schemes.services import scheme_of

# HR assigns and removes raters until the indirect supervisor's review begins.
ASSIGN_STATES = (
    State.DRAFT,
    State.DATA_IMPORTED,
    State.SELF_ASSESSMENT,
    State.SUPERVISOR_RATING,
)


@dataclass(frozen=True)
class Assigned:
    """What ``raters_assign`` did: the new assignments, and the pairs it left out."""

    created: list[RaterAssignment]
    existing: int
    themselves: int


def _check_role(cycle: Cycle, role: str) -> str:
    roles = assigned_roles(scheme_of(cycle.scheme_version))
    if role not in roles:
        if not roles:
            raise Invalid(
                _("the scheme of this cycle has no rater role that HR assigns (assigned: true)"),
                field="role",
            )
        raise Invalid(
            _('"%(role)s" is not an assigned rater role of this scheme (%(roles)s)')
            % {"role": role, "roles": ", ".join(roles)},
            field="role",
        )
    return role


def _check_open(cycle: Cycle) -> None:
    if cycle.state not in ASSIGN_STATES:
        raise Conflict(
            _("raters can no longer change: the cycle is %(state)s")
            % {"state": state_label(cycle.state)}
        )


@transaction.atomic
def raters_assign(
    *,
    cycle: Cycle,
    by: User,
    role: str,
    raters: Iterable[AuthUser],
    agents: Iterable[Agent],
) -> Assigned:
    """Assign every rater to every agent in one role (one agent's three peers, or one office
    clerk to a whole team, or a team's agents to each other). A pair already assigned is kept;
    an agent is never their own rater in it (that pair is left out and counted)."""
    require_hr(by, _("assign raters"))
    lock_cycle(cycle)
    _check_open(cycle)
    _check_role(cycle, role)
    people = list(dict.fromkeys(raters))
    targets = list(dict.fromkeys(agents))
    if not people:
        raise Invalid(_("choose at least one rater"), field="raters")
    if not targets:
        raise Invalid(_("choose at least one agent to be rated"), field="agents")
    inactive = [u.username for u in people if not u.is_active]
    if inactive:
        raise Invalid(
            _("these logins are deactivated: %(names)s") % {"names": ", ".join(inactive)},
            field="raters",
        )
    in_cycle = set(cycle.agents.filter(pk__in=[a.pk for a in targets]).values_list("pk", flat=True))
    outside = [a.agent_id for a in targets if a.pk not in in_cycle]
    if outside:
        raise Invalid(
            _("not in this cycle: %(agents)s") % {"agents": ", ".join(outside)}, field="agents"
        )
    taken = set(
        RaterAssignment.objects.filter(
            cycle=cycle, role=role, agent__in=targets, rater__in=people
        ).values_list("agent_id", "rater_id")
    )
    created: list[RaterAssignment] = []
    themselves = 0
    for agent in targets:
        for rater in people:
            if agent.user_id == rater.pk:
                themselves += 1
            elif (agent.pk, rater.pk) not in taken:
                created.append(
                    RaterAssignment.objects.create(
                        cycle=cycle, agent=agent, role=role, rater=rater, created_by=signed_in(by)
                    )
                )
    if not created and not taken:
        raise Invalid(_("an agent cannot be their own rater"), field="raters")
    for a in created:
        audit_record(
            by=by,
            action="rater.assign",
            obj=a,
            after={"agent": a.agent.agent_id, "role": role, "rater": a.rater.username},
            cycle_id=cycle.pk,
        )
    return Assigned(created, len(taken), themselves)


def assignment_targets(
    *, cycle: Cycle, agent_ids: Iterable[str] = (), team_id: int | None = None
) -> list[Agent]:
    """The cycle's agents an assignment is for: the ones named, and every one of a team."""
    ids = [a.strip() for a in agent_ids if a.strip()]
    found = {a.agent_id: a for a in cycle.agents.filter(agent_id__in=ids).select_related("user")}
    unknown = [a for a in ids if a not in found]
    if unknown:
        raise Invalid(
            _("not in this cycle: %(agents)s") % {"agents": ", ".join(unknown)}, field="agents"
        )
    out = [found[a] for a in ids]
    if team_id is not None:
        team = list(cycle.agents.filter(team_id=team_id).select_related("user"))
        if not team:
            raise Invalid(_("no agent of this team is in the cycle"), field="team")
        out.extend(team)
    return sorted(set(out), key=lambda a: a.agent_id)


def mutual_raters(agents: Iterable[Agent]) -> list[AuthUser]:
    """A team rating each other: the logins of the agents themselves (互评)."""
    raters = [a.user for a in agents if a.user is not None and a.user.is_active]
    if not raters:
        raise Invalid(_("none of these agents has a login to rate with"), field="raters")
    return raters


@transaction.atomic
def rater_unassign(*, assignment: RaterAssignment, by: User) -> None:
    """Take an assignment back; the ratings it gave go with it (the results become stale)."""
    require_hr(by, _("remove a rater"))
    cycle = lock_cycle(assignment.cycle)
    _check_open(cycle)
    given = assignment.ratings.count()
    audit_record(
        by=by,
        action="rater.unassign",
        obj=assignment,
        before={
            "agent": assignment.agent.agent_id,
            "role": assignment.role,
            "rater": assignment.rater.username,
            "ratings": given,
        },
        cycle_id=cycle.pk,
    )
    assignment.delete()
    if given:
        mark_inputs_changed(cycle)


# --- reads --------------------------------------------------------------------------------


def assignment_list(*, user: User, cycle: Cycle) -> QuerySet[RaterAssignment]:
    """A cycle's assignments: every one for HR, the person's own for anyone else."""
    qs = RaterAssignment.objects.filter(cycle=cycle).select_related("agent", "agent__team", "rater")
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs.annotate(given=Count("ratings"))
    return qs.filter(rater_id=user.pk).annotate(given=Count("ratings"))


def assignment_list_mine(*, user: User) -> QuerySet[RaterAssignment]:
    """The person's assignments in cycles not closed, newest period first."""
    if not user.is_authenticated:
        return RaterAssignment.objects.none()
    return (
        RaterAssignment.objects.filter(rater_id=user.pk)
        .exclude(cycle__state=State.CLOSED)
        .select_related("cycle", "cycle__scheme_version", "agent", "agent__team")
        .annotate(given=Count("ratings"))
        .order_by("-cycle__period", "cycle__name", "agent__agent_id", "role")
    )


def assignment_get(*, user: User, pk: int) -> RaterAssignment:
    """One assignment, for its rater or HR; 404 for anyone else."""
    cond = Q(pk=pk)
    if not is_hr(user):
        if not user.is_authenticated:
            raise NotFound(_("no such rating assignment"))
        cond &= Q(rater_id=user.pk)
    found = (
        RaterAssignment.objects.filter(cond)
        .select_related("cycle", "cycle__scheme_version", "agent", "agent__team", "rater")
        .first()
    )
    if found is None:
        raise NotFound(_("no such rating assignment"))
    return found


def assignment_open(assignment: RaterAssignment) -> bool:
    return assignment.cycle.state in ASSIGNED_RATING_STATES


def role_name(assignment: RaterAssignment) -> str:
    """The role as the scheme names it (同事互评), else its id."""
    roles = assigned_roles(scheme_of(assignment.cycle.scheme_version))
    return roles.get(assignment.role, assignment.role)


def assignment_indicators(assignment: RaterAssignment) -> dict[str, str]:
    """Indicator id -> name of what this rater rates."""
    return role_indicators(scheme_of(assignment.cycle.scheme_version), assignment.role)


def assignments_to_rate(*, user: User) -> list[tuple[RaterAssignment, int]]:
    """The person's open assignments with indicators still to rate: (assignment, how many)."""
    out = []
    rows = assignment_list_mine(user=user).filter(cycle__state__in=ASSIGNED_RATING_STATES)
    for a in rows:
        left = len(assignment_indicators(a)) - a.given  # type: ignore[attr-defined]
        if left > 0:
            out.append((a, left))
    return out
