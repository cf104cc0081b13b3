"""Request bodies, validated at the edge before any service is called."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from appraise.web.org.roles import ROLES


class UserCreateIn(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(required=False, allow_blank=False, write_only=True)
    first_name = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), default=list)


class RolesIn(serializers.Serializer[None]):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES))


class TeamIn(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100)
    supervisors = serializers.ListField(child=serializers.CharField(), default=list)
    indirect_supervisor = serializers.CharField(required=False, allow_null=True, default=None)


class AgentIn(serializers.Serializer[None]):
    agent_id = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=100)
    team = serializers.IntegerField(required=False, allow_null=True, default=None)
    username = serializers.CharField(required=False, allow_null=True, default=None)
    position = serializers.CharField(required=False, allow_blank=True, default="")
    hired_on = serializers.DateField(required=False, allow_null=True, default=None)


class SchemeTextIn(serializers.Serializer[None]):
    text = serializers.CharField(trim_whitespace=False)
    file = serializers.CharField(required=False, default="scheme.yaml", max_length=200)


class CycleIn(serializers.Serializer[None]):
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    scheme_version = serializers.IntegerField()
    period = serializers.CharField(max_length=20)
    teams = serializers.ListField(child=serializers.IntegerField(), default=list)
    agents = serializers.ListField(child=serializers.CharField(), default=list)
    # A cycle of the same scheme and period with any of these agents is refused without it.
    allow_duplicate = serializers.BooleanField(default=False)


class ImportIn(serializers.Serializer[None]):
    """Input tables in ``files``, raw event files in ``events`` (stored as ``events/NAME``:
    multipart file names carry no folder, so the field says what a file is)."""

    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    events = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    compute = serializers.BooleanField(default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["files"] and not attrs["events"]:
            raise serializers.ValidationError(
                {"files": [_("attach input tables (files) or raw events (events)")]}
            )
        return attrs


class ConfirmTeamIn(serializers.Serializer[None]):
    team = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CalibrateIn(serializers.Serializer[None]):
    agent_id = serializers.CharField()
    grade = serializers.CharField()
    note = serializers.CharField()


class AppealWindowIn(serializers.Serializer[None]):
    days = serializers.IntegerField(default=7, min_value=1, max_value=90)


class RescoreIn(serializers.Serializer[None]):
    reason = serializers.CharField(max_length=200)


class RatingIn(serializers.Serializer[None]):
    agent_id = serializers.CharField()
    indicator = serializers.CharField()
    role = serializers.CharField()
    value = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=(
            "The rating's version this client read (0: there was none). Named, a save over a "
            "newer rating is refused with 409 `stale`; left out, the later save wins."
        ),
    )


class AssignIn(serializers.Serializer[None]):
    role = serializers.CharField(help_text="an assigned rater role of the scheme (peer)")
    raters = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="user names of the raters (any login); left out with mutual",
    )
    agent_ids = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    team = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="every agent of this team"
    )
    mutual = serializers.BooleanField(
        required=False,
        default=False,
        help_text="the agents named rate each other (互评), each never themselves",
    )


class AssignedRatingIn(serializers.Serializer[None]):
    indicator = serializers.CharField()
    value = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=0)


class AppealIn(serializers.Serializer[None]):
    cycle = serializers.IntegerField()
    reasons = serializers.CharField()


class DecisionIn(serializers.Serializer[None]):
    decision = serializers.ChoiceField(choices=["uphold", "reject"])
    note = serializers.CharField()


class NoteIn(serializers.Serializer[None]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CorrectionIn(serializers.Serializer[None]):
    agent_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["metric", "incident"])
    name = serializers.CharField(help_text="the metric id, or the incident kind")
    value = serializers.CharField(help_text="the corrected value, or the count of incidents")
    reason = serializers.CharField()
    appeal = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="the upheld data appeal it answers"
    )


class InterviewIn(serializers.Serializer[None]):
    cycle = serializers.IntegerField()
    agent_id = serializers.CharField()
    content = serializers.CharField()
    plan = serializers.CharField(required=False, allow_blank=True, default="")


class SignIn(serializers.Serializer[None]):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
