"""The points ledger (积分台账): entries that are written once and never changed.

A wrong entry is corrected by two new entries that point at it: a reversal (the opposite points)
and, unless the right value is zero, the right value. So the ledger always shows what was
believed when, and every balance is a plain sum.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appraise.web.org.models import Agent
from appraise.web.schemes.models import SchemeVersion


class LedgerChangeRefused(Exception):
    """Raised on any attempt to edit or delete ledger rows in place."""


class Source(models.TextChoices):
    SCHEME = "scheme", _("Scheme run")
    MANUAL = "manual", _("Manual")
    REDEMPTION = "redemption", _("Redemption")


class Kind(models.TextChoices):
    ENTRY = "entry", _("Entry")
    REVERSAL = "reversal", _("Reversal")
    CORRECTION = "correction", _("Correction")


class PointsRun(models.Model):
    """One scoring of a points scheme for one period that changed the ledger.

    ``values`` are the points the run computed (agent -> indicator -> points, non-zero only):
    the next run of the same scheme and period compares with them, so that it writes only what
    changed and leaves HR's manual corrections alone when the inputs did not change.
    """

    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="+")
    scheme_id = models.CharField(max_length=100)
    period = models.CharField(max_length=20)
    seq = models.PositiveIntegerField()
    values = models.JSONField(default=dict)
    totals = models.JSONField(default=dict)
    inputs_sha256 = models.CharField(max_length=64)
    files = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_id", "period", "seq"], name="points_run_seq_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.period} #{self.seq}"


class Redemption(models.Model):
    """The monthly redemption: at most one per month, so running it twice pays once."""

    month = models.CharField(max_length=7, unique=True)
    this_month_bookings = models.DecimalField(max_digits=14, decimal_places=2)
    last_month_bookings = models.DecimalField(max_digits=14, decimal_places=2)
    share = models.DecimalField(max_digits=5, decimal_places=4)
    yuan_per_point = models.DecimalField(max_digits=10, decimal_places=4)
    rate = models.DecimalField(max_digits=14, decimal_places=6)
    scheme_version = models.ForeignKey(
        SchemeVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return gettext("points redemption %(month)s") % {"month": self.month}


class EntryQuerySet(models.QuerySet["PointsEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerChangeRefused("ledger entries are never edited; write a correction")  # internal

    def delete(self) -> NoReturn:
        raise LedgerChangeRefused(  # internal
            "ledger entries are never deleted; write a correction"
        )


class PointsEntry(models.Model):
    """Points given to (or taken from) one agent on one day, with why and where from.

    ``on`` is the day the points belong to (a run's period's last day; a redemption's month's last
    day); ``period`` is the run's period text. The source is a scheme run (scheme id, version
    hash, period, indicator, run), a person (``manual``: ``created_by``) or a redemption.
    """

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="points_entries")
    points = models.DecimalField(max_digits=12, decimal_places=2)
    on = models.DateField(db_index=True)
    period = models.CharField(max_length=20, blank=True)
    reason = models.TextField()
    source = models.CharField(max_length=12, choices=Source.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ENTRY)
    scheme_id = models.CharField(max_length=100, blank=True)
    scheme_hash = models.CharField(max_length=64, blank=True)
    indicator = models.CharField(max_length=100, blank=True)
    run = models.ForeignKey(
        PointsRun, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    redemption = models.ForeignKey(
        Redemption, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["agent", "on"], name="points_entry_agent_on"),
            models.Index(fields=["scheme_id", "period"], name="points_entry_scheme_period"),
        ]

    def __str__(self) -> str:
        return f"{self.agent.agent_id} {self.on} {self.points:+}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise LedgerChangeRefused(  # internal
                "ledger entries are never edited; write a correction"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerChangeRefused(  # internal
            "ledger entries are never deleted; write a correction"
        )


class Payout(models.Model):
    """One agent's redemption: the points paid out, the money and what stays in the balance."""

    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="payouts")
    month = models.CharField(max_length=7)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="payouts")
    balance = models.DecimalField(max_digits=12, decimal_places=2)
    points = models.DecimalField(max_digits=12, decimal_places=2)
    carried = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    entry = models.OneToOneField(PointsEntry, on_delete=models.PROTECT, related_name="payout")

    class Meta:
        ordering = ["agent__agent_id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "month"], name="payout_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.agent.agent_id} {self.month} ¥{self.amount}"
