"""The shapes of the API's answers, for the OpenAPI schema (``GET /api/schema/``).

The endpoints render plain dicts (:mod:`appraise.web.api.render`); these serializers only
describe them, field by field, so that drf-spectacular publishes a schema clients can be
generated from. ``tests/web/security/test_api_fuzz.py`` checks the real answers against them.
Every operation also documents its errors in the one error shape (:class:`ErrorOut`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

S = serializers.Serializer[None]


def _text(**kw: Any) -> serializers.CharField:
    return serializers.CharField(**kw)


def _maybe_text() -> serializers.CharField:
    return serializers.CharField(allow_null=True)


def _maybe_int() -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True)


def _any() -> serializers.JSONField:
    return serializers.JSONField()


class ProblemOut(S):
    level = serializers.ChoiceField(choices=["error", "warning"])
    code = _text()
    message = _text()
    where = _text(allow_blank=True)


class ErrorOut(S):
    """Every refusal: ``problems`` lists what was wrong with the input, where."""

    code = _text()
    message = _text()
    problems = ProblemOut(many=True)


class UserOut(S):
    id = serializers.IntegerField()
    username = _text()
    name = _text()
    roles = serializers.ListField(child=_text())


class AgentOut(S):
    agent_id = _text()
    name = _text()
    team = _maybe_text()
    team_id = _maybe_int()
    position = _text(allow_blank=True)
    hired_on = serializers.DateField(allow_null=True)
    username = _maybe_text()


class MeOut(UserOut):
    agent = AgentOut(allow_null=True)
    teams = serializers.ListField(child=serializers.IntegerField())


class TokenOut(S):
    token = _text()


class TeamOut(S):
    id = serializers.IntegerField()
    name = _text()
    supervisors = serializers.ListField(child=_text())
    indirect_supervisor = _maybe_text()


class AgentsUploadOut(S):
    created = AgentOut(many=True)
    updated = AgentOut(many=True)
    unchanged = serializers.ListField(child=_text())


class SchemeVersionOut(S):
    id = serializers.IntegerField()
    scheme_id = _text()
    version = serializers.IntegerField()
    name = _text()
    content_hash = _text()
    warnings = serializers.ListField(child=ProblemOut())
    created_at = serializers.DateTimeField()
    created_by = _maybe_text()


class SchemeVersionTextOut(SchemeVersionOut):
    text = _text(allow_blank=True)


class SchemeCheckOut(S):
    ok = serializers.BooleanField()
    scheme_id = _maybe_text()
    problems = ProblemOut(many=True)


class CycleOut(S):
    id = serializers.IntegerField()
    name = _text(allow_blank=True)
    scheme_version = serializers.IntegerField()
    scheme = _text()
    period = _text()
    state = _text()
    state_label = _text()
    computed_at = serializers.DateTimeField(allow_null=True)
    results_stale = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    appeal_deadline = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    warnings = serializers.ListField(child=ProblemOut())


class CycleFileOut(S):
    name = _text()
    size = serializers.IntegerField()
    sha256 = _text()


class CycleDetailOut(CycleOut):
    teams = serializers.ListField(child=_text())
    confirmed_teams = serializers.ListField(child=_text())
    files = CycleFileOut(many=True)


class TaskOut(S):
    id = serializers.IntegerField()
    kind = _text()
    status = _text()
    progress = serializers.IntegerField()
    message = _text(allow_blank=True)
    cycle = _maybe_int()
    problems = serializers.ListField(child=_any())
    result = _any()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class GradeCountOut(S):
    grade = _text()
    count = serializers.IntegerField()
    of = serializers.IntegerField()
    max_share = serializers.FloatField(allow_null=True)
    share = serializers.FloatField(allow_null=True)


class ResultOut(S):
    cycle = serializers.IntegerField()
    agent_id = _text()
    name = _text()
    team = _maybe_text()
    version = serializers.IntegerField()
    is_current = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    eligible = serializers.BooleanField()
    total = serializers.CharField(allow_null=True, help_text="exact decimal, e.g. 77.5")
    grade = _maybe_text()
    computed_grade = _maybe_text()
    rank = _maybe_int()
    level = _maybe_text()
    pay_total = serializers.CharField(allow_null=True, help_text="exact decimal")
    flags = _any()
    reason = _text(allow_blank=True)
    created_at = serializers.DateTimeField()


class ResultFullOut(ResultOut):
    data = _any()  # type: ignore[assignment]  # a field, popped from the class by DRF


class RatingOut(S):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    agent_id = _text()
    indicator = _text()
    role = _text()
    value = _text(allow_blank=True)
    note = _text(allow_blank=True)
    rater = _maybe_text()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="counts the saves; send it back to be safe")


class AssignmentOut(S):
    """One assigned rater of one agent (what HR sees)."""

    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    agent_id = _text()
    agent_name = _text()
    team = _maybe_text()
    role = _text()
    rater = _text()
    rater_name = _text(allow_blank=True)
    ratings = serializers.IntegerField(help_text="indicators this rater has rated")


class AssignedOut(S):
    created = AssignmentOut(many=True)
    existing = serializers.IntegerField(help_text="pairs already assigned, left as they were")
    themselves = serializers.IntegerField(help_text="pairs left out: an agent rating themselves")


class AssignedIndicatorOut(S):
    id = _text()
    name = _text()
    value = _text(allow_blank=True)
    version = serializers.IntegerField(help_text="0: not rated yet")


class MyAssignmentOut(S):
    """One assignment as its rater sees it: whom, in which role, what to rate."""

    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    cycle_name = _text()
    period = _text()
    agent_id = _text()
    agent_name = _text()
    team = _maybe_text()
    role = _text()
    role_name = _text()
    open = serializers.BooleanField(help_text="rating is open now")
    indicators = AssignedIndicatorOut(many=True)


class GapOut(S):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    agent_id = _text()
    self_total = _maybe_text()
    self_grade = _maybe_text()
    supervisor_total = _maybe_text()
    supervisor_grade = _maybe_text()
    grades_apart = serializers.IntegerField()
    status = _text()


class AppealOut(S):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    agent_id = _text()
    state = _text()
    reasons = _text(allow_blank=True)
    filed_at = serializers.DateTimeField()
    result_version = serializers.IntegerField()
    supervisor_decision = _maybe_text()
    supervisor_note = _text(allow_blank=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    hr_decision = _maybe_text()
    hr_note = _text(allow_blank=True)
    new_result_version = _maybe_int()


class CorrectionOut(S):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    agent_id = _text()
    kind = serializers.ChoiceField(choices=["metric", "incident"])
    name = _text()
    value = serializers.CharField(help_text="exact decimal, e.g. 90 or 2")
    reason = _text()
    appeal = _maybe_int()
    result_version = serializers.IntegerField(
        allow_null=True, help_text="the result version the re-scoring made"
    )
    by = _maybe_text()
    at = serializers.DateTimeField()


class InterviewOut(S):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    agent_id = _text()
    supervisor = _maybe_text()
    content = _text(allow_blank=True)
    plan = _text(allow_blank=True)
    written_at = serializers.DateTimeField()
    signed_at = serializers.DateTimeField(allow_null=True)
    agent_comment = _text(allow_blank=True)


class AuditOut(S):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = _text(allow_blank=True)
    action = _text()
    object_type = _text(allow_blank=True)
    object_id = _text(allow_blank=True)
    object = _text(allow_blank=True)
    cycle = _maybe_int()
    before = _any()
    after = _any()
    note = _text(allow_blank=True)
    withheld = serializers.BooleanField(help_text="before, after and note are for HR only")


ERROR = OpenApiResponse(ErrorOut, description="refused: code, message and every problem")
ERRORS = {
    400: ERROR,
    401: OpenApiResponse(ErrorOut, description="not signed in"),
    403: OpenApiResponse(ErrorOut, description="signed in, but not allowed"),
    404: OpenApiResponse(ErrorOut, description="no such object, or not one the caller may see"),
    405: OpenApiResponse(ErrorOut, description="method not allowed"),
    409: OpenApiResponse(ErrorOut, description="the object is in the wrong state for this"),
    413: OpenApiResponse(ErrorOut, description="the upload is over the limit"),
    500: OpenApiResponse(ErrorOut, description="unexpected error (logged on the server)"),
}


def answers(ok: Any = None, *, status: int = 200, **more: Any) -> dict[int, Any]:
    """``responses=`` for ``extend_schema``: the success shape under ``status`` (``None`` for an
    empty body), other successes by ``s201=...``, and every error in the one error shape."""
    out: dict[int, Any] = {status: ok}
    for key, value in more.items():
        out[int(key.removeprefix("s"))] = value
    return {**out, **ERRORS}
