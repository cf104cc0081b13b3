"""Per-agent figures of the rules, by period and by day, for schemes to read.

- ``autoqa_checked``: conversations the rules looked at;
- ``autoqa_hits``: rule hits (a rule hits a conversation once, whatever its occurrences);
- ``autoqa_points``: points of the hits, each conversation's ``points`` × occurrences capped at
  ``cap``, or, for a rule with ``escalate: [a, b, c]``, ``a`` for the agent's first hit
  conversation of the period, ``b`` for the second and ``c`` for the third and every later one
  (conversations in order of their start, then id);
- ``autoqa_hint_count`` / ``autoqa_minor_count`` / ``autoqa_major_count`` /
  ``autoqa_redline_count``: hits by severity (提示 / 一般 / 严重 / 红线), where
  ``autoqa_redline_count`` counts the conversations with a hit of a veto rule (一票否决: a red
  line, or ``veto: true``), so a scheme reads "any red line" as ``autoqa_redline_count > 0``;
- ``autoqa_<rule id>``: that rule's hits.

A finding that could not be computed (no times) counts in none of them. The figures of a day
are those of the conversations that started that day (local time of the center), with the
escalation worked out over the period, so the days add up to the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from appraise.metrics.config import CenterConfig
from appraise.qa.rules.engine import RuleFinding, RuleSet, local_day
from appraise.qa.rules.model import Severity

SEVERITY_METRIC: dict[Severity, str] = {
    "提示": "autoqa_hint_count",
    "一般": "autoqa_minor_count",
    "严重": "autoqa_major_count",
    "红线": "autoqa_redline_count",
}

# metric id -> (name, unit), as QA_METRICS: what a scheme declares under ``metrics:``.
AUTOQA_METRICS: dict[str, tuple[str, str]] = {
    "autoqa_checked": ("规则质检会话数", "count"),
    "autoqa_hits": ("规则命中次数", "count"),
    "autoqa_points": ("规则扣分", "count"),
    "autoqa_hint_count": ("提示类命中次数", "count"),
    "autoqa_minor_count": ("一般类命中次数", "count"),
    "autoqa_major_count": ("严重类命中次数", "count"),
    "autoqa_redline_count": ("红线（一票否决）会话数", "count"),
}

Values = dict[str, dict[str, Decimal | None]]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def finding_points(findings: list[RuleFinding], rs: RuleSet) -> list[Decimal]:
    """The points of each finding (0 when not hit), escalation applied per agent and rule."""
    rules = {r.rule.id: r.rule for r in rs.rules}
    out = [f.points if f.hit else Decimal(0) for f in findings]
    order = sorted(
        (
            i
            for i, f in enumerate(findings)
            if f.hit and rules.get(f.rule) and rules[f.rule].escalate
        ),
        key=lambda i: (
            findings[i].started_at is None,
            findings[i].started_at or _EPOCH,
            findings[i].conversation_id,
        ),
    )
    nth: dict[tuple[str | None, str], int] = defaultdict(int)
    for i in order:
        f = findings[i]
        steps = rules[f.rule].escalate
        k = nth[(f.agent_id, f.rule)]
        out[i] = steps[min(k, len(steps) - 1)]
        nth[(f.agent_id, f.rule)] = k + 1
    return out


def _tally(items: Iterable[tuple[RuleFinding, Decimal]], rule_ids: list[str]) -> Values:
    contacts: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    redline: dict[str, set[str]] = defaultdict(set)
    for f, pts in items:
        if f.agent_id is None or not f.computable:
            continue
        contacts[f.agent_id].add(f.conversation_id)
        c = counts[f.agent_id]
        if not f.hit:
            continue
        c["autoqa_hits"] += 1
        c["autoqa_points"] += pts
        if f.severity != "红线":
            c[SEVERITY_METRIC[f.severity]] += 1
        if f.veto:
            redline[f.agent_id].add(f.conversation_id)
        c[f"autoqa_{f.rule}"] += 1
    out: Values = {}
    for agent in sorted(contacts):
        c = counts[agent]
        row: dict[str, Decimal | None] = {"autoqa_checked": Decimal(len(contacts[agent]))}
        for m in ("autoqa_hits", "autoqa_points", *SEVERITY_METRIC.values()):
            row[m] = c.get(m, Decimal(0))
        row["autoqa_redline_count"] = Decimal(len(redline[agent]))
        for rid in rule_ids:
            row[f"autoqa_{rid}"] = c.get(f"autoqa_{rid}", Decimal(0))
        out[agent] = row
    return out


def rule_metrics(findings: list[RuleFinding], rs: RuleSet) -> Values:
    """agent -> metric -> value over all the findings (the period)."""
    pts = finding_points(findings, rs)
    return _tally(zip(findings, pts, strict=True), [r.rule.id for r in rs.rules])


def daily_rule_metrics(
    findings: list[RuleFinding], rs: RuleSet, center: CenterConfig | None = None
) -> dict[date, Values]:
    """day -> agent -> metric -> value; a conversation without a start time is in no day."""
    center = center or rs.center
    pts = finding_points(findings, rs)
    days: dict[date, list[tuple[RuleFinding, Decimal]]] = defaultdict(list)
    for f, p in zip(findings, pts, strict=True):
        if (d := local_day(f, center)) is not None:
            days[d].append((f, p))
    ids = [r.rule.id for r in rs.rules]
    return {d: _tally(days[d], ids) for d in sorted(days)}
