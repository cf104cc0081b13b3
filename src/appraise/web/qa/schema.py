"""The shapes of the QA API's answers (``/api/qa/``), for the OpenAPI schema.

They describe the dicts :mod:`appraise.web.qa.render` builds, field by field, as
:mod:`appraise.web.api.schema` does for the core API; ``tests/web/qa/test_qa_api_schema.py``
checks real answers against them. Scores are exact decimals written as strings ("27.21").
"""

from __future__ import annotations

from rest_framework import serializers

from appraise.web.api.schema import S, _any, _maybe_int, _maybe_text, _text


def _score() -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text="exact decimal, or null")


def _names() -> serializers.ListField:
    return serializers.ListField(child=_text())


class QaRubricLevelOut(S):
    name = _text()
    score = _score()


class QaRubricItemOut(S):
    id = _text()
    name = _text()
    kind = _text()
    min = _score()
    max = _score()
    levels = QaRubricLevelOut(many=True)
    fatal = serializers.BooleanField()
    na_allowed = serializers.BooleanField()
    counts = serializers.BooleanField()


class QaRubricOut(S):
    id = serializers.IntegerField()
    scheme_version = serializers.IntegerField()
    scheme_id = _text()
    version = serializers.IntegerField()
    name = _text()
    fatal = _any()
    na_items = _any()
    seats = _any()
    default = serializers.BooleanField()
    active = serializers.BooleanField()


class QaRubricFormOut(QaRubricOut):
    items = QaRubricItemOut(many=True)


class QaImportOut(S):
    id = serializers.IntegerField()
    period = _text()
    source = _text(allow_blank=True)  # type: ignore[assignment]  # a field, as DRF reads it
    created = serializers.IntegerField()
    skipped_existing = serializers.IntegerField()
    csat_added = serializers.IntegerField()
    unknown_agents = _any()
    by = _maybe_text()
    at = serializers.DateTimeField()


class QaConversationOut(S):
    id = serializers.IntegerField()
    conversation_id = _text()
    agent_id = _text()
    period = _text()
    channel = _text(allow_blank=True)
    queue = _text(allow_blank=True)
    outcome = _text(allow_blank=True)
    is_call = serializers.BooleanField()
    hung_up_by = _maybe_text()
    failed_checks = _names()


class QaConversationFullOut(QaConversationOut):
    messages = serializers.ListField(child=_any())
    findings = serializers.ListField(child=_any())


class QaRunOut(S):
    id = serializers.IntegerField()
    period = _text()
    seed = _text()
    per_agent = serializers.IntegerField()
    strata = _any()
    random_share = _score()
    # The CSAT at or below which a conversation was in the low-CSAT stratum (null: none).
    low_csat = serializers.IntegerField(allow_null=True)
    sampled = serializers.IntegerField()
    reviewers = _names()
    by = _maybe_text()
    at = serializers.DateTimeField()


class QaAssignmentOut(S):
    id = serializers.IntegerField()
    run = serializers.IntegerField()
    conversation = QaConversationOut()
    reviewer = _maybe_text()
    rubric = serializers.IntegerField()
    stratum = _text(allow_blank=True)
    part = _text(help_text="random (the unbiased estimate), risk (flagged) or fill")
    flags = _names()
    state = _text()


class QaAssignmentFullOut(QaAssignmentOut):
    conversation = QaConversationFullOut()
    rubric = QaRubricFormOut()  # type: ignore[assignment]


class QaRunFullOut(QaRunOut):
    assignments = QaAssignmentOut(many=True)


class QaItemScoreOut(S):
    id = _text()
    name = _text()
    value = _maybe_text()
    score = _score()
    full = _score()
    weighted = _score()
    explain = _text(allow_blank=True)
    counts = serializers.BooleanField()
    na = serializers.BooleanField()
    fatal = serializers.BooleanField()
    failed = serializers.BooleanField()
    comment = _text(allow_blank=True)


class QaResultOut(S):
    """A score computed and not stored (the form's preview)."""

    score = _score()
    maximum = _score()
    applicable = _score()
    earned = _score()
    fatal = serializers.BooleanField()
    fatal_failed = _names()
    na = _names()
    nonfatal_errors = serializers.IntegerField()
    opportunities = serializers.IntegerField()
    items = QaItemScoreOut(many=True)
    notes = _names()


class QaReviewOut(S):
    id = serializers.IntegerField()
    conversation_id = _text()
    conversation = serializers.IntegerField()
    agent_id = _text()
    period = _text()
    rubric = serializers.IntegerField()
    reviewer = _maybe_text()
    assignment = _maybe_int()
    calibration = _maybe_int()
    version = serializers.IntegerField()
    is_current = serializers.BooleanField()
    supersedes = _maybe_int()
    source = _text()  # type: ignore[assignment]  # a field, as DRF reads it
    score = _score()
    maximum = _score()
    applicable = _score()
    earned = _score()
    fatal = serializers.BooleanField()
    fatal_failed = _any()
    na = _any()
    nonfatal_errors = serializers.IntegerField()
    opportunities = serializers.IntegerField()
    ratings = _any()
    comments = _any()
    comment = _text(allow_blank=True)
    metrics = _any()
    items = _any()
    notes = _any()
    reviewed_at = serializers.DateTimeField()


class QaDisputeOut(S):
    id = serializers.IntegerField()
    review = serializers.IntegerField()
    agent_id = _text()
    reason = _text(allow_blank=True)
    state = _text()
    first_reviewer = _maybe_text()
    second_reviewer = _maybe_text()
    note = _text(allow_blank=True)
    new_review = _maybe_int()
    score_before = _score()
    score_after = _score()
    opened_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class QaReportItemOut(S):
    item = _text()
    name = _text()
    ratings = serializers.IntegerField()
    conversations = serializers.IntegerField()
    mean = _score()
    mean_stdev = _score()
    max_spread = _score()
    fleiss_kappa = _score()


class QaReportPairOut(S):
    reviewers = _names()
    cells = serializers.IntegerField()
    agreed = serializers.IntegerField()
    observed = _score()
    expected = _score()
    kappa = _score()


class QaReportReviewerOut(S):
    reviewer = _text()
    reviews = serializers.IntegerField()
    mean_score = _score()
    mean_deviation = _score()
    mean_abs_deviation = _score()
    score_deviation = _score()
    leniency = _score()


class QaReportCellOut(S):
    conversation_id = _text()
    item = _text()
    values = serializers.DictField(child=_score(), help_text="reviewer -> value")
    mean = _score()
    stdev = _score()
    spread = _score()


class QaReportOut(S):
    items = QaReportItemOut(many=True)
    pairs = QaReportPairOut(many=True)
    reviewers = QaReportReviewerOut(many=True)
    cells = QaReportCellOut(many=True)


class QaCalibrationOut(S):
    id = serializers.IntegerField()
    name = _text()
    rubric = serializers.IntegerField()
    state = _text()
    reviewers = _names()
    conversations = _names()
    created_at = serializers.DateTimeField()


class QaCalibrationFullOut(QaCalibrationOut):
    report = QaReportOut()


class QaFiguresAgentOut(S):
    agent_id = _text()
    monitored = serializers.IntegerField()
    internal_average = _score()
    external_average = _score()
    qa_average = _score()
    fatal_accuracy = _score()
    nonfatal_accuracy = _score()


class QaFiguresItemOut(S):
    item = _text()
    name = _text()
    rated = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    mean = _score()
    percent = _score()
    errors = serializers.IntegerField()  # type: ignore[assignment]  # a field, as DRF reads it


class QaFiguresReviewerOut(S):
    reviewer = _text()
    reviews = serializers.IntegerField()
    mean = _score()


class QaAgreementOut(S):
    check = _text()
    item = _text()
    pairs = serializers.IntegerField()
    tp = serializers.IntegerField()
    fp = serializers.IntegerField()
    fn = serializers.IntegerField()
    tn = serializers.IntegerField()
    precision = _score()
    recall = _score()
    kappa = _score()
    gated = serializers.BooleanField(help_text="the QA config sets a minimum agreement")
    counts = serializers.BooleanField(help_text="the check's metrics count in totals")
    reasons = _names()


class QaFiguresOut(S):
    period = _text()
    rubric = _maybe_int()
    reviews = serializers.IntegerField()
    estimated = serializers.BooleanField(
        help_text="a risk-weighted sample: averages and accuracies over its random part"
    )
    agreement = QaAgreementOut(many=True)
    agents = QaFiguresAgentOut(many=True)
    items = QaFiguresItemOut(many=True)
    reviewers = QaFiguresReviewerOut(many=True)


# ----------------------------------------------------------------------- the rule test bench


class QaBenchRuleOut(S):
    id = _text()
    name = _text()
    severity = _text()
    when = _text()
    points = _score()
    cap = _score()
    escalate = serializers.ListField(child=_text())
    veto = serializers.BooleanField()
    hits = serializers.IntegerField()


class QaBenchEvidenceOut(S):
    condition = _text()
    message_index = _maybe_int()
    start = _maybe_int()
    end = _maybe_int()
    text = _text(allow_blank=True, help_text="what matched, personal data masked")
    note = _text(allow_blank=True)


class QaBenchHitOut(S):
    conversation = serializers.IntegerField(
        help_text="the conversation's key (/qa/conversations/{id}/)"
    )
    conversation_id = _text()
    agent_id = _maybe_text()
    rule = _text()
    name = _text()
    severity = _text()
    hit = serializers.BooleanField()
    computable = serializers.BooleanField()
    veto = serializers.BooleanField()
    occurrences = serializers.IntegerField()
    points = _score()
    message = _text(allow_blank=True)
    evidence = QaBenchEvidenceOut(many=True)


class QaBenchReasonOut(S):
    reason = _text()
    conversations = serializers.IntegerField()


class QaRuleTestOut(S):
    period = _text()
    in_period = serializers.IntegerField(help_text="conversations of the period the caller sees")
    sampled = serializers.IntegerField()
    seed = _text()
    checked = serializers.IntegerField(help_text="(rule, conversation) pairs evaluated")
    outside = serializers.IntegerField(help_text="pairs outside the rule's channels or queues")
    not_computable = serializers.IntegerField()
    rules = QaBenchRuleOut(many=True)
    hits = QaBenchHitOut(many=True)
    not_computable_reasons = QaBenchReasonOut(many=True)
