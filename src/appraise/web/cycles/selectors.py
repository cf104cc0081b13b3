"""Reads of cycles, scoped: HR sees every cycle, others the cycles their agents or they are in."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from appraise.web.cycles.models import Cycle
from appraise.web.errors import NotFound
from appraise.web.org.models import Agent
from appraise.web.permissions import User, agent_of, is_hr, led_team_ids, visible_agents
from appraise.web.schemes.services import scheme_of


def cycle_list(*, user: User) -> QuerySet[Cycle]:
    qs = Cycle.objects.select_related("scheme_version")
    if not user.is_authenticated:
        return qs.none()
    if is_hr(user):
        return qs
    team_ids = sorted(led_team_ids(user))
    me = agent_of(user)
    cond = Q(agents__team_id__in=team_ids)
    if me is not None:
        cond |= Q(agents=me)
    ids = Cycle.objects.filter(cond).values("id")
    return qs.filter(id__in=ids)


def cycle_get(*, user: User, pk: int) -> Cycle:
    found = cycle_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no cycle %(pk)s") % {"pk": pk})
    return found


def cycle_agent_list(*, user: User, cycle: Cycle) -> QuerySet[Agent]:
    """The cycle's agents that the person may see."""
    return cycle.agents.filter(pk__in=visible_agents(user).values("pk")).select_related("team")


def cycle_distribution(*, cycle: Cycle) -> list[dict[str, Any]]:
    """Per grade of the scheme: how many current results have it, and its quota if any.

    Calibration compares ``count`` with ``max`` (a share of the appraised agents).
    """
    from appraise.web.evaluations.models import Result

    scheme = scheme_of(cycle.scheme_version)
    rows = Result.objects.filter(cycle=cycle, is_current=True, eligible=True)
    counts = Counter(rows.values_list("grade", flat=True))
    n = sum(counts.values())
    quotas = {q.grade: q for q in scheme.distribution.quotas} if scheme.distribution else {}
    out = []
    for g in scheme.grades:
        q = quotas.get(g.name)
        out.append(
            {
                "grade": g.name,
                "count": counts.get(g.name, 0),
                "of": n,
                "max_share": None if q is None or q.max is None else float(q.max),
                "share": None if q is None or q.share is None else float(q.share),
            }
        )
    return out
