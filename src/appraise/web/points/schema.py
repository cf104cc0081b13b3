"""The shapes of the points API's answers (``/api/points/``), for the OpenAPI schema.

They describe the dicts :mod:`appraise.web.points.render` builds, field by field, as
:mod:`appraise.web.api.schema` does for the core API; ``tests/web/points/test_points_api_schema.py``
checks real answers against them. Points and money are exact decimals written as strings.
"""

from __future__ import annotations

from rest_framework import serializers

from appraise.web.api.schema import S, _any, _maybe_int, _maybe_text, _text
from appraise.web.points.models import Kind, Source


def _decimal(help_text: str = "exact decimal, e.g. 12.50") -> serializers.CharField:
    return serializers.CharField(help_text=help_text)


def _maybe_decimal() -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text="exact decimal, or null")


class PointsEntrySourceOut(S):
    type = serializers.ChoiceField(choices=Source.values)
    scheme_id = _maybe_text()
    scheme_hash = _maybe_text()
    indicator = _maybe_text()
    run = _maybe_int()
    redemption = _maybe_int()


class PointsEntryOut(S):
    id = serializers.IntegerField()
    agent_id = _text()
    points = _decimal()
    on = serializers.DateField()
    period = _text(allow_blank=True)
    reason = _text(allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.values)
    source = PointsEntrySourceOut()  # type: ignore[assignment]  # a field, as DRF reads it
    corrects = _maybe_int()
    created_by = _maybe_text()
    created_at = serializers.DateTimeField()


class PointsPayoutOut(S):
    month = _text()
    agent_id = _text()
    balance = _decimal()
    points = _decimal()
    carried = _decimal()
    amount = _decimal("yuan, two decimals")
    entry = _maybe_int()


class PointsAgentPointsOut(S):
    agent_id = _text()
    name = _text()
    balance = _decimal()
    earned = _decimal()
    level = _maybe_text()
    next_level = _maybe_text()
    to_next = _maybe_decimal()
    entries = PointsEntryOut(many=True)
    payouts = PointsPayoutOut(many=True)


class PointsLeaderboardRowOut(S):
    rank = serializers.IntegerField()
    agent_id = _text()
    name = _text()
    team = _maybe_text()
    points = _decimal()
    earned = _decimal()
    level = _maybe_text()


class PointsLeaderboardOut(S):
    kind = serializers.ChoiceField(choices=["day", "week", "month"])
    period = _text()
    start = serializers.DateField()
    end = serializers.DateField()
    team = _maybe_int()
    rows = PointsLeaderboardRowOut(many=True)


class PointsRunOut(S):
    id = serializers.IntegerField()
    scheme_id = _text()
    scheme_version = _maybe_int()
    period = _text()
    seq = serializers.IntegerField()
    totals = _any()
    files = _any()
    inputs_sha256 = _text(allow_blank=True)
    warnings = _any()
    created_by = _maybe_text()
    created_at = serializers.DateTimeField()


class PointsRunOutcomeOut(S):
    changed = serializers.BooleanField(help_text="false: the ledger held these points already")
    message = _text(allow_blank=True)
    run = PointsRunOut(allow_null=True)
    entries = PointsEntryOut(many=True)
    totals = serializers.DictField(child=_decimal(), help_text="agent_id -> points")
    warnings = serializers.ListField(child=_any())


class PointsRedemptionOut(S):
    month = _text()
    this_month_bookings = _decimal()
    last_month_bookings = _decimal()
    share = _decimal()
    yuan_per_point = _decimal()
    rate = _decimal("yuan a point this month")
    created_by = _maybe_text()
    created_at = serializers.DateTimeField()


class PointsRedemptionPaidOut(PointsRedemptionOut):
    payouts = PointsPayoutOut(many=True)
    amount = _decimal("yuan paid in all")


class PointsRedemptionOutcomeOut(PointsRedemptionPaidOut):
    created = serializers.BooleanField(help_text="false: redeemed before, nothing paid again")
    message = _text(allow_blank=True)
    skipped = serializers.DictField(child=_decimal(), help_text="agent_id -> balance")


class PointsPlannedPayoutOut(S):
    agent_id = _text()
    name = _text()
    balance = _decimal()
    points = _decimal()
    carried = _decimal()
    rate = _decimal()
    amount = _decimal("yuan, two decimals")


class PointsRedemptionPlanOut(S):
    month = _text()
    this_month_bookings = _decimal()
    last_month_bookings = _decimal()
    share = _decimal()
    yuan_per_point = _decimal()
    rate = _decimal()
    fingerprint = _text(help_text="send it with the redemption to pay exactly this")
    payouts = PointsPlannedPayoutOut(many=True)
    amount = _decimal("yuan in all")
    skipped = serializers.DictField(child=_decimal(), help_text="agent_id -> balance")
    redeemed_at = serializers.DateTimeField(allow_null=True)
    blocked_by = _maybe_text()
