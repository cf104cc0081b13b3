"""QA endpoints under /api/qa/ (docs/qa.md, "QA pages", has the table).

Parse the request, look the object up through a selector (404 for what the caller may not
see), call one service (403 for what they may not do), render. No rule lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from appraise.web.api.schema import answers
from appraise.web.errors import Invalid
from appraise.web.org.models import Agent
from appraise.web.qa import bench, render, scoring
from appraise.web.qa import schema as sc
from appraise.web.qa import selectors as sel
from appraise.web.qa import services as svc
from appraise.web.qa.models import Source
from appraise.web.schemes.selectors import scheme_version_get
from appraise.web.uploads import upload_limited


class QaRubricIn(serializers.Serializer[None]):
    scheme_version = serializers.IntegerField()
    fatal = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    # Item ids that may be rated N/A; ["*"] (the default): any item that is not fatal.
    na_items = serializers.ListField(child=serializers.CharField(), required=False, default=["*"])
    seats = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    default = serializers.BooleanField(required=False, default=False)


class QaRuleTestIn(serializers.Serializer[None]):
    # A rule, a list of rules or a QA config with rules:, as YAML (docs/qa.md, "QA pages").
    draft = serializers.CharField(allow_blank=True, trim_whitespace=False)
    period = serializers.CharField(max_length=20)
    sample = serializers.IntegerField(
        min_value=1, max_value=bench.MAX_SAMPLE, default=bench.DEFAULT_SAMPLE
    )
    seed = serializers.CharField(max_length=64, default="0")


class QaImportIn(serializers.Serializer[None]):
    period = serializers.CharField(max_length=20)
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    config = serializers.CharField(required=False, allow_blank=True, default="")


class QaRunIn(serializers.Serializer[None]):
    period = serializers.CharField(max_length=20)
    reviewers = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    per_agent = serializers.IntegerField(min_value=1, default=15)
    seed = serializers.CharField(max_length=64, default="0")
    strata = serializers.ListField(
        child=serializers.CharField(), required=False, default=["channel", "outcome"]
    )
    random_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        max_value=Decimal(1),
        default=Decimal(1),
        help_text="share of each agent's places drawn at random; the rest goes to "
        "conversations the automatic checks flagged (risk-weighted sampling)",
    )


class QaReviewIn(serializers.Serializer[None]):
    ratings = serializers.DictField(child=serializers.CharField(allow_blank=True))
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    # A field named like Field.source: DRF takes it from the class body, mypy sees a clash.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Source.values, default=Source.INTERNAL
    )


class QaPreviewIn(serializers.Serializer[None]):
    rubric = serializers.IntegerField()
    ratings = serializers.DictField(child=serializers.CharField(allow_blank=True))


class QaDisputeIn(serializers.Serializer[None]):
    reason = serializers.CharField()


class QaAssignIn(serializers.Serializer[None]):
    reviewer = serializers.CharField()


class QaDecideIn(serializers.Serializer[None]):
    decision = serializers.ChoiceField(choices=svc.DECISIONS)
    note = serializers.CharField()
    ratings = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class QaCalibrationIn(serializers.Serializer[None]):
    name = serializers.CharField(max_length=200)
    rubric = serializers.IntegerField()
    conversations = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    reviewers = serializers.ListField(child=serializers.CharField(), allow_empty=False)


class QaCalibrationReviewIn(serializers.Serializer[None]):
    conversation = serializers.CharField()
    ratings = serializers.DictField(child=serializers.CharField(allow_blank=True))
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _valid(serializer_class: type[serializers.Serializer[None]], data: Any) -> Any:
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def _users(names: list[str]) -> list[AuthUser]:
    found = {u.username: u for u in AuthUser.objects.filter(username__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise Invalid(_("no user %(missing)s") % {"missing": ", ".join(missing)})
    return [found[n] for n in names]


def _ratings(raw: Mapping[str, str]) -> dict[str, str]:
    return {str(k): str(v).strip() for k, v in raw.items() if str(v).strip()}


# ----------------------------------------------------------------------------------- rubrics


@extend_schema(
    methods=["GET"], operation_id="qa_rubrics_list", responses=answers(sc.QaRubricOut(many=True))
)
@extend_schema(
    methods=["POST"],
    operation_id="qa_rubrics_create",
    request=QaRubricIn,
    responses=answers(status=201, ok=sc.QaRubricFormOut),
)
@api_view(["GET", "POST"])
def rubrics(request: Request) -> Response:
    """GET: every rubric (the rules, readable by all). POST (HR): a scheme version as a rubric."""
    if request.method == "POST":
        d = _valid(QaRubricIn, request.data)
        version = scheme_version_get(user=request.user, pk=d["scheme_version"])
        na = "*" if d["na_items"] == ["*"] else d["na_items"]
        r = svc.rubric_create(
            scheme_version=version,
            by=request.user,
            fatal=d["fatal"],
            na_items=na,
            seats=d["seats"],
            default=d["default"],
        )
        return Response(render.rubric_json(r, form=True), status=status.HTTP_201_CREATED)
    return Response([render.rubric_json(r) for r in sel.rubric_list(user=request.user)])


@extend_schema(operation_id="qa_rubric", responses=answers(sc.QaRubricFormOut))
@api_view(["GET"])
def rubric(request: Request, pk: int) -> Response:
    """One rubric with its form: the items to rate, their levels and ranges, fatal and N/A."""
    return Response(render.rubric_json(sel.rubric_get(user=request.user, pk=pk), form=True))


# ------------------------------------------------------------------------ imports, conversations


@upload_limited
@extend_schema(
    methods=["GET"], operation_id="qa_imports_list", responses=answers(sc.QaImportOut(many=True))
)
@extend_schema(
    methods=["POST"],
    operation_id="qa_imports_create",
    request=QaImportIn,
    responses=answers(status=201, ok=sc.QaImportOut),
)
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser, JSONParser])
def imports(request: Request) -> Response:
    """GET (HR): the imports. POST (HR, multipart ``period``, ``files``, optional ``config``):
    import the period's conversations and run the automatic checks on each."""
    if request.method == "POST":
        form = request.data if isinstance(request.data, Mapping) else {}
        d = _valid(
            QaImportIn,
            {
                "period": form.get("period"),
                "files": request.FILES.getlist("files"),
                "config": form.get("config", ""),
            },
        )
        batch = svc.conversation_import(
            period=d["period"],
            by=request.user,
            files={str(f.name): f.read() for f in d["files"]},
            config_text=d["config"],
        )
        return Response(render.import_json(batch), status=status.HTTP_201_CREATED)
    return Response([render.import_json(b) for b in sel.import_list(user=request.user)[:100]])


@extend_schema(
    operation_id="qa_conversations",
    parameters=[OpenApiParameter("period", str)],
    responses=answers(sc.QaConversationOut(many=True)),
)
@api_view(["GET"])
def conversations(request: Request) -> Response:
    """The conversations the caller may see (HR all; an agent their own; a supervisor their
    teams'; a reviewer those assigned to them), with the checks that failed."""
    rows = sel.conversation_list(user=request.user, period=request.query_params.get("period"))
    return Response([render.conversation_json(c) for c in rows[:1000]])


@extend_schema(operation_id="qa_conversation", responses=answers(sc.QaConversationFullOut))
@api_view(["GET"])
def conversation(request: Request, pk: int) -> Response:
    """One conversation with its transcript and every finding of the automatic checks."""
    c = sel.conversation_get(user=request.user, pk=pk)
    return Response(render.conversation_json(c, transcript=True))


@extend_schema(
    operation_id="qa_conversation_preview", request=QaPreviewIn, responses=answers(sc.QaResultOut)
)
@api_view(["POST"])
def conversation_preview(request: Request, pk: int) -> Response:
    """The score a form would get on this conversation; nothing is stored."""
    c = sel.conversation_get(user=request.user, pk=pk)
    d = _valid(QaPreviewIn, request.data)
    r = sel.rubric_get(user=request.user, pk=d["rubric"])
    result = scoring.score(
        rubric=r,
        conversation=c,
        reviewer=request.user,
        ratings=_ratings(d["ratings"]),
        comments={},
        comment="",
        source=Source.INTERNAL,
        at=timezone.now(),
    )
    return Response(render.result_json(result))


# ----------------------------------------------------------------------- samples, assignments


@extend_schema(
    methods=["GET"],
    operation_id="qa_runs_list",
    parameters=[OpenApiParameter("period", str)],
    responses=answers(sc.QaRunOut(many=True)),
)
@extend_schema(
    methods=["POST"],
    operation_id="qa_runs_create",
    request=QaRunIn,
    responses=answers(status=201, ok=sc.QaRunOut),
)
@api_view(["GET", "POST"])
def runs(request: Request) -> Response:
    """GET (HR): sampling runs. POST (HR): draw the period's sample and assign it to the named
    QA reviewers (usernames)."""
    if request.method == "POST":
        d = _valid(QaRunIn, request.data)
        run = svc.sampling_run_create(
            period=d["period"],
            by=request.user,
            reviewers=_users(d["reviewers"]),
            per_agent=d["per_agent"],
            seed=d["seed"],
            strata=d["strata"],
            random_share=d["random_share"],
        )
        return Response(render.run_json(run), status=status.HTTP_201_CREATED)
    rows = sel.run_list(user=request.user, period=request.query_params.get("period"))
    return Response([render.run_json(r) for r in rows[:100]])


@extend_schema(operation_id="qa_run", responses=answers(sc.QaRunFullOut))
@api_view(["GET"])
def run(request: Request, pk: int) -> Response:
    r = sel.run_get(user=request.user, pk=pk)
    out = render.run_json(r)
    out["assignments"] = [
        render.assignment_json(a)
        for a in r.assignments.select_related("conversation__agent", "reviewer")
    ]
    return Response(out)


@extend_schema(
    operation_id="qa_assignments",
    parameters=[
        OpenApiParameter("state", str, enum=["assigned", "reviewed"]),
        OpenApiParameter("period", str),
    ],
    responses=answers(sc.QaAssignmentOut(many=True)),
)
@api_view(["GET"])
def assignments(request: Request) -> Response:
    """The caller's assignments (HR: everyone's)."""
    q = request.query_params
    rows = sel.assignment_list(user=request.user, state=q.get("state"), period=q.get("period"))
    return Response([render.assignment_json(a) for a in rows])


@extend_schema(operation_id="qa_assignment", responses=answers(sc.QaAssignmentFullOut))
@api_view(["GET"])
def assignment(request: Request, pk: int) -> Response:
    a = sel.assignment_get(user=request.user, pk=pk)
    out = render.assignment_json(a)
    out["conversation"] = render.conversation_json(a.conversation, transcript=True)
    out["rubric"] = render.rubric_json(a.rubric, form=True)
    return Response(out)


@extend_schema(
    operation_id="qa_assignment_review",
    request=QaReviewIn,
    responses=answers(status=201, ok=sc.QaReviewOut),
)
@api_view(["POST"])
def assignment_review(request: Request, pk: int) -> Response:
    """The assigned reviewer's review: ``ratings`` item id -> value (a number, a level name or
    N/A); the score is computed from them."""
    a = sel.assignment_get(user=request.user, pk=pk)
    d = _valid(QaReviewIn, request.data)
    r = svc.review_submit(
        assignment=a,
        by=request.user,
        ratings=_ratings(d["ratings"]),
        comments=_ratings(d["comments"]),
        comment=d["comment"],
        source=d["source"],
    )
    return Response(render.review_json(r), status=status.HTTP_201_CREATED)


# ------------------------------------------------------------------------------------ reviews


@extend_schema(
    operation_id="qa_reviews",
    parameters=[
        OpenApiParameter("period", str),
        OpenApiParameter("agent_id", str),
        OpenApiParameter("current", bool),
    ],
    responses=answers(sc.QaReviewOut(many=True)),
)
@api_view(["GET"])
def reviews(request: Request) -> Response:
    """Sample reviews the caller may see: an agent their own, a supervisor their teams', a
    reviewer theirs, HR all."""
    q = request.query_params
    agent = None
    if q.get("agent_id"):
        agent = Agent.objects.filter(agent_id=q["agent_id"]).first()
        if agent is None:
            return Response([])
    current = {"true": True, "false": False}.get((q.get("current") or "").lower())
    rows = sel.review_list(user=request.user, period=q.get("period"), agent=agent, current=current)
    return Response([render.review_json(r) for r in rows[:1000]])


@extend_schema(operation_id="qa_review", responses=answers(sc.QaReviewOut))
@api_view(["GET"])
def review(request: Request, pk: int) -> Response:
    return Response(render.review_json(sel.review_get(user=request.user, pk=pk)))


@extend_schema(
    operation_id="qa_review_dispute",
    request=QaDisputeIn,
    responses=answers(status=201, ok=sc.QaDisputeOut),
)
@api_view(["POST"])
def review_dispute(request: Request, pk: int) -> Response:
    """The reviewed agent disputes the review with a reason."""
    r = sel.review_get(user=request.user, pk=pk)
    d = _valid(QaDisputeIn, request.data)
    dispute = svc.dispute_open(review=r, by=request.user, reason=d["reason"])
    return Response(render.dispute_json(dispute), status=status.HTTP_201_CREATED)


# ----------------------------------------------------------------------------------- disputes


@extend_schema(
    operation_id="qa_disputes",
    parameters=[OpenApiParameter("state", str, enum=["open", "assigned", "upheld", "rejected"])],
    responses=answers(sc.QaDisputeOut(many=True)),
)
@api_view(["GET"])
def disputes(request: Request) -> Response:
    rows = sel.dispute_list(user=request.user, state=request.query_params.get("state"))
    return Response([render.dispute_json(d) for d in rows])


@extend_schema(operation_id="qa_dispute", responses=answers(sc.QaDisputeOut))
@api_view(["GET"])
def dispute(request: Request, pk: int) -> Response:
    return Response(render.dispute_json(sel.dispute_get(user=request.user, pk=pk)))


@extend_schema(
    operation_id="qa_dispute_assign", request=QaAssignIn, responses=answers(sc.QaDisputeOut)
)
@api_view(["POST"])
def dispute_assign(request: Request, pk: int) -> Response:
    """HR names the second reviewer (a QA reviewer may name themselves to take it)."""
    d = sel.dispute_get(user=request.user, pk=pk)
    body = _valid(QaAssignIn, request.data)
    (reviewer,) = _users([body["reviewer"]])
    return Response(
        render.dispute_json(svc.dispute_assign(dispute=d, reviewer=reviewer, by=request.user))
    )


@extend_schema(
    operation_id="qa_dispute_decide", request=QaDecideIn, responses=answers(sc.QaDisputeOut)
)
@api_view(["POST"])
def dispute_decide(request: Request, pk: int) -> Response:
    """The second reviewer: ``uphold`` with the corrected ``ratings`` (a new version of the
    review), or ``reject``."""
    d = sel.dispute_get(user=request.user, pk=pk)
    body = _valid(QaDecideIn, request.data)
    d = svc.dispute_decide(
        dispute=d,
        by=request.user,
        decision=body["decision"],
        note=body["note"],
        ratings=_ratings(body["ratings"]) or None,
        comments=_ratings(body["comments"]),
    )
    return Response(render.dispute_json(d))


# -------------------------------------------------------------------------------- calibration


@extend_schema(
    methods=["GET"],
    operation_id="qa_calibrations_list",
    responses=answers(sc.QaCalibrationOut(many=True)),
)
@extend_schema(
    methods=["POST"],
    operation_id="qa_calibrations_create",
    request=QaCalibrationIn,
    responses=answers(status=201, ok=sc.QaCalibrationOut),
)
@api_view(["GET", "POST"])
def calibrations(request: Request) -> Response:
    """GET: the sessions the caller is in (HR all). POST (HR): a new session."""
    if request.method == "POST":
        d = _valid(QaCalibrationIn, request.data)
        r = sel.rubric_get(user=request.user, pk=d["rubric"])
        ids = d["conversations"]
        found = {
            c.conversation_id: c
            for c in sel.conversation_list(user=request.user).filter(conversation_id__in=ids)
        }
        missing = [i for i in ids if i not in found]
        if missing:
            raise Invalid(_("no conversation %(missing)s") % {"missing": ", ".join(missing)})
        s = svc.calibration_create(
            name=d["name"],
            rubric=r,
            conversations=[found[i] for i in ids],
            reviewers=_users(d["reviewers"]),
            by=request.user,
        )
        return Response(render.calibration_json(s), status=status.HTTP_201_CREATED)
    return Response([render.calibration_json(s) for s in sel.calibration_list(user=request.user)])


@extend_schema(operation_id="qa_calibration", responses=answers(sc.QaCalibrationFullOut))
@api_view(["GET"])
def calibration(request: Request, pk: int) -> Response:
    """A session with its report: the spread per item and per reviewer."""
    s = sel.calibration_get(user=request.user, pk=pk)
    return Response(
        render.calibration_json(s, sel.calibration_report(user=request.user, session=s))
    )


@extend_schema(
    operation_id="qa_calibration_review",
    request=QaCalibrationReviewIn,
    responses=answers(status=201, ok=sc.QaReviewOut),
)
@api_view(["POST"])
def calibration_review(request: Request, pk: int) -> Response:
    """A session reviewer scores one of its conversations (by conversation id)."""
    s = sel.calibration_get(user=request.user, pk=pk)
    d = _valid(QaCalibrationReviewIn, request.data)
    c = s.conversations.filter(conversation_id=d["conversation"]).first()
    if c is None:
        raise Invalid(
            _("%(conversation)s is not a conversation of this session")
            % {"conversation": d["conversation"]}
        )
    r = svc.calibration_review_submit(
        session=s,
        conversation=c,
        by=request.user,
        ratings=_ratings(d["ratings"]),
        comments=_ratings(d["comments"]),
        comment=d["comment"],
    )
    return Response(render.review_json(r), status=status.HTTP_201_CREATED)


@extend_schema(
    operation_id="qa_calibration_close", request=None, responses=answers(sc.QaCalibrationOut)
)
@api_view(["POST"])
def calibration_close(request: Request, pk: int) -> Response:
    s = sel.calibration_get(user=request.user, pk=pk)
    return Response(render.calibration_json(svc.calibration_close(session=s, by=request.user)))


# ------------------------------------------------------------------------------------ figures


@extend_schema(
    operation_id="qa_figures",
    parameters=[
        OpenApiParameter("period", str, required=True, description="2026-10"),
        OpenApiParameter("rubric", int),
    ],
    responses=answers(sc.QaFiguresOut),
)
@api_view(["GET"])
def figures(request: Request) -> Response:
    """Accuracies and averages per agent, item and reviewer over the period's sample reviews
    the caller may see, each disputed review counted as decided (a risk-weighted sample's
    averages over its random part); and each mirrored check's agreement with the reviewers."""
    q = request.query_params
    rubric_pk = q.get("rubric")
    if rubric_pk and not (rubric_pk.isdigit() and len(rubric_pk) < 19):  # an id, not a bignum
        raise Invalid(_("rubric must be a number"))
    r = sel.rubric_get(user=request.user, pk=int(rubric_pk)) if rubric_pk else None
    got = sel.figures(user=request.user, period=q.get("period", ""), rubric=r)
    return Response(render.figures_json(got, sel.period_agreement(period=got.period)))


# ------------------------------------------------------------------------ rule test bench


@extend_schema(
    operation_id="qa_rules_test", request=QaRuleTestIn, responses=answers(sc.QaRuleTestOut)
)
@api_view(["POST"])
def rules_test(request: Request) -> Response:
    """A draft rule run on a sample of a period's conversations: every hit with its evidence
    (personal data masked), what was not computable and why. Nothing is stored. HR only (who
    changes the QA config); a problem of the draft is a 400 naming its line (``draft:9``)."""
    d = _valid(QaRuleTestIn, request.data)
    result = bench.rule_bench(
        user=request.user,
        draft=d["draft"],
        period=d["period"],
        sample=str(d["sample"]),
        seed=d["seed"],
    )
    return Response(bench.result_json(result))
