from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraise.web.org.models import Agent, Team
from appraise.web.schemes.models import SchemeVersion


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    DATA_IMPORTED = "data_imported", _("data imported")
    SELF_ASSESSMENT = "self_assessment", _("self-assessment")
    SUPERVISOR_RATING = "supervisor_rating", _("supervisor rating")
    INDIRECT_AUDIT = "indirect_audit", _("indirect audit")
    CALIBRATION = "calibration", _("calibration")
    PUBLISHED = "published", _("published")
    INTERVIEWS = "interviews", _("interviews")
    APPEAL_WINDOW = "appeal_window", _("appeal window")
    CLOSED = "closed", _("closed")


STATE_ORDER = [s.value for s in State]


class Cycle(models.Model):
    """One appraisal round: a pinned scheme version x a period x the agents it applies to.

    The agents are pinned when the cycle is created (the teams' agents then, plus any named), so
    moving an agent to another team later does not move their appraisal.
    ``inputs_changed_at`` after ``computed_at`` means the results are stale.
    """

    name = models.CharField(max_length=200)
    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=20)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    teams = models.ManyToManyField(Team, related_name="cycles", blank=True)
    agents = models.ManyToManyField(Agent, related_name="cycles", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    inputs_changed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    appeal_deadline = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Warnings of the last computation (scheme and inputs), as {level, code, message, where}.
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-period", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})"

    @property
    def is_published(self) -> bool:
        return STATE_ORDER.index(self.state) >= STATE_ORDER.index(State.PUBLISHED)

    @property
    def results_stale(self) -> bool:
        if self.computed_at is None:
            return True
        return self.inputs_changed_at is not None and self.inputs_changed_at > self.computed_at


class CycleFile(models.Model):
    """An uploaded input file, kept in the database so that a cycle can always be re-scored.

    ``name`` is a scoring input table (``ratings.csv``, ``book.xlsx``) or, under ``events/``,
    a canonical raw-event file the metrics are computed from.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="cycle_file_unique")]

    def __str__(self) -> str:
        return self.name


class TeamConfirmation(models.Model):
    """The indirect supervisor's confirmation of one team's results (间接上级审核)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="confirmations")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "team"], name="team_confirmation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.team}"


class GradeOverride(models.Model):
    """A grade set by HR in calibration (against the distribution quotas), with the reason.

    Kept apart from the computed result so that computing again keeps the calibration.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="overrides")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(max_length=100)
    note = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agent"], name="grade_override_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.agent} {self.grade}"
