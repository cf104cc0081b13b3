"""A points scheme's period scored from uploaded tables and the ledger; writes nothing.

The ledger is the history: the engine's ``cumulative``, ``month_to_date`` and cumulative levels
read the day totals of earlier periods from it (every entry except redemptions, which pay points
out but do not undo them). A ``history`` table in the upload wins for the periods it gives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext

from appraise.inputs import Agent as InputAgent
from appraise.inputs import HistoryEntry, Inputs, Source
from appraise.periods import Period
from appraise.points.lines import PointsLine, points_lines
from appraise.problems import Problem, ProblemsError
from appraise.schemes.model import Scheme
from appraise.scoring.engine import score_period
from appraise.scoring.results import ScoreRun
from appraise.web.cycles.scoring import check_file_name, read_files
from appraise.web.org.models import Agent
from appraise.web.points.models import PointsEntry
from appraise.web.points.models import Source as EntrySource

LEDGER = "ledger"


@dataclass
class PeriodScore:
    run: ScoreRun
    lines: list[PointsLine]
    agents: dict[str, Agent]
    warnings: list[Problem]
    inputs_sha256: str
    files: list[str]


def inputs_digest(files: Mapping[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def _scored_agents(
    inputs: Inputs, computed: Mapping[str, object] | None
) -> tuple[dict[str, Agent], list[Problem]]:
    """The organisation's agents the upload is about: the agents table's, or else every agent
    with a value, rating, incident or raw events. An id the organisation does not know is an
    error."""
    known = {a.agent_id: a for a in Agent.objects.select_related("team")}
    problems: list[Problem] = []
    wanted: dict[str, tuple[str | None, int | None]] = {}
    if inputs.agents:
        for a in inputs.agents:
            wanted.setdefault(a.agent_id, ("agents", None))
    else:
        found: list[tuple[str | None, Source]] = [
            *((v.agent_id, v.source) for v in inputs.metric_values),
            *((r.agent_id, r.source) for r in inputs.ratings),
            *((i.agent_id, i.source) for i in inputs.incidents),
        ]
        for agent_id, src in found:
            if agent_id is not None:
                wanted.setdefault(agent_id, (src.file, src.row))
        for agent_id in computed or {}:
            wanted.setdefault(agent_id, ("events", None))
    for agent_id, (file, row) in wanted.items():
        if agent_id not in known:
            problems.append(
                Problem(
                    "error",
                    "unknown_agent",
                    gettext("agent %(id)s is not in the organisation; add the agent first")
                    % {"id": agent_id},
                    file,
                    row=row,
                    field="agent_id",
                )
            )
    return {i: known[i] for i in sorted(wanted) if i in known}, problems


def ledger_history(scheme: Scheme, period: Period, agents: list[Agent]) -> list[HistoryEntry]:
    """Each agent's points per earlier period of the scheme's kind, summed from the ledger."""
    rows = (
        PointsEntry.objects.filter(agent__in=agents, on__lt=period.start)
        .exclude(source=EntrySource.REDEMPTION)
        .values("agent__agent_id", "on")
        .annotate(points=Sum("points"))
    )
    totals: dict[tuple[str, str], Decimal] = {}
    for r in rows:
        key = (r["agent__agent_id"], str(Period.containing(r["on"], scheme.period)))
        totals[key] = totals.get(key, Decimal(0)) + r["points"]
    return [
        HistoryEntry(agent_id, p, total, None, None, Source(LEDGER, 0))
        for (agent_id, p), total in sorted(totals.items())
    ]


def score_points_period(scheme: Scheme, period: Period, files: Mapping[str, bytes]) -> PeriodScore:
    """Score one period; raises ProblemsError naming every bad input (file, row, field)."""
    names = {check_file_name(n): c for n, c in files.items()}
    if not names:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "no_files",
                    gettext("upload at least one input table (metric_values.csv)"),
                )
            ]
        )
    inputs, computed = read_files(scheme, period, names)
    agents, problems = _scored_agents(inputs, computed)
    if problems:
        raise ProblemsError(problems)
    extra = {a.agent_id: a.extra for a in inputs.agents}
    org = [
        InputAgent(
            a.agent_id,
            a.name,
            a.team.name if a.team else None,
            a.position or None,
            None,
            a.hired_on,
            extra.get(a.agent_id, {}),
        )
        for a in agents.values()
    ]
    given = {(h.agent_id, h.period) for h in inputs.history}
    from_ledger = [
        h
        for h in ledger_history(scheme, period, list(agents.values()))
        if (h.agent_id, h.period) not in given
    ]
    merged = replace(inputs, agents=org, history=[*inputs.history, *from_ledger])
    run = score_period(scheme, merged, period, computed)
    lines = points_lines(scheme, run)
    return PeriodScore(
        run,
        lines,
        agents,
        [*inputs.warnings, *run.warnings],
        inputs_digest(names),
        sorted(names),
    )
