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
from typing import Any, TypeVar

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
class Origin:
    """Where the records read from one table (or one column of a wide table) come from: its
    file and column, as in :class:`Source`. A record read by columns keeps its table's origin
    and its row number, and makes its :class:`Source` when it is asked for one."""

    file: str
    field: str | None = None


class _SourceWhenRead:
    """A record's ``source``, kept as given (a :class:`Source`) or as its table's
    :class:`Origin` and its row number, and then made the first time it is read.

    A large center's files give 170,000 values; a :class:`Source` made for each, when only an
    explanation or a problem ever reads one, was a sixth of the time to load them. Equality,
    hashing, the repr, ``dataclasses.replace`` and pickling all see ``source``, the
    :class:`Source`, as when it was a field like the others.
    """

    __slots__ = ("_at", "_row")
    _at: Source | Origin
    # The row number when _at is an Origin (not set when a Source was given).
    _row: int

    @property
    def source(self) -> Source:
        at = self._at
        if isinstance(at, Source):
            return at
        made = Source(at.file, self._row, at.field)
        # Kept: asked once, asked again (the duplicate checks name a row twice). Not a change
        # of the record's value: the same Source, made now.
        _AT.__set__(self, made)
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(getattr(self, f.name) for f in fields(self)))  # type: ignore[arg-type]


# The slot, set without the frozen dataclass's __setattr__.
_AT: Any = _SourceWhenRead.__dict__["_at"]


@dataclass(frozen=True, init=False)
class MetricValue(_SourceWhenRead):
    """A number (or a level name) for one agent, or for the whole center when ``agent_id`` is None.

    ``metric`` is the metric id or indicator id or name exactly as written. ``value`` is a
    ``Decimal`` when the cell holds a number, otherwise the text (``"A"``, ``"较好完成"``).
    ``period`` is the canonical ``str(Period)`` or ``None`` when the file gives none.
    """

    __slots__ = ("agent_id", "metric", "period", "value")
    agent_id: str | None
    period: str | None
    metric: str
    value: Decimal | str
    # A field as any other (for ==, repr, replace), read through _SourceWhenRead.source: the
    # class attribute field() makes is removed by @dataclass, which uncovers the property.
    source: Source = field()

    def __init__(
        self,
        agent_id: str | None,
        period: str | None,
        metric: str,
        value: Decimal | str,
        source: Source,
    ) -> None:
        _set = object.__setattr__
        _set(self, "agent_id", agent_id)
        _set(self, "period", period)
        _set(self, "metric", metric)
        _set(self, "value", value)
        _set(self, "_at", source)


@dataclass(frozen=True, init=False)
class Rating(_SourceWhenRead):
    """A rater's score or level for one indicator of one agent."""

    __slots__ = ("agent_id", "indicator", "period", "rater_id", "rater_role", "value")
    agent_id: str
    period: str | None
    indicator: str
    rater_role: str | None
    rater_id: str | None
    value: Decimal | str
    source: Source = field()  # see MetricValue.source

    def __init__(
        self,
        agent_id: str,
        period: str | None,
        indicator: str,
        rater_role: str | None,
        rater_id: str | None,
        value: Decimal | str,
        source: Source,
    ) -> None:
        _set = object.__setattr__
        _set(self, "agent_id", agent_id)
        _set(self, "period", period)
        _set(self, "indicator", indicator)
        _set(self, "rater_role", rater_role)
        _set(self, "rater_id", rater_id)
        _set(self, "value", value)
        _set(self, "_at", source)


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


def from_columns(
    cls: type[R],
    n: int,
    columns: Sequence[Iterable[object]],
    *,
    origin: Origin | None = None,
    rows: Sequence[int] = (),
) -> list[R]:
    """``n`` records of the frozen slots dataclass ``cls``, field by field from ``columns`` (one
    iterable per field, in field order): the same records as ``cls(*row)`` for each row. For a
    record whose source is made when read (:class:`MetricValue`, :class:`Rating`), ``origin``
    and ``rows`` (each record's row number) may stand for the source's column: ``columns`` then
    leave it out, and no :class:`Source` is made until one is read.

    The readers build a record per cell of a table (a hundred thousand values of a large center);
    setting each field through its slot, a column at a time, costs a third of calling the
    dataclass's ``__init__`` once per record. Only for classes without ``__post_init__``.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    slots: list[tuple[str, Iterable[object]]] = []
    if issubclass(cls, _SourceWhenRead):
        if origin is not None:
            names.remove("source")
            slots = [("_at", repeat(origin, n)), ("_row", rows)]
        else:
            names[names.index("source")] = "_at"  # a Source given: kept as it is
    elif origin is not None:
        raise ValueError(f"{cls.__name__} makes no source when read")  # internal
    records = list(map(object.__new__, repeat(cls, n)))
    for name, column in [*zip(names, columns, strict=True), *slots]:
        if isinstance(column, Sized) and len(column) != n:
            # A reader's bug, never a file's.
            raise ValueError(f"{name}: {len(column)} values for {n} records")  # internal
        deque(map(getattr(cls, name).__set__, records, column), maxlen=0)
    return records
