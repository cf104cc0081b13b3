"""The 待办 list: everything waiting for one person, read from the models of the other apps.

Each source is one function over its app's models (no new table): a self-assessment not yet
complete, ratings not yet entered, a team to confirm in the audit, an interview record to sign,
an appeal to answer, a QA dispute to decide, and the follow-ups (a plan due, an interview to
hold, an HR decision). ``cycle_progress`` counts the same things per step for HR.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraise.web.appeals.models import Appeal, AppealState
from appraise.web.cycles.models import STATE_ORDER, Cycle, State
from appraise.web.cycles.scoring import SELF, form_roles, rated_indicators, role_indicators
from appraise.web.evaluations.cache import cached, current_version
from appraise.web.evaluations.models import Rating, Result
from appraise.web.followups.models import FollowUp, ItemState
from appraise.web.followups.selectors import followup_todo
from appraise.web.interviews.models import GapFlag, GapStatus, InterviewRecord
from appraise.web.org.models import Agent, Team
from appraise.web.permissions import (
    User,
    agent_of,
    indirect_team_ids,
    is_hr,
    supervised_team_ids,
)
from appraise.web.schemes.services import scheme_of

# The kinds of to-do, in the order of the month, with their headings.
KINDS: dict[str, Any] = {
    "self_assessment": gettext_lazy("Self-assessment open"),
    "ratings": gettext_lazy("Ratings to enter"),
    "assigned_ratings": gettext_lazy("Colleagues to rate"),
    "confirm_team": gettext_lazy("Team to confirm"),
    "interview_sign": gettext_lazy("Interview to sign"),
    "appeal": gettext_lazy("Appeal to answer"),
    "qa_dispute": gettext_lazy("QA dispute to decide"),
    "followup": gettext_lazy("Follow-ups"),
}


@dataclass(frozen=True)
class Todo:
    kind: str
    title: str
    detail: str
    url: str
    due: date | None = None
    followup: FollowUp | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def _rated(cycle: Cycle) -> set[str]:
    return set(rated_indicators(scheme_of(cycle.scheme_version)))


def self_assessed(cycle: Cycle, agent_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Agent pk -> how many rated indicators they have assessed themselves on."""
    rated = _rated(cycle)
    qs = Rating.objects.filter(cycle=cycle, role=SELF, indicator__in=rated)
    if agent_ids is not None:
        qs = qs.filter(agent_id__in=list(agent_ids))
    counts: dict[int, int] = {}
    for agent_id in qs.values_list("agent_id", flat=True):
        counts[agent_id] = counts.get(agent_id, 0) + 1
    return counts


def ratings_missing(cycle: Cycle, agent_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Agent pk -> rated indicators with no rating yet, from the app or from a file.

    A rating counts when the supervisor (or another rater role) entered it in the app, or when
    the last computation found a value for the indicator (a ratings file gave it).
    """
    scheme = scheme_of(cycle.scheme_version)
    # What the supervisor's form rates: an assigned role's indicators are its raters' to-do.
    rated = {i for role in form_roles(scheme) for i in role_indicators(scheme, role)}
    if not rated:
        return {}
    agents = cycle.agents.all()
    if agent_ids is not None:
        agents = agents.filter(pk__in=list(agent_ids))
    have: dict[int, set[str]] = {pk: set() for pk in agents.values_list("pk", flat=True)}
    entered = Rating.objects.filter(
        cycle=cycle, agent_id__in=have, indicator__in=rated, assignment__isnull=True
    ).exclude(role=SELF)
    for agent_id, indicator in entered.values_list("agent_id", "indicator"):
        have[agent_id].add(indicator)
    results = Result.objects.filter(cycle=cycle, is_current=True, agent_id__in=have)
    for agent_id, data in results.values_list("agent_id", "data"):
        for ind in (data or {}).get("indicators", []):
            if ind.get("id") in rated and ind.get("value") is not None:
                have[agent_id].add(ind["id"])
    return {pk: len(rated - got) for pk, got in have.items() if rated - got}


def _self_assessment(user: User) -> list[Todo]:
    me = agent_of(user)
    if me is None:
        return []
    out = []
    reassess = set(
        GapFlag.objects.filter(agent=me, status=GapStatus.REASSESS).values_list(
            "cycle_id", flat=True
        )
    )
    cycles = me.cycles.filter(
        Q(state=State.SELF_ASSESSMENT) | Q(state=State.SUPERVISOR_RATING, pk__in=reassess)
    ).select_related("scheme_version")
    for cycle in cycles.order_by("period", "pk"):
        of = len(_rated(cycle))
        done = self_assessed(cycle, [me.pk]).get(me.pk, 0)
        if done < of:
            out.append(
                Todo(
                    "self_assessment",
                    f"{cycle.name} · {cycle.period}",
                    _("%(done)d of %(of)d indicators assessed") % {"done": done, "of": of},
                    f"/me/{cycle.pk}/",
                )
            )
    return out


def _ratings(user: User) -> list[Todo]:
    if not user.is_authenticated:
        return []
    teams = sorted(supervised_team_ids(user))
    if not teams:
        return []
    out = []
    cycles = Cycle.objects.filter(state=State.SUPERVISOR_RATING, agents__team_id__in=teams)
    for cycle in cycles.distinct().select_related("scheme_version").order_by("period", "pk"):
        mine = cycle.agents.filter(team_id__in=teams)
        missing = ratings_missing(cycle, mine.values_list("pk", flat=True))
        names = {a.pk: a for a in mine.filter(pk__in=missing)}
        for pk in sorted(missing, key=lambda p: names[p].agent_id):
            agent = names[pk]
            out.append(
                Todo(
                    "ratings",
                    f"{agent.name} {agent.agent_id}",
                    _("%(cycle)s: %(n)d indicators to rate")
                    % {"cycle": cycle.name, "n": missing[pk]},
                    f"/team/{cycle.pk}/rate/{agent.agent_id}/",
                )
            )
    return out


def _assigned_ratings(user: User) -> list[Todo]:
    """What HR assigned the person to rate (peers, another department), while rating is open."""
    from appraise.web.evaluations.raters import assignments_to_rate, role_name

    return [
        Todo(
            "assigned_ratings",
            f"{a.agent.name} {a.agent.agent_id}",
            _("%(cycle)s: %(n)d indicators to rate as %(role)s")
            % {"cycle": a.cycle.name, "n": left, "role": role_name(a)},
            f"/ratings/assigned/{a.pk}/",
        )
        for a, left in assignments_to_rate(user=user)
    ]


def _confirm_team(user: User) -> list[Todo]:
    if not user.is_authenticated:
        return []
    if not indirect_team_ids(user):
        return []
    teams = list(Team.objects.filter(indirect_supervisor=user))
    out = []
    cycles = Cycle.objects.filter(state=State.INDIRECT_AUDIT, agents__team__in=teams).distinct()
    for cycle in cycles.order_by("period", "pk"):
        confirmed = set(cycle.confirmations.values_list("team_id", flat=True))
        in_cycle = set(cycle.agents.values_list("team_id", flat=True))
        for team in teams:
            if team.pk in in_cycle and team.pk not in confirmed:
                out.append(
                    Todo(
                        "confirm_team",
                        team.name,
                        f"{cycle.name} · {cycle.period}",
                        f"/team/?cycle={cycle.pk}",
                    )
                )
    return out


def _interview_sign(user: User) -> list[Todo]:
    me = agent_of(user)
    if me is None:
        return []
    records = InterviewRecord.objects.filter(agent=me, signed_at__isnull=True).select_related(
        "cycle"
    )
    return [
        Todo(
            "interview_sign",
            f"{r.cycle.name} · {r.cycle.period}",
            r.content[:80],
            f"/me/{r.cycle_id}/",
        )
        for r in records.order_by("cycle__period", "pk")
    ]


def _appeals(user: User) -> list[Todo]:
    if not user.is_authenticated:
        return []
    supervised = sorted(supervised_team_ids(user))
    hr = is_hr(user)
    if not supervised and not hr:
        return []
    cond = Q(state=AppealState.WITH_SUPERVISOR, agent__team_id__in=supervised)
    if hr:
        cond |= Q(state__in=(AppealState.WITH_HR, AppealState.UPHELD))
    appeals = Appeal.objects.filter(cond).distinct().select_related("agent", "cycle")
    return [
        Todo(
            "appeal",
            f"#{a.pk} {a.agent.name} {a.agent.agent_id}",
            f"{AppealState(a.state).label} · {a.reasons[:60]}",
            f"/appeals/{a.pk}/",
        )
        for a in appeals.order_by("filed_at", "pk")
    ]


def _qa_disputes(user: User) -> list[Todo]:
    from appraise.web.qa.models import Dispute, DisputeState
    from appraise.web.qa.selectors import is_qa

    if not is_qa(user) or user.pk is None:
        return []
    mine = Q(state=DisputeState.ASSIGNED, second_reviewer_id=user.pk)
    takeable = Q(state=DisputeState.OPEN) & ~Q(review__reviewer_id=user.pk)
    takeable &= ~Q(agent__user_id=user.pk)
    disputes = Dispute.objects.filter(mine | takeable).select_related("agent")
    return [
        Todo(
            "qa_dispute",
            f"#{d.pk} {d.agent.name} {d.agent.agent_id}",
            d.reason[:80],
            f"/qa/disputes/{d.pk}/",
        )
        for d in disputes.order_by("opened_at", "pk")
    ]


def _followups(user: User) -> list[Todo]:
    return [
        Todo(
            "followup",
            f"{f.agent.name} {f.agent.agent_id}",
            f.rule_label,
            f"/followups/{f.pk}/",
            due=f.due_on if f.state == ItemState.OPEN else None,
            followup=f,
        )
        for f in followup_todo(user=user)
    ]


SOURCES: dict[str, Callable[[User], list[Todo]]] = {
    "self_assessment": _self_assessment,
    "ratings": _ratings,
    "assigned_ratings": _assigned_ratings,
    "confirm_team": _confirm_team,
    "interview_sign": _interview_sign,
    "appeal": _appeals,
    "qa_dispute": _qa_disputes,
    "followup": _followups,
}


def todo_list(*, user: User) -> dict[str, list[Todo]]:
    """Kind -> what waits for the person, in the order of ``KINDS``; kinds with nothing left out."""
    grouped = {kind: SOURCES[kind](user) for kind in KINDS}
    return {kind: items for kind, items in grouped.items() if items}


# Kinds counted in the database for the menu's number, one row per to-do: HR's follow-ups of a
# 10,000-agent month are thousands, and every page draws the menu.
COUNTED: dict[str, Callable[[User], int]] = {
    "followup": lambda user: followup_todo(user=user).count(),
}


# The menu's number is kept between requests for this long at most; a change anywhere is seen at
# once (the key holds ``changes_version``), this bounds only what that version cannot see.
COUNT_SECONDS = 300


def todo_count(*, user: User) -> int:
    """How many things wait for the person: ``todo_list``'s length, without building it.

    Every page draws it in the menu, and it asks a dozen queries of seven apps: it is kept in the
    pages' cache per person and per version of everything (``changes_version``, one query: any
    change to what a to-do is read from is audited, so it makes a new key).
    """
    if not user.is_authenticated:
        return 0

    def count() -> int:
        return sum(
            COUNTED[kind](user) if kind in COUNTED else len(SOURCES[kind](user)) for kind in KINDS
        )

    return cached("todo", (user.pk, current_version()), count, timeout=COUNT_SECONDS)


@dataclass(frozen=True)
class Step:
    label: str
    done: int
    of: int

    @property
    def percent(self) -> int:
        return 100 if self.of == 0 else round(100 * self.done / self.of)


def _reached(cycle: Cycle, state: str) -> bool:
    return STATE_ORDER.index(cycle.state) >= STATE_ORDER.index(state)


def cycle_progress(cycle: Cycle) -> list[Step]:
    """How far each step of the cycle has gone, for HR before moving it on (11 of 12 ...)."""
    agents = list(cycle.agents.values_list("pk", flat=True))
    steps: list[Step] = []
    if _reached(cycle, State.SELF_ASSESSMENT):
        of = len(_rated(cycle))
        counts = self_assessed(cycle)
        done = sum(1 for pk in agents if of and counts.get(pk, 0) >= of)
        steps.append(Step(_("Self-assessments done"), done, len(agents)))
    if _reached(cycle, State.SELF_ASSESSMENT) and cycle.assignments.exists():
        # Assigned raters (peers, another department): assignments with every indicator rated.
        scheme = scheme_of(cycle.scheme_version)
        rows = cycle.assignments.annotate(given=Count("ratings")).values_list("role", "given")
        wanted: dict[str, int] = {}
        done = total = 0
        for role, given in rows:
            if role not in wanted:
                wanted[role] = len(role_indicators(scheme, role))
            total += 1
            done += given >= wanted[role]
        steps.append(Step(_("Assigned raters done"), done, total))
    if _reached(cycle, State.SUPERVISOR_RATING):
        missing = ratings_missing(cycle)
        steps.append(Step(_("Agents fully rated"), len(agents) - len(missing), len(agents)))
    if _reached(cycle, State.INDIRECT_AUDIT):
        teams = set(Agent.objects.filter(pk__in=agents).values_list("team_id", flat=True))
        teams.discard(None)
        confirmed = set(cycle.confirmations.values_list("team_id", flat=True))
        steps.append(Step(_("Teams confirmed"), len(teams & confirmed), len(teams)))
    if _reached(cycle, State.PUBLISHED):
        records = InterviewRecord.objects.filter(cycle=cycle)
        steps.append(
            Step(
                _("Interview records signed"),
                records.filter(signed_at__isnull=False).count(),
                records.count(),
            )
        )
        appeals = Appeal.objects.filter(cycle=cycle)
        open_appeals = appeals.filter(
            state__in=(AppealState.WITH_SUPERVISOR, AppealState.WITH_HR, AppealState.UPHELD)
        )
        steps.append(
            Step(_("Appeals settled"), appeals.count() - open_appeals.count(), appeals.count())
        )
        items = FollowUp.objects.filter(cycle=cycle)
        steps.append(
            Step(
                _("Follow-ups done"),
                items.filter(state=ItemState.DONE).count(),
                items.count(),
            )
        )
    return steps
