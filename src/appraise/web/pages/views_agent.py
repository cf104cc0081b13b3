"""The agent's pages: my scorecard (and anyone's, for their supervisor and HR), the
self-assessment, signing the interview record and filing an appeal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraise.scoring.text import points_text
from appraise.web.appeals import selectors as appeal_sel
from appraise.web.appeals import services as appeal_svc
from appraise.web.appeals.models import OPEN_STATES
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles.models import Cycle, State
from appraise.web.cycles.scoring import SELF, rated_indicators, rating_hints
from appraise.web.errors import NotFound
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.evaluations.models import Result
from appraise.web.evaluations.services import rating_set
from appraise.web.interviews import selectors as iv_sel
from appraise.web.interviews import services as iv_svc
from appraise.web.interviews.models import GapFlag, GapStatus
from appraise.web.org import selectors as org_sel
from appraise.web.org.models import Agent
from appraise.web.pagecache import kept_page
from appraise.web.pages import charts
from appraise.web.pages.common import back, for_field, guarded, page, refusal_of
from appraise.web.pages.rating_cells import rating_cell, seen_in
from appraise.web.pages.views_corrections import CORRECTABLE
from appraise.web.pages.views_rows import rows_links
from appraise.web.permissions import User, agent_of, is_hr
from appraise.web.schemes.services import scheme_of


def _me(user: User) -> Agent:
    me = agent_of(user)
    if me is None:
        raise NotFound(_("you are not appraised, so you have no scorecard"))
    return me


def _default_cycle(mine: list[Cycle]) -> Cycle | None:
    """The cycle that needs the agent now (self-assessment, appeal window), else the newest."""
    mine = sorted(mine, key=lambda c: (c.period, c.pk), reverse=True)
    for c in mine:
        if c.state in (State.SELF_ASSESSMENT, State.APPEAL_WINDOW):
            return c
    return mine[0] if mine else None


def team_average_heat(cycle: Cycle, agent: Agent) -> list[list[Any]]:
    """The cells (``Result.heat``) of the results the team average is taken over: the agent's
    team, published, current.

    Only the average is shown to the agent, never another person's result.
    """
    if agent.team_id is None:
        return []
    return list(
        Result.objects.filter(
            cycle=cycle, is_current=True, published_at__isnull=False, agent__team_id=agent.team_id
        ).values_list("heat", flat=True)
    )


def trend(results: list[Result]) -> list[charts.TrendLine]:
    """Totals by period, one line per scheme (named as the scheme is), the schemes in the order
    of their first period. Of two cycles of one scheme in one period, the later one is shown."""
    lines: dict[str, dict[str, float | None]] = {}
    names: dict[str, str] = {}
    for r in sorted(results, key=lambda r: (r.cycle.period, r.cycle.pk)):
        version = r.cycle.scheme_version
        names.setdefault(version.scheme_id, version.name)
        lines.setdefault(version.scheme_id, {})[r.cycle.period] = (
            None if r.total is None else float(r.total)
        )
    return [(names[k], sorted(points.items())) for k, points in lines.items()]


def _shown(ind: dict[str, Any], step: Decimal) -> dict[str, Any]:
    """An indicator's score and weighted score as the page shows them: to the scheme's step."""
    return {
        **ind,
        "score": points_text(ind.get("score"), step),
        "weighted": points_text(ind.get("weighted"), step),
    }


def scorecard_context(
    user: User, cycle: Cycle, agent: Agent, result: Result | None
) -> dict[str, Any]:
    """What the scorecard template shows for one agent in one cycle."""
    ctx: dict[str, Any] = {"cycle": cycle, "agent": agent, "result": result}
    if result is not None:
        data = result.read()
        indicators = list(data.get("indicators") or [])
        parents = {i.get("parent") for i in indicators}
        links = rows_links(cycle, agent.agent_id)  # a value read from raw events opens its rows
        from appraise.web.qa.appraisal import qa_evidence

        scheme = scheme_of(cycle.scheme_version)
        qa = qa_evidence(scheme=scheme, period=cycle.period, agent_id=agent.agent_id)
        ctx["indicators"] = [
            {
                **_shown(i, scheme.score_step),
                "is_category": i["id"] in parents,
                "rows_url": links.get(i["id"]),
                "qa": qa.get(i["id"]),
            }
            for i in indicators
        ]
        ctx["adjustments"] = [_shown(i, scheme.score_step) for i in data.get("adjustments") or []]
        ctx["pay_lines"] = [
            {"id": k, "amount": v, "explain": data.get("pay_explain", {}).get(k, "")}
            for k, v in (data.get("pay") or {}).items()
            if k != "total"
        ]
        ctx["consequences"] = data.get("consequences") or []
        ctx["notes"] = data.get("notes") or []
        ctx["calibration"] = data.get("calibration")
        averages = charts.heat_averages(team_average_heat(cycle, agent))
        ctx["weak"] = charts.weak_indicators(data, averages)
        ctx["history"] = list(
            eval_sel.result_history(user=user, cycle=cycle, agent_id=agent.agent_id)
        )
        # HR's corrections of the agent's data in this cycle, newest first: the badge shows
        # the latest one's version and reason, the list every one.
        ctx["corrections"] = list(
            appeal_sel.correction_list(
                user=user, cycle_id=cycle.pk, agent_id=agent.agent_id
            ).order_by("-at", "-id")
        )
    return ctx


@guarded
@kept_page
def my_scorecard(request: HttpRequest, cycle_id: int | None = None) -> HttpResponse:
    me = _me(request.user)
    # The cycles the agent is appraised in, read once: the menu of cycles, the default one, and
    # whether the one asked for is theirs.
    mine = list(cycle_sel.cycle_list(user=request.user).filter(agents=me))
    if cycle_id is None:
        cycle = _default_cycle(mine)
    else:
        cycle = next((c for c in mine if c.pk == cycle_id), None)
        if cycle is None:
            # Not theirs: 404 either way, saying whether the cycle is there for them at all.
            cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
            raise NotFound(_("you are not appraised in cycle %(pk)s") % {"pk": cycle.pk})
    published = list(eval_sel.result_list_mine(user=request.user))
    ctx: dict[str, Any] = {
        "me": me,
        "cycles": mine,
        "trend_chart": charts.trend_option(trend(published), _("My totals by period")),
        "self_view": True,
    }
    if cycle is None:
        return page(request, "pages/scorecard.html", ctx)
    result = next((r for r in published if r.cycle_id == cycle.pk), None)
    if result is not None:
        me = result.agent  # the same agent, read with their team (the page names it)
    ctx.update(scorecard_context(request.user, cycle, me, result))
    scheme = scheme_of(cycle.scheme_version)
    if cycle.state == State.SELF_ASSESSMENT or (
        cycle.state == State.SUPERVISOR_RATING
        and GapFlag.objects.filter(cycle=cycle, agent=me, status=GapStatus.REASSESS).exists()
    ):
        own = {
            r.indicator: r
            for r in eval_sel.rating_list(user=request.user, cycle=cycle, agent=me)
            if r.role == SELF
        }
        refused = refusal_of(request)
        kept = refused if refused is not None and refused.form == "self" else None
        hints = rating_hints(scheme)
        ctx["self_form"] = [
            {
                "id": i,
                "name": name,
                "hint": hints.get(i, ""),
                **rating_cell(f"ind_{i}", own.get(i), kept),
            }
            for i, name in rated_indicators(scheme).items()
        ]
    ctx["interviews"] = iv_sel.interview_list(user=request.user, cycle_id=cycle.pk).filter(agent=me)
    appeals = list(appeal_sel.appeal_list(user=request.user, cycle_id=cycle.pk).filter(agent=me))
    ctx["appeals"] = appeals
    ctx["can_appeal"] = (
        result is not None
        and cycle.state == State.APPEAL_WINDOW
        and (cycle.appeal_deadline is None or timezone.now() <= cycle.appeal_deadline)
        and not any(a.state in OPEN_STATES for a in appeals)
    )
    return page(request, "pages/scorecard.html", ctx)


@guarded
@kept_page
def agent_scorecard(request: HttpRequest, cycle_id: int, agent_id: str) -> HttpResponse:
    """One agent's result as their supervisor or HR sees it (as computed, before publication)."""
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    result = eval_sel.result_get(user=request.user, cycle=cycle, agent_id=agent_id)
    agent = org_sel.agent_get(user=request.user, agent_id=agent_id)
    others = [
        r
        for r in Result.objects.filter(agent=agent, is_current=True)
        .exclude(total=None)
        .select_related("cycle__scheme_version")
        if r.published_at is not None or is_hr(request.user)
    ]
    ctx = scorecard_context(request.user, cycle, agent, result)
    ctx["trend_chart"] = charts.trend_option(trend(others), _("Totals by period"))
    ctx["self_view"] = False
    ctx["can_correct"] = is_hr(request.user) and cycle.state in CORRECTABLE
    return page(request, "pages/scorecard.html", ctx)


@guarded(form="self", page=my_scorecard)
@require_POST
def self_assess(request: HttpRequest, cycle_id: int) -> HttpResponse:
    me = _me(request.user)
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    scheme = scheme_of(cycle.scheme_version)
    n = 0
    # All or nothing: one value out of range leaves the earlier ones as they were.
    with transaction.atomic():
        for indicator in rated_indicators(scheme):
            value = request.POST.get(f"ind_{indicator}", "").strip()
            if value:
                with for_field(f"ind_{indicator}"):
                    rating_set(
                        cycle=cycle,
                        agent=me,
                        indicator=indicator,
                        role=SELF,
                        value=value,
                        by=request.user,
                        note=request.POST.get("note", ""),
                        seen=seen_in(request.POST, f"ind_{indicator}"),
                    )
                n += 1
    messages.success(request, _("Self-assessment saved (%(n)d ratings).") % {"n": n})
    return back(request, f"/me/{cycle.pk}/")


def _interview_page(request: HttpRequest, pk: int) -> HttpResponse:
    return my_scorecard(request, iv_sel.interview_get(user=request.user, pk=pk).cycle_id)


@guarded(form="sign", key=lambda request, pk: pk, page=_interview_page)
@require_POST
def interview_sign(request: HttpRequest, pk: int) -> HttpResponse:
    record = iv_sel.interview_get(user=request.user, pk=pk)
    iv_svc.interview_sign(record=record, by=request.user, comment=request.POST.get("comment", ""))
    messages.success(request, _("Interview record signed."))
    return back(request, f"/me/{record.cycle_id}/")


@guarded(form="appeal", page=my_scorecard)
@require_POST
def appeal_file(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_id)
    with for_field("reasons"):
        appeal_svc.appeal_file(
            cycle=cycle, by=request.user, reasons=request.POST.get("reasons", "")
        )
    messages.success(request, _("Appeal filed; your supervisor answers first."))
    return back(request, f"/me/{cycle.pk}/")
