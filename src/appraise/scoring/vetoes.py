"""一票否决: a scheme's vetoes (``vetoes:``, :class:`appraise.schemes.model.Veto`), checked for
each appraised agent after the total and before ranking (``total`` replaces the total), and
their grades given last, after the quotas (docs/scheme-format.md, "Vetoes")."""

from __future__ import annotations

from decimal import Decimal

from appraise.schemes.model import Scheme, Veto
from appraise.scoring.context import Context
from appraise.scoring.grading import result_env
from appraise.scoring.results import AgentResult
from appraise.scoring.text import fmt, quantize
from appraise.words import say, words


def apply_vetoes(
    scheme: Scheme,
    results: list[AgentResult],
    ctx: Context,
    scores: dict[str, dict[str, Decimal | None]],
) -> dict[str, Veto]:
    """Agent id -> the first veto that holds for them; their total is replaced when the veto
    says so, and a note says which veto held and on what."""
    if not scheme.vetoes:
        return {}
    lang = scheme.language
    held: dict[str, Veto] = {}
    for r in results:
        env = result_env(scheme, r, ctx, scores, len(results))
        for v in scheme.vetoes:
            if v.when.evaluate(env) is not True:
                continue
            held[r.agent_id] = v
            parts: list[object] = [say(lang, "explain.note_veto", name=v.name, when=str(v.when))]
            if v.total is not None:
                before = r.total
                r.exact_total = v.total
                r.total = quantize(v.total, scheme.score_step)
                parts.append(
                    say(
                        lang,
                        "explain.note_veto_total",
                        before=fmt(before) if before is not None else "-",
                        total=fmt(r.total),
                    )
                )
            r.notes.append(words(lang, *parts).words())
            break
    return held


def veto_grades(scheme: Scheme, results: list[AgentResult], held: dict[str, Veto]) -> None:
    """The vetoed agents' grades: the veto's, else the scheme's last (lowest) grade."""
    if not held or not scheme.grades:
        return
    lowest = scheme.grades[-1].name
    for r in results:
        v = held.get(r.agent_id)
        if v is not None:
            r.grade = v.grade or lowest
