"""Ranks by total, grades by thresholds or conditions, forced distribution, and levels."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from operator import attrgetter

from appraise.messages import message
from appraise.periods import Period
from appraise.problems import Problem
from appraise.schemes.expr import Value
from appraise.schemes.model import Quota, Scheme
from appraise.scoring.context import Context
from appraise.scoring.results import AgentResult
from appraise.scoring.variables import agent_env
from appraise.words import say


def _groups(scheme_group: str, results: list[AgentResult]) -> list[list[AgentResult]]:
    if scheme_group != "team":
        return [results] if results else []
    by: dict[str | None, list[AgentResult]] = defaultdict(list)
    for r in results:
        by[r.team].append(r)
    return list(by.values())


_agent_id = attrgetter("agent_id")


def rank_agents(
    scheme: Scheme, results: list[AgentResult], scores: dict[str, dict[str, Decimal | None]]
) -> None:
    """Rank 1 is the highest total. ``shared``: 1, 2, 2, 4; ``dense``: 1, 2, 2, 3."""
    breakers = scheme.ranking.tie_breakers

    def key(r: AgentResult) -> tuple[Decimal, ...]:
        assert r.total is not None
        s = scores.get(r.agent_id, {})
        return (r.total, *((s.get(b) or Decimal(0)) for b in breakers))

    for group in _groups(scheme.ranking.group, results):
        # Each agent's key once (the sort and the ties read it).
        keys = {r.agent_id: key(r) for r in group}
        # Highest key first, ties by agent id: by id, then by key from the highest (a stable
        # sort, reverse=True included, keeps the ids' order among equal keys), without
        # negating every number of every key.
        ordered = sorted(group, key=_agent_id)
        ordered.sort(key=lambda r: keys[r.agent_id], reverse=True)
        prev: tuple[Decimal, ...] | None = None
        rank = 0
        distinct = 0
        for i, r in enumerate(ordered):
            k = keys[r.agent_id]
            if k != prev:
                distinct += 1
                rank = i + 1 if scheme.ranking.ties == "shared" else distinct
                prev = k
            r.rank = rank


def _dec(n: int | None) -> Decimal | None:
    return Decimal(n) if n else None


def result_env(
    scheme: Scheme,
    r: AgentResult,
    ctx: Context,
    scores: dict[str, dict[str, Decimal | None]],
    count: int,
) -> dict[str, Value]:
    env = agent_env(scheme, ctx.agents[r.agent_id], scores.get(r.agent_id))
    env.update(
        total=r.total,
        rank=Decimal(r.rank) if r.rank else None,
        count=Decimal(count),
        last_rank=_dec(ctx.last_rank.get(r.agent_id)),
        grade=r.grade,
        level=r.level,
        points=r.total,
    )
    return env


def assign_grades(
    scheme: Scheme,
    results: list[AgentResult],
    ctx: Context,
    scores: dict[str, dict[str, Decimal | None]],
) -> None:
    count = len(results)
    for r in results:
        assert r.total is not None
        env: dict[str, Value] | None = None
        for g in scheme.grades:
            if g.range is not None:
                hit = g.range.contains(r.total)
            else:
                assert g.when is not None
                env = env or result_env(scheme, r, ctx, scores, count)
                hit = g.when.evaluate(env) is True
            if hit:
                r.grade = g.name
                break


def quota_count(share: Decimal, n: int, rounding: str) -> int:
    """Head count of a ``share`` (percent) of ``n`` agents by the scheme's ``rounding``:
    ``floor`` down, ``round`` to the nearest (half up), ``ceil`` up, ``at_least_one`` down but
    never below one when the share and the team are not empty."""
    exact = share * n / 100
    if rounding == "at_least_one":
        down = int(exact.to_integral_value(rounding=ROUND_FLOOR))
        return max(down, 1) if share > 0 and n > 0 else down
    mode = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "round": ROUND_HALF_UP}[rounding]
    return int(exact.to_integral_value(rounding=mode))


def _unreachable(grade: str, share: Decimal, n: int, team: str | None) -> Problem:
    """A positive quota that the group's size rounds to nobody (a team of 6 and 10%, floor)."""
    where = (
        message("quota.team", 'team "{team}"', team=team)
        if team
        else message("quota.the_group", "the group")
    )
    return Problem(
        "warning",
        "quota_unreachable",
        message(
            "quota_unreachable",
            '{where} has {n} agent(s): a quota of {share}% for grade "{grade}" '
            "rounds to 0, so no one can get it",
            where=where,
            n=n,
            share=f"{share.normalize():f}",
            grade=grade,
        ),
    )


def apply_distribution(scheme: Scheme, results: list[AgentResult]) -> list[Problem]:
    """Enforce the quotas by rank; returns warnings where ties made a quota overflow."""
    d = scheme.distribution
    if d is None:
        return []
    names = [g.name for g in scheme.grades]
    problems: list[Problem] = []
    for group in _groups(d.group, results):
        n = len(group)
        ordered = sorted(group, key=lambda r: (r.rank or 0, r.agent_id))
        team = group[0].team if d.group == "team" else None
        if d.mode == "forced":
            problems += _forced(d.quotas, names, ordered, n, d.rounding, d.ties, team)
            continue
        for q in d.quotas:
            if q.max is None:
                continue
            allowed = quota_count(q.max, n, d.rounding)
            if allowed == 0 and q.max > 0:
                problems.append(_unreachable(q.grade, q.max, n, team))
            holders = [r for r in ordered if r.grade == q.grade]
            if len(holders) <= allowed:
                continue
            keep = holders[:allowed]
            cut_rank = holders[allowed].rank
            if d.ties == "include" and keep and keep[-1].rank == cut_rank:
                keep = [r for r in holders if (r.rank or 0) <= (cut_rank or 0)]
                problems.append(
                    Problem(
                        "warning",
                        "quota_exceeded_by_tie",
                        message(
                            "quota_exceeded_by_tie",
                            '{kept} agents keep grade "{grade}" (quota {allowed} of {n}) '
                            "because they tie at rank {rank}",
                            kept=len(keep),
                            grade=q.grade,
                            allowed=allowed,
                            n=n,
                            rank=cut_rank,
                        ),
                    )
                )
            elif d.ties == "exclude":
                keep = [r for r in keep if r.rank != cut_rank]
            idx = names.index(q.grade)
            lower = names[idx + 1] if idx + 1 < len(names) else q.grade
            for r in holders:
                if r not in keep:
                    r.notes.append(
                        say(
                            scheme.language,
                            "explain.note_quota",
                            grade=q.grade,
                            lower=lower,
                            allowed=str(allowed),
                            n=str(n),
                        ).words()
                    )
                    r.grade = lower
    return problems


def _forced(
    quotas: list[Quota],
    names: list[str],
    ordered: list[AgentResult],
    n: int,
    rounding: str,
    ties: str,
    team: str | None,
) -> list[Problem]:
    problems: list[Problem] = []
    shares = {q.grade: q.share for q in quotas if q.share is not None}
    pos = 0
    grade_order = [g for g in names if g in shares] + [g for g in names if g not in shares][:1]
    for gi, grade in enumerate(grade_order):
        last = gi == len(grade_order) - 1
        take = n - pos if last else quota_count(shares[grade], n, rounding)
        if not last and take == 0 and shares[grade] > 0:
            problems.append(_unreachable(grade, shares[grade], n, team))
        end = min(n, pos + take)
        if not last and 0 < end < n and ordered[end - 1].rank == ordered[end].rank:
            tie_rank = ordered[end].rank
            if ties == "include":
                while end < n and ordered[end].rank == tie_rank:
                    end += 1
                problems.append(
                    Problem(
                        "warning",
                        "quota_exceeded_by_tie",
                        message(
                            "quota_taken_by_tie",
                            'grade "{grade}" takes {kept} agents (quota {allowed} '
                            "of {n}) because they tie at rank {rank}",
                            grade=grade,
                            kept=end - pos,
                            allowed=take,
                            n=n,
                            rank=tie_rank,
                        ),
                    )
                )
            else:
                while end > pos and ordered[end - 1].rank == tie_rank:
                    end -= 1
        for r in ordered[pos:end]:
            r.grade = grade
        pos = end
    return problems


def assign_levels(scheme: Scheme, results: list[AgentResult], ctx: Context, period: Period) -> None:
    lv = scheme.levels
    if lv is None:
        return
    for r in results:
        assert r.total is not None
        hist = ctx.agents[r.agent_id].history
        if lv.basis == "cumulative":
            value = r.total + sum(
                (
                    h.total
                    for p, h in hist.items()
                    if h.total is not None
                    and Period.parse(p).kind == period.kind
                    and Period.parse(p) < period
                ),
                Decimal(0),
            )
        else:
            value = r.total
        r.level = lv.default
        for rung in lv.rungs:
            if not rung.range.contains(value):
                continue
            ok = True
            for k in range(1, rung.periods):
                h = hist.get(str(period.shift(-k)))
                if h is None or h.total is None or not rung.range.contains(h.total):
                    ok = False
                    break
            if ok:
                r.level = rung.name
                break
