"""The supervisor's pages: the team dashboard, rating forms, interview records, grade gaps and
the indirect supervisor's confirmation of a team in the audit step."""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.web.appeals import selectors as appeal_sel
from appraise.web.appeals.models import AppealState
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles import services as cycle_svc
from appraise.web.cycles.models import Cycle, State
from appraise.web.cycles.scoring import (
    assigned_roles,
    form_roles,
    rated_indicators,
    rating_hints,
    role_names,
)
from appraise.web.errors import Forbidden
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.evaluations.cache import cached, collector_paused, results_version
from appraise.web.evaluations.heat import results_digest
from appraise.web.evaluations.models import Result
from appraise.web.evaluations.services import rating_set
from appraise.web.evaluations.teamheat import result_cells, stored_team_means
from appraise.web.followups import selectors as followup_sel
from appraise.web.interviews import selectors as iv_sel
from appraise.web.interviews import services as iv_svc
from appraise.web.interviews.models import GapStatus
from appraise.web.org import selectors as org_sel
from appraise.web.pagecache import kept_page
from appraise.web.pages import charts
from appraise.web.pages.common import (
    back,
    for_field,
    guarded,
    int_or_none,
    page,
    refusal_of,
    submitted,
)
from appraise.web.pages.rating_cells import assigned_means, rating_rows, seen_in
from appraise.web.permissions import (
    User,
    is_direct_supervisor,
    is_hr,
    is_indirect_supervisor,
    leads_a_team,
    led_team_ids,
    supervised_team_ids,
)
from appraise.web.schemes.services import scheme_of

# Interviews are written from supervisor rating to the end of the appeal window.
INTERVIEW_STATES = (
    State.SUPERVISOR_RATING,
    State.INDIRECT_AUDIT,
    State.CALIBRATION,
    State.PUBLISHED,
    State.INTERVIEWS,
    State.APPEAL_WINDOW,
)


def _require_leader(user: User) -> None:
    if not (is_hr(user) or leads_a_team(user)):
        raise Forbidden(_("the team dashboard is for supervisors and HR"))


def _pick_cycle(user: User, requested: int | None, cycles: list[Cycle]) -> Cycle | None:
    """The cycle asked for, else the newest; ``cycles`` are the person's (the page's menu)."""
    if requested is not None:
        found = next((c for c in cycles if c.pk == requested), None)
        return found or cycle_sel.cycle_get(user=user, pk=requested)
    return max(cycles, key=lambda c: (c.period, c.pk), default=None)


# Rows of the leaderboard shown at first; a manager over a whole center asks for the rest.
LEADERBOARD_ROWS = 50
# Rows of the flags, gaps and follow-ups shown beside the charts, each with its full count: a
# manager over 10,000 agents would otherwise get thousands of each on one page.
LIST_ROWS = 20
# The open follow-ups at the top of the dashboard: a few, with their count and a link to all of
# them (the to-do list has them too); 20 rows would fill a laptop's screen and push the figures,
# charts and leaderboard below it.
FOLLOWUP_ROWS = 5


ROW_FIELDS = (
    "agent__agent_id",
    "agent__name",
    "agent__team_id",
    "agent__team__name",
    "total",
    "grade",
    "rank",
    "flags",
    # Of each result's indicators nothing: over several teams the heat map draws each team's
    # kept means (``TeamHeat``), which name the results they were taken over by their ids; a
    # supervisor's map of one team reads its agents' cells apart (``_heat_chart``).
    "id",
)
# Where each field sits in a row of ROW_FIELDS.
TEAM_ID, TEAM_NAME, TOTAL, GRADE, FLAGS, ID = 2, 3, 4, 5, 7, 8
# The text of an empty JSON list as both backends give it: most results have no flags.
NO_FLAGS = "[]"


class _Read:
    """Every result in scope as the database gives it (one query), and the rows made of some.

    A cache miss reads every result in scope, 10,000 on a manager's page: the ORM's conversions
    of each (a Decimal for the total, the JSON of its flags) and a dict per row were most of
    the miss's time (docs/deploy.md). The summary wants of most rows a float, a grade, their
    team and id, so the rows stay the driver's tuples (the total a float or int on SQLite, a
    Decimal on PostgreSQL; flags the JSON's text) and only the rows
    shown (the leaderboard's head, the flags' head, the factual-basis list) go through the same
    conversions as ``values_list``, so they are what it would have given.
    """

    def __init__(self, results: QuerySet[Result]) -> None:
        self._compiler = results.values_list(*ROW_FIELDS).query.get_compiler(using=results.db)
        self.raw: list[tuple[Any, ...]] = [
            row for chunk in self._compiler.execute_sql(MULTI) for row in chunk
        ]

    def rows(self, raw: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        """The results as plain rows shaped like ``result.agent.…``, without the heat cells."""
        return [
            {
                "agent": {
                    "agent_id": agent_id,
                    "name": name,
                    "team_id": team_id,
                    "team": {"name": team_name},
                },
                "total": total,
                "grade": grade,
                "rank": rank,
                "flags": flags or [],
            }
            for (
                agent_id,
                name,
                team_id,
                team_name,
                total,
                grade,
                rank,
                flags,
                _id,
            ) in self._compiler.results_iter(results=[raw])
        ]


def _heat_chart(cycle_id: int, raw: list[tuple[Any, ...]]) -> dict[str, Any]:
    """One row per agent for one team; one row per team (its mean) over several teams.

    A team's means are those kept with the results (``TeamHeat``) when they were taken over the
    team's results in scope, in their order (the digest of their ids), else taken from the
    cells again: summed in the order of the results either way (``heat.team_means``). One
    query beside the results in both cases: the teams' kept means, or the one team's cells.
    """
    teams: dict[Any, tuple[str, list[int]]] = {}
    for row in raw:
        team = teams.get(row[TEAM_ID])
        if team is None:
            team = teams[row[TEAM_ID]] = (row[TEAM_NAME], [])
        team[1].append(row[ID])
    if len(teams) > 1:
        means = stored_team_means(
            cycle_id, {team: results_digest(ids) for team, (_name, ids) in teams.items()}
        )
        # By the team's name (a stable sort: two teams of one name stay in the results' order).
        ordered = sorted(teams.items(), key=lambda t: t[1][0])
        return charts.team_means_option(
            means[ordered[0][0]].first,
            [(f"{name} ({len(ids)})", dict(means[team].means)) for team, (name, ids) in ordered],
        )
    if not teams:
        return charts.heat_option([])
    cells = result_cells(next(iter(teams.values()))[1])
    return charts.heat_option(
        [{"label": f"{row[1]} {row[0]}", "heat": cells.get(row[ID]) or []} for row in raw]
    )


def _summary(cycle: Cycle, read: _Read, *, all_rows: bool = False) -> dict[str, Any]:
    """What the dashboard draws from the results alone: the same for everyone who sees them.

    ``all_rows``: every result in the leaderboard, not its first ``LEADERBOARD_ROWS``.
    """
    raw = read.raw
    scheme = scheme_of(cycle.scheme_version)
    grades = [g.name for g in scheme.grades]
    seen = Counter(row[GRADE] for row in raw)
    counts = {g: seen.get(g, 0) for g in grades}
    # float() of the driver's value is float() of the Decimal values_list gives: SQLite keeps a
    # total as the double nearest its four decimals, which Django's converter rounds back to
    # them (15 significant digits), and the float of those is that double again.
    totals = [float(row[TOTAL]) for row in raw if row[TOTAL] is not None]
    consequence_names = {c.id: c.name for c in scheme.consequences}
    flagged_raw: list[tuple[Any, ...]] = []
    flagged_count = 0
    basis_raw: list[tuple[Any, ...]] = []
    # Most flagged results share a few lists of flags: each text is parsed once.
    parsed: dict[str, list[str]] = {NO_FLAGS: []}
    for row in raw:
        text = row[FLAGS]
        if not text:
            continue
        flags = parsed.get(text)
        if flags is None:
            flags = parsed[text] = orjson.loads(text)
        if not flags:
            continue
        if any(f != "requires_basis" for f in flags):
            flagged_count += 1
            if len(flagged_raw) < LIST_ROWS:
                flagged_raw.append(row)
        if "requires_basis" in flags:
            basis_raw.append(row)
    flagged = [
        {
            "result": r,
            "flags": [consequence_names.get(f, f) for f in r["flags"] if f != "requires_basis"],
        }
        for r in read.rows(flagged_raw)
    ]
    heat_chart = _heat_chart(cycle.pk, raw)
    team_ids = {row[TEAM_ID] for row in raw}
    return {
        "results_count": len(raw),
        "team_ids": team_ids,
        # The leaderboard's first rows, without the indicators (kept small in the cache).
        "leaderboard": read.rows(raw if all_rows else raw[:LEADERBOARD_ROWS]),
        "grade_chart": charts.distribution_option(
            [{"grade": g, "count": c, "of": len(raw)} for g, c in counts.items()],
            _("Agents"),
        )
        if grades
        else None,
        "score_chart": charts.histogram_option(totals, _("Agents")),
        "heat_chart": heat_chart,
        "heat_by_team": len(team_ids) > 1,
        # Room for every row, plus the rotated indicator names and the colour scale.
        "heat_height": max(360, 26 * len(heat_chart.get("yAxis", {}).get("data", [])) + 170),
        "flagged_count": flagged_count,
        "flagged": flagged,
        # The agents whose grade needs a factual basis (事实依据); whether it is written is read
        # per request (dashboard_context), not cached with the results.
        "basis_rows": read.rows(basis_raw),
    }


def _summary_paused(cycle: Cycle, visible: QuerySet[Result]) -> dict[str, Any]:
    with collector_paused():
        return _summary(cycle, _Read(visible))


def _head(name: str, rows: Any) -> dict[str, Any]:
    """The first ``LIST_ROWS`` rows as ``name`` and their count as ``name_count``: one query
    unless there are more (each filter over a center's teams costs a scan)."""
    head = list(rows[: LIST_ROWS + 1])
    count = len(head) if len(head) <= LIST_ROWS else rows.count()
    return {name: head[:LIST_ROWS], f"{name}_count": count}


def dashboard_context(user: User, cycle: Cycle, *, all_rows: bool = False) -> dict[str, Any]:
    """Everything the team dashboard shows for one cycle (timed by bench/, so kept lean).

    The part drawn from the results is cached per version of those results
    (``evaluations.cache``); ``all_rows`` (every agent in the leaderboard) reads them afresh.
    """
    hr = is_hr(user)
    led = set(led_team_ids(user)) if not hr else set()
    visible = eval_sel.result_list_team(user=user, cycle=cycle).select_related(None)
    if all_rows:
        with collector_paused():
            summary = _summary(cycle, _Read(visible), all_rows=True)
    else:
        scope: object = "hr" if hr else tuple(sorted(led))
        version = results_version(cycle.pk, visible)
        summary = cached(
            "dashboard",
            (cycle.pk, scope, version),
            lambda: _summary_paused(cycle, visible),
        )
    # Links only to what the person may do: HR and the direct supervisor rate, only the direct
    # supervisor writes the interview record and asks for a re-assessment.
    supervised = set(supervised_team_ids(user))
    rate_teams = summary["team_ids"] | supervised if hr else supervised
    from appraise.web.followups.models import FactualBasis

    # Read only when some grade needs a basis (each query is a share of a small page's time).
    written = (
        set(FactualBasis.objects.filter(cycle=cycle).values_list("agent__agent_id", flat=True))
        if summary["basis_rows"]
        else set()
    )
    needs_basis = [
        {"result": r, "written": r["agent"]["agent_id"] in written} for r in summary["basis_rows"]
    ]
    gaps = iv_sel.gap_flag_list(user=user, cycle_id=cycle.pk).exclude(status=GapStatus.CLEARED)
    followups = _head(
        "followups", followup_sel.followup_list(user=user, cycle_id=cycle.pk, state="open")
    )
    # Read as the other lists (one query unless there are more than LIST_ROWS), shown fewer.
    followups["followups"] = [
        {"item": f, "owner": followup_sel.owner_label(f)}
        for f in followups["followups"][:FOLLOWUP_ROWS]
    ]
    return {
        "cycle": cycle,
        **summary,
        "needs_basis": needs_basis,
        "basis_open": cycle.state in cycle_svc.BEFORE_PUBLICATION,
        **_head("gaps", gaps.order_by("agent__agent_id")),
        "rating_open": cycle.state == State.SUPERVISOR_RATING,
        "rate_teams": rate_teams,
        "interview_teams": supervised,
        "interviews_open": cycle.state in INTERVIEW_STATES,
        "interviews_count": iv_sel.interview_list(user=user, cycle_id=cycle.pk).count(),
        "appeals": list(
            appeal_sel.appeal_list(user=user, cycle_id=cycle.pk).filter(
                state=AppealState.WITH_SUPERVISOR
            )
        ),
        **followups,
        "audit_teams": _audit_teams(user, cycle, hr, led)
        if cycle.state == State.INDIRECT_AUDIT
        else [],
    }


def _audit_teams(user: User, cycle: Cycle, hr: bool, led: set[int]) -> list[dict[str, Any]]:
    """The teams to confirm in the audit step (read only in that step), and which are done."""
    teams = list(cycle_svc.cycle_teams(cycle))
    if not hr:
        teams = [t for t in teams if t.pk in led]
    confirmed = set(cycle.confirmations.values_list("team_id", flat=True))
    return [
        {"team": t, "confirmed": t.pk in confirmed, "mine": is_indirect_supervisor(user, t)}
        for t in teams
    ]


@guarded
@kept_page
def team_dashboard(request: HttpRequest) -> HttpResponse:
    return _team_page(request, int_or_none(request.GET.get("cycle")))


def _team_page(request: HttpRequest, cycle_id: int | None) -> HttpResponse:
    _require_leader(request.user)
    # The person's cycles, read once for the menu and for the one to show.
    cycles = list(cycle_sel.cycle_list(user=request.user))
    cycle = _pick_cycle(request.user, cycle_id, cycles)
    ctx: dict[str, Any] = {"cycles": cycles}
    if cycle is not None:
        ctx.update(dashboard_context(request.user, cycle, all_rows=request.GET.get("all") == "1"))
    return page(request, "pages/team.html", ctx)


def _rating_roles(cycle: Cycle) -> list[str]:
    # Assigned roles (peers, another department) are rated on the raters' own page.
    return form_roles(scheme_of(cycle.scheme_version))


@guarded(form="rate")
def rate_agent(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    """The rating form for one agent: every rated indicator, per rater role, beside the
    agent's self-assessment."""
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    agent = org_sel.agent_get(user=request.user, agent_id=agent_id)
    if not (is_direct_supervisor(request.user, agent) or is_hr(request.user)):
        raise Forbidden(_("only the agent's direct supervisor or HR rates them"))
    scheme = scheme_of(cycle.scheme_version)
    roles = _rating_roles(cycle)
    if submitted(request):
        n = 0
        with transaction.atomic():
            for indicator in rated_indicators(scheme):
                for role in roles:
                    value = request.POST.get(f"ind_{indicator}__{role}", "").strip()
                    if value:
                        field = f"ind_{indicator}__{role}"
                        with for_field(field):
                            rating_set(
                                cycle=cycle,
                                agent=agent,
                                indicator=indicator,
                                role=role,
                                value=value,
                                by=request.user,
                                note=request.POST.get("note", ""),
                                seen=seen_in(request.POST, field),
                            )
                        n += 1
        messages.success(request, _("Ratings saved (%(n)d).") % {"n": n})
        return back(request, f"/team/?cycle={cycle.pk}")
    given = list(eval_sel.rating_list(user=request.user, cycle=cycle, agent=agent))
    names = role_names(scheme)
    columns = {r: names[r] for r in roles}
    rows = rating_rows(rated_indicators(scheme), columns, given, refusal_of(request))
    assigned = assigned_roles(scheme)
    hints = rating_hints(scheme)
    for row in rows:
        row["hint"] = hints.get(row["id"], "")
    for row, means in zip(
        rows, assigned_means(rated_indicators(scheme), assigned, given), strict=True
    ):
        row["assigned"] = means["cells"]
    return page(
        request,
        "pages/rate.html",
        {
            "cycle": cycle,
            "agent": agent,
            "roles": columns,
            "assigned": assigned,
            "rows": rows,
            "open": cycle.state == State.SUPERVISOR_RATING,
        },
    )


@guarded(form="interview")
def interview_write(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    agent = org_sel.agent_get(user=request.user, agent_id=agent_id)
    if not is_direct_supervisor(request.user, agent):
        raise Forbidden(_("only the direct supervisor writes the interview record"))
    record = iv_sel.interview_list(user=request.user, cycle_id=cycle.pk).filter(agent=agent).first()
    if submitted(request):
        with for_field("content"):
            iv_svc.interview_write(
                cycle=cycle,
                agent=agent,
                by=request.user,
                content=request.POST.get("content", ""),
                plan=request.POST.get("plan", ""),
            )
        messages.success(request, _("Interview record saved; the agent can read and sign it."))
        return back(request, f"/team/?cycle={cycle.pk}")
    return page(request, "pages/interview.html", {"cycle": cycle, "agent": agent, "record": record})


def _gap_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_page(request, iv_sel.gap_flag_get(user=request.user, pk=pk).cycle_id)


def _confirm_page(request: HttpRequest, cycle_id: int, team_id: int) -> HttpResponse:
    """The confirmation is on the team dashboard, or on the cycle's page for HR."""
    if request.POST.get("next", "").startswith("/cycles/"):
        from appraise.web.pages.views_cycles import cycle_detail

        return cycle_detail(request, cycle_id)
    return _team_page(request, cycle_id)


@guarded(form="gap", key=lambda request, pk: pk, page=_gap_page)
@require_POST
def gap_reassess(request: HttpRequest, pk: int) -> HttpResponse:
    flag = iv_sel.gap_flag_get(user=request.user, pk=pk)
    iv_svc.gap_request_reassessment(flag=flag, by=request.user)
    messages.success(request, _("The agent may assess themselves again."))
    return back(request, f"/team/?cycle={flag.cycle_id}")


@guarded(form="confirm", key=lambda request, cycle_id, team_id: team_id, page=_confirm_page)
@require_POST
def confirm_team(request: HttpRequest, cycle_id: int, team_id: int) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    team = org_sel.team_get(user=request.user, pk=team_id)
    cycle_svc.cycle_confirm_team(
        cycle=cycle, team=team, by=request.user, note=request.POST.get("note", "")
    )
    messages.success(request, _("Team %(team)s confirmed.") % {"team": team.name})
    return back(request, f"/team/?cycle={cycle.pk}")
