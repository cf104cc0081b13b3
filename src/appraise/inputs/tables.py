"""Reading the scoring input files: the CSV and Excel tables that small shops already keep.

The loader checks shape and types only (it does not know the scheme) and turns every cell into an
exact value: numbers become ``Decimal`` from their text, never through binary floating point, so
that ``0.1 + 0.2`` is ``0.3`` when the scores are added up. Every problem in every file is
collected and raised at once, so a manager fixes a folder in one pass; nothing is half-loaded.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any, TypeVar

from appraise.inputs.names import normalize_name
from appraise.inputs.reading import (
    EMPTY,
    Cell,
    ColumnFrame,
    Frame,
    Layout,
    TextColumn,
    decode_as,
    empty_text,
    formula_problems,
    open_workbook,
    read_csv_columns,
    shape,
    take,
    worksheet_rows,
)
from appraise.inputs.records import (
    Agent,
    HistoryEntry,
    Incident,
    Inputs,
    MetricValue,
    Origin,
    Rating,
    Source,
    from_columns,
)
from appraise.inputs.values import NULL_TOKENS, fold, parse_duration, strip_money
from appraise.messages import message, said
from appraise.periods import Period, date_error
from appraise.problems import Problem, ProblemsError

TABLE_NAMES: tuple[str, ...] = ("agents", "metric_values", "ratings", "incidents", "history")
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx")

# Columns that identify the row in a wide metric_values / ratings table; every other column is a
# metric or indicator.
ID_COLUMNS: tuple[str, ...] = ("agent_id", "name", "team", "period", "rater_role", "rater_id")

_EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DATE = re.compile(
    r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_SLASHED_PERIOD = re.compile(r"^\d{4}/\d{1,2}(?:/\d{1,2})?$")

T = TypeVar("T")


class _BadCell(Exception):
    def __init__(self, code: str, said: str) -> None:
        super().__init__(said)
        self.code = code
        self.message = said


_Cell = Cell
_EMPTY = EMPTY


# A table as read: the layout reader's frame.
_Sheet = Frame


@dataclass(slots=True)
class _Columns:
    """Where the known columns are, and the others (wide-form metrics, extras) in sheet order."""

    known: dict[str, int] = field(default_factory=dict)
    other: list[tuple[int, str]] = field(default_factory=list)


# --- converting one cell ---------------------------------------------------------------------


def _float_decimal(value: float) -> Decimal:
    # Excel keeps 15 significant digits; a formula such as =0.1+0.2 is stored as
    # 0.30000000000000004 but shown, and meant, as 0.3.
    return _plain(Decimal(format(value, ".15g")))


def _plain(number: Decimal) -> Decimal:
    """Write 1E+2 as 100, so that reports never show exponents."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return number.quantize(Decimal(1))
    return number


_fold = fold


def _as_text(cell: _Cell) -> str:
    value = cell.value
    if cell.excel_error:
        raise _BadCell("bad_value", _excel_error(value))
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(_float_decimal(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _as_id(cell: _Cell) -> str:
    # Ids are compared between files, so a full-width "１００１" typed in one must match "1001".
    return unicodedata.normalize("NFKC", _as_text(cell)).strip()


def _seconds(value: time | timedelta) -> Decimal:
    if isinstance(value, timedelta):
        whole = value.days * 86400 + value.seconds
        return _plain(Decimal(whole) + Decimal(value.microseconds).scaleb(-6))
    whole = value.hour * 3600 + value.minute * 60 + value.second
    return _plain(Decimal(whole) + Decimal(value.microsecond).scaleb(-6))


def _as_number(cell: _Cell, *, percent_ok: bool = True, duration_ok: bool = False) -> Decimal:
    value = cell.value
    if isinstance(value, str):
        # Most cells are plain ASCII numbers; they need no folding (and no exponent can appear).
        plain = value.strip()
        if _NUMBER.match(plain):
            return Decimal(plain)
    if cell.excel_error:
        raise _BadCell("bad_value", _excel_error(value))
    if isinstance(value, bool):
        raise _BadCell("bad_number", _not_a_number(_as_text(cell)))
    if isinstance(value, int | float):
        number = Decimal(value) if isinstance(value, int) else _float_decimal(value)
        if cell.percent:
            if not percent_ok:
                raise _BadCell(
                    "bad_number", message("cell.no_percent", "a percentage is not allowed here")
                )
            # The cell shows 85% and stores 0.85; a percent sign means percent units.
            number = _plain(number.scaleb(2))
        return number
    if isinstance(value, time | timedelta):
        if not duration_ok:
            raise _BadCell(
                "bad_number",
                message("cell.time_not_number", "the time {v} is not a number", v=_as_text(cell)),
            )
        return _seconds(value)
    if isinstance(value, date):
        raise _BadCell(
            "bad_number",
            message("cell.date_not_number", "the date {v} is not a number", v=_as_text(cell)),
        )
    text = _fold(str(value))
    if text in _EXCEL_ERRORS:
        raise _BadCell("bad_value", _excel_error(text))
    percent = text.endswith("%")
    if percent:
        if not percent_ok:
            raise _BadCell(
                "bad_number",
                message("cell.percent_here", "{v}: a percentage is not allowed here", v=repr(text)),
            )
        text = text[:-1].rstrip()
    if _NUMBER.match(text) or _GROUPED_NUMBER.match(text):
        return _plain(Decimal(text.replace(",", "")))
    seconds = parse_duration(text) if duration_ok and not percent else None
    if seconds is not None:
        return _plain(seconds)
    raise _BadCell("bad_number", _not_a_number(repr(str(value).strip())))


def _excel_error(value: object) -> str:
    return message("cell.excel_error", "the cell holds the Excel error {v}", v=value)


def _not_a_number(shown: str) -> str:
    return message("cell.not_number", "{v} is not a number", v=shown)


def _as_value(cell: _Cell) -> Decimal | str:
    """A metric or rating value: a number when it reads as one, else a level name."""
    if isinstance(cell.value, bool):
        raise _BadCell(
            "bad_value",
            message(
                "cell.number_or_level", "{v}: write a number or a level name", v=_as_text(cell)
            ),
        )
    if isinstance(cell.value, date):
        raise _BadCell(
            "bad_value",
            message(
                "cell.date_not_level",
                "the date {v} is not a number or a level name",
                v=_as_text(cell),
            ),
        )
    try:
        return _as_number(cell, duration_ok=True)
    except _BadCell as exc:
        if exc.code != "bad_number" or not isinstance(cell.value, str):
            raise
        text = _fold(cell.value)
        if text.endswith("%"):
            raise
        if text[:1] in "+-" and parse_duration(text[1:]) is not None:
            raise _BadCell(
                "bad_number",
                message(
                    "cell.negative_duration", "{v}: a duration cannot be negative", v=repr(text)
                ),
            ) from None
        return cell.value.strip()


def _as_count(cell: _Cell) -> Decimal:
    number = _as_number(cell, percent_ok=False)
    if number <= 0:
        raise _BadCell(
            "bad_count",
            message("cell.count_positive", "count must be more than 0, not {v}", v=number),
        )
    return number


def _as_money(cell: _Cell) -> Decimal:
    if isinstance(cell.value, str):
        text = _fold(cell.value)
        # A money column is often written "¥100", "￥1,234.50" or "100元"; the sign says
        # nothing more.
        stripped = strip_money(text)
        if stripped != text:
            return _as_number(_Cell(stripped), percent_ok=False)
    return _as_number(cell, percent_ok=False)


def _as_points(cell: _Cell) -> Decimal:
    return _as_number(cell, percent_ok=False)


def _as_rank(cell: _Cell) -> int:
    number = _as_number(cell, percent_ok=False)
    if number != number.to_integral_value() or number < 1:
        raise _BadCell(
            "bad_rank",
            message("cell.rank", "rank must be a whole number from 1, not {v}", v=number),
        )
    return int(number)


def _as_date(cell: _Cell) -> date:
    value = cell.value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _BadCell(
            "bad_date",
            message(
                "cell.not_date_cell",
                "{v} is not a date; write 2026-10-05 or format it as a date",
                v=_as_text(cell),
            ),
        )
    text = _fold(value)
    match = _DATE.match(text)
    chinese = _CHINESE_DATE.match(text)
    parts: tuple[str, ...] | None = None
    if match:
        parts = (match.group(1), match.group(3), match.group(4))
    elif chinese:
        parts = chinese.groups()
    if parts is None:
        raise _BadCell(
            "bad_date",
            message("cell.not_date", "{v} is not a date; write 2026-10-05", v=repr(value.strip())),
        )
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise _BadCell(
            "bad_date",
            message(
                "cell.not_real_date",
                "{v} is not a real date: {error}",
                v=repr(value.strip()),
                error=date_error(exc),
            ),
        ) from None


_PERIODS: dict[str, str] = {}


def _as_period(cell: _Cell) -> str:
    value = cell.value
    if isinstance(value, str) and value in _PERIODS:
        # A table repeats the same few periods on every row.
        return _PERIODS[value]
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        # Excel turns a typed "2026-10" into the date 2026-10-01 shown as "Oct-26": a date shown
        # without its day stands for the month.
        return str(Period.containing(day, "day" if cell.shows_day else "month"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = _fold(value)
        if _SLASHED_PERIOD.match(text):
            text = text.replace("/", "-")
    else:
        raise _BadCell(
            "bad_period", message("cell.not_period", "{v} is not a period", v=_as_text(cell))
        )
    try:
        period = str(Period.parse(text))
    except ValueError as exc:
        raise _BadCell("bad_period", said(exc)) from None
    if isinstance(value, str) and len(_PERIODS) < 10_000:
        _PERIODS[value] = period
    return period


# --- reading files into sheets ---------------------------------------------------------------


# Canonical tables have a one-row header; a totals row is data the user must see flagged.
_CANONICAL = Layout(header_rows=1, skip_totals=False)
_KNOWN_COLUMNS = (
    "agent_id",
    "name",
    "team",
    "position",
    "supervisor_id",
    "hired_on",
    "period",
    "metric",
    "value",
    "indicator",
    "rater_role",
    "rater_id",
    "date",
    "kind",
    "count",
    "points",
    "amount",
    "note",
    "total",
    "grade",
    "rank",
    "level",
)


def _sheet(
    label: str, rows: list[tuple[int, list[_Cell]]], problems: list[Problem]
) -> _Sheet | None:
    """The header is the row that names the known columns (title rows above it are skipped and
    reported); empty rows are skipped but keep their numbers."""
    frame = shape(rows, _CANONICAL, label, [], _KNOWN_COLUMNS)
    if frame is None:
        return None
    _skipped_warnings(frame, frame.skipped, label, problems)
    # Cells to the right of the last header still count: they are data in an unnamed column.
    return frame


def _skipped_warnings(
    frame: _Sheet, skipped: dict[str, int], label: str, problems: list[Problem]
) -> None:
    for what, n in skipped.items():
        problems.append(
            Problem(
                "warning",
                "rows_skipped",
                message(
                    "tables.title_rows_skipped",
                    "{n} title row(s) above or below the table are not read "
                    "(the header is row {row})",
                    n=n,
                    row=frame.header_row,
                )
                if what == "title"
                else message(
                    "tables.note_rows_skipped",
                    "{n} note row(s) above or below the table are not read "
                    "(the header is row {row})",
                    n=n,
                    row=frame.header_row,
                ),
                file=label,
            )
        )


def _read_csv(path: Path, label: str, problems: list[Problem]) -> _Sheet | None:
    raw = path.read_bytes()
    decoded = decode_as(raw, "auto", label, problems)
    if decoded is None:
        return None
    text, codec = decoded
    # The column reader (pyarrow) when rows are lines; the row reader for anything else.
    read = read_csv_columns(
        text, _CANONICAL, label, _KNOWN_COLUMNS, data=raw if codec == "utf-8" else None
    )
    if read is not None:
        frame, skipped = read
        _skipped_warnings(frame, skipped, label, problems)
        return frame
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(
            Problem(
                "error",
                "bad_file",
                message("tables.bad_csv", "not a readable CSV file: {error}", error=str(exc)),
                file=label,
            )
        )
        return None
    # Row numbers count records, as a spreadsheet shows them: a quoted cell holding a line break
    # is still one row.
    return _sheet(
        label, [(n, [_Cell(v) for v in r]) for n, r in enumerate(records, start=1)], problems
    )


def _read_worksheet(
    worksheet: Any, label: str, problems: list[Problem], path: Path
) -> _Sheet | None:
    found = formula_problems(path, worksheet, label)
    if found:
        problems.extend(found)
        return None
    return _sheet(label, worksheet_rows(worksheet), problems)


def _open_workbook(path: Path, label: str, problems: list[Problem]) -> Any | None:
    return open_workbook(path, label, problems)


def _table_name(name: str) -> str | None:
    key = name.strip().casefold()
    return key if key in TABLE_NAMES else None


def _read_folder(
    folder: Path, problems: list[Problem], skip: frozenset[Path] | set[Path] = frozenset()
) -> dict[str, _Sheet]:
    sheets: dict[str, _Sheet] = {}
    seen: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")) or path in skip:
            continue
        table = _table_name(path.stem)
        suffix = path.suffix.lower()
        if suffix not in TABLE_SUFFIXES:
            if table:
                problems.append(
                    Problem(
                        "warning",
                        "unknown_file",
                        message(
                            "tables.wrong_suffix",
                            "{file} is not read: save the {table} table as .csv or .xlsx",
                            file=path.name,
                            table=table,
                        ),
                        file=path.name,
                    )
                )
            continue
        if table is None:
            problems.append(
                Problem(
                    "warning",
                    "unknown_file",
                    message(
                        "tables.unknown_file",
                        "{file} is not one of the input tables ({tables}) and is not read",
                        file=path.name,
                        tables=", ".join(TABLE_NAMES),
                    ),
                    file=path.name,
                )
            )
            continue
        if table in seen:
            problems.append(
                Problem(
                    "error",
                    "duplicate_table",
                    message(
                        "tables.table_twice",
                        "the {table} table is given twice, as {first} and {second}; keep one",
                        table=table,
                        first=seen[table],
                        second=path.name,
                    ),
                    file=path.name,
                )
            )
            continue
        seen[table] = path.name
        sheet = (
            _read_csv(path, path.name, problems)
            if suffix == ".csv"
            else _read_table_workbook(path, table, problems)
        )
        if sheet is not None:
            sheets[table] = sheet
    return sheets


def _read_table_workbook(path: Path, table: str, problems: list[Problem]) -> _Sheet | None:
    """``agents.xlsx``: the sheet named ``agents`` if there is one, else the first sheet."""
    workbook = _open_workbook(path, path.name, problems)
    if workbook is None:
        return None
    try:
        worksheets = list(workbook.worksheets)
        if not worksheets:
            return None
        chosen = next((ws for ws in worksheets if _table_name(ws.title) == table), worksheets[0])
        label = path.name if len(worksheets) == 1 else f"{path.name}[{chosen.title}]"
        return _read_worksheet(chosen, label, problems, path)
    finally:
        workbook.close()


def _read_workbook(path: Path, problems: list[Problem]) -> dict[str, _Sheet]:
    sheets: dict[str, _Sheet] = {}
    workbook = _open_workbook(path, path.name, problems)
    if workbook is None:
        return sheets
    seen: dict[str, str] = {}
    try:
        for worksheet in workbook.worksheets:
            label = f"{path.name}[{worksheet.title}]"
            table = _table_name(worksheet.title)
            if table is None:
                problems.append(
                    Problem(
                        "warning",
                        "unknown_sheet",
                        message(
                            "tables.unknown_sheet",
                            "the sheet {sheet} is not one of the input tables ({tables}) "
                            "and is not read",
                            sheet=repr(worksheet.title),
                            tables=", ".join(TABLE_NAMES),
                        ),
                        file=label,
                    )
                )
                continue
            if table in seen:
                problems.append(
                    Problem(
                        "error",
                        "duplicate_table",
                        message(
                            "tables.sheet_twice",
                            "the {table} table is given twice, as sheets {first} and {second}; "
                            "keep one",
                            table=table,
                            first=repr(seen[table]),
                            second=repr(worksheet.title),
                        ),
                        file=label,
                    )
                )
                continue
            seen[table] = worksheet.title
            sheet = _read_worksheet(worksheet, label, problems, path)
            if sheet is not None:
                sheets[table] = sheet
    finally:
        workbook.close()
    return sheets


# --- columns and rows ------------------------------------------------------------------------


def _columns(sheet: _Sheet, known: Iterable[str], problems: list[Problem]) -> _Columns:
    # Imported here: openpyxl's package loads its whole workbook model (some 0.2-0.5 s), which
    # every `appraise import` of CSV or Parquet files paid for a column letter it never shows.
    from openpyxl.utils import get_column_letter

    known_set = set(known)
    columns = _Columns()
    seen: dict[str, str] = {}
    for index, header in enumerate(sheet.headers):
        letter = get_column_letter(index + 1)
        if not header:
            if sheet.column_has_data(index):
                problems.append(
                    Problem(
                        "error",
                        "unnamed_column",
                        message(
                            "tables.unnamed_column",
                            "column {letter} holds data but has no header",
                            letter=letter,
                        ),
                        file=sheet.label,
                        row=sheet.header_row,
                        field=message("where.column", "column {letter}", letter=letter),
                    )
                )
            continue
        key = header.casefold()
        name = key if key in known_set else normalize_name(header)
        if name in seen:
            problems.append(
                Problem(
                    "error",
                    "duplicate_column",
                    message(
                        "tables.duplicate_column",
                        "the column {header} (column {letter}) repeats the column {first}",
                        header=repr(header),
                        letter=letter,
                        first=repr(seen[name]),
                    ),
                    file=sheet.label,
                    row=sheet.header_row,
                    field=header,
                )
            )
            continue
        seen[name] = header
        if key in known_set:
            columns.known[key] = index
        else:
            columns.other.append((index, header))
    return columns


def _require(
    sheet: _Sheet, columns: _Columns, required: Sequence[str], problems: list[Problem]
) -> bool:
    missing = [name for name in required if name not in columns.known]
    for name in missing:
        found = ", ".join(h for h in sheet.headers if h) or message("tables.none", "none")
        problems.append(
            Problem(
                "error",
                "missing_column",
                message(
                    "tables.missing_column",
                    "the required column {name} is missing (columns found: {found})",
                    name=repr(name),
                    found=found,
                ),
                file=sheet.label,
                row=sheet.header_row,
                field=name,
            )
        )
    return not missing


def _warn_unknown(sheet: _Sheet, columns: _Columns, problems: list[Problem]) -> None:
    for _, header in columns.other:
        problems.append(
            Problem(
                "warning",
                "unknown_column",
                message(
                    "tables.unused_column",
                    "the column {header} is not used and is ignored",
                    header=repr(header),
                ),
                file=sheet.label,
                row=sheet.header_row,
                field=header,
            )
        )


class _Row:
    """One data row; conversion problems are recorded with the row and column they came from."""

    def __init__(
        self,
        sheet: _Sheet,
        columns: _Columns,
        number: int,
        cells: list[_Cell],
        problems: list[Problem],
    ) -> None:
        self.sheet = sheet
        self.columns = columns
        self.number = number
        self.cells = cells
        self.problems = problems
        self.ok = True

    def at(self, index: int) -> _Cell:
        return self.cells[index] if index < len(self.cells) else _EMPTY

    def cell(self, name: str) -> _Cell:
        index = self.columns.known.get(name)
        return _EMPTY if index is None else self.at(index)

    def source(self, field: str | None = None) -> Source:
        return Source(self.sheet.label, self.number, field)

    def error(self, field: str, code: str, said: str) -> None:
        self.problems.append(
            Problem("error", code, said, file=self.sheet.label, row=self.number, field=field)
        )
        self.ok = False

    def convert(
        self, cell: _Cell, field: str, convert: Callable[[_Cell], T], *, required: bool = False
    ) -> T | None:
        if cell.empty:
            if required:
                self.error(
                    field, "missing_value", message("tables.empty", "{field} is empty", field=field)
                )
            return None
        try:
            return convert(cell)
        except _BadCell as exc:
            self.error(field, exc.code, exc.message)
            return None

    def get(self, name: str, convert: Callable[[_Cell], T], *, required: bool = False) -> T | None:
        return self.convert(self.cell(name), name, convert, required=required)

    def agent_or_center(self) -> str | None:
        """An empty agent_id means the whole center, unless the row names an agent."""
        agent_id = self.get("agent_id", _as_id)
        if agent_id is None and not self.cell("name").empty:
            self.error(
                "agent_id",
                "missing_value",
                message(
                    "tables.agent_id_empty",
                    "agent_id is empty but the row names an agent; an empty agent_id means a "
                    "value for the whole center",
                ),
            )
        return agent_id

    def period(self) -> str | None:
        return self.get("period", _as_period)


def _rows(sheet: _Sheet, columns: _Columns, problems: list[Problem]) -> Iterator[_Row]:
    if isinstance(sheet, ColumnFrame):
        sheet.materialize()
    for number, cells in sheet.rows:
        yield _Row(sheet, columns, number, cells, problems)


# --- the five tables -------------------------------------------------------------------------

_AGENT_COLUMNS = ("agent_id", "name", "team", "position", "supervisor_id", "hired_on")


def _agents(sheet: _Sheet, problems: list[Problem]) -> list[Agent]:
    columns = _columns(sheet, _AGENT_COLUMNS, problems)
    if not _require(sheet, columns, ("agent_id", "name"), problems):
        return []
    if isinstance(sheet, ColumnFrame):
        by_column = _agents_by_column(sheet, columns, problems)
        if by_column is not None:
            return by_column
    agents: list[Agent] = []
    first_row: dict[str, int] = {}
    for row in _rows(sheet, columns, problems):
        agent = _agent(row, columns, first_row)
        if agent is not None:
            agents.append(agent)
    return agents


def _agent(row: _Row, columns: _Columns, first_row: dict[str, int] | None) -> Agent | None:
    """The agent of a row; ``first_row`` (agent_id -> row) finds an agent_id given twice."""
    agent_id = row.get("agent_id", _as_id, required=True)
    name = row.get("name", _as_text, required=True)
    team = row.get("team", _as_text)
    position = row.get("position", _as_text)
    supervisor_id = row.get("supervisor_id", _as_id)
    hired_on = row.get("hired_on", _as_date)
    extra: dict[str, str] = {}
    for index, header in columns.other:
        text = row.convert(row.at(index), header, _as_text)
        if text:
            extra[header] = text
    if agent_id is not None and first_row is not None:
        if agent_id in first_row:
            row.error(
                "agent_id",
                "duplicate_agent",
                message(
                    "tables.duplicate_agent",
                    "agent_id {id} appears on rows {first} and {second}",
                    id=repr(agent_id),
                    first=first_row[agent_id],
                    second=row.number,
                ),
            )
        else:
            first_row[agent_id] = row.number
    if row.ok and agent_id is not None and name is not None:
        return Agent(agent_id, name, team, position, supervisor_id, hired_on, extra)
    return None


def _wide_columns(
    sheet: _Sheet, table: str, name_column: str, problems: list[Problem]
) -> _Columns | None:
    """Columns of a wide table, or None when the table is a long table missing its name column."""
    columns = _columns(sheet, (*ID_COLUMNS, name_column, "value"), problems)
    if "value" in columns.known or not columns.other:
        # A value column without a metric column is a long table with a column missing, not a
        # metric called "value".
        problems.append(
            Problem(
                "error",
                "missing_column",
                message(
                    "tables.long_or_wide",
                    "the required column {quoted} is missing: a long {table} table needs "
                    "{name} and value columns, a wide one a column per {name}",
                    quoted=repr(name_column),
                    table=table,
                    name=name_column,
                ),
                file=sheet.label,
                row=sheet.header_row,
                field=name_column,
            )
        )
        return None
    return columns


def _metric_values(sheet: _Sheet, problems: list[Problem]) -> list[MetricValue]:
    headers = {h.casefold() for h in sheet.headers}
    values: list[MetricValue] = []
    if "metric" in headers:
        known = ("agent_id", "period", "metric", "value", "name", "team")
        columns = _columns(sheet, known, problems)
        _warn_unknown(sheet, columns, problems)
        if not _require(sheet, columns, ("agent_id", "metric", "value"), problems):
            return []
        if isinstance(sheet, ColumnFrame):
            return _long_values_by_column(sheet, columns, problems)
        for row in _rows(sheet, columns, problems):
            found = _long_value(row)
            if found is not None:
                values.append(found)
        return values
    wide = _wide_columns(sheet, "metric_values", "metric", problems)
    if wide is None or not _require(sheet, wide, ("agent_id",), problems):
        return []
    for name in ("rater_role", "rater_id"):
        if name in wide.known:
            problems.append(
                Problem(
                    "warning",
                    "unknown_column",
                    message(
                        "tables.rater_column_ignored",
                        "the column {name} means nothing in metric_values and is ignored",
                        name=repr(name),
                    ),
                    file=sheet.label,
                    row=sheet.header_row,
                    field=name,
                )
            )
    if isinstance(sheet, ColumnFrame):
        return _wide_values_by_column(sheet, wide, problems)
    for row in _rows(sheet, wide, problems):
        values.extend(_wide_values(row, wide))
    return values


def _long_value(row: _Row) -> MetricValue | None:
    agent_id = row.agent_or_center()
    period = row.period()
    metric = row.get("metric", _as_text, required=True)
    value = row.get("value", _as_value)
    if row.ok and metric is not None and value is not None:
        return MetricValue(agent_id, period, metric, value, row.source())
    return None


def _wide_values(row: _Row, wide: _Columns) -> list[MetricValue]:
    agent_id = row.agent_or_center()
    period = row.period()
    row_values: list[MetricValue] = []
    for index, header in wide.other:
        value = row.convert(row.at(index), header, _as_value)
        if value is not None:
            row_values.append(MetricValue(agent_id, period, header, value, row.source(header)))
    return row_values if row.ok else []


# --- whole columns at once -------------------------------------------------------------------
# A column-read table converts each column with the same converters as the row reader above, once
# per distinct text (pyarrow's dictionary encoding gives a column's distinct texts and, per row,
# the index of its text; a table repeats its ids, periods and names on every row), and builds its
# records a field at a time. A row with a cell the converters reject (or an empty required cell)
# goes through the row reader, which converts it and reports its problems with file, row and
# column as always; the other rows give exactly the records the row reader would.

# A converted cell that has a problem: its row is read again by the row reader, which names it.
_BAD: Any = object()


@dataclass(slots=True)
class _Converted:
    """A converted column: the value of each distinct text (None for an empty cell, _BAD for a
    cell the converter rejects or an empty one that is required), and per row the index of its
    text (``codes``, a numpy array; None when every row holds the one value)."""

    distinct: list[Any]
    codes: Any
    n: int
    made: list[Any] | None = None

    def values(self) -> list[Any]:
        """The value of every row."""
        if self.made is None:
            if self.codes is None:
                self.made = [self.distinct[0]] * self.n
            else:
                self.made = take(self.distinct, self.codes)
        return self.made

    def __getitem__(self, row: int) -> Any:
        return self.distinct[0 if self.codes is None else self.codes[row]]

    def where(self, marker: object) -> set[int]:
        """The rows whose value is ``marker`` (_BAD, or None for an empty cell)."""
        import numpy as np

        rows = self.rows_of(marker)
        return set() if rows is None else set(np.flatnonzero(rows).tolist())

    def rows_of(self, marker: object) -> Any:
        """Per row whether its value is ``marker`` (a numpy array), None when no row's is."""
        import numpy as np

        # Asked of every column, and most hold no such value: looked for in C first.
        if not any(map(operator.is_, self.distinct, repeat(marker))):
            return None
        hits = [v is marker for v in self.distinct]
        if self.codes is None:
            return np.ones(self.n, dtype=bool)
        return np.array(hits, dtype=bool)[self.codes]

    def keys(self) -> tuple[Any, int]:
        """Per row a number for its value, alike for rows of equal values (a numpy array; None
        when every row holds the one value), and how many numbers there are."""
        import numpy as np

        if self.codes is None:
            return None, 1
        if len(set(self.distinct)) == len(self.distinct):
            return self.codes, len(self.distinct)  # no two texts alike once converted
        numbers: dict[Any, int] = {}
        of_distinct = [numbers.setdefault(v, len(numbers)) for v in self.distinct]
        return np.asarray(of_distinct, dtype=np.int64)[self.codes], len(numbers)


def _convert_column(
    column: TextColumn, convert: Callable[[_Cell], Any], required: bool
) -> _Converted:
    """Each distinct text converted as the row reader converts its cell: the value, None for an
    empty cell, _BAD for a cell the converter rejects (or an empty one that is required)."""
    memos = _MEMOS.get()
    memo = _Memo() if memos is None else memos.get(convert) or memos.setdefault(convert, _Memo())
    texts = column.texts
    if memo.texts is not None and memo.texts == texts:
        # The texts of the last column this converter read, in the same order (the agent ids
        # of the next table).
        distinct = memo.values
    else:
        distinct = memo.values = _convert_texts(column, convert, memo.said)
        memo.texts = texts
    if any(map(operator.is_, distinct, repeat(_NOTHING))):
        empty = _BAD if required else None
        distinct = [empty if v is _NOTHING else v for v in distinct]
    # One period, one rater: no index per row.
    return _Converted(distinct, None if len(distinct) == 1 else column.codes, len(column))


def _convert_texts(
    column: TextColumn, convert: Callable[[_Cell], Any], memo: dict[str, Any]
) -> list[Any]:
    """What ``convert`` makes of each distinct text of ``column`` (_NOTHING for an empty one,
    _BAD for one it rejects), with ``memo``, what it said of texts before (kept up to date)."""
    texts = column.texts
    # Of what another table's column said, nothing is converted again (the agent ids of every
    # table).
    todo = set(texts).difference(memo)
    plain = _PLAIN.get(convert)
    if plain is not None and len(todo) > _PLAIN_AT_LEAST:
        # The texts that read as themselves (or as the number they write), found by one match
        # of the column's distinct texts in pyarrow.
        pattern, make = plain
        same = todo.intersection(column.matching(pattern)).difference(_NULLS)
        memo.update(zip(same, map(make, same), strict=True))
        todo -= same
    # The converter's way with a text alone where it has one (_OF_TEXT), else a cell's.
    of_text = _OF_TEXT.get(convert)
    for text in todo:
        if empty_text(text):
            memo[text] = _NOTHING
            continue
        try:
            memo[text] = convert(_Cell(text)) if of_text is None else of_text(text)
        except _BadCell:
            memo[text] = _BAD
    return list(map(memo.__getitem__, texts))


# An empty cell, in a converter's memo (None when the column may be empty, _BAD when required).
_NOTHING: Any = object()

# Texts that need no conversion, by converter: what they match (RE2, by pyarrow) and what each
# is then. Text with no space at either end (Python's whitespace, which str.strip removes) reads
# as itself, a printable ASCII id as itself (NFKC changes no ASCII), a plain number as its
# Decimal; a null token matches but is empty, and is left to the converter.
_WHITESPACE = "".join(
    f"\\x{{{ord(c):x}}}"
    for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_PLAIN: dict[Callable[[_Cell], Any], tuple[str, Callable[[str], Any]]] = {
    _as_text: (f"(?s)^[^{_WHITESPACE}](?:.*[^{_WHITESPACE}])?$", str),
    _as_id: ("^[!-~](?:[ -~]*[!-~])?$", str),
    _as_value: (r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$", Decimal),
}
# Below this many new texts, the converter is quicker than a match in pyarrow.
_PLAIN_AT_LEAST = 50
_NULLS = frozenset(NULL_TOKENS)


@dataclass(slots=True)
class _Memo:
    """What one converter said in one load: of each text (``said``), and of the last column it
    read, whose distinct texts (``texts``) had the ``values`` (_NOTHING for an empty text)."""

    said: dict[str, Any] = field(default_factory=dict)
    texts: list[str] | None = None
    values: list[Any] = field(default_factory=list)


# The texts converted so far by one load, by converter: every table repeats the agent ids (and
# periods, names), and a converter says the same of the same text in any column.
_MEMOS: ContextVar[dict[Callable[[_Cell], Any], _Memo] | None] = ContextVar(
    "appraise_inputs_memos", default=None
)


def id_of_text(text: str) -> str:
    """An id as every file reads it (full-width "Ａ００１" is "A001"): the pages and the API
    store a typed id the same way, so that a file's rows find the agent typed in a form."""
    return unicodedata.normalize("NFKC", text.strip()).strip()


def _value_of_text(text: str) -> Decimal | str:
    plain = text.strip()
    if _NUMBER.match(plain):
        return Decimal(plain)
    return _as_value(_Cell(text))


# A converter of a cell and what it does with a cell read from a CSV, ``Cell(text)`` (a string,
# no number format, no Excel error), given the text alone: making a cell for each of a column's
# distinct texts cost a fifth of a large load. Converters not listed get the cell.
_OF_TEXT: dict[Callable[[_Cell], Any], Callable[[str], Any]] = {
    _as_text: str.strip,
    _as_id: id_of_text,
    _as_value: _value_of_text,
}


def _converted(
    sheet: ColumnFrame,
    columns: _Columns,
    name: str,
    convert: Callable[[_Cell], Any],
    *,
    required: bool = False,
) -> _Converted:
    index = columns.known.get(name)
    if index is None:
        return _Converted([_BAD if required else None], None, len(sheet.numbers))
    return _convert_column(sheet.columns[index], convert, required)


def _present(cell: _Cell) -> bool:
    return True


def _center_rows(sheet: ColumnFrame, columns: _Columns, agent_ids: _Converted) -> set[int]:
    """Rows with an empty agent_id that name an agent: an error (see _Row.agent_or_center)."""
    if "name" not in columns.known:
        return set()
    named = _converted(sheet, columns, "name", _present)
    return {k for k in agent_ids.where(None) if named[k]}


def _keys_distinct(n: int, columns: Sequence[_Converted], rows: Any = None) -> bool:
    """Whether no two rows (of ``rows``, a numpy mask, else all) hold the same values in all of
    ``columns``: one number per row for its values, made and compared in numpy. False when the
    numbers would not fit in 63 bits (then the records' keys are compared)."""
    import numpy as np

    key = np.zeros(n, dtype=np.int64)
    span = 1
    for column in columns:
        codes, size = column.keys()
        if codes is None:
            continue
        span *= size
        if span >= 2**62:
            return False
        key = key * size + codes
    if rows is not None:
        key = key[rows]
    key.sort()  # sorted, a repeat is next to itself (np.unique hashes, ten times slower)
    return not (key[1:] == key[:-1]).any()


class _Distinct(list[T]):
    """Records read by columns whose keys, as written, are known to differ (no value or rating
    given twice but by names that match), and the names they give (``names``, by column: every
    row's, kept or not): the check across files then needs no pass over the records."""

    __slots__ = ("names",)
    names: dict[str, set[Any]]


def _distinct_records(records: list[T], names: dict[str, set[Any]]) -> _Distinct[T]:
    found = _Distinct(records)
    found.names = names
    return found


def _merged(
    records: list[T], bad: set[int], skip: set[int], again: Callable[[int], list[T]]
) -> list[T]:
    """``records`` (one per row) without the rows in ``skip``, and with each row in ``bad``
    replaced by what the row reader makes of it (``again(k)``), in row order."""
    if not bad and not skip:
        return records
    merged: list[T] = []
    start = 0
    for k in sorted(bad | skip):
        merged.extend(records[start:k])
        if k in bad:
            merged.extend(again(k))
        start = k + 1
    merged.extend(records[start:])
    return merged


def _slow_row(sheet: ColumnFrame, columns: _Columns, k: int, problems: list[Problem]) -> _Row:
    cells = [_Cell(c[k]) for c in sheet.columns]
    return _Row(sheet, columns, sheet.numbers[k], cells, problems)


def _agents_by_column(
    sheet: ColumnFrame, columns: _Columns, problems: list[Problem]
) -> list[Agent] | None:
    """The agents of a column-read table, or None when an agent_id repeats (the row reader then
    reads the table, naming both rows of each repeat)."""
    n = len(sheet.numbers)
    agent_ids = _converted(sheet, columns, "agent_id", _as_id, required=True)
    ids = [a for a in agent_ids.values() if a is not _BAD]
    if len(set(ids)) != len(ids):
        return None
    fields = [
        agent_ids,
        _converted(sheet, columns, "name", _as_text, required=True),
        _converted(sheet, columns, "team", _as_text),
        _converted(sheet, columns, "position", _as_text),
        _converted(sheet, columns, "supervisor_id", _as_id),
        _converted(sheet, columns, "hired_on", _as_date),
    ]
    extras: list[dict[str, str]] = [{} for _ in range(n)]
    for index, header in columns.other:
        texts = _convert_column(sheet.columns[index], _as_text, False)
        fields.append(texts)
        values = texts.values()
        for k in itertools.compress(itertools.count(), values):
            extras[k][header] = values[k]
    bad: set[int] = set()
    for column in fields:
        bad |= column.where(_BAD)
    agents = from_columns(Agent, n, (*(f.values() for f in fields[:6]), extras))

    def again(k: int) -> list[Agent]:
        row = _slow_row(sheet, columns, k, problems)
        found = _agent(row, columns, None)
        return [] if found is None else [found]

    return _merged(agents, bad, set(), again)


def _long_values_by_column(
    sheet: ColumnFrame, columns: _Columns, problems: list[Problem]
) -> list[MetricValue]:
    n = len(sheet.numbers)
    agent_ids = _converted(sheet, columns, "agent_id", _as_id)
    periods = _converted(sheet, columns, "period", _as_period)
    metrics = _converted(sheet, columns, "metric", _as_text, required=True)
    values = _converted(sheet, columns, "value", _as_value)
    bad = _center_rows(sheet, columns, agent_ids)
    for column in (agent_ids, periods, metrics, values):
        bad |= column.where(_BAD)
    keyed = (agent_ids, periods, metrics)
    records = from_columns(
        MetricValue,
        n,
        [c.values() for c in (*keyed, values)],
        origin=Origin(sheet.label),
        rows=sheet.numbers,
    )

    def again(k: int) -> list[MetricValue]:
        found = _long_value(_slow_row(sheet, columns, k, problems))
        return [] if found is None else [found]

    merged = _merged(records, bad, values.where(None), again)
    # The rows left out (empty values) only make fewer keys; a bad row is an error anyway.
    if bad or not _keys_distinct(n, keyed):
        return merged
    return _distinct_records(merged, {"metric": set(metrics.distinct)})


def _wide_values_by_column(
    sheet: ColumnFrame, wide: _Columns, problems: list[Problem]
) -> list[MetricValue]:
    n = len(sheet.numbers)
    agent_ids = _converted(sheet, wide, "agent_id", _as_id)
    periods = _converted(sheet, wide, "period", _as_period)
    bad = _center_rows(sheet, wide, agent_ids)
    for column in (agent_ids, periods):
        bad |= column.where(_BAD)
    ids, at = agent_ids.values(), periods.values()
    by_column: list[list[MetricValue | None]] = []
    for index, header in wide.other:
        values = _convert_column(sheet.columns[index], _as_value, False)
        bad |= values.where(_BAD)
        records: list[MetricValue | None] = list(
            from_columns(
                MetricValue,
                n,
                (ids, at, repeat(header), values.values()),
                origin=Origin(sheet.label, header),
                rows=sheet.numbers,
            )
        )
        for k in values.where(None):
            records[k] = None
        by_column.append(records)
    rows: list[tuple[MetricValue | None, ...]] = list(zip(*by_column, strict=True))
    for k in sorted(bad):
        rows[k] = tuple(_wide_values(_slow_row(sheet, wide, k, problems), wide))
    found = [v for v in itertools.chain.from_iterable(rows) if v is not None]
    # A row's values have one metric per column, and the columns' names differ as written.
    if bad or not _keys_distinct(n, (agent_ids, periods)):
        return found
    return _distinct_records(found, {"metric": {header for _, header in wide.other}})


def _ratings(sheet: _Sheet, problems: list[Problem]) -> list[Rating]:
    headers = {h.casefold() for h in sheet.headers}
    ratings: list[Rating] = []
    if "indicator" in headers:
        known = ("agent_id", "period", "indicator", "rater_role", "rater_id", "value")
        columns = _columns(sheet, (*known, "name", "team"), problems)
        _warn_unknown(sheet, columns, problems)
        if not _require(sheet, columns, ("agent_id", "indicator", "value"), problems):
            return []
        if isinstance(sheet, ColumnFrame):
            return _long_ratings_by_column(sheet, columns, problems)
        for row in _rows(sheet, columns, problems):
            found = _long_rating(row)
            if found is not None:
                ratings.append(found)
        return ratings
    wide = _wide_columns(sheet, "ratings", "indicator", problems)
    if wide is None or not _require(sheet, wide, ("agent_id",), problems):
        return []
    for row in _rows(sheet, wide, problems):
        agent_id = row.get("agent_id", _as_id, required=True)
        period = row.period()
        role = row.get("rater_role", _as_text)
        rater_id = row.get("rater_id", _as_id)
        row_ratings: list[Rating] = []
        for index, header in wide.other:
            value = row.convert(row.at(index), header, _as_value)
            if value is not None and agent_id is not None:
                row_ratings.append(
                    Rating(agent_id, period, header, role, rater_id, value, row.source(header))
                )
        if row.ok:
            ratings.extend(row_ratings)
    return ratings


def _long_rating(row: _Row) -> Rating | None:
    agent_id = row.get("agent_id", _as_id, required=True)
    period = row.period()
    indicator = row.get("indicator", _as_text, required=True)
    role = row.get("rater_role", _as_text)
    rater_id = row.get("rater_id", _as_id)
    value = row.get("value", _as_value)
    if row.ok and agent_id is not None and indicator is not None and value is not None:
        return Rating(agent_id, period, indicator, role, rater_id, value, row.source())
    return None


def _long_ratings_by_column(
    sheet: ColumnFrame, columns: _Columns, problems: list[Problem]
) -> list[Rating]:
    n = len(sheet.numbers)
    fields = [
        _converted(sheet, columns, "agent_id", _as_id, required=True),
        _converted(sheet, columns, "period", _as_period),
        _converted(sheet, columns, "indicator", _as_text, required=True),
        _converted(sheet, columns, "rater_role", _as_text),
        _converted(sheet, columns, "rater_id", _as_id),
        _converted(sheet, columns, "value", _as_value),
    ]
    bad: set[int] = set()
    for column in fields:
        bad |= column.where(_BAD)
    records = from_columns(
        Rating, n, [f.values() for f in fields], origin=Origin(sheet.label), rows=sheet.numbers
    )

    def again(k: int) -> list[Rating]:
        found = _long_rating(_slow_row(sheet, columns, k, problems))
        return [] if found is None else [found]

    merged = _merged(records, bad, fields[5].where(None), again)
    if bad:
        return merged
    # Only a named rater's ratings are keyed (see _duplicate_ratings).
    anonymous = fields[4].rows_of(None)
    named = None if anonymous is None else ~anonymous
    if not _keys_distinct(n, fields[:5], named):
        return merged
    names = {"indicator": set(fields[2].distinct), "rater_role": set(fields[3].distinct)}
    return _distinct_records(merged, names)


def _incidents(sheet: _Sheet, problems: list[Problem]) -> list[Incident]:
    known = ("agent_id", "date", "kind", "count", "points", "amount", "note")
    columns = _columns(sheet, known, problems)
    _warn_unknown(sheet, columns, problems)
    if not _require(sheet, columns, ("agent_id", "date", "kind"), problems):
        return []
    incidents: list[Incident] = []
    for row in _rows(sheet, columns, problems):
        agent_id = row.get("agent_id", _as_id, required=True)
        day = row.get("date", _as_date, required=True)
        kind = row.get("kind", _as_text, required=True)
        count = row.get("count", _as_count)
        points = row.get("points", _as_points)
        amount = row.get("amount", _as_money)
        note = row.get("note", _as_text) or ""
        if row.ok and agent_id is not None and day is not None and kind is not None:
            incidents.append(
                Incident(
                    agent_id,
                    day,
                    kind,
                    Decimal(1) if count is None else count,
                    points,
                    amount,
                    note,
                    row.source(),
                )
            )
    return incidents


def _history(sheet: _Sheet, problems: list[Problem]) -> list[HistoryEntry]:
    known = ("agent_id", "period", "total", "grade", "rank")
    columns = _columns(sheet, known, problems)
    _warn_unknown(sheet, columns, problems)
    if not _require(sheet, columns, ("agent_id", "period"), problems):
        return []
    history: list[HistoryEntry] = []
    first_row: dict[tuple[str, str], int] = {}
    for row in _rows(sheet, columns, problems):
        agent_id = row.get("agent_id", _as_id, required=True)
        period = row.get("period", _as_period, required=True)
        total = row.get("total", _as_number)
        grade = row.get("grade", _as_text)
        rank = row.get("rank", _as_rank)
        if agent_id is None or period is None:
            continue
        key = (agent_id, period)
        if key in first_row:
            row.error(
                "period",
                "duplicate_history",
                message(
                    "tables.duplicate_history",
                    "agent {id} has period {period} on rows {first} and {second}",
                    id=repr(agent_id),
                    period=period,
                    first=first_row[key],
                    second=row.number,
                ),
            )
        else:
            first_row[key] = row.number
        if row.ok:
            history.append(HistoryEntry(agent_id, period, total, grade, rank, row.source()))
    return history


# --- checks across rows and files ------------------------------------------------------------


_AGENT_ID = operator.attrgetter("agent_id")
_PERIOD = operator.attrgetter("period")
_METRIC = operator.attrgetter("metric")
_INDICATOR = operator.attrgetter("indicator")


_RATER_ID = operator.attrgetter("rater_id")
_RATER_ROLE = operator.attrgetter("rater_role")
_VALUE_KEY = operator.attrgetter("agent_id", "period", "metric")
_RATING_KEY = operator.attrgetter("agent_id", "period", "indicator", "rater_role", "rater_id")


def _one_to_one(names: dict[Any, str]) -> bool:
    """No two names that match (normalize alike): then keys differ as written iff they differ
    matched, and the keys as written (made in C) tell whether any repeats."""
    return len(set(names.values())) == len(names)


def _distinct(keys: Iterable[object]) -> bool:
    found = list(keys)
    return len(set(found)) == len(found)


def _duplicate_values(
    values: list[MetricValue], problems: list[Problem], *, written: _Distinct[Any] | None = None
) -> None:
    """The same metric twice for one agent and period: picking either would be a guess.
    ``written``: the values as the column reader found them, no key twice as written."""
    metrics = set(map(_METRIC, values)) if written is None else written.names["metric"]
    names = {m: normalize_name(m) for m in metrics}
    if _one_to_one(names) and (written is not None or _distinct(map(_VALUE_KEY, values))):
        return  # names that match no other name, and no key twice as written
    keys = list(
        zip(
            map(_AGENT_ID, values),
            map(_PERIOD, values),
            map(names.__getitem__, map(_METRIC, values)),
            strict=True,
        )
    )
    if len(set(keys)) == len(keys):
        return  # the common case, seen without a loop over the values
    first: dict[tuple[str | None, str | None, str], MetricValue] = {}
    for key, value in zip(keys, values, strict=True):
        earlier = first.setdefault(key, value)
        if earlier is value:
            continue
        who = (
            message("tables.agent", "agent {id}", id=repr(value.agent_id))
            if value.agent_id
            else message("tables.whole_center", "the whole center")
        )
        when = (
            message("tables.in_period", " in period {period}", period=value.period)
            if value.period
            else ""
        )
        problems.append(
            Problem(
                "error",
                "duplicate_value",
                message(
                    "tables.duplicate_value",
                    "{metric} for {who}{when} is also given at {file} row {row}",
                    metric=repr(value.metric),
                    who=who,
                    when=when,
                    file=earlier.source.file,
                    row=earlier.source.row,
                ),
                file=value.source.file,
                row=value.source.row,
                field=value.source.field or "metric",
            )
        )


def _duplicate_ratings(
    ratings: list[Rating], problems: list[Problem], *, written: _Distinct[Any] | None = None
) -> None:
    """One named rater rating the same indicator twice. Without a rater_id, several anonymous
    raters of one role are legitimate (the scheme decides how to combine them). ``written``: the
    ratings as the column reader found them, no named rater's key twice as written; its names
    are every row's (anonymous ones too), which match no other if the named rows' do not."""
    if written is None:
        named = list(itertools.compress(ratings, map(_RATER_ID, ratings)))
        roles = set(map(_RATER_ROLE, named))
        written_indicators = set(map(_INDICATOR, named))
    else:
        roles, written_indicators = written.names["rater_role"], written.names["indicator"]
    names = {n: normalize_name(n) for n in {*written_indicators, *(r or "" for r in roles)}}
    indicators = {n: names[n] for n in written_indicators}
    if (
        not ("" in roles and None in roles)  # both read as no role
        and _one_to_one(indicators)
        and _one_to_one({r or "": names[r or ""] for r in roles})
        and (written is not None or _distinct(map(_RATING_KEY, named)))
    ):
        return  # no two keys alike as written, and no two names that match
    if written is not None:
        named = list(itertools.compress(ratings, map(_RATER_ID, ratings)))
    keys = [
        (r.agent_id, r.period, names[r.indicator], names[r.rater_role or ""], r.rater_id)
        for r in named
    ]
    if len(set(keys)) == len(keys):
        return
    first: dict[tuple[str, str | None, str, str, str | None], Rating] = {}
    for key, rating in zip(keys, named, strict=True):
        earlier = first.setdefault(key, rating)
        if earlier is rating:
            continue
        problems.append(
            Problem(
                "error",
                "duplicate_rating",
                message(
                    "tables.duplicate_rating",
                    "rater {rater} rates {indicator} of agent {agent} again "
                    "(also at {file} row {row})",
                    rater=repr(rating.rater_id),
                    indicator=repr(rating.indicator),
                    agent=repr(rating.agent_id),
                    file=earlier.source.file,
                    row=earlier.source.row,
                ),
                file=rating.source.file,
                row=rating.source.row,
                field=rating.source.field or "indicator",
            )
        )


def load_inputs(path: Path, *, period: Period | None = None, mapping: Path | None = None) -> Inputs:
    """Read a folder of input tables, or one workbook whose sheets are the tables.

    A folder holds any of ``agents``, ``metric_values``, ``ratings``, ``incidents`` and
    ``history`` as ``.csv`` or ``.xlsx``; other ``.csv`` / ``.xlsx`` files are reported as
    warnings, anything else is ignored. A mapping (``mapping``, else ``mapping.yaml`` in the
    folder) may add per-agent reports (``reports:``), whose rows are rolled up to ``period``.
    Raises :class:`ProblemsError` with every problem in every file (warnings included) when any
    of them is an error.
    """
    # Reading builds a record per cell of a table, each with its source: hundreds of thousands
    # of small acyclic objects, which the cyclic garbage collector would otherwise walk again and
    # again (half the time of a large load).
    enabled = gc.isenabled()
    gc.disable()
    memos = _MEMOS.set({})
    try:
        return _load_inputs(Path(path), period, mapping)
    finally:
        _MEMOS.reset(memos)
        if enabled:
            gc.enable()


def _load_inputs(path: Path, period: Period | None, mapping: Path | None) -> Inputs:
    problems: list[Problem] = []
    if mapping is None and path.is_dir() and (path / "mapping.yaml").is_file():
        mapping = path / "mapping.yaml"
    report_files: set[Path] = set()
    report_values: list[MetricValue] = []
    report_agents: list[Agent] = []
    report_incidents: list[Incident] = []
    report_ratings: list[Rating] = []
    if mapping is not None:
        report_values, report_agents, report_incidents, report_ratings, report_files = (
            _read_reports(path, mapping, period, problems)
        )
    if path.is_dir():
        sheets = _read_folder(path, problems, skip=report_files)
    elif path.is_file() and path.suffix.lower() == ".xlsx":
        sheets = _read_workbook(path, problems)
    else:
        sheets = {}
        said_ = (
            message("tables.path_missing", "{path} does not exist", path=str(path))
            if not path.exists()
            else message(
                "tables.not_folder_or_xlsx",
                "{path} is neither a folder nor an .xlsx workbook",
                path=str(path),
            )
        )
        problems.append(Problem("error", "bad_inputs", said_, file=str(path)))
    if not sheets and not report_files and not any(p.level == "error" for p in problems):
        problems.append(
            Problem(
                "error",
                "no_inputs",
                message(
                    "tables.no_inputs",
                    "no input tables found; expected any of {tables} as .csv or .xlsx",
                    tables=", ".join(TABLE_NAMES),
                ),
                file=str(path),
            )
        )

    agents = _agents(sheets["agents"], problems) if "agents" in sheets else []
    metric_values = (
        _metric_values(sheets["metric_values"], problems) if "metric_values" in sheets else []
    )
    ratings = _ratings(sheets["ratings"], problems) if "ratings" in sheets else []
    incidents = _incidents(sheets["incidents"], problems) if "incidents" in sheets else []
    history = _history(sheets["history"], problems) if "history" in sheets else []
    known = {a.agent_id for a in agents}
    agents += [a for a in report_agents if a.agent_id not in known]
    # Keys the column reader found distinct in the one file that gives them.
    values_written = (
        metric_values if isinstance(metric_values, _Distinct) and not report_values else None
    )
    ratings_written = ratings if isinstance(ratings, _Distinct) and not report_ratings else None
    metric_values = [*metric_values, *report_values]
    incidents += report_incidents
    ratings = [*ratings, *report_ratings]
    _duplicate_values(metric_values, problems, written=values_written)
    _duplicate_ratings(ratings, problems, written=ratings_written)
    if any(p.level == "error" for p in problems):
        raise ProblemsError(problems)
    return Inputs(
        agents=agents,
        metric_values=metric_values,
        ratings=ratings,
        incidents=incidents,
        history=history,
        warnings=problems,
        files=[sheets[name].label for name in TABLE_NAMES if name in sheets]
        + sorted(p.name for p in report_files),
    )


def _read_reports(
    folder: Path, mapping_path: Path, period: Period | None, problems: list[Problem]
) -> tuple[list[MetricValue], list[Agent], list[Incident], list[Rating], set[Path]]:
    """The mapping's per-agent reports, each read from its file (a name or a glob)."""
    from appraise.inputs.reports import read_report
    from appraise.metrics.mapping import ColumnMapping

    try:
        mapping = ColumnMapping.load(mapping_path)
    except ProblemsError as exc:
        problems.extend(exc.problems)
        return [], [], [], [], set()
    base = folder if folder.is_dir() else folder.parent
    values: list[MetricValue] = []
    agents: list[Agent] = []
    incidents: list[Incident] = []
    ratings: list[Rating] = []
    files: set[Path] = set()
    for name, report in mapping.reports.items():
        pattern = report.file or f"{name}.*"
        found = sorted(p for p in base.glob(pattern) if p.is_file())
        if not found:
            problems.append(
                Problem(
                    "error",
                    "file_missing",
                    message(
                        "tables.no_report_file",
                        "report {name}: no file matches {pattern}",
                        name=name,
                        pattern=repr(pattern),
                    ),
                    file=str(mapping_path.name),
                )
            )
            continue
        for file in found:
            files.add(file)
            read = read_report(file, report, period, label=file.name)
            problems.extend(read.problems)
            values.extend(read.values)
            incidents.extend(read.incidents)
            ratings.extend(read.ratings)
            agents.extend(a for a in read.agents if a.agent_id not in {x.agent_id for x in agents})
    return values, agents, incidents, ratings, files
