"""`better: lower` targets: the higher-is-better formulas mirrored, worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.words import in_lang

from .helpers import D, by_id, ind, run

STEPS = """
full_score: null
indicators:
  - id: reply
    name: 平均回复时长
    rule: {type: target, metric: 平均回复时长, better: lower, target: 30, full: 10, method: steps,
           step: 3, step_points: 1, rounding: floor, zero_above: 60}
"""


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("30", "10"),  # at target: full
        ("12", "10"),  # below target: still full
        ("32", "10"),  # 2 over: no complete step of 3 yet
        ("33", "9"),  # 3 over: one step, 10 - 1
        ("36.5", "8"),  # 6.5 over: two complete steps, 10 - 2
        ("60", "0"),  # 30 over: ten steps, 10 - 10 = 0 (60 is not above the limit of 60)
        ("61", "0"),  # above 60: 0 by rule
    ],
)
def test_steps_lower_one_point_per_three_over(tmp_path: Path, value: str, points: str) -> None:
    out = by_id(
        run(
            tmp_path,
            STEPS,
            metric_values=f"agent_id,period,metric,value\na,2026-10,reply_time_mean,{value}\n",
        )
    )
    assert ind(out["a"], "reply") == D(points)


def test_steps_lower_explains_the_steps_over(tmp_path: Path) -> None:
    out = by_id(
        run(
            tmp_path,
            STEPS,
            metric_values="agent_id,period,metric,value\na,2026-10,reply_time_mean,36.5\n",
        )
    )
    # 36.5 - 30 = 6.5 seconds over; 6.5 ÷ 3 = 2.17, rounded down to 2 steps; 10 - 2 × 1 = 8.
    said = out["a"].indicators[0].explain
    assert said.startswith(
        "36.5 秒 比目标 30 秒 多 6.5 秒,每多 3 秒 扣 1 分,扣 2 次 → 10 - 2×1 = 8 分"
    )
    assert in_lang(said, "en").startswith(
        "36.5 s is 6.5 s over 30 s; 1 off per 3 s over, 2 times -> 10 - 2×1 = 8 points"
    )


def test_proportion_lower_is_target_over_value_capped(tmp_path: Path) -> None:
    body = """
    indicators:
      - {id: reply, name: 回复时长, weight: 100%, rule: {type: target, metric: reply_time_mean, better: lower, target: 30, full: 100}}
    """
    out = by_id(
        run(
            tmp_path,
            body,
            metric_values="""
            agent_id,period,metric,value
            a,2026-10,reply_time_mean,45
            b,2026-10,reply_time_mean,20
            c,2026-10,reply_time_mean,30
            d,2026-10,reply_time_mean,0
            """,
        )
    )
    # a: 100 × 30 / 45 = 66.666...; b: 100 × 30 / 20 = 150, capped at 100% of 100;
    # c: exactly at the target, 100 × 30 / 30 = 100; d: no wait at all scores the cap, 100.
    assert ind(out["a"], "reply") == D(100) * 30 / 45
    assert out["a"].total == D("66.67")
    assert ind(out["b"], "reply") == 100
    assert "封顶 100" in out["b"].indicators[0].explain
    assert ind(out["c"], "reply") == 100
    assert ind(out["d"], "reply") == 100
    # 66.666… shown to the scheme's score step (0.01): 66.67.
    assert out["a"].indicators[0].explain.startswith("目标 30 秒 / 实际 45 秒 × 100 = 66.67 分")
