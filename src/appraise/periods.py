"""Appraisal periods: a day, an ISO week, a month, a quarter, a half-year or a year.

Written ``2026-10-05`` (day), ``2026-W41`` (ISO week), ``2026-10`` (month), ``2026-Q4`` (quarter),
``2026-H1`` (half-year: January to June, the 年中 of a mid-year review) and ``2026`` (year).
A period covers the half-open range of dates ``[start, end)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from appraise.messages import message

PeriodKind = Literal["day", "week", "month", "quarter", "half", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("day", "week", "month", "quarter", "half", "year")
# Months in each kind of period made of months.
MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}
# The kinds as a sentence names them.
KIND_WORDS: dict[str, str] = {
    "day": message("period.kind.day", "day"),
    "week": message("period.kind.week", "week"),
    "month": message("period.kind.month", "month"),
    "quarter": message("period.kind.quarter", "quarter"),
    "half": message("period.kind.half", "half"),
    "year": message("period.kind.year", "year"),
}

_PATTERNS: list[tuple[PeriodKind, re.Pattern[str]]] = [
    ("day", re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")),
    ("week", re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)),
    ("month", re.compile(r"^(\d{4})-(\d{1,2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)),
    ("half", re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)),
    ("year", re.compile(r"^(\d{4})$")),
]


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def date_error(exc: ValueError) -> str:
    """Python's reason a date does not exist, in the reader's language when it is a common one."""
    said = str(exc)
    if said == "day is out of range for month":
        return message("date.day_out_of_range", "day is out of range for month")
    if said == "month must be in 1..12":
        return message("date.month_out_of_range", "month must be in 1..12")
    if said.startswith("Invalid week: "):
        return message(
            "date.bad_week", "Invalid week: {week}", week=said.removeprefix("Invalid week: ")
        )
    return said


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A calendar period. Ordered by start, then by length (a day sorts before its month)."""

    start: date
    end: date
    kind: PeriodKind

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2026-10``, ``2026-Q4``, ``2026-H1``, ``2026``, ``2026-W41`` or ``2026-10-05``.

        Raises ``ValueError`` with a message a user can act on.
        """
        raw = str(text).strip()
        for kind, pattern in _PATTERNS:
            m = pattern.match(raw)
            if not m:
                continue
            nums = [int(g) for g in m.groups()]
            try:
                if kind == "day":
                    return cls.containing(date(nums[0], nums[1], nums[2]), "day")
                if kind == "week":
                    return cls.containing(date.fromisocalendar(nums[0], nums[1], 1), "week")
                if kind == "month":
                    return cls.containing(date(nums[0], nums[1], 1), "month")
                if kind == "quarter":
                    return cls.containing(date(nums[0], 3 * nums[1] - 2, 1), "quarter")
                if kind == "half":
                    return cls.containing(date(nums[0], 6 * nums[1] - 5, 1), "half")
                return cls.containing(date(nums[0], 1, 1), "year")
            except ValueError as exc:
                raise ValueError(
                    message(
                        "period.not_real",
                        "period {raw} is not a real {kind}: {error}",
                        raw=repr(raw),
                        kind=KIND_WORDS[kind],
                        error=date_error(exc),
                    )
                ) from None
        raise ValueError(
            message(
                "period.bad",
                "period {raw} is not one of 2026-10 (month), 2026-Q4 (quarter), "
                "2026-H1 (half-year), 2026 (year), "
                "2026-W41 (ISO week), 2026-10-05 (day)",
                raw=repr(raw),
            )
        )

    @classmethod
    def containing(cls, day: date, kind: PeriodKind) -> Period:
        """The period of the given kind that contains ``day``."""
        if kind == "day":
            return cls(day, day + timedelta(days=1), "day")
        if kind == "week":
            start = day - timedelta(days=day.weekday())
            return cls(start, start + timedelta(days=7), "week")
        if kind == "month":
            start = day.replace(day=1)
            return cls(start, _add_months(start, 1), "month")
        if kind == "quarter":
            start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            return cls(start, _add_months(start, 3), "quarter")
        if kind == "half":
            start = date(day.year, 1 if day.month <= 6 else 7, 1)
            return cls(start, _add_months(start, 6), "half")
        start = date(day.year, 1, 1)
        return cls(start, date(day.year + 1, 1, 1), "year")

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same kind."""
        if self.kind == "day":
            return Period.containing(self.start + timedelta(days=n), "day")
        if self.kind == "week":
            return Period.containing(self.start + timedelta(weeks=n), "week")
        months = MONTHS[self.kind]
        return Period.containing(_add_months(self.start, n * months), self.kind)

    def previous(self) -> Period:
        return self.shift(-1)

    def contains(self, other: Period | date) -> bool:
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        return self.start <= other < self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __str__(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        return str(self.start.year)
