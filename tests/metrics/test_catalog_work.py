"""Tickets, complaints, attendance and QA on hand-made rows (UTC, October 2026)."""

from __future__ import annotations

import pytest
from events import UTC_CONFIG, add, chat, metric, new_db

from appraise.metrics.definitions import parse_definitions
from appraise.metrics.engine import compute_metrics
from appraise.periods import Period

OCT = "2026-10-05 10:00:00"
DUE = "2026-10-05 12:00:00"


def _ticket(tid: str, category: str, resolved: str | None, due: str | None = None) -> dict:
    return {"ticket_id": tid, "agent_id": "t1", "created_at": OCT, "category": category,
            "resolved_at": resolved, "sla_due_at": due}  # fmt: skip


def test_callback_completion_and_ticket_sla() -> None:
    conn = new_db()
    add(
        conn,
        "tickets",
        _ticket("k1", "callback", "2026-10-06 10:00:00"),
        _ticket("k2", "Callback", None),
        _ticket("k3", "回访", "2026-10-05 11:00:00"),
        _ticket("k4", "billing", "2026-10-05 11:00:00", DUE),
        _ticket("k5", "billing", DUE, DUE),
        _ticket("k6", "billing", "2026-10-05 12:01:00", DUE),
        _ticket("k7", "billing", None, DUE),
        _ticket("k8", "billing", "2026-10-05 13:00:00"),
    )
    # callbacks k1, k2 (case does not matter), k3; resolved k1, k3: 2/3
    assert metric(conn, "callback_completion") == {"t1": pytest.approx(200 / 3)}
    # with a due time: k4 (early), k5 (exactly on time), k6 (late), k7 (never resolved): 2/4
    assert metric(conn, "ticket_sla_compliance") == {"t1": pytest.approx(50.0)}


def test_complaint_rate_per_contact_handled() -> None:
    conn = new_db()
    for i in range(4):
        chat(conn, f"v{i}", "t1", OCT, [(0, "customer"), (5, "agent")])
    add(
        conn,
        "calls",
        {"call_id": "k", "agent_id": "t1", "offered_at": OCT, "answered_at": OCT,
         "ended_at": "2026-10-05 10:05:00"},
    )  # fmt: skip
    add(
        conn,
        "tickets",
        _ticket("c1", "complaint", None),
        _ticket("c2", "投诉", None),
        _ticket("c3", "billing", None),
    )
    # complaints c1, c2 over 4 conversations + 1 answered call: 2/5
    assert metric(conn, "complaint_rate") == {"t1": pytest.approx(40.0)}


def test_attendance_rate_late_count_and_absences() -> None:
    conn = new_db()
    add(
        conn,
        "attendance",
        {"agent_id": "w1", "date": "2026-10-01", "scheduled_hours": 8, "worked_hours": 8},
        {"agent_id": "w1", "date": "2026-10-02", "scheduled_hours": 8, "worked_hours": 7.5,
         "late_minutes": 15},
        {"agent_id": "w1", "date": "2026-10-03", "scheduled_hours": 8, "worked_hours": 0,
         "absent": True},
        {"agent_id": "w1", "date": "2026-10-04", "scheduled_hours": 0, "worked_hours": 0},
        {"agent_id": "w1", "date": "2026-10-05", "scheduled_hours": 8, "worked_hours": 8,
         "late_minutes": 5},
        {"agent_id": "w1", "date": "2026-09-30", "scheduled_hours": 8, "absent": True},
    )  # fmt: skip
    add(conn, "qa_reviews", {"review_id": "q", "agent_id": "w2", "reviewed_at": OCT, "score": 1})
    ids = ["attendance_rate", "late_count", "absences"]
    agents = ["w1", "w2"]
    # w1: scheduled 10-01, 02, 03, 05 (10-04 is a rest day; 09-30 is September), absent 10-03:
    # present 3/4 = 75 %; late on 10-02 and 10-05: 2; absent once.
    assert {m: metric(conn, m, agents=agents)["w1"] for m in ids} == {
        "attendance_rate": pytest.approx(75.0),
        "late_count": 2.0,
        "absences": 1.0,
    }
    # w2 has no attendance rows: counts are 0, the rate is unknown
    assert {m: metric(conn, m, agents=agents)["w2"] for m in ids} == {
        "attendance_rate": None,
        "late_count": 0.0,
        "absences": 0.0,
    }


def test_qa_average_fatal_and_nonfatal_accuracy() -> None:
    conn = new_db()

    def qa(rid: str, score: float | None, fatal: int, nonfatal: int, opp: int, when: str = OCT):
        return {"review_id": rid, "agent_id": "w2", "reviewed_at": when, "score": score,
                "fatal_errors": fatal, "nonfatal_errors": nonfatal, "opportunities": opp}  # fmt: skip

    add(
        conn,
        "qa_reviews",
        qa("r1", 90, 0, 2, 20),
        qa("r2", 70, 1, 5, 20),
        qa("r3", 80, 0, 0, 10),
        qa("r4", None, 0, 1, 0),
        qa("r5", 10, 3, 9, 10, "2026-09-15 10:00:00"),
    )
    # scores 90, 70, 80 (r4 unscored, r5 September): 80
    assert metric(conn, "qa_average") == {"w2": pytest.approx(80.0)}
    # 1 of 4 reviews with a fatal error: (1 - 1/4) * 100
    assert metric(conn, "fatal_accuracy") == {"w2": pytest.approx(75.0)}
    # reviews with opportunities: errors 2 + 5 + 0 = 7 of 20 + 20 + 10 = 50: (1 - 7/50) * 100
    assert metric(conn, "nonfatal_accuracy") == {"w2": pytest.approx(86.0)}


def test_float_measures_add_up_exactly_whatever_the_order() -> None:
    """Three reviews scored 95.1 add up to 285.3, as the agent works it out. Added as floats,
    95.1 + 95.1 + 95.1 is 285.29999999999995, and floats added in another order (DuckDB's
    threads add a group's rows in any order) give another last digit: one month computed twice
    gave two QA averages a bit apart, and a value on a band's edge could score either side.
    Added as decimals the sum is exact, so the average is the same every time: 285.3 / 3 in
    floating point (95.10000000000001; the float sum gave 95.09999999999998)."""
    conn = new_db()
    add(
        conn,
        "qa_reviews",
        *({"review_id": f"q{i}", "agent_id": "w1", "reviewed_at": OCT, "score": 95.1}
          for i in range(3)),
    )  # fmt: skip
    assert 95.1 + 95.1 + 95.1 == 285.29999999999995  # the float sum the old SQL took
    (total,) = parse_definitions(
        """
- id: qa_score_total
  name: 质检总分
  name_en: QA score total
  unit: ratio
  description: The sum of the QA scores.
  from: qa_reviews
  measure: {column: score}
  aggregate: sum
""",
        "extra.yaml",
    )
    out = compute_metrics(
        conn, Period.parse("2026-10"), [total.definition.id], config=UTC_CONFIG,
        definitions=[total.definition],
    )  # fmt: skip
    assert out == {"w1": {"qa_score_total": 285.3}}
    assert metric(conn, "qa_average") == {"w1": 285.3 / 3}
