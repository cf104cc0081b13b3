"""Points endpoints under /api/points/ (docs/points.md has the table).

Parse the request, call one selector or service, render. Who may do what is decided in the
selectors and services, never here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from appraise.periods import Period
from appraise.web.api.schema import ERRORS, answers
from appraise.web.errors import Invalid
from appraise.web.org import selectors as org_sel
from appraise.web.points import render
from appraise.web.points import schema as sc
from appraise.web.points import selectors as sel
from appraise.web.points import services as svc
from appraise.web.points.models import Source
from appraise.web.schemes.selectors import scheme_version_get
from appraise.web.uploads import upload_limited


class EntryIn(serializers.Serializer[None]):
    agent_id = serializers.CharField(max_length=64)
    points = serializers.DecimalField(max_digits=12, decimal_places=2)
    on = serializers.DateField()
    reason = serializers.CharField()


class CorrectIn(serializers.Serializer[None]):
    points = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField()


class RunIn(serializers.Serializer[None]):
    scheme_version = serializers.IntegerField()
    period = serializers.CharField(max_length=20)
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class RedemptionFiguresIn(serializers.Serializer[None]):
    """A month's redemption figures: the preview's query and the redemption's body."""

    month = serializers.CharField(max_length=7)
    this_month_bookings = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    last_month_bookings = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    scheme_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class RedeemIn(RedemptionFiguresIn):
    fingerprint = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        default=None,
        help_text="the preview's fingerprint: pay only if the ledger has not moved since",
    )


def _valid(serializer_class: type[serializers.Serializer[None]], data: Any) -> Any:
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit") or "100"
    try:
        return max(1, min(int(raw), 1000))
    except ValueError:
        raise Invalid(_("limit must be a number")) from None


@extend_schema(
    operation_id="points_mine",
    parameters=[OpenApiParameter("limit", int)],
    responses=answers(sc.PointsAgentPointsOut),
)
@api_view(["GET"])
def mine(request: Request) -> Response:
    """The caller's balance, accumulated points, level, latest entries and payouts."""
    return Response(
        render.agent_points_json(sel.my_points(user=request.user, limit=_limit(request)))
    )


@extend_schema(
    operation_id="points_agent",
    parameters=[OpenApiParameter("limit", int)],
    responses=answers(sc.PointsAgentPointsOut),
)
@api_view(["GET"])
def agent(request: Request, agent_id: str) -> Response:
    """One agent's points (their supervisor, HR, or the agent)."""
    got = sel.agent_points_get(user=request.user, agent_id=agent_id, limit=_limit(request))
    return Response(render.agent_points_json(got))


@extend_schema(
    methods=["POST"],
    operation_id="points_entries_create",
    request=EntryIn,
    responses=answers(status=201, ok=sc.PointsEntryOut),
)
@extend_schema(
    methods=["GET"],
    operation_id="points_entries_list",
    parameters=[
        OpenApiParameter("agent_id", str),
        OpenApiParameter("period", str, description="a day, ISO week or month"),
        OpenApiParameter("source", str, enum=[s.value for s in Source]),
        OpenApiParameter("limit", int),
    ],
    responses=answers(sc.PointsEntryOut(many=True)),
)
@api_view(["GET", "POST"])
def entries(request: Request) -> Response:
    """GET: the entries the caller may see (an agent: their own). POST (HR): a manual entry."""
    if request.method == "POST":
        d = _valid(EntryIn, request.data)
        a = org_sel.agent_get(user=request.user, agent_id=d["agent_id"])
        e = svc.points_entry_add(
            agent=a, points=d["points"], on=d["on"], reason=d["reason"], by=request.user
        )
        return Response(render.entry_json(e), status=status.HTTP_201_CREATED)
    q = request.query_params
    who = (
        org_sel.agent_get(user=request.user, agent_id=q["agent_id"]) if q.get("agent_id") else None
    )
    period = None
    if q.get("period"):
        try:
            period = Period.parse(q["period"])
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    source = q.get("source") or None
    rows = sel.entry_list(user=request.user, agent=who, period=period, source=source)
    return Response([render.entry_json(e) for e in rows[: _limit(request)]])


@extend_schema(
    operation_id="points_entry_correct",
    request=CorrectIn,
    responses=answers(status=201, ok=sc.PointsEntryOut(many=True)),
)
@api_view(["POST"])
def entry_correct(request: Request, pk: int) -> Response:
    """HR: correct an entry (a reversal and the right value, both pointing at it)."""
    e = sel.entry_get(user=request.user, pk=pk)
    d = _valid(CorrectIn, request.data)
    out = svc.points_entry_correct(entry=e, points=d["points"], reason=d["reason"], by=request.user)
    return Response([render.entry_json(x) for x in out], status=status.HTTP_201_CREATED)


@extend_schema(
    operation_id="points_leaderboard",
    parameters=[
        OpenApiParameter("kind", str, enum=["day", "week", "month"], required=True),
        OpenApiParameter("period", str, required=True, description="2026-05-31, 2026-W22, 2026-05"),
        OpenApiParameter("team", int),
    ],
    responses=answers(sc.PointsLeaderboardOut),
)
@api_view(["GET"])
def leaderboard(request: Request) -> Response:
    """Points in a day, week or month ranked with shared places: supervisors their teams, HR all."""
    q = request.query_params
    team_pk = q.get("team")
    team = None
    if team_pk:
        if not (team_pk.isdigit() and len(team_pk) < 19):  # an id, not a bignum
            raise Invalid(_("team must be a number"))
        team = sel.team_get_for_board(user=request.user, pk=int(team_pk))
    board = sel.leaderboard(
        user=request.user, kind=q.get("kind", "day"), period=q.get("period", ""), team=team
    )
    return Response(render.leaderboard_json(board))


@upload_limited
@extend_schema(
    methods=["POST"],
    operation_id="points_runs_create",
    request=RunIn,
    responses=answers(status=201, ok=sc.PointsRunOutcomeOut, s200=sc.PointsRunOutcomeOut),
)
@extend_schema(
    methods=["GET"],
    operation_id="points_runs_list",
    parameters=[
        OpenApiParameter("scheme_id", str),
        OpenApiParameter("period", str),
        OpenApiParameter("limit", int),
    ],
    responses=answers(sc.PointsRunOut(many=True)),
)
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser, JSONParser])
def runs(request: Request) -> Response:
    """GET (HR): runs, newest first. POST (HR, multipart ``scheme_version``, ``period``,
    ``files``): score the period and write what changed; 201 when the ledger changed, 200 when
    it already held these points."""
    if request.method == "POST":
        form = request.data if isinstance(request.data, Mapping) else {}
        data = {
            "scheme_version": form.get("scheme_version"),
            "period": form.get("period"),
            "files": request.FILES.getlist("files"),
        }
        d = _valid(RunIn, data)
        version = scheme_version_get(user=request.user, pk=d["scheme_version"])
        outcome = svc.points_run_period(
            scheme_version=version,
            period=d["period"],
            by=request.user,
            files={f.name: f.read() for f in d["files"]},
        )
        code = status.HTTP_201_CREATED if outcome.changed else status.HTTP_200_OK
        return Response(render.run_outcome_json(outcome), status=code)
    q = request.query_params
    rows = sel.run_list(user=request.user, scheme_id=q.get("scheme_id"), period=q.get("period"))
    return Response([render.run_json(r) for r in rows[: _limit(request)]])


def _figures(request: Request, d: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments the plan and the redemption share, the scheme version looked up."""
    version = (
        scheme_version_get(user=request.user, pk=d["scheme_version"])
        if d["scheme_version"] is not None
        else None
    )
    return {
        "month": d["month"],
        "this_month_bookings": d["this_month_bookings"],
        "last_month_bookings": d["last_month_bookings"],
        "by": request.user,
        "scheme_version": version,
    }


@extend_schema(
    methods=["POST"],
    operation_id="points_redemptions_create",
    request=RedeemIn,
    responses=answers(
        status=201, ok=sc.PointsRedemptionOutcomeOut, s200=sc.PointsRedemptionOutcomeOut
    ),
)
@extend_schema(
    methods=["GET"],
    operation_id="points_redemptions_list",
    responses=answers(sc.PointsRedemptionOut(many=True)),
)
@api_view(["GET", "POST"])
def redemptions(request: Request) -> Response:
    """GET (HR): redemptions by month. POST (HR): redeem a month; 201 the first time, 200 with
    ``created: false`` when the month was redeemed already (nothing is paid twice). With the
    ``fingerprint`` of a preview, 409 ``stale_preview`` and nothing paid when the balances or
    figures differ from the previewed ones; without it, the month is paid as the ledger stands."""
    if request.method == "POST":
        d = _valid(RedeemIn, request.data)
        outcome = svc.points_redeem_month(**_figures(request, d), expect=d["fingerprint"])
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(render.redemption_outcome_json(outcome), status=code)
    return Response([render.redemption_json(r) for r in sel.redemption_list(user=request.user)])


@extend_schema(
    operation_id="points_redemption_preview",
    parameters=[
        OpenApiParameter("month", str, required=True, description="2026-05"),
        OpenApiParameter("this_month_bookings", OpenApiTypes.DECIMAL),
        OpenApiParameter("last_month_bookings", OpenApiTypes.DECIMAL),
        OpenApiParameter("scheme_version", int),
    ],
    responses=answers(sc.PointsRedemptionPlanOut),
)
@api_view(["GET"])
def redemption_preview(request: Request) -> Response:
    """HR: what redeeming the month would pay, agent by agent, and the plan's ``fingerprint``
    for the redemption POST; writes nothing (the pages' preview, as JSON)."""
    d = _valid(RedemptionFiguresIn, request.query_params)
    return Response(render.redemption_plan_json(svc.redemption_plan(**_figures(request, d))))


@extend_schema(operation_id="points_redemption", responses=answers(sc.PointsRedemptionPaidOut))
@api_view(["GET"])
def redemption(request: Request, month: str) -> Response:
    r = sel.redemption_get(user=request.user, month=month)
    return Response(render.redemption_json(r, list(r.payouts.select_related("agent"))))


@extend_schema(
    operation_id="points_redemption_export",
    parameters=[OpenApiParameter("as", str, enum=["xlsx", "csv"])],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
)
@api_view(["GET"])
def redemption_export(request: Request, month: str) -> HttpResponse:
    """HR: the payout list as Excel (default) or CSV."""
    # Not "format": DRF reads that one for content negotiation.
    fmt = request.query_params.get("as") or "xlsx"
    content, content_type, name = sel.payout_export(user=request.user, month=month, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
