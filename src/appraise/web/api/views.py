"""REST endpoints: parse the request, call one selector or service, render the result.

Objects the caller may not see are looked up through selectors first (404); the service then
decides whether the caller may act (403). No business rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from appraise.web.api import render
from appraise.web.api import schema as sc
from appraise.web.api import serializers as s
from appraise.web.api.schema import answers
from appraise.web.appeals import selectors as appeal_sel
from appraise.web.appeals import services as appeal_svc
from appraise.web.audit.selectors import audit_details, audit_list
from appraise.web.cycles import selectors as cycle_sel
from appraise.web.cycles import services as cycle_svc
from appraise.web.errors import Invalid, NotFound
from appraise.web.evaluations import raters
from appraise.web.evaluations import selectors as eval_sel
from appraise.web.evaluations.services import Seen, rating_set
from appraise.web.exports import documents
from appraise.web.interviews import selectors as iv_sel
from appraise.web.interviews import services as iv_svc
from appraise.web.org import selectors as org_sel
from appraise.web.org import services as org_svc
from appraise.web.org.models import Agent
from appraise.web.permissions import agent_of, require_hr, signed_in
from appraise.web.schemes import selectors as scheme_sel
from appraise.web.schemes.services import scheme_check, scheme_version_create
from appraise.web.tasks import services as task_svc
from appraise.web.tasks.selectors import task_get
from appraise.web.uploads import upload_limited

OBJ = OpenApiTypes.OBJECT
AUDIT_MAX = 5000


def _valid(serializer_class: type[serializers.Serializer[None]], request: Request) -> Any:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def _users(names: list[str]) -> list[User]:
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise Invalid(_("no user %(names)s") % {"names": ", ".join(missing)})
    return [found[n] for n in names]


def _agent(user: Any, agent_id: str) -> Agent:
    return org_sel.agent_get(user=user, agent_id=agent_id)


def _int(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise Invalid(_("%(name)s must be a number") % {"name": name}) from None
    if not 0 <= number < 2**63:  # no id is outside a database's integers (a 500 before)
        raise Invalid(_("%(name)s must be a number") % {"name": name})
    return number


# --- people -------------------------------------------------------------------------------


@extend_schema(responses=answers(sc.MeOut))
@api_view(["GET"])
def me(request: Request) -> Response:
    a = agent_of(request.user)
    user = signed_in(request.user)
    assert user is not None  # the API lets only signed-in users through
    return Response(
        {
            **render.user_json(user),
            "agent": render.agent_json(a) if a else None,
            "teams": [t.id for t in org_sel.team_list(user=request.user)],
        }
    )


@extend_schema(methods=["GET"], responses=answers(sc.UserOut(many=True)))
@extend_schema(
    methods=["POST"], request=s.UserCreateIn, responses=answers(status=201, ok=sc.UserOut)
)
@api_view(["GET", "POST"])
def users(request: Request) -> Response:
    if request.method == "POST":
        d = _valid(s.UserCreateIn, request)
        u = org_svc.user_create(
            by=request.user,
            username=d["username"],
            password=d.get("password"),
            roles_=d["roles"],
            first_name=d["first_name"],
            email=d["email"],
        )
        return Response(render.user_json(u), status=status.HTTP_201_CREATED)
    return Response([render.user_json(u) for u in org_sel.user_list(user=request.user)])


@extend_schema(request=s.RolesIn, responses=answers(sc.UserOut))
@api_view(["POST"])
def user_roles(request: Request, pk: int) -> Response:
    target = org_sel.user_get(user=request.user, pk=pk)
    d = _valid(s.RolesIn, request)
    return Response(
        render.user_json(org_svc.user_set_roles(by=request.user, user=target, roles_=d["roles"]))
    )


@extend_schema(request=None, responses=answers(status=201, ok=sc.TokenOut, s204=None))
@api_view(["POST", "DELETE"])
def user_token(request: Request, pk: int) -> Response:
    target = org_sel.user_get(user=request.user, pk=pk)
    if request.method == "DELETE":
        org_svc.token_revoke(by=request.user, user=target)
        return Response(status=status.HTTP_204_NO_CONTENT)
    token = org_svc.token_create(by=request.user, user=target)
    return Response({"token": token.key}, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], responses=answers(sc.TeamOut(many=True)))
@extend_schema(methods=["POST"], request=s.TeamIn, responses=answers(status=201, ok=sc.TeamOut))
@api_view(["GET", "POST"])
def teams(request: Request) -> Response:
    if request.method == "POST":
        d = _valid(s.TeamIn, request)
        indirect = _users([d["indirect_supervisor"]])[0] if d["indirect_supervisor"] else None
        t = org_svc.team_create(
            by=request.user,
            name=d["name"],
            supervisors=_users(d["supervisors"]),
            indirect_supervisor=indirect,
        )
        return Response(render.team_json(t), status=status.HTTP_201_CREATED)
    return Response([render.team_json(t) for t in org_sel.team_list(user=request.user)])


@extend_schema(methods=["GET"], responses=answers(sc.AgentOut(many=True)))
@extend_schema(methods=["POST"], request=s.AgentIn, responses=answers(status=201, ok=sc.AgentOut))
@api_view(["GET", "POST"])
def agents(request: Request) -> Response:
    if request.method == "POST":
        d = _valid(s.AgentIn, request)
        team = org_sel.team_get(user=request.user, pk=d["team"]) if d["team"] else None
        user = _users([d["username"]])[0] if d["username"] else None
        a = org_svc.agent_create(
            by=request.user,
            agent_id=d["agent_id"],
            name=d["name"],
            team=team,
            user=user,
            position=d["position"],
            hired_on=d["hired_on"],
        )
        return Response(render.agent_json(a), status=status.HTTP_201_CREATED)
    return Response([render.agent_json(a) for a in org_sel.agent_list(user=request.user)])


@upload_limited
@extend_schema(request={"multipart/form-data": OBJ}, responses=answers(sc.AgentsUploadOut))
@api_view(["POST"])
def agents_upload(request: Request) -> Response:
    """Create or update agents from an ``agents`` table (multipart ``file``, .csv or .xlsx), all
    or nothing: any bad row is a 400 naming every bad row and column, and nothing changes."""
    upload = request.FILES.get("file")
    result = org_svc.agents_upload(
        by=request.user,
        file_name=(upload.name or "") if upload else "",
        content=upload.read() if upload else None,
    )
    return Response(
        {
            "created": [render.agent_json(a) for a in result.created],
            "updated": [render.agent_json(a) for a in result.updated],
            "unchanged": [a.agent_id for a in result.unchanged],
        }
    )


# --- schemes ------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    responses=answers(sc.SchemeVersionOut(many=True)),
    parameters=[OpenApiParameter("scheme_id", str)],
)
@extend_schema(
    methods=["POST"], request=s.SchemeTextIn, responses=answers(status=201, ok=sc.SchemeVersionOut)
)
@api_view(["GET", "POST"])
def schemes(request: Request) -> Response:
    if request.method == "POST":
        d = _valid(s.SchemeTextIn, request)
        v = scheme_version_create(by=request.user, text=d["text"], file=d["file"])
        return Response(render.scheme_version_json(v), status=status.HTTP_201_CREATED)
    scheme_id = request.query_params.get("scheme_id") or None
    qs = scheme_sel.scheme_version_list(user=request.user, scheme_id=scheme_id)
    return Response([render.scheme_version_json(v) for v in qs])


@extend_schema(request=s.SchemeTextIn, responses=answers(sc.SchemeCheckOut))
@api_view(["POST"])
def scheme_validate(request: Request) -> Response:
    """Every error and warning of a scheme text, for live validation; changes nothing."""
    d = _valid(s.SchemeTextIn, request)
    check = scheme_check(text=d["text"], file=d["file"])
    return Response(
        {
            "ok": check.ok,
            "scheme_id": check.scheme.id if check.scheme else None,
            "problems": [p.as_dict() for p in check.problems],
        }
    )


@extend_schema(operation_id="scheme_detail", responses=answers(sc.SchemeVersionTextOut))
@api_view(["GET"])
def scheme_detail(request: Request, pk: int) -> Response:
    v = scheme_sel.scheme_version_get(user=request.user, pk=pk)
    return Response(render.scheme_version_json(v, text=True))


# --- cycles -------------------------------------------------------------------------------


@extend_schema(methods=["GET"], responses=answers(sc.CycleOut(many=True)))
@extend_schema(methods=["POST"], request=s.CycleIn, responses=answers(status=201, ok=sc.CycleOut))
@api_view(["GET", "POST"])
def cycles(request: Request) -> Response:
    if request.method == "POST":
        d = _valid(s.CycleIn, request)
        version = scheme_sel.scheme_version_get(user=request.user, pk=d["scheme_version"])
        team_list = [org_sel.team_get(user=request.user, pk=pk) for pk in d["teams"]]
        agent_list = [_agent(request.user, a) for a in d["agents"]]
        c = cycle_svc.cycle_create(
            by=request.user,
            name=d["name"],
            scheme_version=version,
            period=d["period"],
            teams=team_list,
            agents=agent_list,
            allow_duplicate=d["allow_duplicate"],
        )
        return Response(render.cycle_json(c), status=status.HTTP_201_CREATED)
    return Response([render.cycle_json(c) for c in cycle_sel.cycle_list(user=request.user)])


@extend_schema(operation_id="cycle_detail", responses=answers(sc.CycleDetailOut))
@api_view(["GET"])
def cycle_detail(request: Request, pk: int) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    out = render.cycle_json(c)
    out["teams"] = [t.name for t in cycle_svc.cycle_teams(c)]
    out["confirmed_teams"] = sorted(c.confirmations.values_list("team__name", flat=True))
    out["files"] = [
        {"name": f.name, "size": f.size, "sha256": f.sha256} for f in c.files.all().defer("content")
    ]
    return Response(out)


@upload_limited
@extend_schema(request=s.ImportIn, responses=answers(status=202, ok=sc.TaskOut))
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def cycle_import(request: Request, pk: int) -> Response:
    """Upload input tables (``files``) and raw events (``events``, kept as ``events/NAME``);
    they are checked and scored as a task."""
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    ser = s.ImportIn(
        data={
            **_form(request),
            "files": request.FILES.getlist("files"),
            "events": request.FILES.getlist("events"),
        }
    )
    ser.is_valid(raise_exception=True)
    files = {f.name: f.read() for f in ser.validated_data["files"]}
    files.update({f"events/{f.name}": f.read() for f in ser.validated_data["events"]})
    task = cycle_svc.cycle_import_start(
        cycle=c, by=request.user, files=files, compute=ser.validated_data["compute"]
    )
    return Response(render.task_json(task), status=status.HTTP_202_ACCEPTED)


@extend_schema(operation_id="cycle_file_remove", request=None, responses=answers(status=204))
@api_view(["DELETE"])
def cycle_file(request: Request, pk: int, name: str) -> Response:
    """Remove one stored input file (``ratings.csv``, ``events/chats.csv``) before ratings are
    collected; the results become stale until computed again."""
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    cycle_svc.cycle_file_remove(cycle=c, by=request.user, name=name)
    return Response(status=status.HTTP_204_NO_CONTENT)


def _form(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, Mapping):
        return {}
    return {k: v for k, v in data.items() if k not in ("files", "events")}


@extend_schema(request=None, responses=answers(status=202, ok=sc.TaskOut))
@api_view(["POST"])
def cycle_compute(request: Request, pk: int) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    task = cycle_svc.cycle_compute_start(cycle=c, by=request.user)
    return Response(render.task_json(task), status=status.HTTP_202_ACCEPTED)


def _plain(fn: Callable[..., Any]) -> Callable[[Request, Any], Any]:
    return lambda request, c: fn(cycle=c, by=request.user)


def _confirm(request: Request, c: Any) -> Any:
    d = _valid(s.ConfirmTeamIn, request)
    team = org_sel.team_get(user=request.user, pk=d["team"])
    cycle_svc.cycle_confirm_team(cycle=c, team=team, by=request.user, note=d["note"])
    return c


def _calibrate(request: Request, c: Any) -> Any:
    d = _valid(s.CalibrateIn, request)
    agent = _agent(request.user, d["agent_id"])
    cycle_svc.cycle_calibrate(
        cycle=c, by=request.user, agent=agent, grade=d["grade"], note=d["note"]
    )
    return c


def _appeal_window(request: Request, c: Any) -> Any:
    d = _valid(s.AppealWindowIn, request)
    return cycle_svc.cycle_open_appeal_window(cycle=c, by=request.user, days=d["days"])


def _close(request: Request, c: Any) -> Any:
    reason = request.data.get("override_reason", "") if hasattr(request.data, "get") else ""
    return cycle_svc.cycle_close(cycle=c, by=request.user, override_reason=str(reason or ""))


def _rescore(request: Request, c: Any) -> Any:
    d = _valid(s.RescoreIn, request)
    cycle_svc.cycle_rescore(cycle=c, by=request.user, reason=d["reason"])
    return c


TRANSITIONS: dict[str, Callable[[Request, Any], Any]] = {
    "open-self-assessment": _plain(cycle_svc.cycle_open_self_assessment),
    "open-supervisor-rating": _plain(cycle_svc.cycle_open_supervisor_rating),
    "open-indirect-audit": _plain(cycle_svc.cycle_open_indirect_audit),
    "confirm-team": _confirm,
    "open-calibration": _plain(cycle_svc.cycle_open_calibration),
    "calibrate": _calibrate,
    "publish": _plain(cycle_svc.cycle_publish),
    "open-interviews": _plain(cycle_svc.cycle_open_interviews),
    "open-appeal-window": _appeal_window,
    "close": _close,
    "rescore": _rescore,
}


@extend_schema(request=OBJ, responses=answers(sc.CycleOut))
@api_view(["POST"])
def cycle_transition(request: Request, pk: int, action: str) -> Response:
    """One state transition (or step) of a cycle; the body depends on the step (docs/web.md)."""
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    step = TRANSITIONS.get(action)
    if step is None:
        raise NotFound(_("no cycle action %(action)s") % {"action": action})
    step(request, c)
    c.refresh_from_db()
    return Response(render.cycle_json(c))


@extend_schema(responses=answers(sc.GradeCountOut(many=True)))
@api_view(["GET"])
def cycle_distribution(request: Request, pk: int) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    from appraise.web.permissions import require_hr

    require_hr(request.user, _("see the grade distribution"))
    return Response(cycle_sel.cycle_distribution(cycle=c))


@extend_schema(responses=answers(sc.ResultOut(many=True)))
@api_view(["GET"])
def cycle_results(request: Request, pk: int) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    rows = eval_sel.result_list_cycle(user=request.user, cycle=c)
    return Response([render.result_json(r) for r in rows])


@extend_schema(
    operation_id="cycle_scorecards",
    parameters=[
        OpenApiParameter("as", str, enum=["zip", "pdf"]),
        OpenApiParameter("team", int, description="only this team's forms"),
    ],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **sc.ERRORS},
)
@api_view(["GET"])
def cycle_scorecards(request: Request, pk: int) -> HttpResponse:
    """Every PDF 考核表 of the cycle that the person may see, as a zip (default) or one PDF."""
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    # Not "format": DRF reads that one for content negotiation.
    fmt = request.query_params.get("as") or "zip"
    team = request.query_params.get("team")
    content, content_type, name = documents.cycle_scorecards(
        user=request.user,
        cycle=c,
        fmt=fmt,
        team=int(team) if team and team.isdigit() and len(team) < 19 else None,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@extend_schema(operation_id="cycle_result", responses=answers(sc.ResultFullOut))
@api_view(["GET"])
def cycle_result(request: Request, pk: int, agent_id: str) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    r = eval_sel.result_get(user=request.user, cycle=c, agent_id=agent_id)
    return Response(render.result_json(r, full=True))


@extend_schema(responses=answers(sc.ResultFullOut(many=True)))
@api_view(["GET"])
def cycle_result_history(request: Request, pk: int, agent_id: str) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    rows = eval_sel.result_history(user=request.user, cycle=c, agent_id=agent_id)
    return Response([render.result_json(r, full=True) for r in rows])


@extend_schema(
    methods=["GET"],
    responses=answers(sc.RatingOut(many=True)),
    parameters=[OpenApiParameter("agent_id", str)],
)
@extend_schema(methods=["POST"], request=s.RatingIn, responses=answers(status=201, ok=sc.RatingOut))
@api_view(["GET", "POST"])
def cycle_ratings(request: Request, pk: int) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    if request.method == "POST":
        d = _valid(s.RatingIn, request)
        r = rating_set(
            cycle=c,
            agent=_agent(request.user, d["agent_id"]),
            indicator=d["indicator"],
            role=d["role"],
            value=d["value"],
            by=request.user,
            note=d["note"],
            seen=None if d.get("version") is None else Seen(d["version"]),
        )
        return Response(render.rating_json(r), status=status.HTTP_201_CREATED)
    agent_id = request.query_params.get("agent_id")
    agent = _agent(request.user, agent_id) if agent_id else None
    rows = eval_sel.rating_list(user=request.user, cycle=c, agent=agent)
    return Response([render.rating_json(r) for r in rows])


@extend_schema(methods=["GET"], responses=answers(sc.AssignmentOut(many=True)))
@extend_schema(
    methods=["POST"], request=s.AssignIn, responses=answers(status=201, ok=sc.AssignedOut)
)
@api_view(["GET", "POST"])
def cycle_assignments(request: Request, pk: int) -> Response:
    """Assigned raters of a cycle (HR: all; anyone else: their own). POST assigns raters to
    agents (named, a team's, or the agents to each other with ``mutual``) in one role."""
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    if request.method == "POST":
        d = _valid(s.AssignIn, request)
        require_hr(request.user, _("assign raters"))
        targets = raters.assignment_targets(cycle=c, agent_ids=d["agent_ids"], team_id=d["team"])
        people = raters.mutual_raters(targets) if d["mutual"] else _users(d["raters"])
        done = raters.raters_assign(
            cycle=c, by=request.user, role=d["role"], raters=people, agents=targets
        )
        return Response(
            {
                "created": [render.assignment_json(a) for a in done.created],
                "existing": done.existing,
                "themselves": done.themselves,
            },
            status=status.HTTP_201_CREATED,
        )
    rows = raters.assignment_list(user=request.user, cycle=c)
    return Response([render.assignment_json(a) for a in rows])


@extend_schema(operation_id="assignment_remove", request=None, responses=answers(status=204))
@api_view(["DELETE"])
def assignment_detail(request: Request, pk: int) -> Response:
    """Take an assignment back (HR); its ratings go with it."""
    a = raters.assignment_get(user=request.user, pk=pk)
    raters.rater_unassign(assignment=a, by=request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses=answers(sc.MyAssignmentOut(many=True)))
@api_view(["GET"])
def assignments_mine(request: Request) -> Response:
    """What the caller was assigned to rate, in cycles not closed."""
    rows = raters.assignment_list_mine(user=request.user).prefetch_related("ratings")
    return Response([render.my_assignment_json(a) for a in rows])


@extend_schema(request=s.AssignedRatingIn, responses=answers(status=201, ok=sc.MyAssignmentOut))
@api_view(["POST"])
def assignment_rate(request: Request, pk: int) -> Response:
    """The assigned rater rates one indicator; answers with the whole assignment."""
    a = raters.assignment_get(user=request.user, pk=pk)
    d = _valid(s.AssignedRatingIn, request)
    rating_set(
        cycle=a.cycle,
        agent=a.agent,
        indicator=d["indicator"],
        role=a.role,
        value=d["value"],
        by=request.user,
        note=d["note"],
        seen=None if d.get("version") is None else Seen(d["version"]),
        assignment=a,
    )
    return Response(render.my_assignment_json(a), status=status.HTTP_201_CREATED)


@extend_schema(responses=answers(sc.GapOut(many=True)))
@api_view(["GET"])
def cycle_gaps(request: Request, pk: int) -> Response:
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    return Response(
        [render.gap_json(g) for g in iv_sel.gap_flag_list(user=request.user, cycle_id=c.pk)]
    )


@extend_schema(request=None, responses=answers(sc.GapOut))
@api_view(["POST"])
def gap_reassess(request: Request, pk: int) -> Response:
    flag = iv_sel.gap_flag_get(user=request.user, pk=pk)
    return Response(render.gap_json(iv_svc.gap_request_reassessment(flag=flag, by=request.user)))


# --- results ------------------------------------------------------------------------------


@extend_schema(responses=answers(sc.ResultOut(many=True)))
@api_view(["GET"])
def results_mine(request: Request) -> Response:
    return Response([render.result_json(r) for r in eval_sel.result_list_mine(user=request.user)])


@extend_schema(
    responses=answers(sc.ResultOut(many=True)), parameters=[OpenApiParameter("cycle", int)]
)
@api_view(["GET"])
def results_team(request: Request) -> Response:
    cycle_id = _int(request.query_params.get("cycle"), "cycle")
    c = cycle_sel.cycle_get(user=request.user, pk=cycle_id) if cycle_id else None
    rows = eval_sel.result_list_team(user=request.user, cycle=c)
    return Response([render.result_json(r) for r in rows])


# --- appeals ------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    responses=answers(sc.AppealOut(many=True)),
    parameters=[OpenApiParameter("cycle", int)],
)
@extend_schema(methods=["POST"], request=s.AppealIn, responses=answers(status=201, ok=sc.AppealOut))
@api_view(["GET", "POST"])
def appeals(request: Request) -> Response:
    if request.method == "POST":
        d = _valid(s.AppealIn, request)
        c = cycle_sel.cycle_get(user=request.user, pk=d["cycle"])
        a = appeal_svc.appeal_file(cycle=c, by=request.user, reasons=d["reasons"])
        return Response(render.appeal_json(a), status=status.HTTP_201_CREATED)
    cycle_id = _int(request.query_params.get("cycle"), "cycle")
    rows = appeal_sel.appeal_list(user=request.user, cycle_id=cycle_id)
    return Response([render.appeal_json(a) for a in rows])


@extend_schema(operation_id="appeal_detail", responses=answers(sc.AppealOut))
@api_view(["GET"])
def appeal_detail(request: Request, pk: int) -> Response:
    return Response(render.appeal_json(appeal_sel.appeal_get(user=request.user, pk=pk)))


@extend_schema(request=s.DecisionIn, responses=answers(sc.AppealOut))
@api_view(["POST"])
def appeal_decide(request: Request, pk: int) -> Response:
    a = appeal_sel.appeal_get(user=request.user, pk=pk)
    d = _valid(s.DecisionIn, request)
    a = appeal_svc.appeal_decide(appeal=a, by=request.user, decision=d["decision"], note=d["note"])
    return Response(render.appeal_json(a))


@extend_schema(request=s.NoteIn, responses=answers(sc.AppealOut))
@api_view(["POST"])
def appeal_escalate(request: Request, pk: int) -> Response:
    a = appeal_sel.appeal_get(user=request.user, pk=pk)
    d = _valid(s.NoteIn, request)
    return Response(
        render.appeal_json(appeal_svc.appeal_escalate(appeal=a, by=request.user, note=d["note"]))
    )


@extend_schema(request=None, responses=answers(sc.AppealOut))
@api_view(["POST"])
def appeal_rescore(request: Request, pk: int) -> Response:
    a = appeal_sel.appeal_get(user=request.user, pk=pk)
    return Response(render.appeal_json(appeal_svc.appeal_rescore(appeal=a, by=request.user)))


@extend_schema(
    methods=["GET"],
    operation_id="cycle_corrections_list",
    responses=answers(sc.CorrectionOut(many=True)),
    parameters=[OpenApiParameter("agent_id", str)],
)
@extend_schema(
    methods=["POST"],
    operation_id="cycle_corrections_apply",
    request=s.CorrectionIn,
    responses=answers(status=201, ok=sc.CorrectionOut),
)
@api_view(["GET", "POST"])
def cycle_corrections(request: Request, pk: int) -> Response:
    """HR's corrections of an agent's data after publication; POST corrects and re-scores."""
    c = cycle_sel.cycle_get(user=request.user, pk=pk)
    if request.method == "POST":
        d = _valid(s.CorrectionIn, request)
        agent = _agent(request.user, d["agent_id"])
        appeal = appeal_sel.appeal_get(user=request.user, pk=d["appeal"]) if d["appeal"] else None
        made = appeal_svc.correction_apply(
            cycle=c,
            agent_id=agent.agent_id,
            by=request.user,
            kind=d["kind"],
            name=d["name"],
            value=d["value"],
            reason=d["reason"],
            appeal=appeal,
        )
        return Response(render.correction_json(made), status=status.HTTP_201_CREATED)
    rows = appeal_sel.correction_list(
        user=request.user, cycle_id=c.pk, agent_id=request.query_params.get("agent_id") or None
    )
    return Response([render.correction_json(x) for x in rows])


# --- interviews ---------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    responses=answers(sc.InterviewOut(many=True)),
    parameters=[OpenApiParameter("cycle", int)],
)
@extend_schema(
    methods=["POST"], request=s.InterviewIn, responses=answers(status=201, ok=sc.InterviewOut)
)
@api_view(["GET", "POST"])
def interviews(request: Request) -> Response:
    if request.method == "POST":
        d = _valid(s.InterviewIn, request)
        c = cycle_sel.cycle_get(user=request.user, pk=d["cycle"])
        rec = iv_svc.interview_write(
            cycle=c,
            agent=_agent(request.user, d["agent_id"]),
            by=request.user,
            content=d["content"],
            plan=d["plan"],
        )
        return Response(render.interview_json(rec), status=status.HTTP_201_CREATED)
    cycle_id = _int(request.query_params.get("cycle"), "cycle")
    rows = iv_sel.interview_list(user=request.user, cycle_id=cycle_id)
    return Response([render.interview_json(i) for i in rows])


@extend_schema(operation_id="interview_detail", responses=answers(sc.InterviewOut))
@api_view(["GET"])
def interview_detail(request: Request, pk: int) -> Response:
    return Response(render.interview_json(iv_sel.interview_get(user=request.user, pk=pk)))


@extend_schema(request=s.SignIn, responses=answers(sc.InterviewOut))
@api_view(["POST"])
def interview_sign(request: Request, pk: int) -> Response:
    rec = iv_sel.interview_get(user=request.user, pk=pk)
    d = _valid(s.SignIn, request)
    rec = iv_svc.interview_sign(record=rec, by=request.user, comment=d["comment"])
    return Response(render.interview_json(rec))


# --- tasks and audit ----------------------------------------------------------------------


@extend_schema(responses=answers(sc.TaskOut))
@api_view(["GET"])
def task_detail(request: Request, pk: int) -> Response:
    return Response(render.task_json(task_get(user=request.user, pk=pk)))


@extend_schema(request=None, responses=answers(status=202, ok=sc.TaskOut))
@api_view(["POST"])
def task_rerun(request: Request, pk: int) -> Response:
    """A failed task run again (same files) as a new task; 409 unless it failed."""
    task = task_svc.task_rerun(task=task_get(user=request.user, pk=pk), by=request.user)
    return Response(render.task_json(task), status=status.HTTP_202_ACCEPTED)


@extend_schema(
    responses=answers(sc.AuditOut(many=True)),
    parameters=[
        OpenApiParameter("cycle", int),
        OpenApiParameter("action", str),
        OpenApiParameter("limit", int, description="1 to 5000, default 500"),
    ],
)
@api_view(["GET"])
def audit(request: Request) -> Response:
    cycle_id = _int(request.query_params.get("cycle"), "cycle")
    limit = _int(request.query_params.get("limit"), "limit")
    if limit is not None and not 1 <= limit <= AUDIT_MAX:
        raise Invalid(_("limit must be between 1 and %(max)d") % {"max": AUDIT_MAX})
    rows = audit_list(
        user=request.user, cycle_id=cycle_id, action=request.query_params.get("action")
    )[: limit or 500]
    return Response([render.audit_json(e, audit_details(user=request.user, entry=e)) for e in rows])
