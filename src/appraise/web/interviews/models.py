from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appraise.web.cycles.models import Cycle
from appraise.web.org.models import Agent


class InterviewRecord(models.Model):
    """A performance interview form (绩效面谈表): written by a supervisor, signed by the agent.

    Once signed it is no longer edited.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="interviews")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="interviews")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.TextField()
    plan = models.TextField(blank=True)
    written_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    agent_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-written_at"]
        constraints = [models.UniqueConstraint(fields=["cycle", "agent"], name="interview_unique")]

    def __str__(self) -> str:
        return gettext("interview: %(agent)s %(period)s") % {
            "agent": self.agent.agent_id,
            "period": self.cycle.period,
        }


class GapStatus(models.TextChoices):
    OPEN = "open", _("open")
    REASSESS = "reassess", _("self re-assessment requested")
    INTERVIEW = "interview", _("interviewed")
    CLEARED = "cleared", _("gap gone")


class GapFlag(models.Model):
    """Self and supervisor scores a grade or more apart (seed 004, 评估程序).

    The direct supervisor asks the agent to re-assess, or interviews them. Each computation
    refreshes the numbers; a gap that closes is ``cleared``.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="gap_flags")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="gap_flags")
    self_total = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    self_grade = models.CharField(max_length=100, blank=True)
    supervisor_total = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    supervisor_grade = models.CharField(max_length=100, blank=True)
    grades_apart = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=GapStatus.choices, default=GapStatus.OPEN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "agent"], name="gap_flag_unique")]

    def __str__(self) -> str:
        return gettext("grade gap: %(agent)s %(own)s/%(supervisor)s") % {
            "agent": self.agent.agent_id,
            "own": self.self_grade,
            "supervisor": self.supervisor_grade,
        }
