"""Deductions and bonuses per incident, rank points with ties, and formulas."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.problems import ProblemsError

from .helpers import D, by_id, ind, run

COMPLAINTS = """
full_score: null
indicators:
  - id: complaints
    name: 投诉、维权
    rule:
      type: deduction
      base: 20
      kinds:
        - {kind: complaint, name: 客户投诉客服, points: 5}
        - {kind: aftersales, name: 售后投诉, points: {min: 5, max: 20}}
        - {kind: hangup_severe, name: 提前挂机引起投诉, points: 6, multiplier: 2}
        - {kind: browsing, name: 浏览无关网页, points: 20, amount: 100}
"""


def test_deduction_per_kind_with_severity_doubling_and_floor(tmp_path: Path) -> None:
    out = by_id(
        run(
            tmp_path,
            COMPLAINTS,
            incidents="""
        agent_id,date,kind,count,points,amount,note
        a,2026-10-03,complaint,1,,,
        a,2026-10-09,客户投诉客服,1,,,
        b,2026-10-04,售后投诉,1,12,,
        c,2026-10-05,hangup_severe,1,,,
        d,2026-10-06,complaint,3,,,
        d,2026-10-07,aftersales,1,8,,
        e,2026-09-30,complaint,1,,,
        f,2026-10-08,browsing,1,,,
        """,
        )
    )
    assert ind(out["a"], "complaints") == 10  # 20 - 2 × 5
    assert ind(out["b"], "complaints") == 8  # 20 - 12 (severity within 5..20)
    assert ind(out["c"], "complaints") == 8  # 20 - 6 × 2 (doubled)
    assert ind(out["d"], "complaints") == 0  # 20 - 15 - 8 = -3, floored at 0
    assert ind(out["e"], "complaints") == 20  # September's complaint is outside 2026-10
    assert ind(out["f"], "complaints") == 0  # 20 - 20 points, and ¥100 taken from pay
    assert {line.id: line.amount for line in out["f"].pay} == {"incidents": D("-100.00")}


def test_severity_graded_incident_needs_points_in_range(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as err:
        run(
            tmp_path,
            COMPLAINTS,
            incidents="""
            agent_id,date,kind,count,points,amount,note
            a,2026-10-03,aftersales,1,,,
            b,2026-10-03,aftersales,1,25,,
            """,
        )
    assert [(p.row, p.field, p.code) for p in err.value.problems] == [
        (2, "points", "points_required"),
        (3, "points", "points_range"),
    ]


def test_bonus_is_capped(tmp_path: Path) -> None:
    body = """
    full_score: null
    indicators:
      - id: praise
        name: 加分
        rule:
          type: bonus
          cap: 10
          kinds: [{kind: praise_call, name: 客户来电表扬, points: 5}, {kind: named, name: 好评点名, points: 1}]
    """
    out = by_id(
        run(
            tmp_path,
            body,
            incidents="""
        agent_id,date,kind,count,points,amount,note
        a,2026-10-03,客户来电表扬,3,,,
        a,2026-10-04,好评点名,2,,,
        b,2026-10-04,好评点名,4,,,
        """,
        )
    )
    assert ind(out["a"], "praise") == 10  # 3×5 + 2×1 = 17, capped at 10
    assert ind(out["b"], "praise") == 4  # 4×1


RANK = """
full_score: null
indicators:
  - id: orders
    name: 订餐成功总量
    counts: false
    rule: {type: rank, metric: bookings, points: [3, 2, 1], ties: TIES,
           eligible: "success_rate >= 50"}
  - id: hotel
    name: 协议饭店预订成功量
    counts: false
    rule: {type: rank, metric: hotel_bookings, points: [3, 2, 1]}
  - id: daily
    name: 日积分
    rule: {type: formula, expr: "max(orders, hotel) + (1 if orders > 0 and hotel > 0 and orders == hotel else 0)"}
metrics:
  - {id: bookings, name: 订餐成功量}
  - {id: hotel_bookings, name: 协议饭店预订量}
  - {id: success_rate, name: 订餐成功率}
"""

RANK_DATA = """
agent_id,period,metric,value
a,2026-10-05,bookings,52
b,2026-10-05,bookings,52
c,2026-10-05,bookings,40
d,2026-10-05,bookings,30
e,2026-10-05,bookings,60
a,2026-10-05,success_rate,80
b,2026-10-05,success_rate,75
c,2026-10-05,success_rate,50
d,2026-10-05,success_rate,90
e,2026-10-05,success_rate,49.9
a,2026-10-05,hotel_bookings,9
c,2026-10-05,hotel_bookings,5
"""


def test_rank_points_ties_share_the_better_place(tmp_path: Path) -> None:
    out = by_id(run(tmp_path, RANK.replace("TIES", "share"), "2026-10-05", metric_values=RANK_DATA))
    # e has the most bookings but a success rate under 50%: no points, takes no place.
    # a and b tie for first (52): both 3; c is third (place 3): 1; d fourth: 0.
    assert {k: ind(v, "orders") for k, v in out.items()} == {"a": 3, "b": 3, "c": 1, "d": 0, "e": 0}
    # hotel: a first (3), c second (2)
    assert ind(out["a"], "hotel") == 3 and ind(out["c"], "hotel") == 2
    # a tops both lists: max(3, 3) + 1 = 4; c: max(1, 2) = 2 (not the same place twice)
    assert out["a"].total == 4 and out["c"].total == 2 and out["b"].total == 3


def test_rank_points_ties_average_the_places_they_span(tmp_path: Path) -> None:
    out = by_id(
        run(tmp_path, RANK.replace("TIES", "average"), "2026-10-05", metric_values=RANK_DATA)
    )
    # a and b span places 1 and 2: (3 + 2) ÷ 2 = 2.5 each
    assert ind(out["a"], "orders") == D("2.5") and ind(out["b"], "orders") == D("2.5")
    assert ind(out["c"], "orders") == 1


def test_rank_points_ties_excluded_get_nothing(tmp_path: Path) -> None:
    out = by_id(
        run(tmp_path, RANK.replace("TIES", "exclude"), "2026-10-05", metric_values=RANK_DATA)
    )
    assert ind(out["a"], "orders") == 0 and ind(out["b"], "orders") == 0
    assert ind(out["c"], "orders") == 1


def test_formula_reads_metrics_and_is_exact(tmp_path: Path) -> None:
    body = """
    full_score: null
    indicators:
      - {id: f, name: 公式, rule: {type: formula, expr: "a / 3 * 3 + b * 0.1", max: 100}}
    metrics: [{id: a, name: a}, {id: b, name: b}]
    """
    out = by_id(
        run(
            tmp_path,
            body,
            metric_values="""
        agent_id,period,metric,value
        x,2026-10,a,1
        x,2026-10,b,2
        """,
        )
    )
    # 1/3*3 is 0.999... in 28-digit decimal arithmetic, plus 0.2; the total rounds to 1.20.
    assert out["x"].total == D("1.20")
