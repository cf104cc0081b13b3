"""Import a folder of exports into the event store: checked, transactional, idempotent.

Each file is converted and checked in SQL (DuckDB's own CSV/Parquet/JSON readers; Python only
walks XLSX rows), so 30 million messages are checked as fast as they are read. A failed check
leaves the value NULL and records the column, the kind of failure and the raw text in an ``_err``
column; bad rows are then listed with their row number. The checks are one counting scan of the
file; a table that is still empty is then filled straight from the file in storage order, with no
staging copy, and only a table that already holds rows gets a temporary copy to match keys
against. Only when every file is clean is anything written, in one transaction that also derives
the per-conversation facts (:mod:`appraise.metrics.derive`), so an import either lands completely
or not at all. Into a store file DuckDB works under a 2 GB memory budget and spills the sort to
disk.

Rows are matched to stored rows by the table's key. A row whose key is stored with the same
content is ``unchanged``; with different content it replaces the stored row (``updated``: a
re-export corrects data); a new key is ``inserted``. Importing the same file twice therefore
changes nothing. Messages have no natural key; when the export has no ``seq`` the importer numbers
the messages of each conversation in file order, which is stable for the same file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import pyarrow as pa

from appraise.metrics.config import CenterConfig
from appraise.metrics.derive import derive_facts, facts_current
from appraise.metrics.mapping import ColumnMapping, FileFormat, TableMapping
from appraise.metrics.schema import TABLES, Column, Table
from appraise.problems import Problem, ProblemsError

EXTENSIONS: dict[str, FileFormat] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
# Files a data folder may hold that are not event data (configuration, notes).
NOT_DATA_SUFFIXES = {".yaml", ".yml", ".md"}

TRUE_WORDS = ("true", "t", "1", "yes", "y", "是")
FALSE_WORDS = ("false", "f", "0", "no", "n", "否")

ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("messages", "sender"): ("customer", "agent", "bot", "system"),
    ("reviews", "rating"): ("good", "medium", "bad"),
    ("qa_reviews", "source"): ("internal", "external"),
    ("calls", "hung_up_by"): ("agent", "customer"),
}
# Inclusive bounds; None is unbounded. Durations and counts cannot be negative.
RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("surveys", "csat"): (1, 5),
    ("surveys", "nps"): (0, 10),
    ("calls", "hold_seconds"): (0, None),
    ("calls", "wrap_seconds"): (0, None),
    ("attendance", "scheduled_hours"): (0, 24),
    ("attendance", "worked_hours"): (0, 24),
    ("attendance", "late_minutes"): (0, None),
    ("qa_reviews", "fatal_errors"): (0, None),
    ("qa_reviews", "nonfatal_errors"): (0, None),
    ("qa_reviews", "opportunities"): (0, None),
}
# Storage order. Messages are clustered by conversation and time, as the reply-time metrics read
# them; the other tables by their event time, so a period filter skips whole row groups.
ORDER: dict[str, tuple[str, ...]] = {
    "conversations": ("started_at", "conversation_id"),
    "messages": ("conversation_id", "sent_at", "seq"),
    "calls": ("offered_at", "call_id"),
    "tickets": ("created_at", "ticket_id"),
    "surveys": ("submitted_at", "survey_id"),
    "orders": ("created_at", "order_id"),
    "reviews": ("created_at", "review_id"),
    "attendance": ("date", "agent_id"),
    "qa_reviews": ("reviewed_at", "review_id"),
    "targets": ("period", "agent_id", "metric"),
}


def _order_sql(table: str) -> str:
    """ORDER BY list of a table's storage order. Messages put a customer's message before an
    agent's at the same instant and seq, the order the facts read them in."""
    cols = [_ident(c) for c in ORDER[table]]
    if table == "messages":
        cols.append("\"sender\" = 'agent'")
    return ", ".join(cols)


# Value problems listed per file; past this a file gets one summary problem with the total, so a
# 30-million-row file with a wrong time format does not produce 30 million Python objects.
MAX_PROBLEMS_PER_FILE = 10_000

_INT_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
_FLOAT_TYPES = {"FLOAT", "DOUBLE"}
_TS_TYPES = {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE"}
_DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-16": "utf-16", "latin-1": "latin-1"}
_SEP = "\x1f"
_REC = "\x1e"


@dataclass(frozen=True, slots=True)
class TableCounts:
    """What one file did to one table. ``read`` = inserted + updated + unchanged + superseded."""

    table: str
    file: str
    read: int
    inserted: int
    updated: int
    unchanged: int
    # Rows dropped because a later row of the same file had the same key (on_duplicate: last).
    superseded: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    tables: dict[str, TableCounts]
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Source:
    table: Table
    path: Path
    fmt: FileFormat
    mapping: TableMapping
    nulls: tuple[str, ...]


@dataclass(slots=True)
class _Staged:
    """A checked file: ``stage`` is a FROM item, the checked query itself when the table was
    empty (inserted straight from the file), else the temporary table ``name``."""

    source: _Source
    stage: str
    read: int
    name: str
    superseded: int = 0


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _err(path: Path, code: str, message: str, **where: Any) -> Problem:
    return Problem("error", code, message, str(path), **where)


# --- finding the files ----------------------------------------------------------------------


def _find_sources(folder: Path, mapping: ColumnMapping, problems: list[Problem]) -> list[_Source]:
    """One source per table present; every other file is a warning, two files for a table an
    error (which of them is the truth is not ours to guess)."""
    claimed: dict[Path, str] = {}
    for tname, tmap in mapping.tables.items():
        if tmap.file is not None:
            claimed[(folder / tmap.file).resolve()] = tname
    found: dict[str, list[Path]] = {}
    for tname, tmap in mapping.tables.items():
        if tmap.file is not None:
            path = folder / tmap.file
            if not path.is_file():
                problems.append(
                    _err(path, "file_missing", f"the mapping names this file for table {tname}")
                )
            else:
                found.setdefault(tname, []).append(path)
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.resolve() in claimed:
            continue
        if path.is_dir():
            problems.append(
                Problem("warning", "folder_ignored", "sub-folders are not read", str(path))
            )
            continue
        if path.suffix.lower() in NOT_DATA_SUFFIXES:
            continue
        tname = path.stem
        if path.suffix.lower() not in EXTENSIONS:
            problems.append(
                Problem(
                    "warning",
                    "file_ignored",
                    "not a file type appraise reads (csv, tsv, xlsx, jsonl, parquet); ignored",
                    str(path),
                )
            )
        elif tname not in TABLES:
            problems.append(
                Problem(
                    "warning",
                    "file_ignored",
                    f"{tname!r} is not a canonical table ({', '.join(TABLES)}); ignored",
                    str(path),
                )
            )
        elif (own := mapping.table(tname)) is not None and own.file is not None:
            problems.append(
                Problem(
                    "warning",
                    "file_ignored",
                    f"the mapping reads table {tname} from {own.file}; this file is ignored",
                    str(path),
                )
            )
        else:
            found.setdefault(tname, []).append(path)
    sources: list[_Source] = []
    for tname in TABLES:
        paths = found.get(tname, [])
        if len(paths) > 1:
            problems.extend(
                _err(p, "table_twice", f"{len(paths)} files hold table {tname}; keep one")
                for p in paths
            )
            continue
        if not paths:
            continue
        path = paths[0]
        tmap = mapping.table(tname) or TableMapping()
        fmt = tmap.format or EXTENSIONS.get(path.suffix.lower(), "csv")
        sources.append(_Source(TABLES[tname], path, fmt, tmap, tuple(mapping.nulls_for(tname))))
    return sources


# --- reading a file into a raw relation -------------------------------------------------------


@dataclass(slots=True)
class _Raw:
    """A file as a relation: ``relation`` (SQL FROM item), its columns as (header, SQL column,
    DuckDB type), and the SQL expression of a row's number as the user counts it."""

    relation: str
    columns: list[tuple[str | None, str, str]]
    row_expr: str


def _transcode(path: Path, encoding: str, workdir: Path, problems: list[Problem]) -> Path | None:
    """Re-encode a CSV in UTF-8 for DuckDB, reporting every line that does not decode."""
    out = workdir / f"{path.stem}.utf8.csv"
    bad_lines: list[int] = []
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        for number, line in enumerate(src, start=1):
            try:
                dst.write(line.decode(encoding))
            except UnicodeDecodeError as exc:
                bad_lines.append(number)
                if len(bad_lines) <= MAX_PROBLEMS_PER_FILE:
                    problems.append(
                        _err(
                            path,
                            "bad_encoding",
                            f"bytes that are not {encoding}: {exc.reason}",
                            row=number,
                        )
                    )
    return None if bad_lines else out


def _csv_header(path: Path, encoding: str, delimiter: str, quote: str) -> list[str]:
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = (
            csv.reader(fh, delimiter=delimiter, quoting=csv.QUOTE_NONE)
            if quote == ""
            else csv.reader(fh, delimiter=delimiter, quotechar=quote)
        )
        return next(reader, [])


def _read_csv(
    conn: duckdb.DuckDBPyConnection,
    src: _Source,
    name: str,
    workdir: Path,
    problems: list[Problem],
) -> _Raw | None:
    tmap = src.mapping
    delimiter = tmap.delimiter or ("\t" if src.path.suffix.lower() == ".tsv" else ",")
    quote = '"' if tmap.quote is None else tmap.quote
    try:
        encoding = codecs.lookup(tmap.encoding).name
    except LookupError:
        problems.append(_err(src.path, "bad_encoding", f"unknown encoding {tmap.encoding!r}"))
        return None
    path = src.path
    duck_encoding = _DUCKDB_ENCODINGS.get(encoding)
    if duck_encoding is None:
        converted = _transcode(src.path, encoding, workdir, problems)
        if converted is None:
            return None
        path, duck_encoding, encoding = converted, "utf-8", "utf-8"
    try:
        first = _csv_header(
            path, "utf-8-sig" if encoding == "utf-8" else encoding, delimiter, quote
        )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(_err(src.path, "file_unreadable", str(exc), row=1))
        return None
    if not first:
        problems.append(_err(src.path, "file_empty", "the file is empty"))
        return None
    n = len(first)
    header: list[str | None] = [h.strip() for h in first] if tmap.header else [None] * n
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, n + 1)) + "}"
    quoting = f", quote={_lit(quote)}, escape={_lit(quote)}"
    rej = f"{name}_rej"
    first_row = 2 if tmap.header else 1
    try:
        conn.execute(
            # A streaming row_number() keeps file order: row numbers as the user counts them.
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER () + {first_row - 1} AS _row, "
            f"* FROM read_csv({_lit(str(path))}, "
            f"columns={columns}, header={str(tmap.header).lower()}, delim={_lit(delimiter)}"
            f"{quoting}, encoding={_lit(duck_encoding)}, auto_detect=false, "
            f"store_rejects=true, rejects_table='{rej}', rejects_scan='{rej}_scan')"
        )
    except duckdb.Error as exc:
        problems.append(_err(src.path, "file_unreadable", str(exc).splitlines()[0]))
        return None
    rejects = conn.execute(
        f"SELECT line, column_name, error_type, error_message FROM {rej} ORDER BY line"
    ).fetchall()
    conn.execute(f"DROP TABLE IF EXISTS {rej}")
    conn.execute(f"DROP TABLE IF EXISTS {rej}_scan")
    if rejects:
        # Rejected lines are missing from the table, so later row numbers would be off: report
        # the file's structure problems alone.
        for line, column, kind, message in rejects[:MAX_PROBLEMS_PER_FILE]:
            problems.append(
                _err(
                    src.path,
                    "bad_row",
                    f"{kind.lower()}: {message}",
                    row=int(line),
                    field=_header_name(header, column),
                )
            )
        return None
    cols = [(header[i], f"c{i + 1}", "VARCHAR") for i in range(n)]
    return _Raw(name, cols, "_row")


def _header_name(header: list[str | None], column: str | None) -> str | None:
    if column is None or not column.startswith("c") or not column[1:].isdigit():
        return column
    i = int(column[1:]) - 1
    return header[i] if 0 <= i < len(header) and header[i] else f"column {i + 1}"


def _cell_text(value: Any) -> str | None:
    """An XLSX cell as the text a CSV export would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _read_xlsx(
    conn: duckdb.DuckDBPyConnection, src: _Source, name: str, problems: list[Problem]
) -> _Raw | None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(src.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError... on bad files
        problems.append(_err(src.path, "file_unreadable", f"not a readable XLSX file: {exc}"))
        return None
    try:
        sheet_name = src.mapping.sheet
        if sheet_name is not None and sheet_name not in book.sheetnames:
            problems.append(
                _err(src.path, "sheet_missing", f"no sheet {sheet_name!r} ({book.sheetnames})")
            )
            return None
        sheet = book[sheet_name] if sheet_name is not None else book.worksheets[0]
        rows: list[tuple[int, list[str | None]]] = []
        header: list[str | None] | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            texts = [_cell_text(v) for v in values]
            if all(t is None or t.strip() == "" for t in texts):
                continue
            if header is None and src.mapping.header:
                header = [t.strip() if t is not None else None for t in texts]
                continue
            rows.append((number, texts))
    finally:
        book.close()
    width = max([len(header or [])] + [len(t) for _, t in rows])
    if header is None:
        header = [None] * width
    header = header + [None] * (width - len(header))
    data: dict[str, list[Any]] = {"_row": [r for r, _ in rows]}
    for i in range(width):
        data[f"c{i + 1}"] = [t[i] if i < len(t) else None for _, t in rows]
    arrow = pa.table(
        {k: pa.array(v, type=pa.int64() if k == "_row" else pa.string()) for k, v in data.items()}
    )
    conn.register(f"{name}_arrow", arrow)
    try:
        conn.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        conn.unregister(f"{name}_arrow")
    cols = [(header[i], f"c{i + 1}", "VARCHAR") for i in range(width)]
    return _Raw(name, cols, "_row")


def _read_jsonl(
    conn: duckdb.DuckDBPyConnection, src: _Source, name: str, problems: list[Problem]
) -> _Raw | None:
    path = _lit(str(src.path))
    try:
        keys = [
            r[0]
            for r in conn.execute(
                f"DESCRIBE SELECT * FROM read_json({path}, format='newline_delimited', "
                "sample_size=-1)"
            ).fetchall()
        ]
        # Every value as text, so that the checks below treat JSON like CSV.
        spec = "{" + ", ".join(f"{_lit(k)}: 'VARCHAR'" for k in keys) + "}"
        conn.execute(
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER () AS _row, "
            f"* FROM read_json({path}, "
            f"format='newline_delimited', columns={spec})"
        )
    except duckdb.Error as exc:
        problems.append(_err(src.path, "file_unreadable", str(exc).splitlines()[0]))
        return None
    return _Raw(name, [(k, _ident(k), "VARCHAR") for k in keys], "_row")


def _read_parquet(
    conn: duckdb.DuckDBPyConnection, src: _Source, problems: list[Problem]
) -> _Raw | None:
    relation = f"read_parquet({_lit(str(src.path))}, file_row_number=true)"
    try:
        described = conn.execute(
            f"DESCRIBE SELECT * FROM read_parquet({_lit(str(src.path))})"
        ).fetchall()
    except duckdb.Error as exc:
        problems.append(_err(src.path, "file_unreadable", str(exc).splitlines()[0]))
        return None
    cols: list[tuple[str | None, str, str]] = [
        (str(r[0]), _ident(str(r[0])), str(r[1])) for r in described
    ]
    return _Raw(relation, cols, "(file_row_number + 1)")


# --- converting and checking values in SQL ---------------------------------------------------


def _native(column: Column, source_type: str) -> str | None:
    """The SQL that turns a typed source column into the canonical type when that cannot fail
    (``{x}`` is the source), or None when the value has to go through the text checks."""
    t = source_type.upper()
    base = t.split("(")[0]
    if column.type == "string":
        return "NULLIF({x}, '')" if t == "VARCHAR" else None
    if column.type == "timestamp":
        if t == "TIMESTAMP WITH TIME ZONE":
            return "{x}"
        return "CAST({x} AS TIMESTAMPTZ)" if t in _TS_TYPES else None
    if column.type == "bool":
        return "{x}" if t == "BOOLEAN" else None
    if column.type == "int":
        return "CAST({x} AS BIGINT)" if t in _INT_TYPES else None
    if column.type == "float":
        if t in _INT_TYPES or t in _FLOAT_TYPES or base == "DECIMAL":
            return "CAST({x} AS DOUBLE)"
        return None
    if column.type == "money":
        if t in _INT_TYPES - {"BIGINT", "UINTEGER"}:
            return "CAST({x} AS DECIMAL(18,2))"
        if base == "DECIMAL":
            precision, scale = (int(p) for p in t[len("DECIMAL(") : -1].split(","))
            if scale <= 2 and precision - scale <= 16:
                return "CAST({x} AS DECIMAL(18,2))"
        return None
    if column.type == "date":
        return "{x}" if t == "DATE" else None
    raise AssertionError(column.type)


def _parse(column: Column, formats: list[str] | None) -> str:
    """SQL turning trimmed text ``{v}`` into the canonical type, NULL where it does not parse."""
    fmts = "[" + ", ".join(_lit(f) for f in formats) + "]" if formats else None
    if column.type == "string":
        return "{v}"
    if column.type == "timestamp":
        # The session time zone is the center's during import, so naive text is local time
        # and text with an offset keeps its instant.
        parts = [
            "TRY_CAST({v} AS TIMESTAMPTZ)",
            "TRY_CAST(replace({v}, '/', '-') AS TIMESTAMPTZ)",
        ]
        if fmts:
            parts.insert(0, f"CAST(try_strptime({{v}}, {fmts}) AS TIMESTAMPTZ)")
        return "COALESCE(" + ", ".join(parts) + ")"
    if column.type == "date":
        parts = [
            "TRY_CAST({v} AS DATE)",
            "TRY_CAST(replace({v}, '/', '-') AS DATE)",
            # A spreadsheet date cell arrives as a midnight datetime.
            "CASE WHEN TRY_CAST({v} AS TIMESTAMP) = CAST(TRY_CAST({v} AS TIMESTAMP) AS DATE) "
            "THEN CAST(TRY_CAST({v} AS TIMESTAMP) AS DATE) END",
        ]
        if fmts:
            parts.insert(0, f"CAST(try_strptime({{v}}, {fmts}) AS DATE)")
        return "COALESCE(" + ", ".join(parts) + ")"
    if column.type == "bool":
        trues = ", ".join(_lit(w) for w in TRUE_WORDS)
        falses = ", ".join(_lit(w) for w in FALSE_WORDS)
        return (
            f"CASE WHEN lower({{v}}) IN ({trues}) THEN true "
            f"WHEN lower({{v}}) IN ({falses}) THEN false END"
        )
    if column.type == "int":
        d = "TRY_CAST({v} AS DECIMAL(38,10))"
        return f"CASE WHEN {d} = trunc({d}) THEN TRY_CAST({d} AS BIGINT) END"
    if column.type == "float":
        f = "TRY_CAST({v} AS DOUBLE)"
        return f"CASE WHEN isfinite({f}) THEN {f} END"
    if column.type == "money":
        # "¥1,234.50" is money; more than two decimals is not (it would be rounded silently).
        plain = "regexp_replace({v}, '^[¥￥$€£]\\s*', '')"
        grouped = (
            f"CASE WHEN regexp_matches({plain}, '^-?\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?$') "
            f"THEN replace({plain}, ',', '') ELSE {plain} END"
        )
        m = f"TRY_CAST({grouped} AS DECIMAL(38,10))"
        return (
            f"CASE WHEN {m} = round({m}, 2) AND abs({m}) < 1e16 THEN CAST({m} AS DECIMAL(18,2)) END"
        )
    raise AssertionError(column.type)


def _describe(column: Column, formats: list[str] | None) -> str:
    if column.type == "timestamp":
        text = "a time (like 2026-10-05 09:00 or 2026-10-05T09:00:00+08:00)"
    elif column.type == "date":
        text = "a date (like 2026-10-05)"
    elif column.type == "bool":
        text = "a yes/no value (true/false, 1/0, yes/no, 是/否)"
    elif column.type == "int":
        text = "a whole number"
    elif column.type == "float":
        text = "a number"
    elif column.type == "money":
        text = "an amount of money with at most two decimals"
    else:
        text = "text"
    if formats and column.type in ("timestamp", "date"):
        text += " or in the format " + " or ".join(formats)
    return text


def _resolve(src: _Source, raw: _Raw, problems: list[Problem]) -> dict[str, tuple[str, str]] | None:
    """Canonical column -> (SQL expression, DuckDB type) of its source; None if a required
    column is missing. Columns the file has but nobody reads are reported as a warning."""
    tmap = src.mapping
    exact = {h: i for i, (h, _, _) in reversed(list(enumerate(raw.columns))) if h is not None}
    loose = {h.lower(): i for h, i in exact.items()}
    used: set[int] = set()
    found: dict[str, tuple[str, str]] = {}
    ok = True
    positional = not tmap.header and not tmap.columns
    for number, col in enumerate(src.table.columns):
        spec = tmap.spec(col.name)
        index: int | None = None
        if spec.constant is not None:
            found[col.name] = (_lit(spec.constant), "VARCHAR")
            continue
        if isinstance(spec.source, int):
            if spec.source > len(raw.columns):
                problems.append(
                    _err(
                        src.path,
                        "column_missing",
                        f"the mapping reads {col.name} from column {spec.source}, "
                        f"but the file has {len(raw.columns)} columns",
                        field=col.name,
                    )
                )
                ok = False
                continue
            index = spec.source - 1
        elif spec.source is not None:
            index = exact.get(spec.source, loose.get(spec.source.strip().lower()))
            if index is None:
                problems.append(
                    _err(
                        src.path,
                        "column_missing",
                        f"the mapping reads {col.name} from column {spec.source!r}, "
                        "which the file does not have",
                        field=spec.source,
                    )
                )
                ok = False
                continue
        elif positional:
            # No header and no mapping: the columns are in the canonical order.
            index = number if number < len(raw.columns) else None
        else:
            index = exact.get(col.name, loose.get(col.name))
        if index is None:
            if col.required:
                problems.append(
                    _err(
                        src.path,
                        "column_missing",
                        f"required column {col.name} is missing",
                        field=col.name,
                    )
                )
                ok = False
            continue
        used.add(index)
        _, sql, type_ = raw.columns[index]
        found[col.name] = (sql, type_)
    unused = [
        h if h is not None else f"column {i + 1}"
        for i, (h, _, _) in enumerate(raw.columns)
        if i not in used
    ]
    if unused:
        problems.append(
            Problem(
                "warning",
                "columns_ignored",
                "columns that are not canonical and not mapped are ignored: " + ", ".join(unused),
                str(src.path),
            )
        )
    return found if ok else None


def _text_expr(src_sql: str, column: Column, src: _Source) -> str:
    """Source value as text: trimmed (but free text keeps its spaces), empty and null tokens
    as NULL, codes translated by the mapping's value map."""
    spec = src.mapping.spec(column.name)
    text = f"CAST({src_sql} AS VARCHAR)"
    trimmed = f"trim({text})"
    value = f"NULLIF({trimmed}, '')" if column.name != "text" else f"NULLIF({text}, '')"
    if src.nulls:
        tokens = ", ".join(_lit(t) for t in src.nulls)
        value = f"CASE WHEN {trimmed} IN ({tokens}) THEN NULL ELSE {value} END"
    if spec.values:
        whens = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in spec.values.items())
        value = f"CASE {value} {whens} ELSE {value} END"
    return value


def _stage(
    conn: duckdb.DuckDBPyConnection,
    src: _Source,
    raw: _Raw,
    name: str,
    problems: list[Problem],
) -> _Staged | None:
    table = src.table
    resolved = _resolve(src, raw, problems)
    if resolved is None:
        return None
    inner = [f"{raw.row_expr} AS _row"]
    middle = ["_row"]
    outer = ["_row"]
    checks: list[str] = []
    for i, col in enumerate(table.columns):
        v = f"_v{i}"
        q = _ident(col.name)
        duck = {"string": "VARCHAR", "timestamp": "TIMESTAMPTZ", "bool": "BOOLEAN"}.get(
            col.type,
            {"int": "BIGINT", "float": "DOUBLE", "money": "DECIMAL(18,2)"}.get(col.type, "DATE"),
        )
        spec = src.mapping.spec(col.name)
        key = (table.name, col.name)
        if col.name not in resolved:
            inner.append(f"CAST(NULL AS VARCHAR) AS {v}")
            middle.append(f"CAST(NULL AS {duck}) AS {q}, {v}")
        else:
            sql, type_ = resolved[col.name]
            native = None
            if not spec.values and not (type_ == "VARCHAR" and src.nulls) and key not in ENUMS:
                native = _native(col, type_)
            if native is not None:
                inner.append(f"{sql} AS {v}")
                middle.append(f"{native.replace('{x}', v)} AS {q}, {v}")
            else:
                inner.append(f"{_text_expr(sql, col, src)} AS {v}")
                typed = "lower({v})" if key in ENUMS else _parse(col, spec.format)
                middle.append(f"{typed.replace('{v}', v)} AS {q}, {v}")
                if col.type != "string":
                    checks.append(_check(col.name, "type", f"{v} IS NOT NULL AND {q} IS NULL", v))
        if col.required:
            checks.append(_check(col.name, "missing", f"{v} IS NULL", v))
        if key in ENUMS:
            allowed = ", ".join(_lit(a) for a in ENUMS[key])
            checks.append(_check(col.name, "enum", f"{q} NOT IN ({allowed})", v))
        if key in RANGES:
            lo, hi = RANGES[key]
            bounds = [
                f"{q} < {lo}" if lo is not None else "",
                f"{q} > {hi}" if hi is not None else "",
            ]
            checks.append(_check(col.name, "range", " OR ".join(b for b in bounds if b), v))
        outer.append(q)
    err = f"NULLIF(concat_ws(chr(30), {', '.join(checks)}), '')" if checks else "NULL"
    source = f"(SELECT {', '.join(middle)} FROM (SELECT {', '.join(inner)} FROM {raw.relation}))"
    typed = f"(SELECT {', '.join(outer)}, CAST({err} AS VARCHAR) AS _err FROM {source})"
    messages = table.name == "messages"
    # One scan converts and checks every value (and counts messages without a seq) without
    # keeping the rows: a month of messages is not copied before it is known to be clean.
    unnumbered = "count(*) FILTER (WHERE seq IS NULL)" if messages else "0"
    try:
        ((read, bad, missing_seq),) = conn.execute(
            f"SELECT count(*), count(_err), {unnumbered} FROM {typed}"
        ).fetchall()
    except duckdb.Error as exc:
        problems.append(_err(src.path, "file_unreadable", str(exc).splitlines()[0]))
        return None
    if messages and missing_seq:
        # Same file, same numbers: file order within each conversation. Only when some rows
        # lack a seq, as numbering sorts the whole file.
        numbered = "row_number() OVER (PARTITION BY conversation_id ORDER BY _row)"
        cols = ", ".join(
            f"COALESCE(seq, {numbered}) AS seq" if o == _ident("seq") else o for o in outer
        )
        typed = f"(SELECT {cols}, _err FROM {typed})"
    staged = _Staged(src, typed, int(read), name=name)
    if not _is_empty(conn, table.name):
        # Rows are matched against stored ones by key: that join wants its own copy.
        try:
            conn.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {typed}")
        except duckdb.Error as exc:
            problems.append(_err(src.path, "file_unreadable", str(exc).splitlines()[0]))
            return None
        staged.stage = name
    if bad:
        _report_bad_values(conn, staged, int(bad), problems)
    # Without a seq column the numbering makes message keys unique; checking would cost a
    # 30-million-row aggregate for nothing.
    if not messages or "seq" in resolved:
        _check_duplicates(conn, staged, problems)
    return staged


def _is_empty(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    return not conn.execute(f"SELECT count(*) FROM {_ident(table)}").fetchall()[0][0]


def _check(column: str, kind: str, predicate: str, value: str) -> str:
    tag = _lit(f"{column}{_SEP}{kind}{_SEP}")
    return f"CASE WHEN {predicate} THEN {tag} || COALESCE(CAST({value} AS VARCHAR), '') END"


def _report_bad_values(
    conn: duckdb.DuckDBPyConnection, staged: _Staged, bad: int, problems: list[Problem]
) -> None:
    src = staged.source
    rows = conn.execute(
        f"SELECT _row, _err FROM {staged.stage} WHERE _err IS NOT NULL ORDER BY _row "
        f"LIMIT {MAX_PROBLEMS_PER_FILE}"
    ).fetchall()
    for row, err in rows:
        for entry in str(err).split(_REC):
            cname, kind, value = entry.split(_SEP, 2)
            col = src.table.column(cname)
            spec = src.mapping.spec(cname)
            where = spec.source if isinstance(spec.source, str) else cname
            key = (src.table.name, cname)
            if kind == "missing":
                code, message = "value_missing", f"{cname} is required but empty"
            elif kind == "type":
                code, message = "bad_value", f"{value!r} is not {_describe(col, spec.format)}"
            elif kind == "enum":
                code = "bad_value"
                message = (
                    f"{value!r} is not one of {' | '.join(ENUMS[key])} "
                    "(a mapping file can translate other codes)"
                )
            else:
                lo, hi = RANGES[key]
                code = "out_of_range"
                bounds = f"{lo:g}..{hi:g}" if lo is not None and hi is not None else f">= {lo:g}"
                message = f"{value} is outside {bounds}"
            problems.append(_err(src.path, code, message, row=int(row), field=where))
    if bad > len(rows):
        problems.append(
            _err(
                src.path,
                "too_many_problems",
                f"{bad} rows have bad values; the first {len(rows)} are listed",
            )
        )


def _check_duplicates(
    conn: duckdb.DuckDBPyConnection, staged: _Staged, problems: list[Problem]
) -> None:
    src = staged.source
    key = src.table.key
    cols = ", ".join(_ident(k) for k in key)
    shown = ", ".join(f"CAST({_ident(k)} AS VARCHAR)" for k in key)
    dups = conn.execute(
        f"SELECT list(_row ORDER BY _row), [{shown}] FROM {staged.stage} "
        f"WHERE {' AND '.join(f'{_ident(k)} IS NOT NULL' for k in key)} GROUP BY {cols} "
        f"HAVING count(*) > 1 ORDER BY min(_row) LIMIT {MAX_PROBLEMS_PER_FILE}"
    ).fetchall()
    if not dups:
        return
    if src.mapping.on_duplicate == "last":
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE {staged.name} AS SELECT * FROM {staged.stage} "
            f"QUALIFY row_number() OVER (PARTITION BY {cols} ORDER BY _row DESC) = 1"
        )
        staged.stage = staged.name
        (left,) = conn.execute(f"SELECT count(*) FROM {staged.stage}").fetchone() or (0,)
        staged.superseded = staged.read - int(left)
        return
    for rows, values in dups:
        described = ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))
        for row in rows[1:]:
            problems.append(
                _err(
                    src.path,
                    "duplicate_key",
                    f"duplicate key ({described}), first in row {rows[0]}; keys must be "
                    "unique within a file (or set on_duplicate: last in the mapping)",
                    row=int(row),
                    field=",".join(key),
                )
            )


# --- merging into the store ------------------------------------------------------------------


def _merge(conn: duckdb.DuckDBPyConnection, staged: _Staged) -> TableCounts:
    table = staged.source.table
    target = _ident(table.name)
    cols = ", ".join(_ident(c) for c in table.column_names)
    order = _order_sql(table.name)
    stage = staged.stage
    cls = f"{staged.name}_cls"
    kept = staged.read - staged.superseded
    (existing,) = conn.execute(f"SELECT count(*) FROM {target}").fetchone() or (0,)
    if not existing:
        conn.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {stage} ORDER BY {order}")
        return TableCounts(
            table.name, str(staged.source.path), staged.read, kept, 0, 0, staged.superseded
        )
    on = " AND ".join(f"s.{_ident(k)} = t.{_ident(k)}" for k in table.key)
    same = " AND ".join(
        f"s.{_ident(c)} IS NOT DISTINCT FROM t.{_ident(c)}"
        for c in table.column_names
        if c not in table.key
    )
    conn.execute(
        f"CREATE TEMP TABLE {cls} AS SELECT s._row, CASE WHEN t._hit IS NULL THEN 'new' "
        f"WHEN {same or 'true'} THEN 'same' ELSE 'changed' END AS status "
        f"FROM {stage} s LEFT JOIN (SELECT *, true AS _hit FROM {target}) t ON {on}"
    )
    counts = dict(conn.execute(f"SELECT status, count(*) FROM {cls} GROUP BY status").fetchall())
    if counts.get("changed"):
        keys = ", ".join(_ident(k) for k in table.key)
        match = " AND ".join(f"{target}.{_ident(k)} = c.{_ident(k)}" for k in table.key)
        conn.execute(
            f"DELETE FROM {target} USING (SELECT {keys} FROM {stage} JOIN {cls} "
            f"USING (_row) WHERE status = 'changed') c WHERE {match}"
        )
    if counts.get("changed") or counts.get("new"):
        conn.execute(
            f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {stage} JOIN {cls} "
            f"USING (_row) WHERE status <> 'same' ORDER BY {order}"
        )
    conn.execute(f"DROP TABLE {cls}")
    return TableCounts(
        table.name,
        str(staged.source.path),
        staged.read,
        int(counts.get("new", 0)),
        int(counts.get("changed", 0)),
        int(counts.get("same", 0)),
        staged.superseded,
    )


# --- the import -------------------------------------------------------------------------------


# DuckDB's memory budget while importing into a store file. Sorting a month of messages into
# storage order and checking their keys then spills to the store's temporary folder instead of
# taking ~6 GB (measured: 5.6 GB without, 2.1 GB with, ~25% slower). An in-memory store keeps
# the default: its data cannot go anywhere else.
IMPORT_MEMORY_LIMIT = 2 * 2**30
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def _bytes(setting: str) -> float:
    number, _, unit = setting.strip().partition(" ")
    return float(number) * _UNITS.get(unit.upper() or "B", 1)


@contextmanager
def _import_memory(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    ((path, limit),) = conn.execute(
        "SELECT path, current_setting('memory_limit') FROM duckdb_databases() "
        "WHERE database_name = current_database()"
    ).fetchall()
    if path is None or _bytes(str(limit)) <= IMPORT_MEMORY_LIMIT:
        yield
        return
    conn.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}B'")
    try:
        yield
    finally:
        conn.execute(f"SET memory_limit = {_lit(str(limit))}")


@contextmanager
def _session_time_zone(conn: duckdb.DuckDBPyConnection, zone: str) -> Iterator[None]:
    """Read naive times in the center's zone; the store's sessions are UTC otherwise."""
    conn.execute(f"SET TimeZone = {_lit(zone)}")
    try:
        yield
    finally:
        conn.execute("SET TimeZone = 'UTC'")


def _read(
    conn: duckdb.DuckDBPyConnection,
    src: _Source,
    name: str,
    workdir: Path,
    problems: list[Problem],
) -> _Raw | None:
    if src.fmt == "csv":
        return _read_csv(conn, src, name, workdir, problems)
    if src.fmt == "xlsx":
        return _read_xlsx(conn, src, name, problems)
    if src.fmt == "jsonl":
        return _read_jsonl(conn, src, name, problems)
    return _read_parquet(conn, src, problems)


def import_folder(
    conn: duckdb.DuckDBPyConnection,
    folder: Path,
    *,
    config: CenterConfig,
    mapping: ColumnMapping | None = None,
) -> ImportReport:
    """Import every canonical file in ``folder`` into the store behind ``conn``.

    All or nothing: with any error, every problem found in every file is raised in one
    :class:`ProblemsError` and the store is left exactly as it was.
    """
    folder = Path(folder)
    mapping = mapping if mapping is not None else ColumnMapping()
    problems: list[Problem] = mapping.problems("mapping")
    if not folder.is_dir():
        raise ProblemsError([Problem("error", "folder_missing", "no such folder", str(folder))])
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem("error", "bad_timezone", f"unknown time zone {config.timezone!r}", "config")
        )
    if any(p.level == "error" for p in problems):
        raise ProblemsError(problems)
    sources = _find_sources(folder, mapping, problems)
    with _import_memory(conn):
        return _import(conn, sources, problems, config)


def _import(
    conn: duckdb.DuckDBPyConnection,
    sources: list[_Source],
    problems: list[Problem],
    config: CenterConfig,
) -> ImportReport:
    conn.execute("BEGIN TRANSACTION")
    try:
        staged: list[_Staged] = []
        with (
            _session_time_zone(conn, config.timezone),
            tempfile.TemporaryDirectory(prefix="appraise-import-") as tmp,
        ):
            for src in sources:
                name = f"_imp_{src.table.name}"
                raw = _read(conn, src, f"{name}_raw", Path(tmp), problems)
                if raw is None:
                    continue
                result = _stage(conn, src, raw, f"{name}_stage", problems)
                if result is not None:
                    staged.append(result)
            if any(p.level == "error" for p in problems):
                raise ProblemsError(problems)
            # Still in the center's zone: a file inserted straight from its checked query
            # reads its naive times now.
            counts = {st.source.table.name: _merge(conn, st) for st in staged}
        for src in sources:
            for suffix in ("raw", "stage"):
                conn.execute(f"DROP TABLE IF EXISTS _imp_{src.table.name}_{suffix}")
        changed = any(
            c.inserted or c.updated
            for c in counts.values()
            if c.table in ("conversations", "messages")
        )
        if changed or not facts_current(conn, config):
            # Per-conversation facts are part of the import, in its transaction: metrics never
            # sort messages, and a store never holds facts of other data.
            derive_facts(conn, config, temporary=False)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return ImportReport(counts, [p for p in problems if p.level == "warning"])
