"""Business hours: which instants count against response times, and how many seconds of them.

A center's :class:`~appraise.metrics.config.Calendar` is turned into a table of UTC minutes with,
for each minute, whether the center is open and how many business microseconds passed before
it. Both engines (DuckDB and Spark) join that one table, so the business-hours arithmetic is the
same bits on both. The cumulative form makes ``business(a, b) = B(b) - B(a)`` one lookup per
instant instead of a walk over the days between them.

Minutes are exact because business hours are validated to start and end on whole minutes and
every current time-zone offset is a whole number of minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa

from appraise.messages import message
from appraise.metrics.config import WEEKDAYS, Calendar, CenterConfig, Interval
from appraise.periods import Period
from appraise.problems import Problem, ProblemsError

MICROS_PER_MINUTE = 60_000_000


def zone(config: CenterConfig) -> ZoneInfo:
    """The center's time zone; an unknown name is a configuration problem, not a crash."""
    try:
        return ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "unknown_timezone",
                    message(
                        "calendar.unknown_timezone",
                        "timezone {zone} is not a known IANA time zone: {error}",
                        zone=repr(config.timezone),
                        error=str(exc),
                    ),
                    field="timezone",
                )
            ]
        ) from None


def period_bounds(period: Period, config: CenterConfig) -> tuple[datetime, datetime]:
    """The period as UTC instants: local midnight of its first day to local midnight after it."""
    tz = zone(config)
    start = datetime.combine(period.start, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(period.end, time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def check_calendar(calendar: Calendar) -> list[Problem]:
    """Every problem with a calendar, so that a bad configuration is reported in one run."""
    problems: list[Problem] = []

    def interval_problems(where: str, intervals: list[Interval]) -> None:
        for i, iv in enumerate(intervals):
            for name, t in (("start", iv.start), ("end", iv.end)):
                if t.second or t.microsecond:
                    problems.append(
                        Problem(
                            "error",
                            "calendar_minutes",
                            message(
                                "calendar.minutes",
                                "business hours must start and end on whole minutes, got {t}",
                                t=str(t),
                            ),
                            field=f"calendar.{where}[{i}].{name}",
                        )
                    )
            if iv.end != time(0) and iv.end <= iv.start:
                problems.append(
                    Problem(
                        "error",
                        "calendar_interval",
                        message(
                            "calendar.interval",
                            "interval {start}-{end} ends before it starts; split an overnight "
                            "shift into two intervals (end 00:00 means midnight)",
                            start=str(iv.start),
                            end=str(iv.end),
                        ),
                        field=f"calendar.{where}[{i}]",
                    )
                )

    for day, intervals in calendar.hours.items():
        if day not in WEEKDAYS:
            problems.append(
                Problem(
                    "error",
                    "calendar_weekday",
                    message(
                        "calendar.weekday",
                        "{day} is not a weekday; use one of {weekdays}",
                        day=repr(day),
                        weekdays=", ".join(WEEKDAYS),
                    ),
                    field=f"calendar.hours.{day}",
                )
            )
        interval_problems(f"hours.{day}", intervals)
    interval_problems("workday_hours", calendar.workday_hours)
    for d in sorted(set(calendar.holidays) & set(calendar.workdays)):
        problems.append(
            Problem(
                "error",
                "calendar_conflict",
                message(
                    "calendar.conflict",
                    "{day} is listed both as a holiday and as a make-up workday",
                    day=str(d),
                ),
                field="calendar",
            )
        )
    return problems


def _day_intervals(calendar: Calendar, day: date) -> list[Interval]:
    if day in calendar.holidays:
        return []
    if day in calendar.workdays:
        # A make-up day (调休) works the workday hours; without them, Monday's hours.
        return calendar.workday_hours or calendar.hours.get("mon", [])
    return calendar.hours.get(WEEKDAYS[day.weekday()], [])


def open_intervals(
    config: CenterConfig, first: date, last: date
) -> Iterator[tuple[datetime, datetime]]:
    """The UTC instants ``[start, end)`` the center is open on local days ``first..last``."""
    assert config.calendar is not None
    tz = zone(config)
    day = first
    while day <= last:
        for iv in _day_intervals(config.calendar, day):
            end_day = day + timedelta(days=1) if iv.end == time(0) else day
            yield (
                datetime.combine(day, iv.start, tzinfo=tz).astimezone(UTC),
                datetime.combine(end_day, iv.end, tzinfo=tz).astimezone(UTC),
            )
        day += timedelta(days=1)


def _epoch_minute(t: datetime) -> int:
    return int((t - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(minutes=1))


@dataclass(frozen=True, slots=True)
class MinuteTable:
    """Business time per UTC minute over ``[first_minute, first_minute + len)``."""

    first_minute: int
    is_open: np.ndarray
    cum_us: np.ndarray

    def to_arrow(self) -> pa.Table:
        minutes = (np.arange(len(self.is_open), dtype=np.int64) + self.first_minute) * (
            MICROS_PER_MINUTE
        )
        return pa.table(
            {
                "minute_start": pa.array(minutes, pa.timestamp("us", tz="UTC")),
                "is_open": pa.array(self.is_open),
                "cum_us": pa.array(self.cum_us, pa.int64()),
            }
        )


def minute_table(config: CenterConfig, lo: datetime, hi: datetime) -> MinuteTable:
    """Open minutes between two UTC instants (both included), with business time before each."""
    if config.calendar is None:
        raise ValueError("minute_table needs a calendar")  # internal: callers check first
    problems = check_calendar(config.calendar)
    if problems:
        raise ProblemsError(problems)
    tz = zone(config)
    first = _epoch_minute(lo)
    last = _epoch_minute(hi)
    is_open = np.zeros(last - first + 1, dtype=bool)
    local_first = lo.astimezone(tz).date() - timedelta(days=1)
    local_last = hi.astimezone(tz).date() + timedelta(days=1)
    for start, end in open_intervals(config, local_first, local_last):
        s = max(_epoch_minute(start) - first, 0)
        e = min(_epoch_minute(end) - first, len(is_open))
        if s < e:
            is_open[s:e] = True
    counts = np.cumsum(is_open, dtype=np.int64)
    cum_us = np.concatenate([np.zeros(1, dtype=np.int64), counts[:-1]]) * MICROS_PER_MINUTE
    return MinuteTable(first, is_open, cum_us)


def business_seconds(config: CenterConfig, a: datetime, b: datetime) -> float:
    """Seconds of business time in ``[a, b)``; the plain difference with no calendar.

    A direct interval walk, independent of the minute table, used to check it.
    """
    if config.calendar is None:
        return (b - a) / timedelta(seconds=1)
    if b <= a:
        return -business_seconds(config, b, a) if b < a else 0.0
    tz = zone(config)
    total = timedelta(0)
    first = a.astimezone(tz).date() - timedelta(days=1)
    last = b.astimezone(tz).date() + timedelta(days=1)
    for start, end in open_intervals(config, first, last):
        overlap = min(end, b) - max(start, a)
        if overlap > timedelta(0):
            total += overlap
    return total / timedelta(seconds=1)
