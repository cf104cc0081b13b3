"""Appeals and data corrections the person may see: their own, their teams', or all for HR."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from appraise.web.appeals.models import Appeal, Correction
from appraise.web.errors import NotFound
from appraise.web.permissions import User, agent_of, is_hr, led_team_ids


def appeal_list(*, user: User, cycle_id: int | None = None) -> QuerySet[Appeal]:
    qs = Appeal.objects.select_related("agent", "cycle", "result", "new_result")
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    team_ids = sorted(led_team_ids(user))
    me = agent_of(user)
    cond = Q(agent__team_id__in=team_ids)
    if me is not None:
        cond |= Q(agent=me)
    return qs.filter(cond)


def appeal_get(*, user: User, pk: int) -> Appeal:
    found = appeal_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no appeal %(pk)s") % {"pk": pk})
    return found


def correction_list(
    *, user: User, cycle_id: int | None = None, agent_id: str | None = None
) -> QuerySet[Correction]:
    """HR's corrections after publication that the person may see: HR every one, a supervisor
    their teams', an agent their own (never another agent's), oldest first."""
    qs = Correction.objects.select_related("agent", "result", "appeal", "by")
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if agent_id is not None:
        qs = qs.filter(agent__agent_id=agent_id)
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    team_ids = sorted(led_team_ids(user))
    me = agent_of(user)
    cond = Q(agent__team_id__in=team_ids)
    if me is not None:
        cond |= Q(agent=me)
    return qs.filter(cond)
