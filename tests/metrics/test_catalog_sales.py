"""Surveys, orders, targets and reviews for hand-made agents (UTC, October 2026).

Agent s1 owns conversations v1 (u1), v2 (u1), v3 (u2), v4 (u3) and v5 (no customer id).
Surveys for s1: (csat, nps) = (5, 10) on v1, (4, 9) on v1, (3, 7) on v3, (1, 0), (None, 8);
and (1, 0) in September. Orders by s1 in October: o1 u1 paid 100.00; o2 u1 unpaid 50.00;
o3 u2 paid 200.50 refunded; o4 u9 (never chatted) paid 80.00; o5 u3 paid in September.
Target for s1 in 2026-10: sales 360. s2 has a target of 500 and no orders.
"""

from __future__ import annotations

import duckdb
import pytest
from events import add, chat, metric, new_db

OCT = "2026-10-05 10:00:00"
SEP = "2026-09-20 10:00:00"


@pytest.fixture(scope="module")
def cat_sales_db() -> duckdb.DuckDBPyConnection:
    conn = new_db()
    for cid, customer in [("v1", "u1"), ("v2", "u1"), ("v3", "u2"), ("v4", "u3"), ("v5", None)]:
        chat(conn, cid, "s1", OCT, [(0, "customer"), (5, "agent")], customer_id=customer)
    add(
        conn,
        "surveys",
        {"survey_id": "q1", "conversation_id": "v1", "agent_id": "s1", "submitted_at": OCT,
         "csat": 5, "nps": 10},
        {"survey_id": "q2", "conversation_id": "v1", "agent_id": "s1", "submitted_at": OCT,
         "csat": 4, "nps": 9},
        {"survey_id": "q3", "conversation_id": "v3", "agent_id": "s1", "submitted_at": OCT,
         "csat": 3, "nps": 7},
        {"survey_id": "q4", "agent_id": "s1", "submitted_at": OCT, "csat": 1, "nps": 0},
        {"survey_id": "q5", "agent_id": "s1", "submitted_at": OCT, "nps": 8},
        {"survey_id": "q6", "agent_id": "s1", "submitted_at": SEP, "csat": 1, "nps": 0},
    )  # fmt: skip
    add(
        conn,
        "orders",
        {"order_id": "o1", "customer_id": "u1", "agent_id": "s1", "created_at": OCT,
         "amount": "100.00", "paid": True},
        {"order_id": "o2", "customer_id": "u1", "agent_id": "s1", "created_at": OCT,
         "amount": "50.00", "paid": False},
        {"order_id": "o3", "customer_id": "u2", "agent_id": "s1", "created_at": OCT,
         "amount": "200.50", "paid": True, "refunded": True},
        {"order_id": "o4", "customer_id": "u9", "agent_id": "s1", "created_at": OCT,
         "amount": "80.00", "paid": True},
        {"order_id": "o5", "customer_id": "u3", "agent_id": "s1", "created_at": SEP,
         "amount": "999.00", "paid": True},
    )  # fmt: skip
    add(
        conn,
        "targets",
        {"agent_id": "s1", "period": "2026-10", "metric": "sales", "target": 360},
        {"agent_id": "s1", "period": "2026-10", "metric": "csat", "target": 90},
        {"agent_id": "s2", "period": "2026-10", "metric": "sales", "target": 500},
        {"agent_id": "s3", "period": "2026-11", "metric": "sales", "target": 500},
    )
    return conn


def test_csat_is_share_of_4_and_5_among_scored_surveys(
    cat_sales_db: duckdb.DuckDBPyConnection,
) -> None:
    # scored in October: 5, 4, 3, 1 (q5 has no csat, q6 is September); 4-5: 2/4
    assert metric(cat_sales_db, "csat") == {"s1": pytest.approx(50.0)}


def test_nps_subtracts_detractors_from_promoters(cat_sales_db: duckdb.DuckDBPyConnection) -> None:
    # nps 10, 9, 7, 0, 8: promoters 2 (10, 9), detractors 1 (0), 5 answers: (2 - 1) / 5 * 100
    assert metric(cat_sales_db, "nps") == {"s1": pytest.approx(20.0)}


def test_survey_response_rate_counts_each_surveyed_conversation_once(
    cat_sales_db: duckdb.DuckDBPyConnection,
) -> None:
    # v1 (two surveys) and v3 of five conversations: 2/5
    assert metric(cat_sales_db, "survey_response_rate") == {"s1": pytest.approx(40.0)}


def test_conversion_counts_chatting_customers_who_got_an_order_paid_or_not(
    cat_sales_db: duckdb.DuckDBPyConnection,
) -> None:
    # chatted: u1, u2, u3 (v5 has no customer); ordered in October: u1 (o1, o2), u2 (o3);
    # u9 never chatted, u3's order is September: 2/3
    assert metric(cat_sales_db, "conversion_rate") == {"s1": pytest.approx(200 / 3)}


def test_order_success_is_paid_share_of_orders(cat_sales_db: duckdb.DuckDBPyConnection) -> None:
    # October orders o1-o4, paid o1, o3, o4: 3/4
    assert metric(cat_sales_db, "order_success_rate") == {"s1": pytest.approx(75.0)}


def test_average_order_value_over_paid_orders(cat_sales_db: duckdb.DuckDBPyConnection) -> None:
    # (100.00 + 200.50 + 80.00) / 3 = 380.50 / 3
    assert metric(cat_sales_db, "average_order_value") == {"s1": pytest.approx(380.5 / 3)}


def test_refund_rate_is_refunded_share_of_paid_orders(
    cat_sales_db: duckdb.DuckDBPyConnection,
) -> None:
    # o3 of the 3 paid orders
    assert metric(cat_sales_db, "refund_rate") == {"s1": pytest.approx(100 / 3)}


def test_sales_target_completion_uses_net_sales_and_the_period_target(
    cat_sales_db: duckdb.DuckDBPyConnection,
) -> None:
    values = metric(cat_sales_db, "sales_target_completion")
    # s1: paid and not refunded o1 100 + o4 80 = 180 of 360 = 50 %
    # s2: a target and no orders = 0 %; s3's target is for November: not listed
    assert values == {"s1": pytest.approx(50.0), "s2": pytest.approx(0.0)}


def test_bad_review_rate_and_its_change_from_the_previous_month() -> None:
    conn = new_db()
    oct_ = ["good", "good", "medium", "bad", "good"]
    sep = ["good", "bad", "good", "good"]
    for i, rating in enumerate(oct_):
        add(conn, "reviews", {"review_id": f"o{i}", "agent_id": "r1", "created_at": OCT,
                              "rating": rating})  # fmt: skip
    for i, rating in enumerate(sep):
        add(conn, "reviews", {"review_id": f"s{i}", "agent_id": "r1", "created_at": SEP,
                              "rating": rating})  # fmt: skip
    add(conn, "reviews", {"review_id": "x", "agent_id": "r2", "created_at": OCT, "rating": "good"})
    # r1 October: medium + bad of 5 = 40 %; September: 1 bad of 4 = 25 %; change +15 points
    # r2: 0 % in October, no reviews in September: no change
    assert metric(conn, "bad_review_rate") == {"r1": pytest.approx(40.0), "r2": 0.0}
    assert metric(conn, "bad_review_rate_change") == {"r1": pytest.approx(15.0), "r2": None}
