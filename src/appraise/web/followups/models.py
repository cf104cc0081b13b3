"""Follow-ups: the work a published result asks of someone (docs/web.md, "Follow-ups").

The scheme's consequences say what follows a result (a 绩效面谈, a 整改计划, an HR decision on
training, transfer, dismissal, promotion or allowance); when the cycle is published each becomes
an item with its owner, due date and state, and an open item blocks closing the cycle unless HR
closes it anyway with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraise.web.cycles.models import Cycle
from appraise.web.interviews.models import InterviewRecord
from appraise.web.org.models import Agent


class Kind(models.TextChoices):
    INTERVIEW = "interview", _("performance interview")
    PLAN = "plan", _("rectification plan")
    HR = "hr", _("HR decision")


class ItemState(models.TextChoices):
    OPEN = "open", _("to do")
    SUBMITTED = "submitted", _("waiting for acceptance")
    DONE = "done", _("done")


OPEN_STATES = (ItemState.OPEN, ItemState.SUBMITTED)

# The rule of an item raised by a self/supervisor grade gap rather than by a consequence.
GAP_RULE = "grade_gap"


class FollowUp(models.Model):
    """One piece of follow-up work for one agent of one cycle.

    ``rule`` is the consequence id that raised it (or ``grade_gap``); ``rule_name`` and
    ``explain`` are the scheme's name of the rule and the engine's reading of it, kept as they
    were at publication. An interview item is done when the agent signs the interview record; a
    plan is submitted by the agent and accepted by the direct supervisor; an HR item is done
    when HR records the decision.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="followups")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="followups")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rule = models.CharField(max_length=100)
    rule_name = models.CharField(max_length=200, blank=True)
    explain = models.TextField(blank=True)
    note = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=ItemState.choices, default=ItemState.OPEN)
    interview = models.ForeignKey(
        InterviewRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
    )
    plan = models.TextField(blank=True)
    plan_submitted_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    # The post allowance move the rule made (``allowance``): level before and after.
    allowance_from = models.IntegerField(null=True, blank=True)
    allowance_to = models.IntegerField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "agent__agent_id", "kind", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agent", "rule"], name="followup_unique")
        ]
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return f"{self.agent.agent_id} {self.rule} ({self.cycle.period})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def overdue(self) -> bool:
        """Past its due date and still waiting for its owner (a submitted plan is on time)."""
        return (
            self.state == ItemState.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )

    @property
    def rule_label(self) -> str:
        if self.rule == GAP_RULE:
            return str(_("self and supervisor a grade apart"))
        return self.rule_name or self.rule


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")


class Channel(models.Model):
    """A team's group-robot webhook (企业微信 / 钉钉 / 飞书) that hears about its follow-ups.

    ``secret`` is the 加签 secret of a DingTalk or Feishu robot (WeCom robots are not signed).
    HR items (training, transfer, dismissal...) go to the group only with ``hr_items``: a team
    chat is not the place for them by default.
    """

    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="notify_channels")
    kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    name = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200, blank=True)
    hr_items = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.team.name} {self.get_kind_display()} {self.name}".strip()


class DeliveryKind(models.TextChoices):
    EMAIL = "email", _("email")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("delivery failed")


class Event(models.TextChoices):
    CREATED = "created", _("created")
    DUE = "due", _("due")


class Delivery(models.Model):
    """One notification to one address or one group robot, kept until it is sent.

    A failed attempt stays ``pending`` with its error and the time of the next attempt; after
    ``MAX_ATTEMPTS`` it is ``failed`` and shown to HR, who may send it again. Nothing is dropped.
    A webhook delivery reads its channel's address and secret when it is sent.
    """

    followup = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=20, choices=Event.choices)
    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    target = models.CharField(max_length=254, blank=True)  # the email address
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.get_event_display()} {self.target or self.channel_id}"
        )


class FactualBasis(models.Model):
    """具体事实依据: what the direct supervisor writes for an agent whose grade asks for one
    (``requires_basis``: seed 004's 优秀 and 急需改进) before the cycle is published; HR reads
    it in calibration, and publication waits for it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="bases")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="bases")
    grade = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "agent"], name="basis_unique")]

    def __str__(self) -> str:
        return f"{self.agent.agent_id} ({self.cycle.period})"


class BasisAttachment(models.Model):
    """A file behind a factual basis (a complaint letter, a screenshot of the chat)."""

    basis = models.ForeignKey(FactualBasis, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["basis", "pk"]

    def __str__(self) -> str:
        return self.name
