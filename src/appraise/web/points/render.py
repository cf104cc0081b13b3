"""JSON shapes of the points objects, for the API and for the pages' charts and fragments.
Points and money are strings ("12.50"), never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from appraise.decimals import plain
from appraise.points.levels import LevelInfo
from appraise.points.lines import as_points
from appraise.web.points.models import Payout, PointsEntry, PointsRun, Redemption
from appraise.web.points.selectors import AgentPoints, Leaderboard
from appraise.web.points.services import RedemptionOutcome, RedemptionPlan, RunOutcome


def entry_json(e: PointsEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "agent_id": e.agent.agent_id,
        "points": str(e.points),
        "on": e.on.isoformat(),
        "period": e.period,
        "reason": e.reason,
        "kind": e.kind,
        "source": {
            "type": e.source,
            "scheme_id": e.scheme_id or None,
            "scheme_hash": e.scheme_hash or None,
            "indicator": e.indicator or None,
            "run": e.run_id,
            "redemption": e.redemption_id,
        },
        "corrects": e.corrects_id,
        "created_by": e.created_by.get_username() if e.created_by else None,
        "created_at": e.created_at.isoformat(),
    }


def level_json(info: LevelInfo) -> dict[str, Any]:
    return {
        "level": info.level,
        "next_level": info.next_level,
        "to_next": str(info.to_next) if info.to_next is not None else None,
    }


def payout_json(p: Payout) -> dict[str, Any]:
    return {
        "month": p.month,
        "agent_id": p.agent.agent_id,
        "balance": str(p.balance),
        "points": str(p.points),
        "carried": str(p.carried),
        "amount": str(p.amount),
        "entry": p.entry_id,
    }


def agent_points_json(a: AgentPoints) -> dict[str, Any]:
    return {
        "agent_id": a.agent.agent_id,
        "name": a.agent.name,
        "balance": str(a.balance),
        "earned": str(a.earned),
        **level_json(a.level),
        "entries": [entry_json(e) for e in a.entries],
        "payouts": [payout_json(p) for p in a.payouts],
    }


def leaderboard_json(b: Leaderboard) -> dict[str, Any]:
    return {
        "kind": b.kind,
        "period": str(b.period),
        "start": b.period.start.isoformat(),
        "end": b.period.end.isoformat(),
        "team": b.team.pk if b.team else None,
        "rows": [
            {
                "rank": r.rank,
                "agent_id": r.agent.agent_id,
                "name": r.agent.name,
                "team": r.agent.team.name if r.agent.team else None,
                "points": str(r.points),
                "earned": str(r.earned),
                "level": r.level,
            }
            for r in b.rows
        ],
    }


def run_json(r: PointsRun) -> dict[str, Any]:
    return {
        "id": r.pk,
        "scheme_id": r.scheme_id,
        "scheme_version": r.scheme_version_id,
        "period": r.period,
        "seq": r.seq,
        "totals": r.totals,
        "files": r.files,
        "inputs_sha256": r.inputs_sha256,
        "warnings": r.warnings,
        "created_by": r.created_by.get_username() if r.created_by else None,
        "created_at": r.created_at.isoformat(),
    }


def run_outcome_json(o: RunOutcome) -> dict[str, Any]:
    return {
        "changed": o.changed,
        "message": o.message,
        "run": run_json(o.run) if o.run else None,
        "entries": [entry_json(e) for e in o.entries],
        "totals": {a: str(t) for a, t in o.totals.items()},
        "warnings": [w.as_dict() for w in o.warnings],
    }


def redemption_json(r: Redemption, payouts: list[Payout] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "month": r.month,
        "this_month_bookings": plain(r.this_month_bookings),
        "last_month_bookings": plain(r.last_month_bookings),
        "share": plain(r.share),
        "yuan_per_point": plain(r.yuan_per_point),
        "rate": plain(r.rate),
        "created_by": r.created_by.get_username() if r.created_by else None,
        "created_at": r.created_at.isoformat(),
    }
    if payouts is not None:
        out["payouts"] = [payout_json(p) for p in payouts]
        out["amount"] = str(sum((p.amount for p in payouts), Decimal("0.00")))
    return out


def redemption_outcome_json(o: RedemptionOutcome) -> dict[str, Any]:
    return {
        "created": o.created,
        "message": o.message,
        "skipped": {a: str(b) for a, b in o.skipped.items()},
        **redemption_json(o.redemption, o.payouts),
    }


def redemption_plan_json(plan: RedemptionPlan) -> dict[str, Any]:
    """The preview of a month's redemption: what confirming would pay, and the ``fingerprint``
    that the redemption POST takes back to pay exactly this. Redeemed points are whole and the
    amounts already rounded to the cent (services), so the two places here are only the format."""
    t = plan.terms
    rate = plain(t.rate)
    return {
        "month": str(plan.month),
        "this_month_bookings": plain(t.this_month_bookings),
        "last_month_bookings": plain(t.last_month_bookings),
        "share": plain(t.share),
        "yuan_per_point": plain(t.yuan_per_point),
        "rate": rate,
        "fingerprint": plan.digest,
        "payouts": [
            {
                "agent_id": p.agent.agent_id,
                "name": p.agent.name,
                "balance": str(as_points(p.balance)),
                "points": str(as_points(p.points)),
                "carried": str(as_points(p.carried)),
                "rate": rate,
                "amount": str(p.amount),
            }
            for p in plan.payouts
        ],
        "amount": str(plan.total),
        "skipped": {a: str(as_points(b)) for a, b in plan.skipped.items()},
        "redeemed_at": plan.done.created_at.isoformat() if plan.done else None,
        "blocked_by": plan.later.month if plan.later else None,
    }
