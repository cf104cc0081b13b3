"""The rule test bench (规则测试台): one rule over a folder of conversations, every hit printed
with its evidence, for a QA lead to read before the rule counts (``appraise qa rules test``).

Everything printed is a core message (Chinese by default, ``--lang en``); quoted transcript
text has its personal data masked, the matched span in 【】.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from appraise.messages import message, text
from appraise.qa.checks import Transcript
from appraise.qa.rules.engine import CompiledRule, RuleFinding, RuleSet, evaluate_rule

ROLE = {
    "agent": message("autoqa.role_agent", "agent"),
    "customer": message("autoqa.role_customer", "customer"),
}


def pick(transcripts: Sequence[Transcript], n: int | None, seed: str) -> list[Transcript]:
    """``n`` conversations drawn reproducibly (sorted by id, then a generator seeded by
    ``seed``), or all of them."""
    ordered = sorted(transcripts, key=lambda t: t.conversation_id)
    if n is None or n >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, n), key=lambda t: t.conversation_id)


def _context(rs: RuleSet, text: str, start: int, end: int, shown: str, width: int = 18) -> str:
    before = rs.mask(text[:start])
    after = rs.mask(text[end:])
    head = ("…" + before[-width:]) if len(before) > width else before
    tail = (after[:width] + "…") if len(after) > width else after
    return f"{head}【{shown}】{tail}"


def bench_lines(
    rule: CompiledRule, transcripts: Sequence[Transcript], rs: RuleSet
) -> tuple[list[str], list[RuleFinding]]:
    """The report's lines and the findings behind them."""
    r = rule.rule
    findings = [f for t in transcripts if (f := evaluate_rule(rule, t, rs)) is not None]
    by_id = {t.conversation_id: t for t in transcripts}
    hits = [f for f in findings if f.hit]
    unknown = [f for f in findings if not f.computable]
    lines: list[str] = [
        message(
            "autoqa.bench_head",
            "rule {rule} ({name}, {severity}): when {when}",
            rule=r.id,
            name=r.label,
            severity=r.severity,
            when=r.expression,
        ),
        message(
            "autoqa.bench_summary",
            "{n} conversation(s) checked, {hits} hit, {unknown} not computable, "
            "{skipped} outside the rule's channels or queues",
            n=len(findings),
            hits=len(hits),
            unknown=len(unknown),
            skipped=len(transcripts) - len(findings),
        ),
    ]
    for f in hits:
        lines.append("")
        lines.append(
            message(
                "autoqa.bench_hit",
                "{cid} agent {agent}: {n} occurrence(s), {points} point(s){veto}",
                cid=f.conversation_id,
                agent=f.agent_id or "-",
                n=f.occurrences,
                points=str(f.points),
                veto=message("autoqa.bench_veto", ", red line (veto)") if f.veto else "",
            )
        )
        t = by_id[f.conversation_id]
        for m in f.evidence:
            if m.message_index is None:
                ev = message(
                    "autoqa.bench_ev_call",
                    "condition {cond}: {text} ({note})",
                    cond=m.condition,
                    text=m.text,
                    note=m.note,
                )
                lines.append("  " + text(ev))
                continue
            msg = t.messages[m.message_index]
            ev = message(
                "autoqa.bench_ev",
                "condition {cond}: message {i} ({role}) [{start}:{end}] {note}",
                cond=m.condition,
                i=m.message_index,
                role=ROLE[msg.sender],
                start=m.start,
                end=m.end,
                note=m.note,
            )
            lines.append("  " + text(ev))
            assert m.start is not None and m.end is not None
            lines.append("    " + _context(rs, msg.text, m.start, m.end, m.text))
    if unknown:
        reasons = sorted({str(f.message) for f in unknown})
        lines.append("")
        lines.append(
            message(
                "autoqa.bench_unknown",
                "not computable: {reasons}",
                reasons="; ".join(reasons),
            )
        )
    return [str(x) for x in lines], findings
