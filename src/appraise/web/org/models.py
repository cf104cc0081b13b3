from __future__ import annotations

from django.conf import settings
from django.db import models


class Team(models.Model):
    """A team (班组) with its direct supervisors (主管) and one indirect supervisor (经理).

    The indirect supervisor confirms the team's ratings in the audit step of a cycle.
    """

    name = models.CharField(max_length=100, unique=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervised_teams", blank=True
    )
    indirect_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audited_teams",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    """An appraised person (客服): ``agent_id`` is the id used in the center's data files.

    ``user`` is the login; it may be missing for agents imported before they have an account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent",
    )
    agent_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="agents"
    )
    position = models.CharField(max_length=100, blank=True)
    hired_on = models.DateField(null=True, blank=True)
    # 岗位津贴级别 (seed 004): moved by a consequence's ``allowance`` at publication.
    allowance_level = models.IntegerField(default=0)

    class Meta:
        ordering = ["agent_id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agent_id})"
