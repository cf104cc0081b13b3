from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext

from appraise.messages import lang_of
from appraise.scoring.output import localized
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.heat import heat_cells
from appraise.web.org.models import Agent, Team


class RaterAssignment(models.Model):
    """HR's choice of one person to rate one agent of a cycle in an assigned rater role
    (``assigned: true`` in the scheme: 同事互评, 跨部门, 办公室评分).

    Any login may be a rater, from any department: the assignment is all they see of the cycle
    (the agent's name and the indicators of their role, never a result). An agent may have
    several raters of one role; their ratings are averaged within the role.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=50)
    # PROTECT: a rater's ratings name them; a login leaves by deactivation, not deletion.
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rater_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "agent__agent_id", "role", "rater__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "agent", "role", "rater"], name="assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(agent)s %(role)s, rated by %(rater)s") % {
            "agent": self.agent.agent_id,
            "role": self.role,
            "rater": self.rater.username,
        }


class Rating(models.Model):
    """A rating entered in the app for one indicator of one agent by one rater role.

    ``role`` is a rater role id of the scheme (``supervisor``), or ``self``. ``value`` is kept
    as written (a number or a level name); the scheme engine reads it exactly as a file cell.
    One row per role: a later entry replaces the value, and the audit log keeps the earlier one.
    A rating of an assigned role belongs to its ``assignment`` instead: one row per assignment
    and indicator, so an agent's three peers give three rows of the role.
    ``version`` counts the saves: a form or API call that names the version it was shown is
    refused when someone saved the rating since (no lost update, issue 16).
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="ratings")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="ratings")
    indicator = models.CharField(max_length=100)
    role = models.CharField(max_length=50)
    value = models.CharField(max_length=100)
    note = models.TextField(blank=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # Removing an assignment removes its ratings (audited, and the results become stale).
    assignment = models.ForeignKey(
        RaterAssignment, null=True, blank=True, on_delete=models.CASCADE, related_name="ratings"
    )

    class Meta:
        ordering = ["agent__agent_id", "indicator", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "agent", "indicator", "role"],
                condition=models.Q(assignment__isnull=True),
                name="rating_unique",
            ),
            models.UniqueConstraint(
                fields=["assignment", "indicator"],
                condition=models.Q(assignment__isnull=False),
                name="rating_assigned_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent.agent_id} {self.indicator} {self.role}={self.value}"


class Result(models.Model):
    """One version of one agent's result in one cycle.

    ``data`` is the engine's ``result_dict`` (every indicator with its explanation); the columns
    beside it are copies for queries. Before publication the current version is replaced in
    place by each computation; once published it is never changed: a re-score adds version
    n + 1 and the earlier version stays, no longer current.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="results")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="results")
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    published_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField()
    eligible = models.BooleanField(default=True)
    total = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    grade = models.CharField(max_length=100, blank=True)
    computed_grade = models.CharField(max_length=100, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    level = models.CharField(max_length=100, blank=True)
    pay_total = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    # ``data``'s leaf indicators as [id, name, share achieved] (``heat.heat_cells``): what the
    # team dashboard's heat map reads of each result, a tenth of ``data``. Written by ``save``
    # whenever ``data`` is; no writer of results updates ``data`` with ``QuerySet.update``.
    heat = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["cycle", "rank", "agent__agent_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "agent", "version"], name="result_version_unique"
            ),
            models.UniqueConstraint(
                fields=["cycle", "agent"],
                condition=models.Q(is_current=True),
                name="result_one_current",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "is_current", "grade"])]

    def __str__(self) -> str:
        return f"{self.cycle} {self.agent.agent_id} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.heat = heat_cells(self.data)
        fields = kwargs.get("update_fields")
        if fields is not None and "data" in fields and "heat" not in fields:
            kwargs["update_fields"] = [*fields, "heat"]
        super().save(*args, **kwargs)

    def read(self, lang: str | None = None) -> dict[str, Any]:
        """``data`` as a reader sees it: every explanation and value with its unit written in
        ``lang`` (the request's language when not given) from what the engine said. A result
        stored before explanations were kept that way shows the text it was stored with."""
        return localized(self.data or {}, lang_of(lang) if lang else None)


class TeamHeat(models.Model):
    """One team's row of a cycle's heat map over several teams, kept with the results.

    The team dashboard of a manager or HR over many teams shows each team's mean of each leaf
    indicator's share achieved (``Result.heat``) over the current results of the team's
    agents. Taken from every result on each rebuild of the dashboard's cache, that was a third
    of its time at 10,000 agents (docs/deploy.md, sixth round); it is kept here instead, one
    row per team, written by ``evaluations.teamheat.team_heat_refresh`` whenever what it is
    taken from changes: a computation, a re-score (and so a correction), an agent moving to
    another team. ``results`` names the results the means were taken over in their order
    (``heat.results_digest``): the dashboard takes the means from the cells again for a team
    whose results are not those, so a writer that forgot to refresh shows slower, never wrong.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="team_heats")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    results = models.CharField(max_length=32)
    count = models.PositiveIntegerField()
    # The cells of the team's first result (the chart's columns), and [[leaf id, mean], ...].
    first = models.JSONField(default=list, blank=True)
    means = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "team"], name="team_heat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.team}"
