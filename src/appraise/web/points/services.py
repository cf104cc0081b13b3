"""Writing the points ledger: period runs, manual entries, corrections and the redemption.

Every service is atomic, checks the actor first and writes its audit entry in the same
transaction. Ledger rows are only ever added (models.py refuses edits and deletes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext

from appraise.decimals import plain
from appraise.periods import KIND_WORDS, Period
from appraise.points.lines import ZERO, as_points, run_changes
from appraise.points.redemption import (
    DEFAULT_SHARE,
    DEFAULT_YUAN_PER_POINT,
    RedemptionTerms,
    redeem,
    redemption_terms,
    scheme_share_and_yuan,
)
from appraise.problems import Problem
from appraise.web.audit.services import audit_record
from appraise.web.errors import Conflict, Invalid
from appraise.web.org.models import Agent
from appraise.web.permissions import User, require_hr, signed_in
from appraise.web.points.models import (
    Kind,
    Payout,
    PointsEntry,
    PointsRun,
    Redemption,
    Source,
)
from appraise.web.points.scoring import score_points_period
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_of
from appraise.web.uploads import check_workbooks


def _period(text: str, what: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise Invalid(
            gettext("%(what)s: %(exc)s") % {"what": what, "exc": exc}, field=what
        ) from None


def _kind(kind: str) -> str:
    """A kind of period as a sentence of the reader's language names it (月, not month)."""
    return str(KIND_WORDS.get(kind, kind))


def _show(d: Decimal) -> str:
    """A number as people write it (62, not 62.00), the same on SQLite and PostgreSQL."""
    return plain(d)


def last_day(period: Period) -> date:
    return period.end - timedelta(days=1)


@dataclass
class RunOutcome:
    """What a period run did: ``changed`` False means the ledger already held these points."""

    run: PointsRun | None  # the run written, or the latest earlier run when nothing changed
    changed: bool
    entries: list[PointsEntry]
    message: str
    totals: dict[str, Decimal] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


def _live_entry(agent: Agent, scheme_id: str, period: str, indicator: str) -> PointsEntry | None:
    """The entry that currently stands for a run key: not a reversal and not reversed."""
    return (
        PointsEntry.objects.filter(
            agent=agent,
            source=Source.SCHEME,
            scheme_id=scheme_id,
            period=period,
            indicator=indicator,
        )
        .exclude(kind=Kind.REVERSAL)
        .exclude(corrected_by__kind=Kind.REVERSAL)
        .order_by("-id")
        .first()
    )


def _previous_values(run: PointsRun | None) -> dict[tuple[str, str], Decimal]:
    if run is None:
        return {}
    return {
        (agent_id, indicator): Decimal(points)
        for agent_id, by_indicator in run.values.items()
        for indicator, points in by_indicator.items()
    }


@transaction.atomic
def points_run_period(
    *,
    scheme_version: SchemeVersion,
    period: str,
    by: User,
    files: Mapping[str, bytes],
) -> RunOutcome:
    """Score a points scheme for one period and write one ledger entry per agent per indicator
    that produced points.

    Idempotent: the run compares with the previous run of the same scheme and period and writes
    only the differences (a reversal of the standing entry and, unless the new value is zero, a
    correction with the new value). The same inputs again write nothing, not even a run row, and
    leave HR's manual corrections in place.
    """
    require_hr(by, gettext("run points schemes"))
    check_workbooks(files.items())
    scheme = scheme_of(scheme_version)
    p = _period(period, "period")
    if p.kind != scheme.period:
        raise Invalid(
            gettext("scheme %(scheme)s is scored per %(per)s; %(period)s is a %(kind)s")
            % {
                "scheme": scheme.id,
                "per": _kind(scheme.period),
                "period": p,
                "kind": _kind(p.kind),
            },
            field="period",
        )
    # Runs of one scheme wait for each other, so two runs of a period cannot both write.
    list(SchemeVersion.objects.select_for_update().filter(scheme_id=scheme.id))
    score = score_points_period(scheme, p, files)
    previous = PointsRun.objects.filter(scheme_id=scheme.id, period=str(p)).order_by("-seq").first()
    changes = run_changes(_previous_values(previous), score.lines)
    totals = {r.agent_id: as_points(r.total) for r in score.run.results if r.total is not None}
    if not changes:
        what = "already holds these points" if previous else "has no points to write"
        return RunOutcome(
            previous,
            False,
            [],
            f"{scheme.id} {p}: nothing changed; the ledger {what}",
            totals,
            score.warnings,
        )
    values: dict[str, dict[str, str]] = {}
    for line in score.lines:
        values.setdefault(line.agent_id, {})[line.indicator] = str(line.points)
    run = PointsRun.objects.create(
        scheme_version=scheme_version,
        scheme_id=scheme.id,
        period=str(p),
        seq=(previous.seq + 1) if previous else 1,
        values=values,
        totals={a: str(t) for a, t in totals.items()},
        inputs_sha256=score.inputs_sha256,
        files=score.files,
        warnings=[w.as_dict() for w in score.warnings],
        created_by=signed_in(by),
    )
    common = {
        "on": last_day(p),
        "period": str(p),
        "source": Source.SCHEME,
        "scheme_id": scheme.id,
        "scheme_hash": scheme_version.content_hash,
        "run": run,
        "created_by": signed_in(by),
    }
    written: list[PointsEntry] = []
    for ch in changes:
        agent = score.agents[ch.agent_id]
        live = _live_entry(agent, scheme.id, str(p), ch.indicator)
        if live is not None:
            written.append(
                PointsEntry.objects.create(
                    agent=agent,
                    points=-live.points,
                    indicator=ch.indicator,
                    kind=Kind.REVERSAL,
                    corrects=live,
                    reason=f"冲销:{p} 按新的输入重新计算 (run #{run.seq})",
                    **common,
                )
            )
        if ch.after != 0:
            written.append(
                PointsEntry.objects.create(
                    agent=agent,
                    points=ch.after,
                    indicator=ch.indicator,
                    kind=Kind.CORRECTION if live is not None else Kind.ENTRY,
                    corrects=live,
                    reason=ch.reason,
                    **common,
                )
            )
    audit_record(
        by=by,
        action="points.run",
        obj=run,
        before={"seq": previous.seq} if previous else None,
        after={
            "scheme_version": scheme_version.pk,
            "period": str(p),
            "entries": len(written),
            "changes": [
                {
                    "agent_id": c.agent_id,
                    "indicator": c.indicator,
                    "before": str(c.before),
                    "after": str(c.after),
                }
                for c in changes
            ],
        },
    )
    return RunOutcome(
        run,
        True,
        written,
        f"{scheme.id} {p}: {len(changes)} change(s), {len(written)} entries written",
        totals,
        score.warnings,
    )


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise Invalid(gettext("a manual entry or a correction needs its reason"), field="reason")
    return reason


@transaction.atomic
def points_entry_add(
    *, agent: Agent, points: Decimal, on: date, reason: str, by: User
) -> PointsEntry:
    """A manual award or deduction (an opening balance, an incident outside the schemes)."""
    require_hr(by, gettext("add points by hand"))
    if as_points(points) != points or points == 0:
        raise Invalid(
            gettext("points must be a non-zero number with at most two decimals"), field="points"
        )
    entry = PointsEntry.objects.create(
        agent=agent,
        points=points,
        on=on,
        reason=_reason(reason),
        source=Source.MANUAL,
        created_by=signed_in(by),
    )
    audit_record(
        by=by,
        action="points.add",
        obj=entry,
        after={"agent_id": agent.agent_id, "points": str(points), "on": on.isoformat()},
        note=entry.reason,
    )
    return entry


@transaction.atomic
def points_entry_correct(
    *, entry: PointsEntry, points: Decimal, reason: str, by: User
) -> list[PointsEntry]:
    """Correct a standing entry to ``points``: a reversal and, unless zero, the right value,
    both pointing at the corrected entry and keeping its source. Returns the new entries."""
    require_hr(by, gettext("correct points"))
    locked = PointsEntry.objects.select_for_update().select_related("agent").get(pk=entry.pk)
    if as_points(points) != points:
        raise Invalid(gettext("points may have at most two decimals"), field="points")
    if locked.source == Source.REDEMPTION:
        raise Conflict(gettext("a redemption has been paid; it is not corrected"), code="redeemed")
    if locked.kind == Kind.REVERSAL:
        raise Conflict(gettext("a reversal is not corrected; correct the entry it reverses"))
    if locked.corrected_by.filter(kind=Kind.REVERSAL).exists():
        raise Conflict(gettext("this entry has already been corrected; correct its correction"))
    if points == locked.points:
        raise Invalid(
            gettext("the entry already holds %(points)s points") % {"points": points},
            field="points",
        )
    why = _reason(reason)
    same = {
        "agent": locked.agent,
        "on": locked.on,
        "period": locked.period,
        "source": locked.source,
        "scheme_id": locked.scheme_id,
        "scheme_hash": locked.scheme_hash,
        "indicator": locked.indicator,
        "run": locked.run,
        "corrects": locked,
        "created_by": signed_in(by),
    }
    out = [
        PointsEntry.objects.create(
            points=-locked.points, kind=Kind.REVERSAL, reason=f"冲销:{why}", **same
        )
    ]
    if points != 0:
        out.append(
            PointsEntry.objects.create(
                points=points, kind=Kind.CORRECTION, reason=f"更正:{why}", **same
            )
        )
    audit_record(
        by=by,
        action="points.correct",
        obj=locked,
        before={"points": str(locked.points)},
        after={"points": str(points), "entries": [e.pk for e in out]},
        note=why,
    )
    return out


@dataclass(frozen=True)
class PlannedPayout:
    """One agent's share of a redemption, before (preview) or as it is paid."""

    agent: Agent
    balance: Decimal
    points: Decimal  # redeemed
    carried: Decimal
    amount: Decimal  # yuan, to the cent


@dataclass
class RedemptionPlan:
    """What redeeming a month pays, worked out from the ledger without writing anything.

    The preview page shows it and ``points_redeem_month`` pays it, so both compute it the same
    way; ``digest`` names the balances and terms, so that a confirmation pays exactly what the
    person saw (the service refuses when the ledger moved in between).
    """

    month: Period
    terms: RedemptionTerms
    payouts: list[PlannedPayout]
    skipped: dict[str, Decimal]  # agent_id -> balance that redeems nothing (zero, or below 1.25)
    done: Redemption | None  # the month's redemption when it has been run already
    later: Redemption | None  # a later month already redeemed: this one can no longer run

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payouts), Decimal("0.00"))

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        t = self.terms
        h.update(
            f"{self.month}|{_show(t.this_month_bookings)}|{_show(t.last_month_bookings)}|"
            f"{_show(t.share)}|{_show(t.yuan_per_point)}".encode()
        )
        for p in self.payouts:
            h.update(f"|{p.agent.agent_id}:{_show(p.balance)}".encode())
        for agent_id, balance in sorted(self.skipped.items()):
            h.update(f"|{agent_id}:{_show(balance)}".encode())
        return h.hexdigest()[:16]


def _month(month: str) -> Period:
    m = _period(month, "month")
    if m.kind != "month":
        raise Invalid(
            gettext("a redemption is for a month (2026-05), not a %(kind)s")
            % {"kind": _kind(m.kind)},
            field="month",
        )
    return m


def _terms(
    m: Period,
    this_month_bookings: Decimal | None,
    last_month_bookings: Decimal | None,
    scheme_version: SchemeVersion | None,
) -> RedemptionTerms:
    share, yuan = (
        scheme_share_and_yuan(scheme_of(scheme_version))
        if scheme_version is not None
        else (DEFAULT_SHARE, DEFAULT_YUAN_PER_POINT)
    )
    return redemption_terms(
        this_month_bookings=this_month_bookings,
        last_month_bookings=last_month_bookings,
        share=share,
        yuan_per_point=yuan,
        where=f"redemption {m}",
    )


def _plan_payouts(
    m: Period, terms: RedemptionTerms
) -> tuple[list[PlannedPayout], dict[str, Decimal]]:
    """Every agent's month-end balance (all entries up to the month's last day, last month's
    carried points included) redeemed at the month's terms."""
    balances = (
        PointsEntry.objects.filter(on__lt=m.end)
        .values("agent")
        .annotate(balance=Sum("points"))
        .order_by()
    )
    agents = Agent.objects.in_bulk([b["agent"] for b in balances])
    payouts: list[PlannedPayout] = []
    skipped: dict[str, Decimal] = {}
    for b in sorted(balances, key=lambda b: agents[b["agent"]].agent_id):
        agent = agents[b["agent"]]
        balance = as_points(b["balance"] or ZERO)
        got = redeem(balance, terms)
        if got.points <= 0:
            skipped[agent.agent_id] = balance
            continue
        payouts.append(PlannedPayout(agent, balance, got.points, got.carried, got.amount))
    return payouts, skipped


def redemption_plan(
    *,
    month: str,
    this_month_bookings: Decimal | None,
    last_month_bookings: Decimal | None,
    by: User,
    scheme_version: SchemeVersion | None = None,
) -> RedemptionPlan:
    """The preview of a month's redemption (HR); writes nothing. Raises ProblemsError naming
    every bad figure, as the run itself would."""
    require_hr(by, gettext("preview the redemption"))
    m = _month(month)
    terms = _terms(m, this_month_bookings, last_month_bookings, scheme_version)
    payouts, skipped = _plan_payouts(m, terms)
    return RedemptionPlan(
        m,
        terms,
        payouts,
        skipped,
        Redemption.objects.filter(month=str(m)).first(),
        Redemption.objects.filter(month__gt=str(m)).order_by("month").first(),
    )


@dataclass
class RedemptionOutcome:
    redemption: Redemption
    created: bool  # False: the month had been redeemed already and nothing was paid again
    payouts: list[Payout]
    skipped: dict[str, Decimal]  # agent_id -> balance that redeemed nothing (zero or below 1.25)
    message: str


@transaction.atomic
def points_redeem_month(
    *,
    month: str,
    this_month_bookings: Decimal | None,
    last_month_bookings: Decimal | None,
    by: User,
    scheme_version: SchemeVersion | None = None,
    expect: str | None = None,
) -> RedemptionOutcome:
    """Redeem 80% of every agent's month-end balance at this month's exchange rate.

    Once per month: a second run for a redeemed month changes nothing and says so. The share
    and yuan per point come from the scheme's constants (``redeemed_share``,
    ``yuan_per_point``) when a scheme version is named, else the seed's 0.8 and 1. ``expect``
    is the digest of the plan a person previewed: when the balances or terms differ now, nothing
    is paid and the person is asked to preview again.
    """
    require_hr(by, gettext("run the redemption"))
    m = _month(month)
    done = Redemption.objects.select_for_update().filter(month=str(m)).first()
    if done is not None:
        return RedemptionOutcome(
            done,
            False,
            list(done.payouts.select_related("agent")),
            {},
            f"{m} was redeemed on {done.created_at:%Y-%m-%d %H:%M}; nothing was paid again",
        )
    later = Redemption.objects.filter(month__gt=str(m)).order_by("month").first()
    if later is not None:
        raise Conflict(
            gettext("%(later)s has been redeemed already; %(month)s comes before it")
            % {"later": later.month, "month": m}
        )
    terms = _terms(m, this_month_bookings, last_month_bookings, scheme_version)
    try:
        with transaction.atomic():
            red = Redemption.objects.create(
                month=str(m),
                this_month_bookings=terms.this_month_bookings,
                last_month_bookings=terms.last_month_bookings,
                share=terms.share,
                yuan_per_point=terms.yuan_per_point,
                rate=terms.rate,
                scheme_version=scheme_version,
                created_by=signed_in(by),
            )
    except IntegrityError:
        raise Conflict(
            gettext("%(month)s is being redeemed by someone else right now") % {"month": m}
        ) from None
    planned, skipped = _plan_payouts(m, terms)
    if expect is not None:
        seen = RedemptionPlan(m, terms, planned, skipped, None, None).digest
        if seen != expect:
            # Raising rolls the redemption row back with everything else.
            raise Conflict(
                gettext(
                    "the balances or figures of %(month)s changed since the preview; preview again"
                )
                % {"month": m},
                code="stale_preview",
            )
    payouts: list[Payout] = []
    for plan in planned:
        entry = PointsEntry.objects.create(
            agent=plan.agent,
            points=-plan.points,
            on=last_day(m),
            period=str(m),
            reason=(
                f"积分兑换 {m}:月末积分 {_show(plan.balance)} × {_show(terms.share)} → "
                f"{_show(plan.points)} 分,× {_show(terms.yuan_per_point)} 元 × "
                f"{_show(terms.this_month_bookings)} ÷ {_show(terms.last_month_bookings)} = "
                f"¥{plan.amount};结转 {_show(plan.carried)} 分"
            ),
            source=Source.REDEMPTION,
            redemption=red,
            created_by=signed_in(by),
        )
        payouts.append(
            Payout.objects.create(
                redemption=red,
                month=str(m),
                agent=plan.agent,
                balance=plan.balance,
                points=plan.points,
                carried=plan.carried,
                amount=plan.amount,
                entry=entry,
            )
        )
    total = sum((p.amount for p in payouts), Decimal("0.00"))
    audit_record(
        by=by,
        action="points.redeem",
        obj=red,
        after={
            "month": str(m),
            "rate": str(terms.rate),
            "payouts": len(payouts),
            "amount": str(total),
            "skipped": sorted(skipped),
        },
    )
    return RedemptionOutcome(
        red,
        True,
        payouts,
        skipped,
        f"{m}: {len(payouts)} payout(s), ¥{total} at {terms.rate} yuan a point",
    )
