"""Follow-ups the person may see, and the ones waiting for them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from appraise.web.cycles.models import Cycle
from appraise.web.errors import NotFound
from appraise.web.followups.models import OPEN_STATES, FollowUp, ItemState, Kind
from appraise.web.permissions import User, agent_of, is_hr, led_team_ids, supervised_team_ids


def _base() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related(
        "agent", "agent__team", "agent__user", "cycle", "interview", "done_by"
    ).prefetch_related("agent__team__supervisors")


def followup_list(
    *, user: User, cycle_id: int | None = None, state: str | None = None
) -> QuerySet[FollowUp]:
    """HR sees every item; a supervisor their teams' agents' items; an agent their own."""
    qs = _base()
    if not user.is_authenticated:
        return qs.none()
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in ItemState.values:
        qs = qs.filter(state=state)
    if is_hr(user):
        return qs
    team_ids = sorted(led_team_ids(user))
    cond = Q(agent__team_id__in=team_ids)
    me = agent_of(user)
    if me is not None:
        cond |= Q(agent=me)
    return qs.filter(cond)


def followup_get(*, user: User, pk: int) -> FollowUp:
    found = followup_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no follow-up %(pk)s") % {"pk": pk})
    return found


def followup_todo(*, user: User) -> QuerySet[FollowUp]:
    """The items waiting for this person to act, soonest due first.

    The agent writes their plan; the direct supervisor holds the interview (until it is
    written: then the agent's signature is awaited, which the to-do list reads from the
    interview record itself) and accepts a submitted plan; HR decides the HR items.
    """
    if not user.is_authenticated:
        return FollowUp.objects.none()
    cond = Q(pk__in=[])
    me = agent_of(user)
    if me is not None:
        cond |= Q(agent=me, kind=Kind.PLAN, state=ItemState.OPEN)
    supervised = Q(agent__team_id__in=sorted(supervised_team_ids(user)))
    cond |= supervised & Q(kind=Kind.INTERVIEW, state=ItemState.OPEN, interview__isnull=True)
    cond |= supervised & Q(kind=Kind.PLAN, state=ItemState.SUBMITTED)
    if is_hr(user):
        cond |= Q(kind=Kind.HR, state=ItemState.OPEN)
    return _base().filter(cond).distinct().order_by("due_on", "cycle_id", "agent__agent_id", "pk")


def followups_open_for_cycle(cycle: Cycle) -> QuerySet[FollowUp]:
    """The items that keep a cycle from closing (no person: the close service asks)."""
    return _base().filter(cycle=cycle, state__in=OPEN_STATES)


def owner_label(item: FollowUp) -> str:
    """Who acts next on an item, in the request's language."""
    if item.state == ItemState.DONE:
        return ""
    if item.kind == Kind.HR:
        return _("HR")
    agent_turn = (item.kind == Kind.PLAN and item.state == ItemState.OPEN) or (
        item.kind == Kind.INTERVIEW and item.interview_id is not None
    )
    if agent_turn:
        return item.agent.name
    team = item.agent.team
    names = [u.get_full_name() or u.username for u in team.supervisors.all()] if team else []
    return ", ".join(names) or _("the direct supervisor")
