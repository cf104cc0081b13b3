"""Which conversations are monitored (抽检) and who reviews them.

Seed 003 monitors 15 calls per agent per month. :func:`sample_conversations` draws them,
reproducibly for a seed, spread over the agent's channels and outcomes the way the agent's
month is spread; :func:`assign_reviewers` shares the sample among reviewers.

Allocation (largest remainder, Hamilton's method): an agent with n contacts, n_s of them in
stratum s, gets N × n_s ÷ n places in s, rounded down; the places still free go one each to the
strata with the largest remainders, ties to the stratum that sorts first. So the quotas add up to
exactly N and no stratum gets more than it holds. An agent with N or fewer contacts gets all.

Randomness: within a stratum the contacts are sorted by id and drawn with a generator seeded by
the text "seed|agent|stratum", so a sample depends on the seed and on that agent's own contacts
only: another agent's new conversation does not change it.

Risk-weighted sampling (:func:`sample_contacts` with ``flags`` and ``random_share`` < 1): each
agent's N places are split into a **random part** of R = ⌈N × random_share⌉ places, drawn as
above from ALL the agent's contacts (flagged or not), and a **risk part** of the N − R places
left, drawn (seeded by "seed|agent|risk") from the flagged contacts the random part did not take:
those with a failed automatic check, a long silence, a low CSAT (:func:`risk_flags`). When fewer
flagged contacts are left than places, the risk part takes them all and the places still free
are filled from the other contacts (part ``fill``). Every sample says its part.

The random part is a simple random sample of the agent's month (stratified in proportion), so
its reviews are the unbiased estimate of the agent's quality; the risk and fill parts find
problems to coach but lean towards bad conversations. :func:`estimate_reviews` keeps the
reviews of the random part only, for averages and accuracies; every review is still a monitored
contact (``monitored``).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from appraise.messages import message
from appraise.metrics.config import CenterConfig
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError
from appraise.qa.store import Contact, load_contacts

STRATA = ("channel", "outcome", "queue")


@dataclass(frozen=True, slots=True)
class Sample:
    conversation_id: str
    agent_id: str
    channel: str | None
    outcome: str
    stratum: tuple[str, ...]
    is_call: bool = False
    part: str = "random"  # random | risk | fill (risk-weighted sampling)
    flags: tuple[str, ...] = ()


def allocate(sizes: Mapping[tuple[str, ...], int], n: int) -> dict[tuple[str, ...], int]:
    """Places per stratum: proportional, largest remainders, exactly ``n`` in all (n ≤ Σ sizes)."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    quotas: dict[tuple[str, ...], int] = {}
    remainders: list[tuple[Decimal, tuple[str, ...]]] = []
    for key in sorted(sizes):
        exact = Decimal(n * sizes[key]) / Decimal(total)
        quotas[key] = int(exact)
        remainders.append((exact - quotas[key], key))
    left = n - sum(quotas.values())
    for _, key in sorted(remainders, key=lambda r: (-r[0], r[1]))[:left]:
        quotas[key] += 1
    return quotas


def _stratum(c: Contact, strata: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(getattr(c, s) or "") for s in strata)


def risk_places(per_agent: int, random_share: Decimal) -> tuple[int, int]:
    """(random places, risk places) of an agent's ``per_agent``: ⌈N × share⌉ random."""
    r = min(per_agent, math.ceil(Decimal(per_agent) * random_share))
    return r, per_agent - r


def risk_flags(
    findings: Iterable[Any],
    csat: Mapping[str, int | None] | None = None,
    *,
    low_csat: int = 2,
    checks: Collection[str] | None = None,
) -> dict[str, tuple[str, ...]]:
    """conversation -> why it is risky: ``check:NAME`` for each failed automatic check (or rule;
    ``checks`` limits them), ``csat`` when the survey's CSAT is ``low_csat`` or lower."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if not f.passed and (checks is None or f.check in checks):
            out[f.conversation_id].add(f"check:{f.check}")
    for cid, score in (csat or {}).items():
        if score is not None and score <= low_csat:
            out[cid].add("csat")
    return {cid: tuple(sorted(v)) for cid, v in sorted(out.items())}


def sample_contacts(
    contacts: Iterable[Contact],
    per_agent: int = 15,
    seed: int | str = 0,
    strata: Sequence[str] = ("channel", "outcome"),
    exclude: Collection[str] = (),
    *,
    flags: Mapping[str, Sequence[str]] | None = None,
    random_share: Decimal = Decimal(1),
) -> list[Sample]:
    """The sample from a list of contacts (the pure core of :func:`sample_conversations`),
    ordered by agent, then conversation id. With ``flags`` (conversation -> reasons) and
    ``random_share`` below 1 the sample is risk-weighted (see the module's text)."""
    bad = [s for s in strata if s not in STRATA]
    if not Decimal(0) < random_share <= 1:
        # A random part is what keeps the figures unbiased: it may be small, never empty.
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "bad_share",
                    message(
                        "qa.bad_share",
                        "the random share {share} must be above 0 and at most 1",
                        share=format(random_share, "f"),
                    ),
                )
            ]
        )
    if bad or per_agent < 1:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "bad_stratum",
                    message(
                        "qa.bad_stratum",
                        "unknown stratum {name}; use {strata}",
                        name=repr(s),
                        strata=", ".join(STRATA),
                    ),
                )
                for s in bad
            ]
            + (
                [
                    Problem(
                        "error",
                        "bad_size",
                        message("qa.per_agent", "per_agent must be at least 1"),
                    )
                ]
                if per_agent < 1
                else []
            )
        )
    excluded = set(exclude)
    seen: set[str] = set()
    by_agent: dict[str, dict[tuple[str, ...], list[Contact]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for c in contacts:
        if c.agent_id is None or c.conversation_id in excluded or c.conversation_id in seen:
            continue
        seen.add(c.conversation_id)
        by_agent[c.agent_id][_stratum(c, strata)].append(c)
    out: list[Sample] = []
    why = flags or {}
    weighted = flags is not None and random_share < 1
    for agent in sorted(by_agent):
        groups = by_agent[agent]
        n_random, n_risk = risk_places(per_agent, random_share) if weighted else (per_agent, 0)
        quotas = allocate({k: len(v) for k, v in groups.items()}, n_random)
        mine: list[Sample] = []
        for key in sorted(groups):
            pool = sorted(groups[key], key=lambda c: c.conversation_id)
            rng = random.Random(f"{seed}|{agent}|{'|'.join(key)}")
            mine.extend(
                Sample(
                    c.conversation_id,
                    agent,
                    c.channel,
                    c.outcome,
                    key,
                    c.is_call,
                    flags=tuple(why.get(c.conversation_id, ())),
                )
                for c in rng.sample(pool, quotas[key])
            )
        if n_risk:
            taken = {s.conversation_id for s in mine}
            rest = sorted(
                (c for g in groups.values() for c in g if c.conversation_id not in taken),
                key=lambda c: c.conversation_id,
            )
            risky = [c for c in rest if why.get(c.conversation_id)]
            others = [c for c in rest if not why.get(c.conversation_id)]
            got = random.Random(f"{seed}|{agent}|risk").sample(risky, min(n_risk, len(risky)))
            fill = random.Random(f"{seed}|{agent}|fill").sample(
                others, min(n_risk - len(got), len(others))
            )
            for part, chosen in (("risk", got), ("fill", fill)):
                mine.extend(
                    Sample(
                        c.conversation_id,
                        agent,
                        c.channel,
                        c.outcome,
                        _stratum(c, strata),
                        c.is_call,
                        part,
                        tuple(why.get(c.conversation_id, ())),
                    )
                    for c in chosen
                )
        out.extend(sorted(mine, key=lambda s: s.conversation_id))
    return out


def estimate_reviews(results: Sequence[Any], parts: Mapping[str, str]) -> list[Any]:
    """The reviews that estimate quality without bias: those of conversations sampled in the
    random part (``parts``: conversation -> part; a conversation not in it counts, as a
    review of an unweighted sample does)."""
    return [r for r in results if parts.get(r.conversation_id, "random") == "random"]


def sample_conversations(
    conn: Any,
    period: Period | str,
    per_agent: int = 15,
    seed: int | str = 0,
    strata: Sequence[str] = ("channel", "outcome"),
    exclude: Collection[str] = (),
    *,
    center: CenterConfig | None = None,
    flags: Mapping[str, Sequence[str]] | None = None,
    random_share: Decimal = Decimal(1),
) -> list[Sample]:
    """``per_agent`` contacts of each agent in ``period``, stratified, never one in ``exclude``.

    Contacts are the conversations started and the calls answered in the period, owned by the
    agent (see :func:`appraise.qa.store.load_contacts`). Pass the ids already reviewed (earlier
    samples) as ``exclude`` so that no conversation is monitored twice.
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    return sample_contacts(
        load_contacts(conn, p, center),
        per_agent,
        seed,
        strata,
        exclude,
        flags=flags,
        random_share=random_share,
    )


@dataclass(frozen=True, slots=True)
class Assignment:
    reviewer_id: str
    sample: Sample


def assign_reviewers(samples: Sequence[Sample], reviewers: Sequence[str]) -> list[Assignment]:
    """Share the samples so that loads differ by at most one and nobody reviews themselves.

    Samples of agents who are also reviewers are placed first (they have fewer choices), each
    to the least-loaded reviewer allowed (ties: the order of ``reviewers``); then, while loads
    differ by more than one, a sample moves from the busiest to the least busy reviewer who may
    take it. When no such move exists (every reviewer but one is the agent), the split cannot be
    balanced and the problem says why.
    """
    revs = list(dict.fromkeys(reviewers))
    if not revs:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "no_reviewers",
                    message("qa.no_reviewers", "no reviewers to assign to"),
                )
            ]
        )
    load: dict[str, list[Sample]] = {r: [] for r in revs}
    order = sorted(samples, key=lambda s: (s.agent_id not in load, s.agent_id, s.conversation_id))
    for s in order:
        allowed = [r for r in revs if r != s.agent_id]
        if not allowed:
            raise ProblemsError(
                [
                    Problem(
                        "error",
                        "self_review",
                        message(
                            "qa.self_review",
                            "{agent} is the only reviewer and cannot review "
                            "their own conversation {conversation}",
                            agent=s.agent_id,
                            conversation=s.conversation_id,
                        ),
                    )
                ]
            )
        target = min(allowed, key=lambda r: len(load[r]))
        load[target].append(s)
    while True:
        busiest = max(revs, key=lambda r: len(load[r]))
        idlest = min(revs, key=lambda r: len(load[r]))
        if len(load[busiest]) - len(load[idlest]) <= 1:
            break
        movable = [s for s in load[busiest] if s.agent_id != idlest]
        if not movable:
            raise ProblemsError(
                [
                    Problem(
                        "error",
                        "unbalanced",
                        message(
                            "qa.unbalanced",
                            "cannot balance: {busiest} has {n} samples, all of "
                            "them {idlest}'s own, and {idlest} has {m}",
                            busiest=busiest,
                            n=len(load[busiest]),
                            idlest=idlest,
                            m=len(load[idlest]),
                        ),
                    )
                ]
            )
        s = movable[-1]
        load[busiest].remove(s)
        load[idlest].append(s)
    return [
        Assignment(r, s)
        for r in revs
        for s in sorted(load[r], key=lambda x: (x.agent_id, x.conversation_id))
    ]
