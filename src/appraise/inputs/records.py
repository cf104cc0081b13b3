"""Typed records read from the scoring input files, each remembering the cell it came from.

These are raw facts, checked for type and shape only: the loader does not know the scheme, so it
keeps metric and indicator names as written (match them with
:func:`appraise.inputs.names.normalize_name`) and leaves the meaning of every value to the
scoring engine.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from itertools import repeat
from typing import TypeVar

from appraise.problems import Problem

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from, so that a score can be explained and a bad value found.

    ``file`` is the file name (``ratings.csv``) or ``book.xlsx[ratings]`` for a sheet of a
    workbook. ``row`` is the spreadsheet row number: the header is row 1, the first data row is
    row 2. ``field`` is the column header a value came from in a wide table (one column per
    metric or indicator); it is ``None`` for long tables, where the row says everything.
    """

    file: str
    row: int
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Agent:
    """One row of ``agents``. ``extra`` holds the non-empty cells of any other column, by header."""

    agent_id: str
    name: str
    team: str | None
    position: str | None
    supervisor_id: str | None
    hired_on: date | None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MetricValue:
    """A number (or a level name) for one agent, or for the whole center when ``agent_id`` is None.

    ``metric`` is the metric id or indicator id or name exactly as written. ``value`` is a
    ``Decimal`` when the cell holds a number, otherwise the text (``"A"``, ``"较好完成"``).
    ``period`` is the canonical ``str(Period)`` or ``None`` when the file gives none.
    """

    agent_id: str | None
    period: str | None
    metric: str
    value: Decimal | str
    source: Source


@dataclass(frozen=True, slots=True)
class Rating:
    """A rater's score or level for one indicator of one agent."""

    agent_id: str
    period: str | None
    indicator: str
    rater_role: str | None
    rater_id: str | None
    value: Decimal | str
    source: Source


@dataclass(frozen=True, slots=True)
class Incident:
    """A complaint, praise or violation on a day; ``count`` is at least one occurrence's worth."""

    agent_id: str
    date: date
    kind: str
    count: Decimal
    points: Decimal | None
    amount: Decimal | None
    note: str
    source: Source


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """An earlier period's outcome, for rules over consecutive periods."""

    agent_id: str
    period: str
    total: Decimal | None
    grade: str | None
    rank: int | None
    source: Source


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything read from one input folder or workbook.

    ``warnings`` are the problems of level ``warning`` (errors are raised, never returned).
    ``files`` names every file or sheet that was read, in the form used by :class:`Source`.
    """

    agents: list[Agent]
    metric_values: list[MetricValue]
    ratings: list[Rating]
    incidents: list[Incident]
    history: list[HistoryEntry]
    warnings: list[Problem]
    files: list[str]


def from_columns(cls: type[R], n: int, columns: Sequence[Iterable[object]]) -> list[R]:
    """``n`` records of the frozen slots dataclass ``cls``, field by field from ``columns`` (one
    iterable per field, in field order): the same records as ``cls(*row)`` for each row.

    The readers build a record per cell of a table (a hundred thousand values of a large center);
    setting each field through its slot, a column at a time, costs a third of calling the
    dataclass's ``__init__`` once per record. Only for classes without ``__post_init__``.
    """
    records = list(map(object.__new__, repeat(cls, n)))
    for f, column in zip(fields(cls), columns, strict=True):  # type: ignore[arg-type]
        if isinstance(column, Sized) and len(column) != n:
            # A reader's bug, never a file's.
            raise ValueError(f"{f.name}: {len(column)} values for {n} records")  # internal
        deque(map(getattr(cls, f.name).__set__, records, column), maxlen=0)
    return records
