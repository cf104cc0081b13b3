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
