"""The points pages (积分): leaderboards by day, week and month, an agent's ledger, the
supervisor's view of their teams, and HR's runs of a points scheme, manual entries, corrections
and the monthly redemption (a preview, a confirmation, the payout list as CSV or Excel).

Views parse the request, call selectors and services and render; who may see or do what is
decided there: an agent or entry outside the person's view is 404, an HR page asked for by
anyone else 403 (tests/web/points/test_points_pages_permissions.py has a case for every page).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appraise.periods import Period
from appraise.problems import AppraiseError
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles.services import period_kind_label
from appraise.web.errors import Invalid, NotFound
from appraise.web.org.models import Agent, Team
from appraise.web.pages.common import (
    for_field,
    guarded,
    int_or_none,
    page,
    refuse,
    refused_into,
    submitted,
)
from appraise.web.permissions import User, agent_of, is_hr, led_teams, require, require_hr
from appraise.web.points import charts
from appraise.web.points import selectors as sel
from appraise.web.points import services as svc
from appraise.web.points.forms import CorrectForm, EntryForm, RedemptionForm, RunForm
from appraise.web.points.models import Kind, PointsEntry, PointsRun, Redemption, Source
from appraise.web.points.templatetags.points_format import yuan
from appraise.web.schemes.selectors import scheme_version_get
from appraise.web.schemes.services import scheme_of
from appraise.web.uploads import upload_limited

ENTRIES_PER_PAGE = 50


def tabs(user: User) -> list[dict[str, str]]:
    """The points pages a person's roles lead to (the second row of navigation)."""
    out: list[dict[str, str]] = []
    if agent_of(user) is not None:
        out.append({"url": "/points/me/", "label": _("My points")})
    if is_hr(user) or led_teams(user).exists():
        out.append({"url": "/points/boards/", "label": _("Leaderboards")})
        out.append({"url": "/points/teams/", "label": _("Team points")})
    if is_hr(user):
        out.append({"url": "/points/runs/", "label": _("Scheme runs")})
        out.append({"url": "/points/entries/", "label": _("Manual entries")})
        out.append({"url": "/points/redemptions/", "label": _("Redemption")})
    return out


def _page(
    request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200
) -> HttpResponse:
    return page(request, template, {"tabs": tabs(request.user), **ctx}, status=status)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(_("%(text)s is not a day (2026-05-31)") % {"text": repr(text)}) from None


def _month(text: str | None, fallback: date) -> Period:
    if not text:
        return Period.containing(fallback, "month")
    try:
        p = Period.parse(text)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if p.kind != "month":
        raise Invalid(_("%(text)s is not a month (2026-05)") % {"text": repr(text)})
    return p


def _today() -> date:
    return timezone.localdate()


def _team(user: User, raw: str | None) -> Team | None:
    pk = int_or_none(raw)
    return None if pk is None else sel.team_get_for_board(user=user, pk=pk)


def _board_teams(user: User) -> list[Team]:
    return list(Team.objects.order_by("name") if is_hr(user) else led_teams(user).order_by("name"))


# --- where the link in the navigation goes ------------------------------------------------------


@guarded
def points_home(request: HttpRequest) -> HttpResponse:
    """Supervisors and HR open on the leaderboards, an agent on their own ledger."""
    user = request.user
    if is_hr(user) or led_teams(user).exists():
        return HttpResponseRedirect("/points/boards/")
    require(agent_of(user) is not None, _("points are for agents, their supervisors and HR"))
    return HttpResponseRedirect("/points/me/")


# --- an agent's ledger --------------------------------------------------------------------------


def _source(e: PointsEntry, names: dict[str, dict[str, str]]) -> str:
    if e.source == Source.SCHEME:
        if e.scheme_id not in names:
            names[e.scheme_id] = sel.indicator_names(e.scheme_id)
        name = names[e.scheme_id].get(e.indicator, e.indicator)
        return f"{e.scheme_id} · {name}"
    if e.source == Source.REDEMPTION:
        return _("redemption %(month)s") % {"month": e.period}
    who = e.created_by.get_username() if e.created_by else "—"
    return _("entered by %(who)s") % {"who": who}


def ledger_context(user: User, points: sel.AgentPoints, page_number: str | None) -> dict[str, Any]:
    agent = points.agent
    entries = Paginator(sel.entry_list(user=user, agent=agent), ENTRIES_PER_PAGE)
    shown = entries.get_page(page_number)
    running = sel.running_balances(agent)
    undone = sel.reversed_entries([e.pk for e in shown])
    hr = is_hr(user)
    names: dict[str, dict[str, str]] = {}
    rows = [
        {
            "entry": e,
            "source": _source(e, names),
            "balance": running.get(e.pk),
            "reversed": e.pk in undone,
            "correctable": hr
            and e.source != Source.REDEMPTION
            and e.kind != Kind.REVERSAL
            and e.pk not in undone,
        }
        for e in shown
    ]
    days = sel.balance_by_day(agent)
    ladder = sel.current_ladder()
    return {
        "agent": agent,
        "points": points,
        "rows": rows,
        "entries": shown,
        "payouts": [
            {"payout": p, "rate": p.redemption.rate.normalize()}
            for p in sorted(points.payouts, key=lambda p: p.month, reverse=True)
        ],
        "ladder": [{"name": r.name, "range": str(r.range)} for r in ladder.rungs],
        "chart": charts.ledger_option(
            [(d.on, d.balance, d.earned) for d in days], _("Balance"), _("Accumulated points")
        )
        if days
        else None,
        "is_hr": hr,
    }


@guarded
def my_ledger(request: HttpRequest) -> HttpResponse:
    mine = sel.my_points(user=request.user)
    ctx = ledger_context(request.user, mine, request.GET.get("page"))
    return _page(request, "points/ledger.html", {**ctx, "own": True})


@guarded
def agent_ledger(request: HttpRequest, agent_id: str) -> HttpResponse:
    theirs = sel.agent_points_get(user=request.user, agent_id=agent_id)
    ctx = ledger_context(request.user, theirs, request.GET.get("page"))
    own = theirs.agent.user_id is not None and theirs.agent.user_id == request.user.pk
    return _page(request, "points/ledger.html", {**ctx, "own": own})


# --- leaderboards -------------------------------------------------------------------------------

BOARD_TITLES = {
    "day": gettext_lazy("Day board"),
    "week": gettext_lazy("Week board"),
    "month": gettext_lazy("Month board"),
}


@guarded
def boards(request: HttpRequest) -> HttpResponse:
    """The day's, the week's and the month's points around one day, ranked with shared places
    (1, 2, 2, 4); each total split by the indicator that gave it."""
    user = request.user
    on = _day(request.GET.get("on")) or sel.last_entry_day(user=user) or _today()
    team = _team(user, request.GET.get("team"))
    shown: list[dict[str, Any]] = []
    for kind, title in BOARD_TITLES.items():
        board = sel.leaderboard(user=user, kind=kind, period=on, team=team)
        parts = sel.board_parts(board)
        shown.append(
            {
                "kind": kind,
                "title": title,
                "board": board,
                "rows": [{"row": r, "parts": parts.get(r.agent.pk, [])} for r in board.rows],
            }
        )
    month: sel.Leaderboard = shown[-1]["board"]
    return _page(
        request,
        "points/boards.html",
        {
            "on": on,
            "previous": on - timedelta(days=1),
            "next": on + timedelta(days=1),
            "team": team,
            "teams": _board_teams(user),
            "boards": shown,
            "chart": charts.board_option([(r.agent.name, r.points) for r in month.rows])
            if month.rows
            else None,
        },
    )


# --- the supervisor's teams ---------------------------------------------------------------------


@guarded
def teams(request: HttpRequest) -> HttpResponse:
    """Every agent of the person's teams: this month's points, balance, accumulated points and
    level, and how many agents stand on each rung of the ladder."""
    user = request.user
    month = _month(request.GET.get("month"), sel.last_entry_day(user=user) or _today())
    team = _team(user, request.GET.get("team"))
    rows = sel.team_points(user=user, month=month, team=team)
    ladder = sel.current_ladder()
    counts = {r.name: 0 for r in reversed(ladder.rungs)}
    nobody = ladder.default or _("no level yet")
    counts = {nobody: 0, **counts}
    for r in rows:
        counts[r.level.level or nobody] = counts.get(r.level.level or nobody, 0) + 1
    groups: dict[str, list[sel.TeamRow]] = {}
    for r in rows:
        groups.setdefault(r.agent.team.name if r.agent.team else "—", []).append(r)
    return _page(
        request,
        "points/teams.html",
        {
            "month": month,
            "previous": month.previous(),
            "next": month.shift(1),
            "team": team,
            "teams": _board_teams(user),
            "groups": [
                {
                    "name": name,
                    "rows": members,
                    "month_points": sum((m.month_points for m in members), Decimal(0)),
                }
                for name, members in groups.items()
            ],
            "chart": charts.levels_option(list(counts.items()), _("Agents")) if rows else None,
        },
    )


# --- HR: runs of a points scheme ----------------------------------------------------------------


def _version_choices(user: User) -> list[tuple[int, str]]:
    return [
        (
            v.pk,
            f"{v.scheme_id} v{v.version} · {scheme_of(v).name}"
            f" ({period_kind_label(scheme_of(v).period)})",
        )
        for v in sel.points_scheme_versions(user=user)
    ]


def _cycle_choices(user: User) -> list[tuple[int, str]]:
    return [
        (c.pk, f"{c.period} · {c.name} ({c.scheme_version.scheme_id})")
        for c in cycle_sel.cycle_list(user=user)
        .select_related("scheme_version")
        .order_by("-period", "-id")
    ]


def _run_files(request: HttpRequest, form: RunForm) -> dict[str, bytes]:
    """The cycle's stored files, then the uploads (an upload replaces a file of its name)."""
    files: dict[str, bytes] = {}
    cycle_pk = form.cleaned_data.get("cycle")
    if cycle_pk is not None:
        cycle = cycle_sel.cycle_get(user=request.user, pk=cycle_pk)
        for f in cycle.files.all():
            files[f.name] = bytes(f.content)
    prefix = "events/" if form.cleaned_data.get("events") else ""
    for upload in request.FILES.getlist("files"):
        files[prefix + (upload.name or "upload.csv")] = upload.read()
    if not files:
        raise Invalid(
            _("upload the input files, or choose a cycle whose files to use"), field="cycle"
        )
    return files


def _run_form(request: HttpRequest) -> RunForm:
    user = request.user
    return RunForm(
        request.POST or None,
        versions=_version_choices(user),
        cycles=_cycle_choices(user),
        initial={"period": (sel.last_entry_day(user=user) or _today()).isoformat()},
    )


def _runs_page(request: HttpRequest, form: RunForm | None = None) -> HttpResponse:
    """The runs page; after a refused run, its form as it was sent with the reasons beside the
    fields (the files are chosen again: a browser never fills a file field)."""
    user = request.user
    require_hr(user, _("run points schemes"))
    form = form if form is not None else _run_form(request)
    # An aggregate drops the model's ordering: newest first, said again.
    listed = sel.run_list(user=user).annotate(n=Count("entries")).order_by("-created_at", "-id")
    listed = listed[:100]
    return _page(
        request,
        "points/runs.html",
        {"form": refused_into(request, form, "run", shown=("files",)), "runs": listed},
    )


@guarded(form="run", page=_runs_page)
@upload_limited
def runs(request: HttpRequest) -> HttpResponse:
    """HR scores a points scheme for one period; only what changed since the period's last run
    is written (the same inputs again write nothing)."""
    user = request.user
    require_hr(user, _("run points schemes"))
    form = _run_form(request)
    if request.method == "POST" and form.is_valid():
        version = scheme_version_get(user=user, pk=form.cleaned_data["scheme_version"])
        files = _run_files(request, form)
        # What is wrong in a file is said beside the file input, naming the file and row.
        with for_field("files"):
            outcome = svc.points_run_period(
                scheme_version=version,
                period=form.cleaned_data["period"].strip(),
                by=user,
                files=files,
            )
        for w in outcome.warnings[:10]:
            messages.warning(request, f"{w.place}: {w.message}" if w.where else str(w.message))
        what = {"scheme": version.scheme_id, "period": form.cleaned_data["period"].strip()}
        if outcome.changed and outcome.run is not None:
            messages.success(
                request,
                _("%(scheme)s %(period)s: %(n)d entries written.")
                % {**what, "n": len(outcome.entries)},
            )
            return HttpResponseRedirect(f"/points/runs/{outcome.run.pk}/")
        if outcome.run is not None:
            text = _(
                "%(scheme)s %(period)s: nothing changed; the ledger already holds these points."
            )
        else:
            text = _("%(scheme)s %(period)s: nobody earned or lost points; nothing was written.")
        messages.info(request, text % what)
        return HttpResponseRedirect("/points/runs/")
    return _runs_page(request, form)


@guarded
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found: PointsRun | None = sel.run_list(user=request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("no points run %(pk)s") % {"pk": pk})
    names = sel.indicator_names(found.scheme_id)
    entries = found.entries.select_related("agent", "corrects").order_by(
        "agent__agent_id", "indicator", "id"
    )
    # The totals are kept by agent id; the page names each agent, as the entries beside it do.
    agents = dict(Agent.objects.filter(agent_id__in=found.totals).values_list("agent_id", "name"))
    return _page(
        request,
        "points/run.html",
        {
            "run": found,
            "scheme_name": scheme_of(found.scheme_version).name,
            "rows": [
                {"entry": e, "indicator": names.get(e.indicator, e.indicator)} for e in entries
            ],
            "totals": [
                (agent_id, agents.get(agent_id, ""), total)
                for agent_id, total in sorted(found.totals.items())
            ],
        },
    )


# --- HR: manual entries and corrections ---------------------------------------------------------


@guarded(form="entry")
def entries(request: HttpRequest) -> HttpResponse:
    """HR adds points by hand (an opening balance, an award outside the schemes); the list shows
    the manual entries and every correction, newest first."""
    user = request.user
    require_hr(user, _("add points by hand"))
    agents = Agent.objects.order_by("agent_id")
    form = EntryForm(request.POST or None, agents=agents, initial={"on": _today()})
    if submitted(request) and form.is_valid():
        d = form.cleaned_data
        entry = svc.points_entry_add(
            agent=d["agent"], points=d["points"], on=d["on"], reason=d["reason"], by=user
        )
        messages.success(
            request,
            _("%(points)s points written for %(agent)s (entry #%(pk)d).")
            % {"points": entry.points, "agent": entry.agent.name, "pk": entry.pk},
        )
        return HttpResponseRedirect("/points/entries/")
    listed = sel.entry_list(user=user).filter(
        Q(source=Source.MANUAL) | Q(kind__in=(Kind.REVERSAL, Kind.CORRECTION))
    )
    return _page(
        request,
        "points/entries.html",
        {"form": refused_into(request, form, "entry"), "entries": listed[:200]},
    )


@guarded(form="correct")
def correct_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """HR corrects an entry: a reversal and the right value, both pointing at it; the entry itself
    is never changed."""
    user = request.user
    entry = sel.entry_get(user=user, pk=pk)
    require_hr(user, _("correct points"))
    form = CorrectForm(request.POST or None, initial={"points": entry.points})
    if submitted(request) and form.is_valid():
        written = svc.points_entry_correct(
            entry=entry,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=user,
        )
        messages.success(
            request,
            _("Entry #%(pk)d corrected: %(n)d new entries.") % {"pk": entry.pk, "n": len(written)},
        )
        return HttpResponseRedirect(f"/points/agents/{entry.agent.agent_id}/")
    return _page(
        request,
        "points/correct.html",
        {
            "entry": entry,
            "indicator": sel.indicator_names(entry.scheme_id).get(entry.indicator, entry.indicator)
            if entry.scheme_id
            else "",
            "history": sel.entry_history(entry),
            "form": refused_into(request, form, "correct"),
        },
    )


# --- HR: the monthly redemption -----------------------------------------------------------------


def _redemption_form(user: User, data: Any = None) -> RedemptionForm:
    last = sel.last_entry_day(user=user) or _today()
    return RedemptionForm(
        data,
        versions=_version_choices(user),
        initial={"month": str(Period.containing(last, "month"))},
    )


def _redemption_list(user: User) -> list[dict[str, Any]]:
    listed = sel.redemption_list(user=user).annotate(
        n=Count("payouts"), amount=Sum("payouts__amount")
    )
    return [
        {
            "redemption": r,
            "payouts": r.n,
            "amount": (r.amount or Decimal(0)).quantize(Decimal("0.01")),
            "rate": r.rate.normalize(),
        }
        for r in listed.select_related("created_by").order_by("-month")
    ]


def _redemption_page(request: HttpRequest, form: RedemptionForm) -> HttpResponse:
    """The redemption page with ``form``; a refused preview or confirmation (its figures kept,
    the reasons beside the fields) is drawn with 200, as every refused form of the pages."""
    return _page(
        request,
        "points/redemptions.html",
        {
            "form": refused_into(request, form, "redemption"),
            "redemptions": _redemption_list(request.user),
        },
    )


@guarded
def redemptions(request: HttpRequest) -> HttpResponse:
    require_hr(request.user, _("run the redemption"))
    data = request.POST if request.method == "POST" else None
    return _redemption_page(request, _redemption_form(request.user, data))


def _version_or_none(user: User, pk: int | None) -> Any:
    return None if pk is None else scheme_version_get(user=user, pk=pk)


@guarded
def redemption_preview(request: HttpRequest) -> HttpResponse:
    """What the month's redemption would pay, agent by agent, before anything is written; the
    confirm button carries the figures and the plan's digest."""
    user = request.user
    require_hr(user, _("run the redemption"))
    form = _redemption_form(user, request.GET)
    if not form.is_valid():
        return _redemption_page(request, form)
    d = form.cleaned_data
    try:
        plan = svc.redemption_plan(
            month=d["month"],
            this_month_bookings=d["this_month_bookings"],
            last_month_bookings=d["last_month_bookings"],
            by=user,
            scheme_version=_version_or_none(user, d["scheme_version"]),
        )
    except AppraiseError as exc:
        if getattr(exc, "status", 400) in (403, 404):
            raise
        # A GET form: its refusal is drawn at once, beside the field it is about.
        refuse(request, exc, "redemption", data=request.GET)
        return _redemption_page(request, form)
    owing = Agent.objects.select_related("team").in_bulk(list(plan.skipped), field_name="agent_id")
    return _page(
        request,
        "points/redemption_preview.html",
        {
            "plan": plan,
            "skipped": [{"agent": owing[a], "balance": b} for a, b in plan.skipped.items()],
            "rate": plan.terms.rate.normalize(),
            "share_percent": (plan.terms.share * 100).normalize(),
            "fields": {
                "month": str(plan.month),
                "this_month_bookings": d["this_month_bookings"],
                "last_month_bookings": d["last_month_bookings"],
                "scheme_version": d["scheme_version"] or "",
            },
        },
    )


@guarded(form="redemption", page=redemptions)
@require_POST
def redemption_confirm(request: HttpRequest) -> HttpResponse:
    """Pay the previewed redemption once; a month already redeemed pays nothing again."""
    user = request.user
    require_hr(user, _("run the redemption"))
    form = _redemption_form(user, request.POST)
    if not form.is_valid():
        return _redemption_page(request, form)
    d = form.cleaned_data
    outcome = svc.points_redeem_month(
        month=d["month"],
        this_month_bookings=d["this_month_bookings"],
        last_month_bookings=d["last_month_bookings"],
        by=user,
        scheme_version=_version_or_none(user, d["scheme_version"]),
        expect=request.POST.get("digest") or None,
    )
    red = outcome.redemption
    if outcome.created:
        messages.success(
            request,
            _("%(month)s redeemed: %(n)d payouts, %(total)s in all at %(rate)s yuan a point.")
            % {
                "month": red.month,
                "n": len(outcome.payouts),
                "total": yuan(sum((p.amount for p in outcome.payouts), Decimal(0))),
                "rate": red.rate.normalize(),
            },
        )
    else:
        when = timezone.localtime(red.created_at).strftime("%Y-%m-%d %H:%M")
        messages.warning(
            request,
            _("%(month)s was redeemed on %(when)s; nothing was paid again.")
            % {"month": red.month, "when": when},
        )
    return HttpResponseRedirect(f"/points/redemptions/{outcome.redemption.month}/")


@guarded
def redemption_detail(request: HttpRequest, month: str) -> HttpResponse:
    found: Redemption = sel.redemption_get(user=request.user, month=month)
    payouts = sel.payout_list(found)
    return _page(
        request,
        "points/redemption.html",
        {
            "redemption": found,
            "rate": found.rate.normalize(),
            "payouts": payouts,
            "total": sum((p.amount for p in payouts), Decimal("0.00")),
            "points": sum((p.points for p in payouts), Decimal(0)),
        },
    )


@guarded
def redemption_export(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    content, content_type, name = sel.payout_export(user=request.user, month=month, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
