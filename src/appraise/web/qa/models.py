"""What QA keeps: rubrics (scheme versions used as forms), the conversations under review with
their automatic-check findings, sampling runs and their assignments, reviews (never edited: a
dispute upheld adds a new version), disputes and calibration sessions.

Scores are stored as the core computed them (:func:`appraise.qa.rubric.score_review`); nothing
here adds points up.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appraise.web.org.models import Agent
from appraise.web.schemes.models import SchemeVersion


def any_item() -> str:
    """``na_items`` of a rubric that lets any non-fatal item be N/A."""
    return "*"


class Rubric(models.Model):
    """A scheme version used as a QA form (质检评分表), with its fatal and N/A items and the
    seats (queues or channels) it is for. ``na_items`` is ``"*"`` (any non-fatal item) or a
    list of item ids."""

    scheme_version = models.OneToOneField(
        SchemeVersion, on_delete=models.PROTECT, related_name="qa_rubric"
    )
    fatal = models.JSONField(default=list, blank=True)
    na_items = models.JSONField(default=any_item, blank=True)
    seats = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-active", "scheme_version__scheme_id", "-scheme_version__version"]

    def __str__(self) -> str:
        return f"{self.scheme_version.scheme_id} v{self.scheme_version.version}"


class ImportBatch(models.Model):
    """One import of a period's conversations (a data folder, a store file or uploaded files)
    with the QA config its automatic checks ran with."""

    period = models.CharField(max_length=20)
    source = models.CharField(max_length=300)
    config = models.TextField(blank=True)
    created = models.PositiveIntegerField(default=0)
    skipped_existing = models.PositiveIntegerField(default=0)
    # Of those already there, how many got their CSAT from a survey that came later.
    csat_added = models.PositiveIntegerField(default=0)
    unknown_agents = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return gettext("QA import %(n)s: %(period)s") % {"n": self.pk, "period": self.period}


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    TRANSFERRED = "transferred", _("Transferred")
    UNKNOWN = "unknown", _("Unknown")


class Conversation(models.Model):
    """A chat or call of an agent, its transcript (customer and agent messages, in the metrics'
    order) and what the automatic checks found in it (``Finding.as_dict()`` each), with the
    rules' hits and the verdict of every rule computable on it."""

    conversation_id = models.CharField(max_length=128, unique=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="qa_conversations")
    period = models.CharField(max_length=20, db_index=True)
    channel = models.CharField(max_length=32, blank=True)
    queue = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    is_call = models.BooleanField(default=False)
    transferred_to = models.CharField(max_length=64, blank=True)
    hung_up_by = models.CharField(max_length=16, blank=True)
    messages = models.JSONField(default=list)
    findings = models.JSONField(default=list)
    # The hits of the QA config's rules (``RuleFinding.as_dict()``; docs/qa.md, "The rule
    # language"), personal data already masked in their evidence.
    rule_findings = models.JSONField(default=list)
    # rule id -> hit, for every rule that was computable on the conversation (hit or not): what
    # the rules' agreement with the reviewers and their metrics are measured on. Empty for a
    # conversation imported before it was kept (or without rules): it has no rule verdicts.
    rule_verdicts = models.JSONField(default=dict, blank=True)
    # The customer's CSAT (1..5) from the import's surveys, the lowest of several; null when
    # no survey was answered. A risk-weighted sample's low-CSAT stratum reads it.
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, on_delete=models.SET_NULL, related_name="conversations"
    )

    class Meta:
        ordering = ["period", "conversation_id"]

    def __str__(self) -> str:
        return self.conversation_id


class SamplingRun(models.Model):
    """One draw of a period's monitored conversations (抽检), reproducible from its seed."""

    period = models.CharField(max_length=20)
    seed = models.CharField(max_length=64)
    per_agent = models.PositiveIntegerField()
    strata = models.JSONField(default=list)
    # Risk-weighted sampling: the share of each agent's places drawn at random (1: all).
    random_share = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal(1))
    # The CSAT at or below which a conversation was in the low-CSAT stratum (the period's QA
    # config, ``sampling.low_csat``); null: no such stratum (or an unweighted run).
    low_csat = models.PositiveSmallIntegerField(null=True, blank=True)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    sampled = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return gettext("QA sample %(n)s: %(period)s, seed %(seed)s") % {
            "n": self.pk,
            "period": self.period,
            "seed": self.seed,
        }

    @property
    def random_percent(self) -> str:
        """The random share as a plain percentage ("40", "100")."""
        return format((Decimal(self.random_share) * 100).normalize(), "f")


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("To review")
    REVIEWED = "reviewed", _("Reviewed")


class Assignment(models.Model):
    """A sampled conversation given to a reviewer. One per conversation: a conversation is
    monitored once (the database refuses a second)."""

    run = models.ForeignKey(SamplingRun, on_delete=models.CASCADE, related_name="assignments")
    conversation = models.OneToOneField(
        Conversation, on_delete=models.PROTECT, related_name="assignment"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_assignments"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assignments")
    stratum = models.CharField(max_length=200, blank=True)
    # random (the unbiased estimate), risk (flagged by the checks) or fill; see docs/qa.md
    part = models.CharField(max_length=10, default="random")
    flags = models.JSONField(default=list, blank=True)
    state = models.CharField(
        max_length=10, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED
    )

    class Meta:
        ordering = ["state", "conversation__conversation_id"]

    def __str__(self) -> str:
        return f"{self.conversation.conversation_id} → {self.reviewer.get_username()}"


class SessionState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CalibrationSession(models.Model):
    """Several reviewers score the same conversations (校准) to see how far apart they are."""

    name = models.CharField(max_length=200)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    conversations = models.ManyToManyField(Conversation, related_name="calibrations")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="qa_calibrations")
    state = models.CharField(max_length=10, choices=SessionState.choices, default=SessionState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return gettext("calibration %(n)s: %(name)s") % {"n": self.pk, "name": self.name}


class Source(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class Review(models.Model):
    """One reviewer's scoring of one conversation, with what the core computed from it.

    Never edited: an upheld dispute adds version n + 1 (``supersedes`` the disputed one, which
    stays with ``is_current = False``). A calibration review belongs to its session and never
    counts in the figures.
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="reviews")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="qa_reviews")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    calibration = models.ForeignKey(
        CalibrationSession, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_reviews"
    )
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.INTERNAL)
    ratings = models.JSONField(default=dict)
    comments = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    maximum = models.DecimalField(max_digits=12, decimal_places=4)
    applicable = models.DecimalField(max_digits=12, decimal_places=4)
    earned = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    fatal = models.BooleanField(default=False)
    fatal_failed = models.JSONField(default=list, blank=True)
    na = models.JSONField(default=list, blank=True)
    nonfatal_errors = models.PositiveIntegerField(default=0)
    opportunities = models.PositiveIntegerField(default=0)
    items = models.JSONField(default=list)
    notes = models.JSONField(default=list, blank=True)
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"],
                condition=models.Q(assignment__isnull=False),
                name="qa_review_version_unique",
            ),
            models.UniqueConstraint(
                fields=["calibration", "conversation", "reviewer"],
                condition=models.Q(calibration__isnull=False),
                name="qa_calibration_review_once",
            ),
        ]

    def __str__(self) -> str:
        return gettext("QA review %(n)s: %(conversation)s, version %(version)s") % {
            "n": self.pk,
            "conversation": self.conversation.conversation_id,
            "version": self.version,
        }


class DisputeState(models.TextChoices):
    OPEN = "open", _("Awaiting review")
    ASSIGNED = "assigned", _("With a second reviewer")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


OPEN_DISPUTE_STATES = (DisputeState.OPEN, DisputeState.ASSIGNED)


class Dispute(models.Model):
    """An agent's dispute of a review (质检申诉), decided by a second reviewer who is neither
    the first reviewer nor the agent. Upheld: ``new_review`` is the re-scored version."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="dispute")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="qa_disputes")
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=DisputeState.choices, default=DisputeState.OPEN)
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="qa_second_reviews",
    )
    note = models.TextField(blank=True)
    new_review = models.OneToOneField(
        Review, null=True, blank=True, on_delete=models.PROTECT, related_name="deciding_dispute"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return gettext("QA dispute %(n)s of review %(review)s") % {
            "n": self.pk,
            "review": self.review_id,
        }
