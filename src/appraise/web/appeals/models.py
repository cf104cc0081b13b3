from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.models import Result
from appraise.web.org.models import Agent


class AppealState(models.TextChoices):
    WITH_SUPERVISOR = "with_supervisor", _("with the supervisor")
    WITH_HR = "with_hr", _("with HR")
    UPHELD = "upheld", _("upheld")
    REJECTED = "rejected", _("rejected")
    RESCORED = "rescored", _("re-scored")


OPEN_STATES = (AppealState.WITH_SUPERVISOR, AppealState.WITH_HR, AppealState.UPHELD)


class Appeal(models.Model):
    """An agent's appeal against their published result, with the facts it rests on.

    The supervisor answers first; a rejected appeal may be escalated to HR, whose decision is
    final. An upheld appeal stays open until HR has changed the inputs and re-scored.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="appeals")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="appeals")
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="appeals")
    reasons = models.TextField()
    state = models.CharField(
        max_length=20, choices=AppealState.choices, default=AppealState.WITH_SUPERVISOR
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    supervisor_decision = models.CharField(max_length=10, blank=True)
    supervisor_note = models.TextField(blank=True)
    supervisor_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    supervisor_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    hr_decision = models.CharField(max_length=10, blank=True)
    hr_note = models.TextField(blank=True)
    hr_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hr_at = models.DateTimeField(null=True, blank=True)
    new_result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return gettext("appeal %(n)s: %(agent)s %(period)s") % {
            "n": self.pk,
            "agent": self.agent.agent_id,
            "period": self.cycle.period,
        }


class CorrectionKind(models.TextChoices):
    METRIC = "metric", _("metric value")
    INCIDENT = "incident", _("incident count")


class Correction(models.Model):
    """HR's correction of one agent's input after publication, with the reason: a metric's value
    (replacing the files', the QA app's and the events' value) or the count of one kind of
    incident in the period (replacing the files' rows of that kind). Re-scoring makes a new
    result version; the correction points at it, and at the data appeal that asked for it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="corrections")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=10, choices=CorrectionKind.choices)
    name = models.CharField(max_length=100)  # the metric id or the incident kind
    value = models.DecimalField(max_digits=18, decimal_places=4)
    reason = models.TextField()
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return gettext("correction %(n)s: %(agent)s %(name)s = %(value)s") % {
            "n": self.pk,
            "agent": self.agent.agent_id,
            "name": self.name,
            "value": self.value,
        }
