"""Business hours: time the center is closed does not count against response times.

Center in Asia/Shanghai (UTC+8), open Monday-Friday 09:00-18:00; 2026-10-01 and 10-02 are
holidays; Saturday 2026-10-10 is a make-up workday (调休) 09:00-18:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from events import chat, metric, new_db

from appraise.metrics.calendar import business_seconds, minute_table
from appraise.metrics.config import Calendar, CenterConfig, Interval
from appraise.problems import ProblemsError

NINE_TO_SIX = [Interval(start=time(9), end=time(18))]
CONFIG = CenterConfig(
    timezone="Asia/Shanghai",
    calendar=Calendar(
        hours={d: NINE_TO_SIX for d in ("mon", "tue", "wed", "thu", "fri")},
        holidays=["2026-10-01", "2026-10-02"],
        workdays=["2026-10-10"],
        workday_hours=NINE_TO_SIX,
    ),
)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_first_response_skips_nights_weekends_and_holidays_but_not_make_up_days() -> None:
    conn = new_db()
    # Fri 10-09 17:55 local (09:55 UTC) -> Mon 10-12 09:10 local (01:10 UTC), 227,700 s later:
    # Fri 5 min + make-up Sat 10-10 9 h + Mon 10 min = 300 + 32,400 + 600 = 33,300 s
    chat(conn, "f", "a1", "2026-10-09 09:55:00", [(0, "customer"), (227_700, "agent")])
    # Tue 10-13 07:00 local (before opening) -> 09:00:30 local: 30 s
    chat(conn, "e", "a1", "2026-10-12 23:00:00", [(0, "customer"), (7_230, "agent")])
    # Thu 10-01 10:00 local (holiday) -> Mon 10-05 09:01 local: 60 s (holidays, then weekend)
    chat(conn, "h", "a1", "2026-10-01 02:00:00", [(0, "customer"), (342_060, "agent")])
    # (33,300 + 30 + 60) / 3 = 11,130
    assert metric(conn, "first_response_time_mean", config=CONFIG) == {
        "a1": pytest.approx(11_130.0)
    }
    # With no calendar every hour counts: (227,700 + 7,230 + 342,060) / 3
    plain = CONFIG.model_copy(update={"calendar": None})
    assert metric(conn, "first_response_time_mean", config=plain) == {
        "a1": pytest.approx((227_700 + 7_230 + 342_060) / 3)
    }


def test_business_seconds_walk_and_minute_table_agree() -> None:
    a, b = _utc("2026-10-09 09:55:00.250000"), _utc("2026-10-12 01:10:00.750000")
    # as above, plus 0.75 s at the end; the start at 17:55:00.25 loses 0.25 s
    assert business_seconds(CONFIG, a, b) == pytest.approx(33_300.5)
    table = minute_table(CONFIG, a, b)
    first = table.first_minute

    def before(t: datetime) -> int:
        us = int((t - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1_000_000)
        i = us // 60_000_000 - first
        return int(table.cum_us[i]) + (us - (first + i) * 60_000_000 if table.is_open[i] else 0)

    assert (before(b) - before(a)) / 1e6 == pytest.approx(33_300.5)


def test_resolution_time_uses_business_hours() -> None:
    conn = new_db()
    # Mon 10-12 17:00 local (09:00 UTC) to Tue 10-13 10:00 local: 1 h + 1 h = 7,200 s
    chat(
        conn, "r", "a1", "2026-10-12 09:00:00", [(0, "customer"), (60, "agent")],
        resolved=True, ended_at="2026-10-13 02:00:00",
    )  # fmt: skip
    assert metric(conn, "resolution_time_mean", config=CONFIG) == {"a1": pytest.approx(7_200.0)}


def test_period_starts_at_local_midnight() -> None:
    conn = new_db()
    # 2026-09-30 16:30 UTC is 10-01 00:30 in Shanghai: an October conversation
    chat(conn, "x", "a1", "2026-09-30 16:30:00", [(0, "customer"), (10, "agent")])
    assert metric(conn, "reply_rate", config=CenterConfig()) == {"a1": 100.0}
    assert metric(conn, "reply_rate", "2026-09", config=CenterConfig()) == {}


def test_bad_calendar_reports_every_problem() -> None:
    bad = CenterConfig(
        calendar=Calendar(
            hours={"funday": NINE_TO_SIX, "mon": [Interval(start=time(18), end=time(9))]},
            holidays=["2026-10-10"],
            workdays=["2026-10-10"],
        )
    )
    with pytest.raises(ProblemsError) as err:
        minute_table(bad, _utc("2026-10-01 00:00:00"), _utc("2026-10-02 00:00:00"))
    assert [p.code for p in err.value.problems] == [
        "calendar_weekday",
        "calendar_interval",
        "calendar_conflict",
    ]
