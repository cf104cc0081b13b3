from __future__ import annotations

from collections import Counter

import pytest

from appraise.metrics.store import open_store
from appraise.problems import ProblemsError
from appraise.qa.sampling import (
    Sample,
    allocate,
    assign_reviewers,
    sample_contacts,
    sample_conversations,
)
from appraise.qa.store import Contact


def contacts(agent: str, n: int, channel: str, outcome: str, start: int = 0) -> list[Contact]:
    return [
        Contact(f"{agent}-{channel}-{outcome}-{i:03d}", agent, channel, None, outcome, False)
        for i in range(start, start + n)
    ]


def month() -> list[Contact]:
    # A001: 20 resolved chats, 6 unresolved chats, 4 transferred calls (30); A002: 4 chats
    return [
        *contacts("A001", 20, "chat", "resolved"),
        *contacts("A001", 6, "chat", "not_resolved"),
        *contacts("A001", 4, "phone", "transferred"),
        *contacts("A002", 4, "chat", "resolved"),
    ]


def test_allocation_is_proportional_when_it_divides_evenly() -> None:
    # 15 of 30: 20 -> 10, 6 -> 3, 4 -> 2
    sizes: dict[tuple[str, ...], int] = {
        ("chat", "resolved"): 20,
        ("chat", "not_resolved"): 6,
        ("phone", "transferred"): 4,
    }
    assert allocate(sizes, 15) == {
        ("chat", "resolved"): 10,
        ("chat", "not_resolved"): 3,
        ("phone", "transferred"): 2,
    }


def test_allocation_gives_the_free_places_to_the_largest_remainders() -> None:
    # 4 of 15: A 4*7/15 = 1.867, B 4*5/15 = 1.333, C 4*3/15 = 0.8; floors 1, 1, 0 leave 2
    # places, for A (.867) and C (.8): A 2, B 1, C 1
    assert allocate({("A",): 7, ("B",): 5, ("C",): 3}, 4) == {("A",): 2, ("B",): 1, ("C",): 1}
    # equal remainders: the stratum that sorts first
    assert allocate({("Y",): 1, ("X",): 1}, 1) == {("X",): 1, ("Y",): 0}


def test_sample_is_stratified_reproducible_and_small_agents_get_everything() -> None:
    s1 = sample_contacts(month(), 15, seed=7)
    by_agent = Counter(s.agent_id for s in s1)
    assert by_agent == {"A001": 15, "A002": 4}
    strata = Counter(s.stratum for s in s1 if s.agent_id == "A001")
    assert strata == {
        ("chat", "resolved"): 10,
        ("chat", "not_resolved"): 3,
        ("phone", "transferred"): 2,
    }
    assert len({s.conversation_id for s in s1}) == len(s1)
    assert sample_contacts(list(reversed(month())), 15, seed=7) == s1  # input order is irrelevant
    assert sample_contacts(month(), 15, seed=8) != s1


def test_excluded_conversations_are_never_sampled_again() -> None:
    first = sample_contacts(month(), 15, seed=7)
    second = sample_contacts(month(), 15, seed=7, exclude={s.conversation_id for s in first})
    assert not {s.conversation_id for s in first} & {s.conversation_id for s in second}
    # A001 has 30 - 15 = 15 left, all taken; A002 has none left
    assert Counter(s.agent_id for s in second) == {"A001": 15}


def test_a_contact_listed_twice_is_sampled_once() -> None:
    c = contacts("A003", 1, "chat", "resolved")
    assert len(sample_contacts(c + c, 15)) == 1


def test_unknown_stratum_is_an_error() -> None:
    with pytest.raises(ProblemsError):
        sample_contacts(month(), 15, strata=("mood",))


def test_sample_from_the_store_uses_local_month_and_answered_calls() -> None:
    conn = open_store(None)
    conn.execute(
        "INSERT INTO conversations (conversation_id, channel, agent_id, started_at, resolved, "
        "transferred_to) VALUES "
        # 23:30 on 31 October in Shanghai: October
        "('c1', 'chat', 'A001', TIMESTAMPTZ '2026-10-31 15:30:00+00', true, NULL),"
        # 00:10 on 1 November in Shanghai: November, not sampled
        "('c2', 'chat', 'A001', TIMESTAMPTZ '2026-10-31 16:10:00+00', true, NULL),"
        "('c3', 'app', 'A001', TIMESTAMPTZ '2026-10-05 02:00:00+00', false, 'A002')"
    )
    conn.execute(
        "INSERT INTO calls (call_id, agent_id, offered_at, answered_at, abandoned) VALUES "
        "('k1', 'A002', TIMESTAMPTZ '2026-10-05 02:00:00+00', "
        "TIMESTAMPTZ '2026-10-05 02:00:10+00', false),"
        "('k2', 'A002', TIMESTAMPTZ '2026-10-05 03:00:00+00', NULL, true)"
    )
    got = sample_conversations(conn, "2026-10", 15, seed=1)
    assert [(s.conversation_id, s.channel, s.outcome) for s in got] == [
        ("c1", "chat", "resolved"),
        ("c3", "app", "transferred"),
        ("k1", "phone", "unknown"),
    ]


def samples(agent: str, n: int) -> list[Sample]:
    return [Sample(f"{agent}-{i}", agent, "chat", "resolved", ("chat",)) for i in range(n)]


def test_assignment_balances_within_one() -> None:
    got = assign_reviewers(samples("A001", 4) + samples("A002", 3), ["Q1", "Q2", "Q3"])
    loads = Counter(a.reviewer_id for a in got)
    # 7 samples over 3 reviewers: 3, 2, 2
    assert sorted(loads.values()) == [2, 2, 3]
    assert len({a.sample.conversation_id for a in got}) == 7


def test_reviewers_who_are_agents_never_review_themselves() -> None:
    got = assign_reviewers(samples("A001", 3) + samples("A002", 3), ["A001", "A002", "Q3"])
    assert all(a.reviewer_id != a.sample.agent_id for a in got)
    assert Counter(a.reviewer_id for a in got) == {"A001": 2, "A002": 2, "Q3": 2}


def test_an_impossible_balance_says_why() -> None:
    # A001 may only take B's 2 samples, so Q2 must take A001's 4: 4 against 2
    with pytest.raises(ProblemsError) as e:
        assign_reviewers(samples("A001", 4) + samples("B", 2), ["A001", "Q2"])
    assert e.value.problems[0].code == "unbalanced"


# ----------------------------------------------------------------------- risk-weighted sampling


def test_risk_places_keep_the_declared_random_share_rounded_up() -> None:
    from decimal import Decimal

    from appraise.qa.sampling import risk_places

    # 15 × 0.4 = 6 random, 9 risk; 15 × 0.35 = 5.25 -> 6 random (never below the share), 9 risk
    assert risk_places(15, Decimal("0.4")) == (6, 9)
    assert risk_places(15, Decimal("0.35")) == (6, 9)
    assert risk_places(10, Decimal("0.01")) == (1, 9)  # 0.1 -> 1: never no random part
    assert risk_places(10, Decimal(1)) == (10, 0)


def test_risk_weighted_sample_random_part_is_the_plain_sample_and_risk_part_is_flagged() -> None:
    from decimal import Decimal

    # A001 has 30 contacts; the 10 resolved chats with an even number (000, 002, ..., 018)
    # are flagged.
    flagged = {
        c.conversation_id: ("check:forbidden",)
        for c in month()
        if c.agent_id == "A001"
        and c.outcome == "resolved"
        and int(c.conversation_id[-3:]) % 2 == 0
        and int(c.conversation_id[-3:]) < 24
    }
    assert len(flagged) == 10
    got = [
        s
        for s in sample_contacts(month(), 15, seed=7, flags=flagged, random_share=Decimal("0.4"))
        if s.agent_id == "A001"
    ]
    parts = Counter(s.part for s in got)
    # 15 places: ⌈15 × 0.4⌉ = 6 random, 9 risk
    assert len(got) == 15 and parts["random"] == 6
    # The random part is exactly the unweighted sample of 6 (same seed, same strata): the flags
    # do not change it, so it is a simple random sample of the month.
    plain = {s.conversation_id for s in sample_contacts(month(), 6, seed=7) if s.agent_id == "A001"}
    assert {s.conversation_id for s in got if s.part == "random"} == plain
    # The risk part: flagged contacts the random part did not take, as many as there are up to 9;
    # the places still free are filled from the rest.
    # With seed 7 the random part took 3 flagged chats (resolved 004, 010, 014), so 7 are left:
    # risk 7 of the 9 places, and 9 − 7 = 2 filled from the unflagged rest.
    assert len(set(flagged) & plain) == 3
    assert (parts["risk"], parts["fill"]) == (7, 2)
    assert all(flagged.get(s.conversation_id) for s in got if s.part == "risk")
    assert not any(flagged.get(s.conversation_id) for s in got if s.part == "fill")
    assert all(s.flags == ("check:forbidden",) for s in got if s.conversation_id in flagged)
    assert set(flagged) <= {s.conversation_id for s in got}  # every flagged one is in
    # A002 has 4 contacts: all of them, in the random part
    assert [
        s.part
        for s in sample_contacts(month(), 15, seed=7, flags=flagged, random_share=Decimal("0.4"))
        if s.agent_id == "A002"
    ] == ["random"] * 4


def test_risk_part_with_many_flags_needs_no_fill() -> None:
    from decimal import Decimal

    flagged = {c.conversation_id: ("csat",) for c in month() if c.agent_id == "A001"}
    got = [
        s
        for s in sample_contacts(month(), 10, seed=1, flags=flagged, random_share=Decimal("0.5"))
        if s.agent_id == "A001"
    ]
    # ⌈10 × 0.5⌉ = 5 random, 5 risk from the 25 flagged left: no fill
    assert Counter(s.part for s in got) == {"random": 5, "risk": 5}
    assert len({s.conversation_id for s in got}) == 10


def test_risk_flags_and_estimate_keep_the_random_part() -> None:
    from decimal import Decimal

    from appraise.qa.checks import Finding
    from appraise.qa.sampling import estimate_reviews, risk_flags

    fs = [
        Finding("C1", "A", "opening", False),
        Finding("C1", "A", "silence", False),
        Finding("C2", "A", "opening", True),
    ]
    assert risk_flags(fs, {"C2": 2, "C3": 4, "C4": None}) == {
        "C1": ("check:opening", "check:silence"),
        "C2": ("csat",),
    }
    assert risk_flags(fs, checks={"silence"}) == {"C1": ("check:silence",)}
    with pytest.raises(ProblemsError):
        sample_contacts(month(), 5, random_share=Decimal("1.5"), flags={})
    with pytest.raises(ProblemsError):
        sample_contacts(month(), 5, random_share=Decimal(0), flags={})

    class R:
        def __init__(self, cid: str) -> None:
            self.conversation_id = cid

    rs = [R("C1"), R("C2"), R("C3")]
    kept = estimate_reviews(rs, {"C1": "random", "C2": "risk"})
    assert [r.conversation_id for r in kept] == ["C1", "C3"]
