"""Platform presets on hand-made events at the edges of their windows.

Times are UTC and the center's time zone is UTC unless a test says otherwise, so local time is
the time written. 2026-10-05 is a Monday. Every expected number is worked out beside it.
"""

from __future__ import annotations

from datetime import date, time

import duckdb
import pytest
from events import UTC_CONFIG, add, chat, metric, new_db

from appraise.metrics.config import Calendar, CenterConfig, Interval
from appraise.metrics.definitions import parse_definitions
from appraise.metrics.engine import compute_metrics, compute_metrics_by, sub_periods
from appraise.periods import Period

DAY = "2026-10-05"
# Open 09:00-18:00 every weekday, closed at the weekend (times UTC).
NINE_TO_SIX = CenterConfig(
    timezone="UTC",
    calendar=Calendar(
        hours={
            d: [Interval(start=time(9), end=time(18))] for d in ("mon", "tue", "wed", "thu", "fri")
        }
    ),
)


@pytest.fixture(scope="module")
def presets_db() -> duckdb.DuckDBPyConnection:
    conn = new_db()
    # taobao, agent t1: (first customer message, reply after)
    for cid, start, reply in [
        ("p1", "07:59:59", 10),  # before 08:00: left out
        ("p2", "08:00:00", 180),  # exactly 180 s: within
        ("p3", "09:00:00", 180.5),  # 180.5 s: not within
        ("p4", "10:00:00", None),  # never answered: not within
        ("p5", "23:59:59", 60),  # last second of the window, answered after midnight
    ]:
        msgs = [(0, "customer")] + ([(reply, "agent")] if reply is not None else [])
        chat(conn, cid, "t1", f"{DAY} {start}", msgs)
    # jd, agent j1: sessions by start time; q3 has a second run answered after 10 s
    chat(conn, "q1", "j1", f"{DAY} 23:00:00", [(0, "customer"), (5, "agent")])
    chat(conn, "q2", "j1", f"{DAY} 22:59:59", [(0, "customer"), (30, "agent")])
    chat(conn, "q3", "j1", f"{DAY} 09:00:00",
         [(0, "customer"), (31, "agent"), (40, "customer"), (50, "agent")])  # fmt: skip
    chat(conn, "q4", "j1", f"{DAY} 08:59:59", [(0, "customer"), (1, "agent")])
    # feige, agent f1: the first customer message decides; r2 has two runs
    chat(conn, "r1", "f1", f"{DAY} 07:59:59", [(0, "customer"), (10, "agent")])
    chat(conn, "r2", "f1", f"{DAY} 08:00:00",
         [(0, "customer"), (60, "agent"), (100, "customer"), (140, "agent")])  # fmt: skip
    chat(conn, "r3", "f1", f"{DAY} 22:59:59", [(0, "customer"), (20, "agent")])
    chat(conn, "r4", "f1", f"{DAY} 23:00:00", [(0, "customer"), (5, "agent")])
    chat(conn, "r5", "f1", f"{DAY} 12:00:00", [(0, "customer")])
    # message leave rate, agent l1
    chat(conn, "s1", "l1", f"{DAY} 10:00:00", [(0, "customer"), (30, "agent")])  # open, answered
    chat(conn, "s2", "l1", f"{DAY} 20:00:00", [(0, "customer"), (30, "agent")])  # closed
    chat(conn, "s3", "l1", f"{DAY} 12:00:00", [(0, "customer")])  # never answered
    chat(conn, "s4", "l1", f"{DAY} 13:00:00", [(0, "agent")])  # outbound: customer never wrote
    # inquiring customers, agent i1: u1 twice, u2, and u3 who never wrote
    for cid, customer, sender in [("v1", "u1", "customer"), ("v2", "u1", "customer"),
                                  ("v3", "u2", "customer"), ("v4", "u3", "agent")]:  # fmt: skip
        chat(conn, cid, "i1", f"{DAY} 10:00:00", [(0, sender)], customer_id=customer)
    # sales, agent o1
    add(
        conn,
        "orders",
        {"order_id": "o1", "agent_id": "o1", "created_at": f"{DAY} 10:00:00", "amount": "100.00", "paid": True},
        {"order_id": "o2", "agent_id": "o1", "created_at": "2026-10-06 10:00:00", "amount": "20.50", "paid": True},
        {"order_id": "o3", "agent_id": "o1", "created_at": f"{DAY} 11:00:00", "amount": "50.00", "paid": False},
        {"order_id": "o4", "agent_id": "o1", "created_at": f"{DAY} 12:00:00", "amount": "30.00", "paid": True, "refunded": True},
        {"order_id": "o5", "agent_id": "o1", "created_at": "2026-09-30 12:00:00", "amount": "999.00", "paid": True},
    )  # fmt: skip
    # tickets, agent k: k1 Monday 17:00, first response Tuesday 09:30, resolved Tuesday 10:00,
    # reopened; k2 Monday 10:00, response 10:03, resolved 12:00; k3 open (reopened flag ignored)
    add(
        conn,
        "tickets",
        {"ticket_id": "k1", "agent_id": "k", "created_at": f"{DAY} 17:00:00",
         "first_response_at": "2026-10-06 09:30:00", "resolved_at": "2026-10-06 10:00:00", "reopened": True},
        {"ticket_id": "k2", "agent_id": "k", "created_at": f"{DAY} 10:00:00",
         "first_response_at": f"{DAY} 10:03:00", "resolved_at": f"{DAY} 12:00:00", "reopened": False},
        {"ticket_id": "k3", "agent_id": "k", "created_at": f"{DAY} 11:00:00", "reopened": True},
    )  # fmt: skip
    return conn


def test_taobao_counts_from_08_00_and_a_reply_at_exactly_180_s_is_within(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    # p1 at 07:59:59 is outside 08:00-24:00; of p2 (180 s), p3 (180.5 s), p4 (none), p5 (60 s)
    # two are within 180 s: 2 / 4 = 50 %
    assert metric(presets_db, "taobao_response_3min_rate")["t1"] == pytest.approx(50.0)


def test_taobao_window_is_the_centers_local_time() -> None:
    conn = new_db()
    shanghai = CenterConfig(timezone="Asia/Shanghai")
    # 2026-10-04 23:59:59 UTC is 07:59:59 in Shanghai (left out); 00:00:00 UTC is 08:00:00 there,
    # answered after 200 s: 0 of 1 within 180 s
    chat(conn, "a", "t1", "2026-10-04 23:59:59", [(0, "customer"), (1, "agent")])
    chat(conn, "b", "t1", "2026-10-05 00:00:00", [(0, "customer"), (200, "agent")])
    assert metric(conn, "taobao_response_3min_rate", config=shanghai) == {"t1": 0.0}


def test_jd_leaves_out_sessions_started_from_23_00_to_09_00(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    # q1 (23:00:00) and q4 (08:59:59) are left out; q2 (22:59:59) answered after 30 s is within
    # 30 s, q3 after 31 s is not: 1 / 2 = 50 %
    assert metric(presets_db, "jd_response_30s_rate")["j1"] == pytest.approx(50.0)
    # replies of q2 (30 s) and q3 (31 s, then 10 s): (30 + 31 + 10) / 3
    assert metric(presets_db, "jd_response_time_mean")["j1"] == pytest.approx(71 / 3)


def test_feige_counts_08_00_to_22_59_59_by_the_first_customer_message(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    # r1 (07:59:59) and r4 (23:00:00) are out; r5 has no reply; first responses r2 60, r3 20
    assert metric(presets_db, "feige_first_response_mean")["f1"] == pytest.approx(40.0)
    # replies r2 60 and 40 (140 - 100), r3 20: (60 + 40 + 20) / 3 = 40
    assert metric(presets_db, "feige_reply_time_mean")["f1"] == pytest.approx(40.0)


def test_message_leave_rate_counts_unanswered_and_after_hours_conversations(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    # the customer wrote in s1, s2, s3 (s4 is outbound). Open 09:00-18:00: s2 came at 20:00
    # (closed) and s3 was never answered: 2 / 3
    assert metric(presets_db, "message_leave_rate", config=NINE_TO_SIX)["l1"] == pytest.approx(
        200 / 3
    )
    # with no calendar every hour is open: only s3, 1 / 3
    assert metric(presets_db, "message_leave_rate")["l1"] == pytest.approx(100 / 3)


def test_inquiry_customers_counts_each_customer_who_wrote_once(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    # u1 (twice) and u2 wrote; u3 only received an agent message: 2
    assert metric(presets_db, "inquiry_customers")["i1"] == 2.0


def test_sales_amount_sums_paid_orders_of_the_period(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    # paid in October: 100.00 + 20.50 + 30.00 (refunded later, still sold); o3 unpaid, o5 September
    assert metric(presets_db, "sales_amount")["o1"] == pytest.approx(150.5)


def test_ticket_times_count_business_hours_only(presets_db: duckdb.DuckDBPyConnection) -> None:
    # open 09:00-18:00: k1 first response Monday 17:00 -> Tuesday 09:30 = 1 h + 0.5 h = 5400 s,
    # k2 180 s: (5400 + 180) / 2 = 2790
    frt = metric(presets_db, "ticket_first_response_time_mean", config=NINE_TO_SIX)
    assert frt["k"] == pytest.approx(2790.0)
    # resolution k1 17:00 -> Tuesday 10:00 = 1 h + 1 h = 7200 s, k2 10:00 -> 12:00 = 7200 s
    res = metric(presets_db, "ticket_resolution_time_mean", config=NINE_TO_SIX)
    assert res["k"] == pytest.approx(7200.0)
    # no calendar: k1 16.5 h = 59400 s, k2 180 s: (59400 + 180) / 2 = 29790
    assert metric(presets_db, "ticket_first_response_time_mean")["k"] == pytest.approx(29790.0)


def test_ticket_reopen_rate_is_reopened_share_of_resolved_tickets(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    # resolved k1 (reopened) and k2; k3 is unresolved and left out: 1 / 2
    assert metric(presets_db, "ticket_reopen_rate")["k"] == pytest.approx(50.0)


def test_daily_variant_gives_each_day_its_own_value(presets_db: duckdb.DuckDBPyConnection) -> None:
    days = compute_metrics_by(
        presets_db, Period.parse("2026-10"), "day", ["sales_amount"], config=UTC_CONFIG
    )
    assert len(days) == 31
    # 10-05: 100.00 + 30.00; 10-06: 20.50; other days have no orders, so no agent
    assert days["2026-10-05"]["o1"]["sales_amount"] == pytest.approx(130.0)
    assert days["2026-10-06"]["o1"]["sales_amount"] == pytest.approx(20.5)
    assert days["2026-10-07"] == {}


def test_weekly_variant_uses_whole_iso_weeks() -> None:
    # October 2026 touches ISO weeks 40 (from Monday 09-28) to 44 (to Sunday 11-01)
    weeks = [str(p) for p in sub_periods(Period.parse("2026-10"), "week")]
    assert weeks == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    assert [str(p) for p in sub_periods(Period.parse("2026-Q4"), "month")] == [
        "2026-10",
        "2026-11",
        "2026-12",
    ]


def test_exempt_dates_in_a_user_definition_leave_out_the_whole_local_day() -> None:
    conn = new_db()
    (x,) = parse_definitions(
        """
- id: reply_rate_outside_exempt_day
  name: 豁免日外回复率
  name_en: Reply rate outside the exempt day
  unit: percent
  description: Reply rate with 2026-10-05 exempt.
  from: conversations
  window: {exempt: ["2026-10-05"]}
  aggregate: share
  test: {column: first_reply_at, is_null: false}
""",
        "extra.yaml",
    )
    d = x.definition
    # a (10-05 23:59:59, unanswered) falls on the exempt day; b (10-06 00:00:00) is answered
    chat(conn, "a", "z1", "2026-10-05 23:59:59", [(0, "customer")])
    chat(conn, "b", "z1", "2026-10-06 00:00:00", [(0, "customer"), (1, "agent")])
    out = compute_metrics(conn, Period.parse("2026-10"), [d.id], config=UTC_CONFIG, definitions=[d])
    # only b counts: 1 / 1
    assert out == {"z1": {d.id: 100.0}}


def test_business_hours_and_holiday_windows_follow_the_centers_calendar() -> None:
    conn = new_db()
    holiday = CenterConfig(
        timezone="UTC",
        calendar=Calendar(
            hours={
                d: [Interval(start=time(9), end=time(18))]
                for d in ("mon", "tue", "wed", "thu", "fri")
            },
            holidays=[date(2026, 10, 6)],
        ),
    )
    text = """
- id: counted_conversations
  name: 计数会话
  name_en: Conversations counted
  unit: count
  description: Conversations in the window.
  from: conversations
  window: WINDOW
  aggregate: count
"""
    for cid, start in [
        ("a", "2026-10-05 08:59:59"),  # Monday, before opening
        ("b", "2026-10-05 09:00:00"),  # Monday, opening minute
        ("c", "2026-10-06 12:00:00"),  # Tuesday, a holiday
        ("d", "2026-10-10 12:00:00"),  # Saturday, closed
        ("e", "2026-10-07 17:59:59"),  # Wednesday, last second open
    ]:
        chat(conn, cid, "w1", start, [(0, "customer")])

    def count(window: str) -> float | None:
        (x,) = parse_definitions(text.replace("WINDOW", window), "w.yaml")
        d = x.definition
        out = compute_metrics(
            conn, Period.parse("2026-10"), [d.id], config=holiday, definitions=[d]
        )
        return out["w1"][d.id]

    # open hours: b and e
    assert count("{business_hours: true}") == 2.0
    # holidays left out: all but c
    assert count("{holidays: exclude}") == 4.0


def test_drilldown_shows_each_customer_counted_and_the_one_left_out(
    presets_db: duckdb.DuckDBPyConnection,
) -> None:
    from appraise.metrics.catalog import LIBRARY
    from appraise.metrics.engine import drilldown_rows

    ((label, rows),) = drilldown_rows(
        presets_db, Period.parse("2026-10"), LIBRARY["inquiry_customers"], "i1", config=UTC_CONFIG
    )
    assert label == "inquiry_customers"
    # v1..v3 count with their customers; v4's customer never wrote
    assert [(r.key, r.value, r.left_out) for r in rows] == [
        ("v1", "u1", None),
        ("v2", "u1", None),
        ("v3", "u2", None),
        ("v4", "u3", "未通过筛选：has_customer 为是"),
    ]
