"""Chat metrics on a dozen hand-made conversations; every expected number is worked out here.

All times UTC (config timezone UTC, no calendar: every hour is a business hour).

Agent a1 owns, in October 2026:
  c1 10-05 10:00  customer 0s, customer 5s, bot 20s, agent 30s, customer 60s, agent 100s,
                  customer 130s (unanswered); resolved, ended +600s
  c2 10-06 09:00  system 0s, customer 10s, agent 70s, agent 75s, customer 80s, agent 200s;
                  resolved and reopened, ended +1200s
  c3 10-07 12:00  customer 0s, never answered; not resolved
  c4 10-08 15:00  customer 0s, a1 90s, customer 100s, b1 160s; transferred to b1, resolved,
                  ended +300s
  c6 10-31 23:50  customer 0s, agent 1200s (in November); not resolved
and c5 (09-30 23:59, September) which October ignores. c7 has no agent and counts for nobody.
"""

from __future__ import annotations

import duckdb
import pytest
from events import add, at, chat, metric, new_db


@pytest.fixture(scope="module")
def cat_chat_db() -> duckdb.DuckDBPyConnection:
    conn = new_db()
    t1 = "2026-10-05 10:00:00"
    chat(
        conn, "c1", "a1", t1,
        [(0, "customer"), (5, "customer"), (20, "bot"), (30, "agent"), (60, "customer"),
         (100, "agent"), (130, "customer")],
        resolved=True, ended_at=at(t1, 600), customer_id="u1",
    )  # fmt: skip
    t2 = "2026-10-06 09:00:00"
    chat(
        conn, "c2", "a1", t2,
        [(0, "system"), (10, "customer"), (70, "agent"), (75, "agent"), (80, "customer"),
         (200, "agent")],
        resolved=True, reopened=True, ended_at=at(t2, 1200),
    )  # fmt: skip
    chat(conn, "c3", "a1", "2026-10-07 12:00:00", [(0, "customer")], resolved=False)
    t4 = "2026-10-08 15:00:00"
    chat(
        conn, "c4", "a1", t4,
        [(0, "customer"), (90, "agent"), (100, "customer"), (160, "agent", "b1")],
        transferred_to="b1", resolved=True, ended_at=at(t4, 300),
    )  # fmt: skip
    chat(conn, "c5", "a1", "2026-09-30 23:59:00", [(0, "customer"), (10, "agent")])
    chat(conn, "c6", "a1", "2026-10-31 23:50:00", [(0, "customer"), (1200, "agent")])
    chat(conn, "c7", "", "2026-10-09 08:00:00", [(0, "customer")])
    add(
        conn,
        "attendance",
        {"agent_id": "a1", "date": "2026-10-05", "scheduled_hours": 8, "worked_hours": 8},
        {"agent_id": "a1", "date": "2026-10-06", "scheduled_hours": 8, "worked_hours": 2},
        {"agent_id": "b1", "date": "2026-10-08", "scheduled_hours": 4, "worked_hours": 4},
    )
    return conn


def test_first_response_mean_skips_bots_and_counts_a_reply_after_the_period_end(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    # c1 30 (the bot at 20 s is not a response), c2 60 (from the customer at 10 s, not the
    # system message), c4 90, c6 1200 (reply in November, counted by start); c3 has no reply.
    # (30 + 60 + 90 + 1200) / 4 = 345
    assert metric(cat_chat_db, "first_response_time_mean")["a1"] == pytest.approx(345.0)


def test_first_response_median_interpolates_between_the_middle_two(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    # sorted 30, 60, 90, 1200: (60 + 90) / 2 = 75
    assert metric(cat_chat_db, "first_response_time_median")["a1"] == pytest.approx(75.0)


def test_first_response_p90_interpolates_linearly(cat_chat_db: duckdb.DuckDBPyConnection) -> None:
    # position 0.9 * (4 - 1) = 2.7: 90 + 0.7 * (1200 - 90) = 867
    assert metric(cat_chat_db, "first_response_time_p90")["a1"] == pytest.approx(867.0)


def test_reply_time_measures_each_run_from_its_first_message_and_credits_the_replier(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    values = metric(cat_chat_db, "reply_time_mean")
    # a1: c1 runs [0, 5] -> 30 and [60] -> 100: 30, 40 (the run at 130 s is unanswered);
    # c2 [10] -> 70: 60, [80] -> 200: 120; c4 [0] -> 90: 90; c6 1200.
    # (30 + 40 + 60 + 120 + 90 + 1200) / 6 = 1540 / 6
    assert values["a1"] == pytest.approx(1540 / 6)
    # b1 answered c4's run [100] at 160 after the transfer: 60
    assert values["b1"] == pytest.approx(60.0)


def test_resolution_time_and_rate_go_to_the_agent_who_ended_with_the_conversation(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    time_ = metric(cat_chat_db, "resolution_time_mean")
    rate = metric(cat_chat_db, "resolution_rate")
    # a1 ends with c1, c2, c3, c6; resolved c1 (600 s) and c2 (1200 s): mean 900, rate 2/4
    assert time_["a1"] == pytest.approx(900.0)
    assert rate["a1"] == pytest.approx(50.0)
    # b1 ends with the transferred c4, resolved after 300 s: 1/1
    assert time_["b1"] == pytest.approx(300.0)
    assert rate["b1"] == pytest.approx(100.0)


def test_fcr_fails_reopened_transferred_and_unresolved_conversations(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    # a1 owns 5; only c1 is resolved, not reopened and not transferred: 1/5 = 20 %
    values = metric(cat_chat_db, "fcr_rate", agents=["a1", "b1"])
    assert values["a1"] == pytest.approx(20.0)
    # b1 owns nothing: no rate
    assert values["b1"] is None


def test_reopen_rate_is_reopened_share_of_resolved(cat_chat_db: duckdb.DuckDBPyConnection) -> None:
    values = metric(cat_chat_db, "reopen_rate")
    # a1 resolved c1 and c2, c2 reopened: 1/2; b1 resolved c4, not reopened: 0/1
    assert values["a1"] == pytest.approx(50.0)
    assert values["b1"] == pytest.approx(0.0)


def test_transfer_rate_counts_for_the_agent_who_transferred(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    values = metric(cat_chat_db, "transfer_rate", agents=["a1", "b1"])
    # a1 transferred c4 of 5 owned: 20 %; b1 received it and owns none: no rate
    assert values["a1"] == pytest.approx(20.0)
    assert values["b1"] is None


def test_messages_per_conversation_leaves_out_bot_and_system_messages(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    # customer + agent messages: c1 6, c2 5, c3 1, c4 4 (b1's reply included), c6 2 = 18 / 5
    assert metric(cat_chat_db, "messages_per_conversation")["a1"] == pytest.approx(3.6)


def test_reply_rate_counts_conversations_the_customer_wrote_in(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    # a1: customer wrote in all 5; an agent answered c1, c2, c4, c6: 4/5
    assert metric(cat_chat_db, "reply_rate")["a1"] == pytest.approx(80.0)


def test_conversations_per_hour_divides_owned_conversations_by_worked_hours(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    values = metric(cat_chat_db, "conversations_per_hour")
    # a1: 5 conversations / (8 + 2) hours; b1: 0 owned / 4 hours
    assert values["a1"] == pytest.approx(0.5)
    assert values["b1"] == pytest.approx(0.0)


def test_conversation_without_agent_counts_for_nobody(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    # c7 has an empty agent_id; b1 owns nothing, so only a1 has a reply rate
    assert set(metric(cat_chat_db, "reply_rate")) == {"a1"}


def test_previous_month_counts_only_its_own_conversations(
    cat_chat_db: duckdb.DuckDBPyConnection,
) -> None:
    # September holds only c5: first response 10 s
    assert metric(cat_chat_db, "first_response_time_mean", "2026-09") == {"a1": 10.0}


def test_tied_timestamps_follow_seq_and_customer_before_agent() -> None:
    conn = new_db()
    t = "2026-10-05 10:00:00"
    # agent and customer at the same instant: the customer's message is taken first, so the
    # reply at 0 s answers it (0 s); then customer 10 s, agent 40 s: 30 s. Mean (0 + 30) / 2.
    add(conn, "conversations", {"conversation_id": "t1", "agent_id": "a1", "started_at": t})
    add(
        conn,
        "messages",
        {"conversation_id": "t1", "sent_at": t, "sender": "agent", "agent_id": "a1"},
        {"conversation_id": "t1", "sent_at": t, "sender": "customer"},
        {"conversation_id": "t1", "sent_at": at(t, 10), "sender": "customer"},
        {"conversation_id": "t1", "sent_at": at(t, 40), "sender": "agent", "agent_id": "a1"},
    )
    assert metric(conn, "reply_time_mean") == {"a1": pytest.approx(15.0)}
    assert metric(conn, "first_response_time_mean") == {"a1": pytest.approx(0.0)}


def test_durations_keep_microseconds() -> None:
    conn = new_db()
    # 1.5 s and 0.25 s: mean 0.875 s exactly, no truncation to whole seconds
    chat(conn, "m1", "a1", "2026-10-05 10:00:00", [(0, "customer"), (1.5, "agent")])
    chat(conn, "m2", "a1", "2026-10-05 11:00:00", [(0, "customer"), (0.25, "agent")])
    assert metric(conn, "first_response_time_mean") == {"a1": 0.875}
