"""The demo's points ledger (积分): the last demo month of seed 003's catering-center points scheme
(s003-points-catering), scored day by day from the demo's generated orders and attendance, and
that month's redemption.

The demo company is an e-commerce service desk, not a meal-booking call center, so the figures
the scheme reads are taken from what the desk has:

- 当日回款 (a day's collections): the amounts of the paid, not refunded orders an agent placed
  that local day (Asia/Shanghai). An agent on the roster that day and not absent has a figure
  (0 when nothing was sold: at work, so 1 point); an agent off duty or absent has none.
- 本周回款 on the Sunday that closes each ISO week, 本月回款 on the month's last day: the same sums
  over the week and the month, for every agent who worked in them.
- 晨会 (the morning meeting): late for the shift → 晨会迟到 (−1); absent → 不参加晨会 (−2),
  except for an agent absent on every scheduled day of the month (on leave, not skipping).
- 签约 (restaurants signed): the desk signs none.
- The redemption's exchange rate, "1 point = ¥1 × this month's bookings ÷ last month's": the
  center's paid orders this month and last month (no redemption when last month has no events,
  a one-month demo).

The events are generated again with the arguments the demo loader used (the generator is
deterministic), so the agents and their days are the ones of the demo's cycles. Running the
loader again finds the month redeemed and changes nothing.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from appraise.metrics.generate import TIMEZONE, generate_center
from appraise.periods import Period
from appraise.web.demo.data import demo_months
from appraise.web.permissions import User
from appraise.web.points import services as ps
from appraise.web.points.models import PointsRun, Redemption
from appraise.web.schemes.models import SchemeVersion

POINTS_SCHEME = "s003-points-catering"
LATE = "晨会迟到"
ABSENT = "不参加晨会"
HEADER = ("agent_id", "period", "当日回款", "本周回款", "本月回款")
INCIDENT_HEADER = ("agent_id", "date", "kind", "count", "points", "amount", "note")


@dataclass(frozen=True)
class Shift:
    late: bool
    absent: bool


@dataclass(frozen=True)
class PointsMonth:
    """The month scored: each day's input files, and the center's paid orders this month and
    last month (None when the events do not reach back that far)."""

    month: Period
    files: dict[str, dict[str, bytes]]  # day -> {"metric_values.csv": ..., "incidents.csv": ...}
    this_month_orders: int
    last_month_orders: int | None


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _money(d: Decimal) -> str:
    return format(d.quantize(Decimal("0.01")), "f")


def month_files(
    month: Period,
    shifts: dict[str, dict[date, Shift]],
    sales: dict[str, dict[date, Decimal]],
) -> dict[str, dict[str, bytes]]:
    """Each day's metric_values.csv and incidents.csv for the catering scheme (no database).

    ``shifts``: agent -> scheduled day -> late / absent; ``sales``: agent -> local day -> paid
    amount. Days outside the month may be given (a week that began in the month before).
    """

    def worked(agent: str, day: date) -> bool:
        s = shifts.get(agent, {}).get(day)
        return s is not None and not s.absent

    def total(agent: str, days: Sequence[date]) -> Decimal | None:
        if not any(worked(agent, d) for d in days):
            return None
        return sum((sales.get(agent, {}).get(d, Decimal(0)) for d in days), Decimal(0))

    on_leave = {
        agent
        for agent, days in shifts.items()
        if (mine := [s for d, s in days.items() if month.contains(d)])
        and all(s.absent for s in mine)
    }
    out: dict[str, dict[str, bytes]] = {}
    day = month.start
    while day < month.end:
        week = Period.containing(day, "week")
        week_days = [week.start + timedelta(days=i) for i in range(7)]
        month_days = [month.start + timedelta(days=i) for i in range(month.days)]
        closes_week = day == week_days[-1]
        closes_month = day == month_days[-1]
        rows: list[list[object]] = []
        incidents: list[list[object]] = []
        for agent in sorted(shifts):
            today = sales.get(agent, {}).get(day, Decimal(0)) if worked(agent, day) else None
            week_total = total(agent, week_days) if closes_week else None
            month_total = total(agent, month_days) if closes_month else None
            if today is not None or week_total is not None or month_total is not None:
                rows.append(
                    [
                        agent,
                        day.isoformat(),
                        "" if today is None else _money(today),
                        "" if week_total is None else _money(week_total),
                        "" if month_total is None else _money(month_total),
                    ]
                )
            shift = shifts[agent].get(day)
            if shift is None or agent in on_leave:
                continue
            if shift.absent:
                incidents.append([agent, day.isoformat(), ABSENT, 1, "", "", "缺勤"])
            elif shift.late:
                incidents.append([agent, day.isoformat(), LATE, 1, "", "", "迟到"])
        out[day.isoformat()] = {
            "metric_values.csv": _csv(HEADER, rows),
            "incidents.csv": _csv(INCIDENT_HEADER, incidents),
        }
        day += timedelta(days=1)
    return out


@functools.cache
def points_month(*, teams: int, agents_per_team: int, months: int, seed: int) -> PointsMonth:
    """The last demo month's files from the demo's events, generated again the way
    ``demo.data.make_demo_data`` generates them (cached: the same arguments, the same files)."""
    import pyarrow.parquet as pq

    periods = demo_months(months)
    start = periods[0].start
    month = periods[-1]
    before = periods[-2] if len(periods) > 1 else None
    tz = ZoneInfo(TIMEZONE)
    with tempfile.TemporaryDirectory(prefix="appraise-demo-points-") as tmp:
        folder = Path(tmp)
        generate_center(
            folder,
            agents=teams * agents_per_team,
            days=(month.end - start).days,
            seed=seed,
            start=start,
            fmt="parquet",
            teams=teams,
        )
        orders = pq.read_table(
            folder / "orders.parquet",
            columns=["agent_id", "created_at", "amount", "paid", "refunded"],
        ).to_pylist()
        attendance = pq.read_table(
            folder / "attendance.parquet", columns=["agent_id", "date", "late_minutes", "absent"]
        ).to_pylist()
    shifts: dict[str, dict[date, Shift]] = defaultdict(dict)
    for a in attendance:
        shifts[a["agent_id"]][a["date"]] = Shift(bool(a["late_minutes"]), bool(a["absent"]))
    sales: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    paid_in: dict[Period, int] = defaultdict(int)
    for o in orders:
        if not o["paid"] or o["agent_id"] is None:
            continue
        day = o["created_at"].astimezone(tz).date()
        for p in periods:
            if p.contains(day):
                paid_in[p] += 1
        if not o["refunded"]:
            sales[o["agent_id"]][day] += o["amount"]
    return PointsMonth(
        month,
        month_files(month, dict(shifts), {a: dict(d) for a, d in sales.items()}),
        paid_in[month],
        paid_in[before] if before is not None and paid_in[before] > 0 else None,
    )


def load_points_demo(
    *,
    hr: User,
    teams: int,
    agents_per_team: int,
    months: int,
    seed: int,
    log: Callable[[str], None],
) -> None:
    """Score the last demo month day by day and redeem it, through the services HR's pages use.

    What is there already is left alone: a month whose last day has been run is not run again,
    a redeemed month is not redeemed again.
    """
    month = demo_months(months)[-1]
    version = SchemeVersion.objects.filter(scheme_id=POINTS_SCHEME).order_by("-version").first()
    if version is None:
        log("  " + _("no %(scheme)s scheme stored: no points ledger") % {"scheme": POINTS_SCHEME})
        return
    scored = PointsRun.objects.filter(
        scheme_id=POINTS_SCHEME, period=str(month.end - timedelta(days=1))
    ).exists()
    redeemed = Redemption.objects.filter(month=str(month)).exists()
    if scored and (redeemed or months == 1):
        return
    data = points_month(teams=teams, agents_per_team=agents_per_team, months=months, seed=seed)
    if not scored:
        written = 0
        for day, files in sorted(data.files.items()):
            got = ps.points_run_period(scheme_version=version, period=day, by=hr, files=files)
            written += len(got.entries)
        log(
            "  "
            + _("points: %(days)d days of %(scheme)s, %(entries)d ledger entries")
            % {"days": len(data.files), "scheme": POINTS_SCHEME, "entries": written}
        )
    if data.last_month_orders is None:
        log("  " + _("points: no earlier month for the exchange rate; nothing redeemed"))
        return
    outcome = ps.points_redeem_month(
        month=str(month),
        this_month_bookings=Decimal(data.this_month_orders),
        last_month_bookings=Decimal(data.last_month_orders),
        by=hr,
        scheme_version=version,
    )
    log("  " + _("points: %(outcome)s") % {"outcome": outcome.message})
