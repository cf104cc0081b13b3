"""The demo company's input files, month by month, from the synthetic center (no Django here).

The generator writes raw events for the whole span at once (so an agent's traits and hire date
stay the same from month to month); each month's KPIs are then computed from those events by the
metric engine, exactly as ``appraise score --data`` would, and written as the ``metric_values``
table a center would upload. Ratings are made up deterministically from the same numbers, so a
better agent tends to be rated better, as in a real team, and a re-run gives the same files.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from appraise.metrics.generate import AGENTS_FILE, generate_center
from appraise.periods import Period

# The scheme the demo cycles run on: it reads eight catalog KPIs and three rater roles.
SCHEME_ID = "s002-department"
# The KPIs s002-department reads from the events (its bands, target, formula and thresholds).
EVENT_METRICS = (
    "conversion_rate",
    "first_response_time_mean",
    "fcr_rate",
    "average_order_value",
    "csat",
    "qa_average",
    "attendance_rate",
    "late_count",
)
# Metrics the scheme declares itself: a center keeps these in its own sheet, not in any log.
# "类目差异大": each team sells another category, so the order-value target is per team kind.
ORDER_VALUE_TARGET = {"售前": Decimal("180"), "售后": Decimal("160")}
BASE_SALARY = {
    "客服专员": Decimal("4500"),
    "高级客服": Decimal("5200"),
    "资深客服": Decimal("6000"),
}
# Rated indicators of s002-department and who rates them (工单规范 by the supervisor alone).
RATED = {
    "ticket_quality": ("supervisor",),
    "collaboration": ("self", "supervisor", "peer"),
    "learning": ("self", "supervisor", "peer"),
}
LAST_MONTH = Period.parse("2026-10")


@dataclass(frozen=True)
class Member:
    """One agent of the roster the generator made."""

    agent_id: str
    name: str
    team: str
    position: str
    supervisor_id: str
    hired_on: date


@dataclass(frozen=True)
class DemoData:
    """The roster and, per month (``2026-08``), the files a cycle imports."""

    roster: list[Member]
    files: dict[str, dict[str, bytes]]


def demo_months(months: int) -> list[Period]:
    """The ``months`` months ending with October 2026, oldest first."""
    if not 1 <= months <= 12:
        raise ValueError(f"the demo covers 1 to 12 months, not {months}")  # internal
    out = [LAST_MONTH]
    while len(out) < months:
        out.insert(0, out[0].previous())
    return out


def make_demo_data(*, teams: int, agents_per_team: int, months: int, seed: int) -> DemoData:
    """Generate the events, compute every month's KPIs and write each month's input files."""
    from appraise.metrics.engine import compute_metrics
    from appraise.metrics.store import open_data

    if teams < 1 or agents_per_team < 1:
        raise ValueError("the demo needs at least one team of one agent")  # internal
    periods = demo_months(months)
    start = periods[0].start
    days = (periods[-1].end - start).days
    with tempfile.TemporaryDirectory(prefix="appraise-demo-") as tmp:
        folder = Path(tmp)
        generate_center(
            folder,
            agents=teams * agents_per_team,
            days=days,
            seed=seed,
            start=start,
            fmt="parquet",
            teams=teams,
        )
        roster = read_roster((folder / AGENTS_FILE).read_text(encoding="utf-8"))
        # The roster file is the scheme engine's, not an event table: keep it out of the import.
        (folder / AGENTS_FILE).unlink()
        conn = open_data(folder)
        try:
            values = {str(p): compute_metrics(conn, p, list(EVENT_METRICS)) for p in periods}
        finally:
            conn.close()
    files: dict[str, dict[str, bytes]] = {}
    for month, metrics in values.items():
        staff = on_staff(roster, month)
        files[month] = {
            "agents.csv": agents_csv(staff),
            "metric_values.csv": metric_values_csv(staff, month, metrics),
            "ratings.csv": ratings_csv(staff, month, metrics, seed),
        }
    return DemoData(roster, files)


def on_staff(roster: Sequence[Member], month: str) -> list[Member]:
    """The agents hired before the month ends: a September hire has no August appraisal."""
    end = Period.parse(month).end
    return [m for m in roster if m.hired_on < end]


def read_roster(text: str) -> list[Member]:
    return [
        Member(
            row["agent_id"],
            row["name"],
            row["team"],
            row["position"],
            row["supervisor_id"],
            date.fromisoformat(row["hired_on"]),
        )
        for row in csv.DictReader(io.StringIO(text))
    ]


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def agents_csv(roster: Sequence[Member]) -> bytes:
    return _csv(
        ("agent_id", "name", "team", "position", "supervisor_id", "hired_on"),
        [
            (m.agent_id, m.name, m.team, m.position, m.supervisor_id, m.hired_on.isoformat())
            for m in roster
        ],
    )


def _cell(value: float | Decimal | None) -> str:
    """A KPI as an export shows it: two decimals, no float noise (17.113254 -> 17.11); an empty
    cell where the events have nothing to compute it from (missing, never zero)."""
    if value is None:
        return ""
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return format(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")


def _kind(team: str) -> str:
    return "售前" if team.startswith("售前") else "售后"


def metric_values_csv(
    roster: Sequence[Member],
    month: str,
    metrics: Mapping[str, Mapping[str, float | Decimal | None]],
) -> bytes:
    """The wide metric sheet: the computed KPIs (empty where the events have nothing, e.g. an
    agent hired later or on leave) plus the scheme's own target and base salary columns."""
    header = [
        "agent_id",
        "name",
        "period",
        *EVENT_METRICS,
        "average_order_value_target",
        "base_salary",
    ]
    rows: list[list[object]] = []
    for m in roster:
        got = metrics.get(m.agent_id, {})
        cells = [_cell(got.get(k)) for k in EVENT_METRICS]
        rows.append(
            [
                m.agent_id,
                m.name,
                month,
                *cells,
                ORDER_VALUE_TARGET[_kind(m.team)],
                BASE_SALARY.get(m.position, BASE_SALARY["客服专员"]),
            ]
        )
    return _csv(header, rows)


def _clamp(value: float) -> int:
    """A rating as a supervisor writes it: a multiple of 5 from 50 to 100."""
    return max(50, min(100, 5 * round(value / 5)))


def agent_ratings(
    agent_id: str, month: str, metrics: Mapping[str, float | Decimal | None], seed: int
) -> dict[tuple[str, str], int]:
    """(indicator, role) -> rating for one agent and month.

    The supervisor's view follows the agent's QA score (what a supervisor sees every day),
    peers scatter around it, and people rate themselves a little higher than their boss does,
    so some self and supervisor scores end a grade apart and the cycle flags them.
    """
    qa = metrics.get("qa_average")
    base = float(qa) if qa is not None else 65.0
    out: dict[tuple[str, str], int] = {}
    for indicator, roles in RATED.items():
        rng = random.Random(f"{seed}:{month}:{agent_id}:{indicator}")
        boss = base + rng.gauss(0, 6)
        for role in roles:
            if role == "supervisor":
                value = boss
            elif role == "self":
                value = boss + rng.uniform(0, 12)
            else:
                value = boss + rng.gauss(0, 5)
            out[(indicator, role)] = _clamp(value)
    return out


def ratings_csv(
    roster: Sequence[Member],
    month: str,
    metrics: Mapping[str, Mapping[str, float | Decimal | None]],
    seed: int,
) -> bytes:
    """The long ratings sheet: one row per agent, indicator and rater (with who rated)."""
    rows: list[list[object]] = []
    for m in roster:
        given = agent_ratings(m.agent_id, month, metrics.get(m.agent_id, {}), seed)
        for (indicator, role), value in given.items():
            rater = {"self": m.agent_id, "supervisor": m.supervisor_id, "peer": "HR-PEER"}[role]
            rows.append([m.agent_id, month, indicator, role, rater, value])
    return _csv(("agent_id", "period", "indicator", "rater_role", "rater_id", "value"), rows)
