"""Interview records and grade-gap flags the person may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from appraise.web.errors import NotFound
from appraise.web.interviews.models import GapFlag, InterviewRecord
from appraise.web.permissions import User, agent_of, is_hr, led_team_ids


def _scope(user: User) -> Q | None:
    """None: everything (HR)."""
    if is_hr(user):
        return None
    team_ids = sorted(led_team_ids(user))
    me = agent_of(user)
    cond = Q(agent__team_id__in=team_ids)
    if me is not None:
        cond |= Q(agent=me)
    return cond


def interview_list(*, user: User, cycle_id: int | None = None) -> QuerySet[InterviewRecord]:
    qs = InterviewRecord.objects.select_related("agent", "cycle", "supervisor")
    if not user.is_authenticated:
        return qs.none()
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    scope = _scope(user)
    return qs if scope is None else qs.filter(scope)


def interview_get(*, user: User, pk: int) -> InterviewRecord:
    found = interview_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no interview record %(pk)s") % {"pk": pk})
    return found


def gap_flag_list(*, user: User, cycle_id: int | None = None) -> QuerySet[GapFlag]:
    """Flags of the teams the person leads (all for HR); an agent does not see their own."""
    qs = GapFlag.objects.select_related("agent", "cycle")
    if not user.is_authenticated:
        return qs.none()
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if is_hr(user):
        return qs
    return qs.filter(agent__team_id__in=sorted(led_team_ids(user)))


def gap_flag_get(*, user: User, pk: int) -> GapFlag:
    found = gap_flag_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no grade gap %(pk)s") % {"pk": pk})
    return found
