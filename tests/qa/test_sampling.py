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
