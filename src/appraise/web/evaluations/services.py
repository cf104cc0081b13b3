"""Entering ratings: self-assessment by the agent, ratings by the direct supervisor, ratings
by the raters HR assigned (peers, another department), and HR's correction of an input after
an upheld appeal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from appraise.inputs.values import fold
from appraise.schemes.model import LevelsRule, RatedRule
from appraise.schemes.validate import all_indicators
from appraise.web.audit.services import audit_record
from appraise.web.cycles.models import Cycle, State
from appraise.web.cycles.scoring import SELF, assigned_roles, rater_roles, role_indicators
from appraise.web.cycles.services import (
    AFTER_PUBLICATION,
    BEFORE_PUBLICATION,
    lock_cycle,
    mark_inputs_changed,
    state_label,
)
from appraise.web.errors import Conflict, Invalid, NotFound, Stale
from appraise.web.evaluations.models import RaterAssignment, Rating
from appraise.web.org.models import Agent
from appraise.web.permissions import (
    User,
    can_see_agent,
    is_direct_supervisor,
    is_hr,
    is_self,
    require,
    signed_in,
)
from appraise.web.schemes.services import scheme_of


def _check_value(cycle: Cycle, indicator: str, value: str) -> str:
    scheme = scheme_of(cycle.scheme_version)
    node = next((n for n, _ in all_indicators(scheme) if n.id == indicator), None)
    if node is None or not isinstance(node.rule, RatedRule | LevelsRule):
        raise Invalid(
            _('"%(indicator)s" is not a rated indicator of %(scheme)s')
            % {"indicator": indicator, "scheme": scheme.id}
        )
    text = value.strip()
    if isinstance(node.rule, LevelsRule):
        names = [lv.name for lv in node.rule.levels]
        if text not in names and not any(text in lv.aliases for lv in node.rule.levels):
            raise Invalid(
                _('"%(indicator)s" takes one of %(levels)s, not "%(value)s"')
                % {"indicator": node.name, "levels": "/".join(names), "value": text}
            )
        return text
    # Full-width digits (a Chinese input method's １２) are the same number, stored as 12.
    text = fold(text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid(
            _('"%(indicator)s" takes a number, not "%(value)s"')
            % {"indicator": node.name, "value": text}
        ) from None
    if not number.is_finite() or not node.rule.min <= number <= node.rule.max:
        raise Invalid(
            _('"%(indicator)s" is rated %(min)s..%(max)s; %(value)s is outside')
            % {"indicator": node.name, "min": node.rule.min, "max": node.rule.max, "value": text}
        )
    return text


def _appeal_allows(cycle: Cycle, agent: Agent) -> bool:
    from appraise.web.appeals.models import Appeal, AppealState

    return Appeal.objects.filter(cycle=cycle, agent=agent, state=AppealState.UPHELD).exists()


def _reassessing(cycle: Cycle, agent: Agent) -> bool:
    from appraise.web.interviews.models import GapFlag, GapStatus

    return GapFlag.objects.filter(cycle=cycle, agent=agent, status=GapStatus.REASSESS).exists()


# Assigned raters rate while the agents and their supervisors do.
ASSIGNED_RATING_STATES = (State.SELF_ASSESSMENT, State.SUPERVISOR_RATING)


@transaction.atomic
def rating_set(
    *,
    cycle: Cycle,
    agent: Agent,
    indicator: str,
    role: str,
    value: str,
    by: User,
    note: str = "",
    seen: Seen | None = None,
    assignment: RaterAssignment | None = None,
) -> Rating:
    """Enter or change one rating.

    ``seen`` is what the person was shown: the rating's version (0 when there was none) and,
    from a form, the value in the cell. When someone saved the rating since, a cell the person
    left as shown keeps the newer value (merged: nothing is written), and a changed cell is
    refused with who changed it to what, so that nobody's save silently undoes another's.
    Without ``seen`` (an API call that names no version) the later save wins, as before.

    - ``self``: the agent, during self-assessment, or later when the supervisor asked for a
      re-assessment because of a grade gap;
    - any other rater role of the scheme: the agent's direct supervisor, during supervisor
      rating (or HR on their behalf);
    - an assigned role (``assigned: true``): only through its ``assignment``, by the rater HR
      assigned, in self-assessment or supervisor rating;
    - after publication: HR only, and only for an agent with an upheld appeal; re-score next.
    """
    if assignment is not None:
        return _assigned_rating_set(
            assignment=assignment, indicator=indicator, value=value, by=by, note=note, seen=seen
        )
    if not can_see_agent(by, agent) or not cycle.agents.filter(pk=agent.pk).exists():
        raise NotFound(_("no agent %(agent_id)s in this cycle") % {"agent_id": agent.agent_id})
    lock_cycle(cycle)
    roles = rater_roles(scheme_of(cycle.scheme_version))
    if role not in roles:
        raise Invalid(
            _('"%(role)s" is not a rater role of this scheme (%(roles)s)')
            % {"role": role, "roles": ", ".join(roles)}
        )
    assigned = assigned_roles(scheme_of(cycle.scheme_version))
    if role in assigned:
        raise Invalid(
            _('"%(role)s" ratings are entered by the raters HR assigns to each agent')
            % {"role": assigned[role]},
            field="role",
        )
    if cycle.state in AFTER_PUBLICATION:
        _require_correction(cycle, agent, by)
    elif role == SELF:
        require(is_self(by, agent), _("only the agent enters their self-assessment"))
        if cycle.state != State.SELF_ASSESSMENT and not (
            cycle.state == State.SUPERVISOR_RATING and _reassessing(cycle, agent)
        ):
            raise Conflict(
                _("self-assessment is not open (the cycle is %(state)s)")
                % {"state": state_label(cycle.state)}
            )
    else:
        require(
            is_direct_supervisor(by, agent) or is_hr(by),
            _("only the agent's direct supervisor or HR enters this rating"),
        )
        if cycle.state != State.SUPERVISOR_RATING:
            raise Conflict(
                _("supervisor rating is not open (the cycle is %(state)s)")
                % {"state": state_label(cycle.state)}
            )
    if cycle.state not in (*BEFORE_PUBLICATION, *AFTER_PUBLICATION):
        raise Conflict(
            _("ratings cannot change while the cycle is %(state)s")
            % {"state": state_label(cycle.state)}
        )
    text = _check_value(cycle, indicator, value)
    rating = Rating.objects.filter(
        cycle=cycle, agent=agent, indicator=indicator, role=role, assignment=None
    ).first()
    return _save(cycle, agent, indicator, role, text, rating, by, note, seen, None)


def _require_correction(cycle: Cycle, agent: Agent, by: User) -> None:
    require(is_hr(by), _("after publication only HR may change an input"))
    if not _appeal_allows(cycle, agent):
        raise Conflict(
            _("published inputs change only after an upheld appeal"),
            code="no_upheld_appeal",
        )


def _assigned_rating_set(
    *,
    assignment: RaterAssignment,
    indicator: str,
    value: str,
    by: User,
    note: str,
    seen: Seen | None,
) -> Rating:
    """A rating of an assigned role: one row per assignment and indicator."""
    cycle, agent = assignment.cycle, assignment.agent
    mine = by.is_authenticated and assignment.rater_id == by.pk
    if not (mine or is_hr(by)):
        raise NotFound(_("no such rating assignment"))
    lock_cycle(cycle)
    if cycle.state in AFTER_PUBLICATION:
        _require_correction(cycle, agent, by)
    else:
        require(mine, _("only the rater HR assigned enters this rating"))
        if cycle.state not in ASSIGNED_RATING_STATES:
            raise Conflict(
                _("rating is not open (the cycle is %(state)s)")
                % {"state": state_label(cycle.state)}
            )
    scheme = scheme_of(cycle.scheme_version)
    if indicator not in role_indicators(scheme, assignment.role):
        raise Invalid(
            _('"%(indicator)s" is not rated by %(role)s')
            % {"indicator": indicator, "role": assignment.role}
        )
    text = _check_value(cycle, indicator, value)
    rating = Rating.objects.filter(assignment=assignment, indicator=indicator).first()
    return _save(cycle, agent, indicator, assignment.role, text, rating, by, note, seen, assignment)


def _save(
    cycle: Cycle,
    agent: Agent,
    indicator: str,
    role: str,
    text: str,
    rating: Rating | None,
    by: User,
    note: str,
    seen: Seen | None,
    assignment: RaterAssignment | None,
) -> Rating:
    current = 0 if rating is None else rating.version
    if seen is not None and seen.version != current:
        if rating is not None and text in (rating.value, seen.value):
            return rating  # the newer save stands: this person changed nothing in it
        raise _stale(rating, text)
    if rating is not None and rating.value == text and rating.note == note:
        return rating  # nothing changes: no new version, no audit entry, results stay current
    before = None if rating is None else {"value": rating.value, "rater": _name(rating)}
    if rating is None:
        rating = Rating(
            cycle=cycle, agent=agent, indicator=indicator, role=role, assignment=assignment
        )
    rating.version = current + 1
    rating.value = text
    rating.note = note
    rating.rater = signed_in(by)
    rating.save()
    mark_inputs_changed(cycle)
    audit_record(
        by=by,
        action="rating.set",
        obj=rating,
        before=before,
        after={"value": text, "rater": _name(rating)},
        cycle_id=cycle.pk,
        note=note,
    )
    return rating


@dataclass(frozen=True)
class Seen:
    """The rating a form or API client was shown: its version (0: none yet) and, from a form,
    the value in the cell (None: unknown, as from the API)."""

    version: int
    value: str | None = None


def _stale(rating: Rating | None, mine: str) -> Stale:
    if rating is None:  # the version seen does not exist (a client's mistake or a deleted row)
        return Stale(_("this rating was changed since you saw it; reload and check"))
    return Stale(
        _(
            "%(rater)s changed this rating to %(value)s at %(at)s, after you opened the page; "
            "your %(mine)s was not saved: check it and save again"
        )
        % {
            "rater": rating_rater_label(rating),
            "value": rating.value,
            "at": localtime(rating.updated_at).strftime("%Y-%m-%d %H:%M"),
            "mine": mine,
        }
    )


def rating_rater_label(rating: Rating) -> str:
    """Who saved the rating, as people read it: the name on their login, else the login."""
    user = rating.rater
    if user is None:
        return _("someone")
    return user.get_full_name() or user.username


def _name(rating: Rating) -> str | None:
    return rating.rater.username if rating.rater else None
