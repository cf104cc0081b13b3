"""Import a folder of exports into the event store: checked, transactional, idempotent.

Each file is converted and checked in SQL (DuckDB's own CSV/Parquet/JSON readers; Python only
walks XLSX rows), so 30 million messages are checked as fast as they are read. A failed check
leaves the value NULL and records the column, the kind of failure and the raw text in an ``_err``
column; bad rows are then listed with their row number. The checks are one counting scan of the
file, which also finds the text columns that no row's conversion changes (those are then copied
as they are); a table that is still empty, or holds none of the file's keys, is then filled
straight from the file in storage order, with no staging copy (its customer and agent messages'
keys are then checked by the facts pass on the stored rows), and only a file some of whose keys
the store holds gets a temporary copy to match keys against. Only when every file is clean is
anything written, in one transaction that also derives the per-conversation facts
(:mod:`appraise.metrics.derive`), so an import either lands completely or not at all. Into a
store file DuckDB works under a 1 GiB (or ``APPRAISE_IMPORT_MEMORY_LIMIT``)
memory budget and spills the sort to disk.

Rows are matched to stored rows by the table's key. A row whose key is stored with the same
content is ``unchanged``; with different content it replaces the stored row (``updated``: a
re-export corrects data); a new key is ``inserted``. Importing the same file twice therefore
changes nothing. Messages have no natural key; when the export has no ``seq`` the importer numbers
the messages of each conversation in file order, which is stable for the same file.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import pyarrow as pa

from appraise.inputs.reading import (
    EXTENSIONS,
    TOTAL_WORDS,
    FileFormat,
    Frame,
    cell_text,
    detect_encoding,
    is_note_text,
)
from appraise.inputs.reading import read_frame as _read_file_frame
from appraise.inputs.values import CHINESE_DATE, DURATION_CLOCK, DURATION_WORDS_SQL, NULL_TOKENS
from appraise.messages import message
from appraise.metrics.config import CenterConfig
from appraise.metrics.derive import PASS_SENDERS, DuplicateKeys, derive_facts, facts_current
from appraise.metrics.mapping import ColumnMapping, TableMapping
from appraise.metrics.schema import TABLES, Column, Table
from appraise.metrics.store import PROVIDED_DDL, PROVIDED_TABLE, size_bytes
from appraise.problems import Problem, ProblemsError

__all__ = ["EXTENSIONS", "ImportReport", "TableCounts", "import_folder"]
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
# Times that cannot come before others in the same row: (later, earlier).
ORDERED: dict[str, tuple[tuple[str, str], ...]] = {
    "conversations": (("ended_at", "started_at"),),
    # A transcript's sentence ends after it begins: an end before the start is a swapped column
    # or an offset read in the wrong unit, and would make every interruption look real.
    "messages": (("ended_at", "sent_at"),),
    "calls": (
        ("answered_at", "offered_at"),
        ("ended_at", "offered_at"),
        ("ended_at", "answered_at"),
    ),
    "tickets": (
        ("first_response_at", "created_at"),
        ("resolved_at", "created_at"),
    ),
}
# A time more than this far ahead is a wrong column or a wrong format, never an event (and so is
# one before the mapping's ``earliest``, 2000-01-01 unless it says otherwise).
FUTURE_DAYS = 2
# A CSV this large is read by DuckDB straight from disk (title rows skipped by count); smaller
# ones, every XLSX and every JSON document go through the reader that detects layouts.
STREAM_BYTES = 50 * 2**20

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
    # Rows left out on purpose, by reason (a totals row, an unscored survey, a bad row with
    # invalid_rows: skip); not part of ``read``.
    skipped: dict[str, int] = field(default_factory=dict)


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
    # The mapping's own null tokens, for free text (a message "-" is a message).
    own_nulls: tuple[str, ...] = ()


@dataclass(slots=True)
class _Staged:
    """A checked file: ``stage`` is a FROM item, the checked query itself when the table was
    empty (inserted straight from the file), else the temporary table ``name``."""

    source: _Source
    stage: str
    read: int
    name: str
    superseded: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    # The canonical columns the file gave (mapped, derived or a constant).
    provided: frozenset[str] = frozenset()
    # Messages inserted as into an empty table (``fresh``) whose customer and agent rows' keys
    # the facts pass checks on the stored rows (:data:`PASS_SENDERS`), instead of a distinct
    # count here.
    keys_in_pass: bool = False
    # Optional columns that no kept row fills: an insert into an empty table leaves them out
    # (NULL either way), so its sort does not carry a column of nothing.
    unfilled: frozenset[str] = frozenset()
    # The store holds none of the file's keys (or no row of its table): every row is new.
    fresh: bool = False


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _err(path: Path, code: str, said: str, **where: Any) -> Problem:
    return Problem("error", code, said, str(path), **where)


# --- finding the files ----------------------------------------------------------------------


def _find_sources(folder: Path, mapping: ColumnMapping, problems: list[Problem]) -> list[_Source]:
    """One source per table present; every other file is a warning, two files for a table an
    error (which of them is the truth is not ours to guess)."""
    claimed: dict[Path, str] = {}
    found: dict[str, list[Path]] = {}
    for tname, tmap in mapping.tables.items():
        if tmap.file is None:
            continue
        if any(ch in tmap.file for ch in "*?["):
            # A preset names the file by pattern: exports carry dates in their names.
            paths = sorted(p for p in folder.glob(tmap.file) if p.is_file())
            if not paths:
                problems.append(
                    _err(
                        folder,
                        "file_missing",
                        message(
                            "import.no_file_matches",
                            "no file matches {pattern}, which the mapping reads as table {table}",
                            pattern=repr(tmap.file),
                            table=tname,
                        ),
                    )
                )
        else:
            paths = [folder / tmap.file]
            if not paths[0].is_file():
                problems.append(
                    _err(
                        paths[0],
                        "file_missing",
                        message(
                            "import.file_missing",
                            "the mapping names this file for table {table}",
                            table=tname,
                        ),
                    )
                )
                paths = []
        for path in paths:
            claimed[path.resolve()] = tname
            found.setdefault(tname, []).append(path)
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.resolve() in claimed:
            continue
        if path.is_dir():
            problems.append(
                Problem(
                    "warning",
                    "folder_ignored",
                    message("import.subfolder", "sub-folders are not read"),
                    str(path),
                )
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
                    message(
                        "import.file_type",
                        "not a file type appraise reads (csv, tsv, xlsx, jsonl, parquet); ignored",
                    ),
                    str(path),
                )
            )
        elif tname not in TABLES:
            problems.append(
                Problem(
                    "warning",
                    "file_ignored",
                    message(
                        "import.not_a_table",
                        "{name} is not a canonical table ({tables}); ignored",
                        name=repr(tname),
                        tables=", ".join(TABLES),
                    ),
                    str(path),
                )
            )
        elif (own := mapping.table(tname)) is not None and own.file is not None:
            problems.append(
                Problem(
                    "warning",
                    "file_ignored",
                    message(
                        "import.table_from_other_file",
                        "the mapping reads table {table} from {file}; this file is ignored",
                        table=tname,
                        file=own.file,
                    ),
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
                _err(
                    p,
                    "table_twice",
                    message(
                        "import.table_twice",
                        "{n} files hold table {table}; keep one",
                        n=len(paths),
                        table=tname,
                    ),
                )
                for p in paths
            )
            continue
        if not paths:
            continue
        path = paths[0]
        tmap = mapping.table(tname) or TableMapping()
        fmt = tmap.format or EXTENSIONS.get(path.suffix.lower(), "csv")
        own_nulls = tuple(mapping.nulls_for(tname))
        # Exported text writes "-" or "无" for none; typed Parquet columns do not.
        nulls = own_nulls if fmt == "parquet" else tuple(dict.fromkeys((*own_nulls, *NULL_TOKENS)))
        sources.append(_Source(TABLES[tname], path, fmt, tmap, nulls, own_nulls))
    return sources


# --- reading a file into a raw relation -------------------------------------------------------


@dataclass(slots=True)
class _Raw:
    """A file as a relation: ``relation`` (SQL FROM item), its columns as (header, SQL column,
    DuckDB type), and the SQL expression of a row's number as the user counts it."""

    relation: str
    columns: list[tuple[str | None, str, str]]
    row_expr: str
    # Other names of columns ("询单/人数" under a merged 询单 header): name -> index.
    aliases: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    # A Parquet file: its footer's statistics can answer some of the check scan's questions.
    parquet: Path | None = None


def _transcode(path: Path, encoding: str, workdir: Path, problems: list[Problem]) -> Path | None:
    """Re-encode a CSV in UTF-8 for DuckDB, in chunks; a byte that does not decode is a problem
    naming its line."""
    out = workdir / f"{path.stem}.utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(1 << 20)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                before = chunk[: max(0, exc.start)].decode(encoding, errors="replace")
                problems.append(
                    _err(
                        path,
                        "bad_encoding",
                        message(
                            "import.bad_bytes",
                            "bytes that are not {encoding}: {reason}; name the file's encoding "
                            "in the mapping (encoding: gbk, utf-16, ...)",
                            encoding=encoding,
                            reason=exc.reason,
                        ),
                        row=lines + before.count("\n") + 1,
                    )
                )
                return None
            dst.write(text)
            lines += text.count("\n")
            if not chunk:
                return out


def _csv_header(path: Path, encoding: str, delimiter: str, quote: str, skip: int = 0) -> list[str]:
    with path.open("r", encoding=encoding, newline="") as fh:
        for _ in range(skip):
            fh.readline()
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
    """A CSV, read by DuckDB from disk. Its layout is found on its first lines (the encoding,
    the delimiter, the title lines above the header, a two-level header) and its last (a note
    after the table); DuckDB then reads the data rows alone, and totals rows are left out."""
    tmap = src.mapping
    size = src.path.stat().st_size
    with src.path.open("rb") as fh:
        sample = fh.read(1 << 20)
    # A sample may end inside a character; only its complete lines count.
    sample = sample if size <= len(sample) else sample[: sample.rfind(b"\n") + 1] or sample
    if tmap.encoding == "auto":
        # A file under the streaming size is checked whole: a GBK character may come late.
        encoding = detect_encoding(src.path.read_bytes() if size <= STREAM_BYTES else sample)
    else:
        try:
            encoding = codecs.lookup(tmap.encoding).name
        except LookupError:
            problems.append(
                _err(
                    src.path,
                    "bad_encoding",
                    message(
                        "read.unknown_encoding",
                        "unknown encoding {encoding}",
                        encoding=repr(tmap.encoding),
                    ),
                )
            )
            return None
    path = src.path
    duck_encoding = _DUCKDB_ENCODINGS.get(encoding.replace("_", "-").removesuffix("-sig"))
    if duck_encoding is None or (duck_encoding != "utf-8" and size <= STREAM_BYTES):
        # DuckDB reads UTF-8 (and, slowly, UTF-16): others are re-encoded first, and so is a
        # small UTF-16 file, whose footer would otherwise be cut in two-byte units.
        converted = _transcode(src.path, encoding, workdir, problems)
        if converted is None:
            return None
        path, duck_encoding, encoding = converted, "utf-8", "utf-8"
        with path.open("rb") as fh:
            sample = fh.read(1 << 20)
        if path.stat().st_size > len(sample):
            sample = sample[: sample.rfind(b"\n") + 1] or sample
    layout = tmap.model_copy(
        update={"encoding": "utf-8" if duck_encoding == "utf-8" else encoding, "footer_rows": 0}
    )
    found: list[Problem] = []
    head = _read_file_frame(
        _sample_file(workdir, src.path, sample),
        layout,
        found,
        label=str(src.path),
        expected=[*tmap.expected_sources(), *src.table.column_names],
    )
    if head is None:
        problems.extend(found)
        return None
    delimiter = tmap.delimiter or head.delimiter or ","
    quote = '"' if tmap.quote is None else tmap.quote
    skip = head.header_row if tmap.header else tmap.skip_rows
    path, footer = _cut_footer(path, tmap, delimiter, workdir, size <= STREAM_BYTES)
    # With a header, the header says how many fields a row has (a longer row is refused).
    named = len(head.headers) - len(
        list(itertools.takewhile(lambda h: not h, reversed(head.headers)))
    )
    n = (
        named
        if tmap.header and not head.aliases
        else max(len(head.headers), max((len(c) for _, c in head.rows), default=0))
    )
    header: list[str | None] = (
        [h or None for h in head.headers] + [None] * (n - len(head.headers))
        if tmap.header
        else [None] * n
    )
    if n == 0:
        problems.append(
            _err(src.path, "file_empty", message("import.file_empty", "the file is empty"))
        )
        return None
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, n + 1)) + "}"
    quoting = f", quote={_lit(quote)}, escape={_lit(quote)}"
    rej = f"{name}_rej"
    try:
        conn.execute(
            # A streaming row_number() keeps file order: row numbers as the user counts them.
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER () + {skip} AS _row, "
            f"* FROM read_csv({_lit(str(path))}, skip={skip}, "
            f"columns={columns}, header=false, delim={_lit(delimiter)}"
            f"{quoting}, encoding={_lit(duck_encoding)}, auto_detect=false, "
            f"store_rejects=true, rejects_table='{rej}', rejects_scan='{rej}_scan')"
        )
    except duckdb.Error as exc:
        problems.append(_err(src.path, "file_unreadable", _duck_message(exc)))
        return None
    rejects = conn.execute(
        f"SELECT line, column_name, error_type, error_message FROM {rej} ORDER BY line"
    ).fetchall()
    conn.execute(f"DROP TABLE IF EXISTS {rej}")
    conn.execute(f"DROP TABLE IF EXISTS {rej}_scan")
    if rejects:
        # Rejected lines are missing from the table, so later row numbers would be off: report
        # the file's structure problems alone.
        for line, column, kind, said in rejects[:MAX_PROBLEMS_PER_FILE]:
            problems.append(
                _err(
                    src.path,
                    "bad_row",
                    message(
                        "import.rejected_row",
                        "{kind}: {error}",
                        kind=_reject_kind(kind),
                        error=said,
                    ),
                    row=int(line),
                    field=_header_name(header, column),
                )
            )
        return None
    skipped = {k: v for k, v in head.skipped.items() if k == "title"}
    if footer:
        skipped["footer"] = footer
    if tmap.skip_totals and size <= STREAM_BYTES:
        words = ", ".join(_lit(w) for w in sorted(TOTAL_WORDS))
        first_two = [f"c{i}" for i in range(1, min(n, 2) + 1)]
        test = " OR ".join(f"lower(rtrim(trim({c}), ':：')) IN ({words})" for c in first_two)
        (totals,) = conn.execute(f"SELECT count(*) FROM {name} WHERE {test}").fetchone() or (0,)
        if totals:
            conn.execute(f"DELETE FROM {name} WHERE {test}")
            skipped["totals"] = int(totals)
    cols = [(header[i], f"c{i + 1}", "VARCHAR") for i in range(n)]
    return _Raw(name, cols, "_row", dict(head.aliases), skipped)


def _cut_footer(
    path: Path, tmap: TableMapping, delimiter: str, workdir: Path, small: bool
) -> tuple[Path, int]:
    """The file without the note lines after its table (a copy when there are any), and how
    many there were: ``footer_rows`` of them, or one-cell notes found at the end."""
    if not tmap.footer_rows and not small:
        return path, 0
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - (1 << 16)))
        tail = fh.read()
    lines = tail.split(b"\n")
    if path.stat().st_size > len(tail):
        lines = lines[1:]  # the first may be cut
    offset = path.stat().st_size
    cut = 0
    for raw_line in reversed(lines):
        offset -= len(raw_line) + 1
        text = raw_line.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        cells = next(csv.reader([text], delimiter=delimiter), [])
        note = len([c for c in cells if c.strip()]) == 1 and is_note_text(cells[0].strip())
        if (tmap.footer_rows and cut < tmap.footer_rows) or (not tmap.footer_rows and note):
            cut += 1
            continue
        offset += len(raw_line) + 1
        break
    if not cut:
        return path, 0
    out = workdir / f"{path.stem}.body.csv"
    with path.open("rb") as src_fh, out.open("wb") as dst:
        remaining = max(0, offset)
        while remaining:
            chunk = src_fh.read(min(remaining, 1 << 20))
            if not chunk:
                break
            dst.write(chunk)
            remaining -= len(chunk)
    return out, cut


def _sample_file(workdir: Path, path: Path, sample: bytes) -> Path:
    out = workdir / f"{path.stem}.head{path.suffix}"
    out.write_bytes(sample)
    return out


def _reject_kind(kind: str) -> str:
    """DuckDB's name of a rejected CSV line's problem, in the reader's language."""
    known = {
        "too many columns": message("import.too_many_columns", "too many columns"),
        "missing columns": message("import.missing_columns", "missing columns"),
        "unquoted value": message("import.unquoted_value", "unquoted value"),
        "invalid unicode": message("import.invalid_unicode", "invalid unicode"),
        "line size over maximum": message("import.line_too_long", "line size over maximum"),
        "cast": message("import.cast", "cast"),
    }
    return known.get(kind.lower(), kind.lower())


def _duck_message(exc: Exception) -> str:
    """DuckDB's first line, without the internal hints that mean nothing to a user."""
    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__


def _read_frame(
    conn: duckdb.DuckDBPyConnection, src: _Source, name: str, problems: list[Problem]
) -> _Raw | None:
    """An XLSX or JSON file (CSVs go to DuckDB), read by the layout reader, as a relation of
    text columns with the rows numbered as the file shows them."""
    frame: Frame | None = _read_file_frame(
        src.path,
        src.mapping,
        problems,
        label=str(src.path),
        expected=[*src.mapping.expected_sources(), *src.table.column_names],
    )
    if frame is None:
        return None
    if src.fmt == "csv" and src.mapping.header and not _fields_fit(src, frame, problems):
        return None
    width = frame.width()
    header: list[str | None] = (
        [h or None for h in frame.headers] if src.mapping.header else [None] * width
    )
    header += [None] * (width - len(header))
    data: dict[str, list[Any]] = {"_row": [r for r, _ in frame.rows]}
    for i in range(width):
        data[f"c{i + 1}"] = [
            cell_text(cells[i].value) if i < len(cells) else None for _, cells in frame.rows
        ]
    arrow = pa.table(
        {k: pa.array(v, type=pa.int64() if k == "_row" else pa.string()) for k, v in data.items()}
    )
    conn.register(f"{name}_arrow", arrow)
    try:
        conn.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        conn.unregister(f"{name}_arrow")
    cols = [(header[i], f"c{i + 1}", "VARCHAR") for i in range(width)]
    return _Raw(name, cols, "_row", dict(frame.aliases), dict(frame.skipped))


def _fields_fit(src: _Source, frame: Frame, problems: list[Problem]) -> bool:
    """A CSV row with values beyond the header's last name is a broken row (an unquoted
    delimiter), as DuckDB's parser would say."""
    named = len(frame.headers) - len(
        list(itertools.takewhile(lambda h: not h, reversed(frame.headers)))
    )
    bad = [n for n, cells in frame.rows if any(not c.empty for c in cells[named:])]
    for number in bad[:MAX_PROBLEMS_PER_FILE]:
        problems.append(
            _err(
                src.path,
                "bad_row",
                message(
                    "import.row_too_wide",
                    "the row has more fields than the header names ({named}): a delimiter or "
                    "a quote inside a value?",
                    named=named,
                ),
                row=number,
            )
        )
    return not bad


def _header_name(header: list[str | None], column: str | None) -> str | None:
    if column is None or not column.startswith("c") or not column[1:].isdigit():
        return column
    i = int(column[1:]) - 1
    return header[i] if 0 <= i < len(header) and header[i] else f"column {i + 1}"


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
        problems.append(_err(src.path, "file_unreadable", _duck_message(exc)))
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
        problems.append(_err(src.path, "file_unreadable", _duck_message(exc)))
        return None
    cols: list[tuple[str | None, str, str]] = [
        (str(r[0]), _ident(str(r[0])), str(r[1])) for r in described
    ]
    return _Raw(relation, cols, "(file_row_number + 1)", parquet=src.path)


def _parquet_text_filled(
    conn: duckdb.DuckDBPyConnection, path: Path, columns: list[str]
) -> dict[str, int]:
    """Text columns of a Parquet file that hold no empty string, by the footer's statistics:
    column -> how many rows fill it. A column is answered when every row group records its
    null count and either holds only nulls or has a least value that is not empty (the empty
    string is the least of all strings; a truncated least value is a prefix of the true one).
    Any other column, or a footer DuckDB cannot read, is left to the check scan."""
    if not columns:
        return {}
    listed = ", ".join(_lit(c) for c in columns)
    try:
        rows = conn.execute(
            "SELECT path_in_schema, bool_and(stats_null_count IS NOT NULL AND "
            "(stats_null_count = row_group_num_rows OR coalesce(stats_min_value, '') <> '')), "
            "sum(row_group_num_rows - stats_null_count) "
            f"FROM parquet_metadata({_lit(str(path))}) WHERE path_in_schema IN ({listed}) "
            "GROUP BY path_in_schema"
        ).fetchall()
    except duckdb.Error:
        return {}
    return {str(name): int(filled) for name, ok, filled in rows if ok and filled is not None}


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
    # 2026年10月5日 9:07 reads as 2026-10-5 9:07 (DuckDB takes one-digit fields).
    chinese = (
        f"regexp_replace(replace(replace({{v}}, '时', ':'), '分', ''), {_lit(CHINESE_DATE)}, "
        "'\\1-\\2-\\3 \\4')"
    )
    if column.type == "timestamp":
        # The session time zone is the center's during import, so naive text is local time
        # and text with an offset keeps its instant.
        parts = [
            "TRY_CAST({v} AS TIMESTAMPTZ)",
            "TRY_CAST(replace({v}, '/', '-') AS TIMESTAMPTZ)",
            f"TRY_CAST(trim({chinese}) AS TIMESTAMPTZ)",
        ]
        if fmts:
            parts.insert(0, f"CAST(try_strptime({{v}}, {fmts}) AS TIMESTAMPTZ)")
        return "COALESCE(" + ", ".join(parts) + ")"
    if column.type == "date":
        parts = [
            "TRY_CAST({v} AS DATE)",
            "TRY_CAST(replace({v}, '/', '-') AS DATE)",
            f"TRY_CAST(trim({chinese}) AS DATE)",
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
        if column.name.endswith("_seconds"):
            return _seconds_sql("{v}")
        if column.name.endswith("_minutes"):
            # "1小时2分" late is 62 minutes; a plain number is minutes already.
            f = "TRY_CAST({v} AS DOUBLE)"
            return (
                f"CASE WHEN {f} IS NOT NULL THEN CASE WHEN isfinite({f}) THEN {f} END "
                f"ELSE ({_seconds_sql('{v}')}) / 60 END"
            )
        f = "TRY_CAST({v} AS DOUBLE)"
        return f"CASE WHEN isfinite({f}) THEN {f} END"
    if column.type == "money":
        # "¥1,234.50" is money; more than two decimals is not (it would be rounded silently).
        plain = "regexp_replace(regexp_replace({v}, '^[¥￥$€£]\\s*', ''), '\\s*(元|RMB|CNY)$', '')"
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
    text: str
    if column.type == "timestamp":
        text = message(
            "import.a_time", "a time (like 2026-10-05 09:00, 2026/10/5 9:07 or 2026年10月5日 9:07)"
        )
    elif column.type == "date":
        text = message("import.a_date", "a date (like 2026-10-05)")
    elif column.type == "bool":
        text = message("import.a_bool", "a yes/no value (true/false, 1/0, yes/no, 是/否)")
    elif column.type == "int":
        text = message("import.a_whole_number", "a whole number")
    elif column.type == "float" and column.name.endswith(("_seconds", "_minutes")):
        text = message(
            "import.a_duration",
            "a duration (83, 1分23秒, 0:01:23, 1 minute 23 seconds), not negative",
        )
    elif column.type == "float":
        text = message("import.a_number", "a number")
    elif column.type == "money":
        text = message("import.a_money", "an amount of money with at most two decimals")
    else:
        text = message("import.a_text", "text")
    if formats and column.type in ("timestamp", "date"):
        text = message(
            "import.or_format",
            "{what} or in the format {formats}",
            what=text,
            formats=" or ".join(formats),
        )
    return text


def _resolve(src: _Source, raw: _Raw, problems: list[Problem]) -> dict[str, tuple[str, str]] | None:
    """Canonical column -> (SQL expression, DuckDB type) of its source; None if a required
    column is missing. Columns the file has but nobody reads are reported as a warning.

    Besides the canonical columns, ``"<column>+seconds"`` holds the seconds a ``plus_seconds``
    adds and ``"skip:<source>"`` a column that ``skip_values`` reads.
    """
    tmap = src.mapping
    exact = {h: i for i, (h, _, _) in reversed(list(enumerate(raw.columns))) if h is not None}
    loose = {re.sub(r"\s+", "", h).casefold(): i for h, i in reversed(list(exact.items()))}
    loose.update({re.sub(r"\s+", "", a).casefold(): i for a, i in raw.aliases.items()})
    used: set[int] = set()
    found: dict[str, tuple[str, str]] = {}
    ok = True
    positional = not tmap.header and not tmap.columns

    def locate(source: str | int, what: str) -> int | None:
        nonlocal ok
        if isinstance(source, int):
            if source > len(raw.columns):
                problems.append(
                    _err(
                        src.path,
                        "column_missing",
                        message(
                            "import.column_number",
                            "the mapping reads {what} from column {source}, "
                            "but the file has {width} columns",
                            what=what,
                            source=source,
                            width=len(raw.columns),
                        ),
                        field=what,
                    )
                )
                ok = False
                return None
            return source - 1
        index = exact.get(source, loose.get(re.sub(r"\s+", "", source).casefold()))
        if index is None:
            shown = ", ".join(h for h, _, _ in raw.columns if h) or message("import.none", "none")
            problems.append(
                _err(
                    src.path,
                    "column_missing",
                    message(
                        "import.column_missing",
                        "the mapping reads {what} from column {source}, which the file does "
                        "not have (its columns: {shown})",
                        what=what,
                        source=repr(source),
                        shown=shown,
                    ),
                    field=str(source),
                )
            )
            ok = False
        return index

    def text(index: int) -> str:
        used.add(index)
        return f"NULLIF(trim(CAST({raw.columns[index][1]} AS VARCHAR)), '')"

    for number, col in enumerate(src.table.columns):
        spec = tmap.spec(col.name)
        index: int | None = None
        if spec.constant is not None:
            found[col.name] = (_lit(spec.constant), "VARCHAR")
            continue
        if spec.plus is not None:
            at = locate(spec.plus[0], col.name)
            if at is not None:
                found[f"{col.name}+seconds"] = (text(at), "VARCHAR")
        if isinstance(spec.source, list):
            parts = [locate(part, col.name) for part in spec.source]
            if all(p is not None for p in parts):
                texts = [text(p) for p in parts if p is not None]
                joined = f"concat_ws({_lit(spec.join)}, {', '.join(texts)})"
                found[col.name] = (
                    f"CASE WHEN {' AND '.join(f'{t} IS NULL' for t in texts)} THEN NULL "
                    f"ELSE {joined} END",
                    "VARCHAR",
                )
            continue
        if spec.source is not None:
            index = locate(spec.source, col.name)
            if index is None:
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
                        message(
                            "import.required_missing",
                            "required column {name} is missing",
                            name=col.name,
                        ),
                        field=col.name,
                    )
                )
                ok = False
            continue
        used.add(index)
        _, sql, type_ = raw.columns[index]
        found[col.name] = (sql, type_)
    for source in tmap.skip_values:
        at = locate(source, message("import.skip_values", "skip_values {source}", source=source))
        if at is not None:
            found[f"skip:{source}"] = (text(at), "VARCHAR")
    unused = [
        h if h is not None else message("where.column_n", "column {n}", n=i + 1)
        for i, (h, _, _) in enumerate(raw.columns)
        if i not in used
    ]
    if unused:
        problems.append(
            Problem(
                "warning",
                "columns_ignored",
                message(
                    "import.columns_ignored",
                    "columns that are not canonical and not mapped are ignored: {columns}",
                    columns=unused,
                ),
                str(src.path),
            )
        )
    return found if ok else None


_MONEY_SQL = "regexp_replace({v}, '^[¥￥$€£]\\s*|\\s*(元|RMB|CNY)$|,', '', 'g')"


def _text_expr(src_sql: str, column: Column, src: _Source) -> str:
    """Source value as text: trimmed (but free text keeps its spaces), codes translated by the
    mapping's value map (a code mapped to null is empty), then empty and null tokens (``-``,
    ``--``, ``无`` ...) as NULL; ``present`` / ``positive`` turn it into a yes/no."""
    spec = src.mapping.spec(column.name)
    text = f"CAST({src_sql} AS VARCHAR)"
    trimmed = f"trim({text})"
    free = column.name == "text"
    value = f"NULLIF({trimmed}, '')" if not free else f"NULLIF({text}, '')"
    nulls = src.own_nulls if free else src.nulls
    if nulls:
        tokens = ", ".join(_lit(t) for t in nulls)
        value = f"CASE WHEN {trimmed} IN ({tokens}) THEN NULL ELSE {value} END"
    if spec.values:
        whens = " ".join(
            f"WHEN {_lit(k)} THEN {'NULL' if v is None else _lit(v)}"
            for k, v in spec.values.items()
        )
        value = f"CASE {trimmed} {whens} ELSE {value} END"
    if spec.present:
        value = f"CASE WHEN {value} IS NULL THEN 'false' ELSE 'true' END"
    elif spec.positive:
        number = f"TRY_CAST({_MONEY_SQL.replace('{v}', value)} AS DOUBLE)"
        value = (
            f"CASE WHEN {value} IS NULL THEN 'false' WHEN {number} IS NULL THEN {value} "
            f"WHEN {number} > 0 THEN 'true' ELSE 'false' END"
        )
    return value


def _number_sql(v: str) -> str:
    """A plain non-negative number in text ``{v}``; NULL otherwise."""
    plain = f"TRY_CAST({v} AS DOUBLE)"
    return f"CASE WHEN {plain} >= 0 AND isfinite({plain}) THEN {plain} END"


def _seconds_sql(v: str) -> str:
    """Seconds in text ``{v}``: a number, ``h:mm:ss`` / ``mm:ss`` or ``1分23秒``-like words (the
    patterns of :mod:`appraise.inputs.values`); NULL when it is none of them or negative."""
    clock = _lit(DURATION_CLOCK)
    words = _lit(DURATION_WORDS_SQL)

    def part(pattern: str, group: int) -> str:
        return (
            f"COALESCE(TRY_CAST(NULLIF(regexp_extract({v}, {pattern}, {group}), '') AS DOUBLE), 0)"
        )

    plain = f"TRY_CAST({v} AS DOUBLE)"
    return (
        f"CASE WHEN {plain} IS NOT NULL THEN CASE WHEN {plain} >= 0 AND isfinite({plain}) "
        f"THEN {plain} END "
        f"WHEN regexp_matches({v}, {clock}) THEN "
        f"{part(clock, 1)} * 3600 + {part(clock, 2)} * 60 + {part(clock, 3)} "
        f"WHEN regexp_matches({v}, {words}) AND {v} <> '' THEN "
        f"{part(words, 1)} * 3600 + {part(words, 2)} * 60 + {part(words, 3)} END"
    )


def _stage(
    conn: duckdb.DuckDBPyConnection,
    src: _Source,
    raw: _Raw,
    name: str,
    problems: list[Problem],
) -> _Staged | None:
    table = src.table
    tmap = src.mapping
    resolved = _resolve(src, raw, problems)
    if resolved is None:
        return None
    inner = [f"{raw.row_expr} AS _row"]
    middle = ["_row"]
    outer = ["_row"]
    checks: list[str] = []
    skips: list[str] = []
    # Text columns whose conversion (trim, null tokens, codes, lower case) may change nothing in
    # this file: column -> (raw value, the pieces of inner and middle that copy it unchanged).
    # The check scan tells which ones it changed in no row; the insert copies those as they are.
    as_is: dict[str, tuple[str, str, tuple[int, str], tuple[int, str]]] = {}
    # Of those, typed text that no check reads: column -> its Parquet column (see
    # _parquet_text_filled).
    by_footer: dict[str, str] = {}
    headers = {sql: header for header, sql, _ in raw.columns}
    for i, col in enumerate(table.columns):
        v = f"_v{i}"
        q = _ident(col.name)
        duck = {"string": "VARCHAR", "timestamp": "TIMESTAMPTZ", "bool": "BOOLEAN"}.get(
            col.type,
            {"int": "BIGINT", "float": "DOUBLE", "money": "DECIMAL(18,2)"}.get(col.type, "DATE"),
        )
        spec = tmap.spec(col.name)
        key = (table.name, col.name)
        derived = spec.present or spec.positive or spec.plus is not None
        if col.name not in resolved:
            inner.append(f"CAST(NULL AS VARCHAR) AS {v}")
            middle.append(f"CAST(NULL AS {duck}) AS {q}, {v}")
        else:
            sql, type_ = resolved[col.name]
            native = None
            if (
                not spec.values
                and not derived
                and not (type_ == "VARCHAR" and src.nulls)
                and key not in ENUMS
            ):
                native = _native(col, type_)
            if col.type == "string" and type_ == "VARCHAR" and spec.constant is None:
                # Typed text only loses its empty strings: a cheaper test than comparing.
                r = f"_r{i}"
                same = f"{r} <> ''" if native is not None else f"{q} IS NOT DISTINCT FROM {r}"
                as_is[col.name] = (
                    r,
                    f"bool_and({same})",
                    (len(inner), f"{sql} AS {v}"),
                    (len(middle), f"{v} AS {q}, {v}"),
                )
            if (
                native is not None
                and col.type == "string"
                and raw.parquet is not None
                and not col.required
                and key not in ENUMS
                and col.name not in table.key
                and col.name not in tmap.skip_empty
                and sql in headers
            ):
                by_footer[col.name] = str(headers[sql])
            if native is not None:
                inner.append(f"{sql} AS {v}")
                middle.append(f"{native.replace('{x}', v)} AS {q}, {v}")
            else:
                inner.append(f"{_text_expr(sql, col, src)} AS {v}")
                typed = "lower({v})" if key in ENUMS else _parse(col, spec.format)
                typed = typed.replace("{v}", v)
                base = q
                if spec.plus is not None and f"{col.name}+seconds" in resolved:
                    # Zendesk Talk: answered = created + wait; no wait, no answer.
                    # An ASR transcript: a sentence's start and end in ms from the call's start.
                    s_v, base = f"_s{i}", f"_b{i}"
                    inner.append(f"{resolved[f'{col.name}+seconds'][0]} AS {s_v}")
                    ms = spec.plus_milliseconds is not None
                    # Milliseconds are a plain count (never 1分23秒); the addend is whole
                    # microseconds per unit, so 1500 ms is exactly 1.5 s.
                    secs = _number_sql(s_v) if ms else _seconds_sql(s_v)
                    micros = round(spec.plus[1] * 1_000_000)
                    middle.append(f"{s_v}, {typed} AS {base}")
                    typed = (
                        f"({typed}) + to_microseconds(CAST(round(({secs}) * {micros}) AS BIGINT))"
                    )
                    checks.append(
                        _check(col.name, "seconds", f"{s_v} IS NOT NULL AND ({secs}) IS NULL", s_v)
                    )
                middle.append(f"{typed} AS {q}, {v}")
                if col.type != "string":
                    checks.append(
                        _check(col.name, "type", f"{v} IS NOT NULL AND {base} IS NULL", v)
                    )
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
        if col.type == "timestamp":
            checks.append(
                _check(
                    col.name,
                    "when",
                    f"{q} < TIMESTAMPTZ '{tmap.earliest.isoformat()}' OR "
                    f"{q} > now() + INTERVAL {FUTURE_DAYS} DAY",
                    v,
                )
            )
        if col.name in tmap.skip_empty:
            skips.append(f"CASE WHEN {q} IS NULL THEN {_lit(f'{col.name} empty')} END")
        outer.append(q)
    for later, earlier in ORDERED.get(table.name, ()):
        lq, eq = _ident(later), _ident(earlier)
        shown = f"CAST({lq} AS VARCHAR) || ' < ' || CAST({eq} AS VARCHAR)"
        checks.append(_check(later, f"before:{earlier}", f"{lq} < {eq}", shown))
    for j, (source, values) in enumerate(tmap.skip_values.items()):
        k = f"_k{j}"
        inner.append(f"{resolved[f'skip:{source}'][0]} AS {k}")
        middle.append(k)
        listed = ", ".join(_lit(x) for x in values)
        skips.append(f"CASE WHEN {k} IN ({listed}) THEN {_lit(source)} || ' = ' || {k} END")
    err = f"NULLIF(concat_ws(chr(30), {', '.join(checks)}), '')" if checks else "NULL"
    skip = f"COALESCE({', '.join(skips)})" if skips else "CAST(NULL AS VARCHAR)"
    raws = [r for r, _, _, _ in as_is.values()]

    def checked_sql(unchanged: frozenset[str]) -> str:
        """The checked rows (the raw text of the ``as_is`` columns too, for the scan), with the
        ``unchanged`` columns copied as they are."""
        ins, mid = list(inner), list(middle)
        for name in unchanged:
            _, _, (at_i, piece_i), (at_m, piece_m) = as_is[name]
            ins[at_i], mid[at_m] = piece_i, piece_m
        ins += [f"{resolved[name][0]} AS {r}" for name, (r, _, _, _) in as_is.items()]
        source = (
            f"(SELECT {', '.join(mid + raws)} FROM (SELECT {', '.join(ins)} FROM {raw.relation}))"
        )
        return (
            f"(SELECT {', '.join(outer + raws)}, CAST({err} AS VARCHAR) AS _err, {skip} AS _skip "
            f"FROM {source})"
        )

    checked = checked_sql(frozenset())
    keep = "_skip IS NULL" + (" AND _err IS NULL" if tmap.invalid_rows == "skip" else "")
    messages = table.name == "messages"
    # One scan converts and checks every value (and counts messages without a seq) without
    # keeping the rows: a month of messages is not copied before it is known to be clean.
    unnumbered = "count(*) FILTER (WHERE seq IS NULL AND _skip IS NULL)" if messages else "0"
    # The same scan tells whether any two kept rows can share a key: fewer distinct key hashes
    # than keyed rows. Only then does the exact duplicate query (a GROUP BY on the key columns,
    # another read of the file) run; a hash collision only costs that query, never a result.
    keyed = " AND ".join([keep, *(f"{_ident(k)} IS NOT NULL" for k in table.key)])
    # Messages going in as into an empty table are stored in key order (less the sender), and the
    # facts pass reads the customer and agent rows in that order anyway: it finds two of them
    # with one key as neighbours (derive.DuplicateKeys), so only the other senders' keys are
    # counted here. A month of messages then costs no 30-million-row hash aggregate.
    # A file none of whose keys the store holds (a new month or day into a store of others; the
    # first key column is enough: no stored row has any of the file's values) goes in as into
    # an empty table: no staging copy, no row-by-row match, and its messages' keys are checked
    # by the facts pass too (the conversations it touches hold only the file's messages). The
    # file's converted values, skipped rows included: a skipped row's key only costs the
    # classic path, never a missed match.
    fresh = _is_empty(conn, table.name) or not _touches_stored(conn, table, checked)
    keys_in_pass = messages and "seq" in resolved and tmap.on_duplicate != "last" and fresh
    if keys_in_pass:
        senders = ", ".join(_lit(s) for s in PASS_SENDERS)
        keyed += f" AND {_ident('sender')} NOT IN ({senders})"
    key_hash = f"hash({', '.join(_ident(k) for k in table.key)})"
    # How many kept rows fill each optional column: for the empty-column warnings, and a
    # column no row fills is left out of the sorted insert.
    optional = _optional_columns(table)
    # Every row is kept when nothing is skipped: a plain count then (the FILTER costs some 20 %
    # of a month of messages' scan).
    kept_only = f" FILTER (WHERE {keep})" if skips or tmap.invalid_rows == "skip" else ""
    # Typed text that every row keeps is answered by a Parquet file's footer when it can be:
    # the scan then does not read it (a month of chat text is most of a messages file).
    footer: dict[str, int] = {}
    if raw.parquet is not None and not kept_only:
        found = _parquet_text_filled(conn, raw.parquet, sorted(set(by_footer.values())))
        footer = {c: found[h] for c, h in by_footer.items() if h in found}
    filling = "".join(
        f", {footer[c]}" if c in footer else f", count({_ident(c)}){kept_only}" for c in optional
    )
    # Whether any row's conversion changed an as_is column's text (no empty string in a
    # column the footer answered).
    same = "".join(
        ", true" if name in footer else f", {test}" for name, (_, test, _, _) in as_is.items()
    )
    try:
        ((total, bad, missing_seq, skipped_n, n_keyed, n_hashes, *rest),) = conn.execute(
            f"SELECT count(*), count(_err) FILTER (WHERE _skip IS NULL), {unnumbered}, "
            f"count(_skip), count(*) FILTER (WHERE {keyed}), "
            # A CASE, not a FILTER: DuckDB groups every row by (hash, filter) for a filtered
            # distinct count, here only the keyed rows' hashes are distinct groups.
            f"count(DISTINCT CASE WHEN {keyed} THEN {key_hash} END){filling}{same} "
            f"FROM {checked}"
        ).fetchall()
    except duckdb.Error as exc:
        problems.append(_err(src.path, "file_unreadable", _duck_message(exc)))
        return None
    filled = dict(zip(optional, (int(n) for n in rest[: len(optional)]), strict=True))
    unchanged = rest[len(optional) :]
    # A column the conversion left unchanged in every row is copied as it is: the same values,
    # and the sorted insert keeps the file's column statistics.
    copied = frozenset(name for name, ok in zip(as_is, unchanged, strict=True) if ok is not False)
    if copied:
        checked = checked_sql(copied)
    typed = f"(SELECT {', '.join(outer)}, _err FROM {checked} WHERE {keep})"
    skipped = dict(raw.skipped)
    if skipped_n:
        for reason, n in conn.execute(
            f"SELECT _skip, count(*) FROM {checked} WHERE _skip IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall():
            skipped[f"skipped: {reason}"] = int(n)
    read = int(total) - int(skipped_n)
    if bad and tmap.invalid_rows == "skip":
        _report_bad_values(
            conn,
            src,
            f"(SELECT * FROM {checked} WHERE _skip IS NULL)",
            int(bad),
            problems,
            level="warning",
        )
        skipped["invalid (invalid_rows: skip)"] = int(bad)
        read -= int(bad)
        bad = 0
    if messages and missing_seq:
        # Same file, same numbers: file order within each conversation. Only when some rows
        # lack a seq, as numbering sorts the whole file.
        numbered = "row_number() OVER (PARTITION BY conversation_id ORDER BY _row)"
        cols = ", ".join(
            f"COALESCE(seq, {numbered}) AS seq" if o == _ident("seq") else o for o in outer
        )
        typed = f"(SELECT {cols}, _err FROM {typed})"
    provided = frozenset(c for c in resolved if c in table.column_names)
    staged = _Staged(
        src,
        typed,
        read,
        name=name,
        skipped=skipped,
        provided=provided,
        keys_in_pass=keys_in_pass,
        unfilled=frozenset(c for c, n in filled.items() if not n),
        fresh=fresh,
    )
    if not fresh:
        # Rows are matched against stored ones by key: that join wants its own copy.
        try:
            conn.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {typed}")
        except duckdb.Error as exc:
            problems.append(_err(src.path, "file_unreadable", _duck_message(exc)))
            return None
        staged.stage = name
    if bad:
        _report_bad_values(conn, src, staged.stage, int(bad), problems)
    # Without a seq column the numbering makes message keys unique; checking would cost a
    # 30-million-row aggregate for nothing.
    if (not messages or "seq" in resolved) and n_hashes < n_keyed:
        # The exact query reads every sender's keys: nothing is left for the facts pass.
        staged.keys_in_pass = False
        _check_duplicates(conn, staged, problems)
    if not messages and read:
        _warn_empty_columns(staged, filled, problems)
    return staged


def metrics_reading(table: str, column: str) -> list[str]:
    """Catalog metrics whose SQL reads ``table.column``: what an empty column leaves without
    data."""
    from appraise.metrics.catalog import METRICS, SOURCES

    word = re.compile(rf"\b{re.escape(column)}\b")
    return [
        m.id
        for m in METRICS.values()
        if any(table in SOURCES[s].tables and word.search(SOURCES[s].sql) for s in m.sources)
    ]


def _optional_columns(table: Table) -> list[str]:
    """Columns a row may leave empty: neither required nor part of the key."""
    return [c.name for c in table.columns if not c.required and c.name not in table.key]


def _warn_empty_columns(staged: _Staged, filled: dict[str, int], problems: list[Problem]) -> None:
    """A column no row fills (calls without answered_at, orders without paid) would make its
    metrics read 0 % or 100 %: name the metrics it leaves without data. ``filled``: the kept
    rows that fill each optional column (counted by the check scan)."""
    table = staged.source.table
    for column in _optional_columns(table):
        if filled[column]:
            continue
        needing = metrics_reading(table.name, column)
        if not needing:
            continue
        problems.append(
            Problem(
                "warning",
                "column_empty",
                message(
                    "import.column_empty",
                    "{column} is empty in every row (or not in the file): the metrics that "
                    "read it ({metrics}) have nothing to compute it from and may read as 0 "
                    "or 100 %; map the column (a preset may derive it)",
                    column=column,
                    metrics=", ".join(needing),
                ),
                str(staged.source.path),
                field=column,
            )
        )


def _is_empty(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    return not conn.execute(f"SELECT count(*) FROM {_ident(table)}").fetchall()[0][0]


def _check(column: str, kind: str, predicate: str, value: str) -> str:
    tag = _lit(f"{column}{_SEP}{kind}{_SEP}")
    return f"CASE WHEN {predicate} THEN {tag} || COALESCE(CAST({value} AS VARCHAR), '') END"


def _report_bad_values(
    conn: duckdb.DuckDBPyConnection,
    src: _Source,
    relation: str,
    bad: int,
    problems: list[Problem],
    *,
    level: Literal["error", "warning"] = "error",
) -> None:
    rows = conn.execute(
        f"SELECT _row, _err FROM {relation} WHERE _err IS NOT NULL ORDER BY _row "
        f"LIMIT {MAX_PROBLEMS_PER_FILE}"
    ).fetchall()
    for row, err in rows:
        for entry in str(err).split(_REC):
            cname, kind, value = entry.split(_SEP, 2)
            col = src.table.column(cname)
            spec = src.mapping.spec(cname)
            where = spec.source if isinstance(spec.source, str) else cname
            key = (src.table.name, cname)
            said: str
            if kind == "missing":
                code = "value_missing"
                said = message(
                    "import.required_empty", "{column} is required but empty", column=cname
                )
            elif kind == "type":
                code = "bad_value"
                said = message(
                    "import.bad_type",
                    "{value} is not {what}",
                    value=repr(value),
                    what=_describe(col, spec.format),
                )
            elif kind == "seconds" and spec.plus_milliseconds is not None:
                code = "bad_value"
                said = message(
                    "import.bad_plus_ms",
                    "{value} (milliseconds added to {column}) is not a number of "
                    "milliseconds of 0 or more",
                    value=repr(value),
                    column=cname,
                )
                where = str(spec.plus[0]) if spec.plus else cname
            elif kind == "seconds":
                code = "bad_value"
                said = message(
                    "import.bad_plus_seconds",
                    "{value} (added to {column}) is not a number or a duration",
                    value=repr(value),
                    column=cname,
                )
                where = str(spec.plus[0]) if spec.plus else cname
            elif kind == "enum":
                code = "bad_value"
                said = message(
                    "import.bad_enum",
                    "{value} is not one of {allowed} (a mapping file can translate other codes)",
                    value=repr(value),
                    allowed=" | ".join(ENUMS[key]),
                )
            elif kind == "when":
                code = "bad_time"
                said = message(
                    "import.bad_time",
                    "{value} is before {earliest} or in the future: a wrong "
                    "column, a wrong date format (day and month swapped?) or a wrong time zone "
                    "(an archive older than that says earliest: in the mapping)",
                    value=repr(value),
                    earliest=src.mapping.earliest,
                )
            elif kind.startswith("before:"):
                earlier = kind.split(":", 1)[1]
                code = "bad_order"
                if spec.plus is not None:
                    # A time made of a start and an offset: the offset is what is wrong.
                    where = str(spec.plus[0])
                said = message(
                    "import.bad_order",
                    "{column} is before {earlier} ({value}): the row cannot be right",
                    column=cname,
                    earlier=earlier,
                    value=value,
                )
            else:
                lo, hi = RANGES[key]
                code = "out_of_range"
                bounds = f"{lo:g}..{hi:g}" if lo is not None and hi is not None else f">= {lo:g}"
                said = message(
                    "import.out_of_range", "{value} is outside {bounds}", value=value, bounds=bounds
                )
            if level == "warning":
                said = message(
                    "import.row_left_out",
                    "{problem}; the row is left out (invalid_rows: skip)",
                    problem=said,
                )
            problems.append(Problem(level, code, said, str(src.path), row=int(row), field=where))
    if bad > len(rows):
        problems.append(
            Problem(
                level,
                "too_many_problems",
                message(
                    "import.too_many_bad_rows",
                    "{bad} rows have bad values; the first {n} are listed",
                    bad=bad,
                    n=len(rows),
                ),
                str(src.path),
            )
        )


def _check_duplicates(
    conn: duckdb.DuckDBPyConnection, staged: _Staged, problems: list[Problem]
) -> None:
    """Several rows with one key. Keeping the last is right only for an event log that writes
    a row per state of one record (a ticket's states share its opening time); rows whose event
    times differ are different records that the mapped key does not tell apart."""
    src = staged.source
    key = src.table.key
    cols = ", ".join(_ident(k) for k in key)
    shown = ", ".join(f"CAST({_ident(k)} AS VARCHAR)" for k in key)
    event = ORDER[src.table.name][0]
    times = f"count(DISTINCT {_ident(event)})" if event not in key else "1"
    dups = conn.execute(
        f"SELECT list(_row ORDER BY _row), [{shown}], {times} FROM {staged.stage} "
        f"WHERE {' AND '.join(f'{_ident(k)} IS NOT NULL' for k in key)} GROUP BY {cols} "
        f"HAVING count(*) > 1 ORDER BY min(_row) LIMIT {MAX_PROBLEMS_PER_FILE}"
    ).fetchall()
    if not dups:
        return
    distinct = [(rows, values) for rows, values, n in dups if n > 1]
    hint_key = message(
        "import.hint_key",
        "map a key that tells them apart (for example {column}: [column, column, ...] joins "
        "several columns)",
        column=key[0],
    )
    if src.mapping.on_duplicate == "last" and not distinct:
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE {staged.name} AS SELECT * FROM {staged.stage} "
            f"QUALIFY row_number() OVER (PARTITION BY {cols} ORDER BY _row DESC) = 1"
        )
        staged.stage = staged.name
        (left,) = conn.execute(f"SELECT count(*) FROM {staged.stage}").fetchone() or (0,)
        staged.superseded = staged.read - int(left)
        return
    if src.mapping.on_duplicate == "last":
        total = len(distinct)
        for rows, values in distinct[:MAX_PROBLEMS_PER_FILE]:
            described = ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))
            problems.append(
                _err(
                    src.path,
                    "duplicate_key_distinct",
                    message(
                        "import.duplicate_key_distinct",
                        "rows {rows} share the key ({key}) but not their {event}: they are "
                        "{total} different records, not states of one, and keeping the last "
                        "would drop them; {hint}",
                        rows=", ".join(str(r) for r in rows[:5]),
                        key=described,
                        event=event,
                        total=total,
                        hint=hint_key,
                    ),
                    row=int(rows[1]),
                    field=",".join(key),
                )
            )
        return
    advice = (
        hint_key
        if distinct
        else message(
            "import.hint_last",
            "or, if a later row is a newer state of the same record, set on_duplicate: last",
        )
    )
    for rows, values, _ in dups:
        described = ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))
        for row in rows[1:]:
            problems.append(
                _err(
                    src.path,
                    "duplicate_key",
                    message(
                        "import.duplicate_key",
                        "duplicate key ({key}), first in row {first}; keys must be "
                        "unique within a file ({advice})",
                        key=described,
                        first=rows[0],
                        advice=advice,
                    ),
                    row=int(row),
                    field=",".join(key),
                )
            )


# --- merging into the store ------------------------------------------------------------------


def _record_provided(conn: duckdb.DuckDBPyConnection, staged: list[_Staged]) -> None:
    """Remember which columns each table's files gave; once given, a column stays given.
    One statement for every file (each statement costs some 2 ms however small)."""
    if not staged:
        return
    conn.execute(PROVIDED_DDL)
    rows = ", ".join(
        f"({_lit(st.source.table.name)}, {_lit(c)}, {str(c in st.provided).lower()})"
        for st in staged
        for c in st.source.table.column_names
    )
    # One row per (table, column): two files of one table give it once, provided by either.
    conn.execute(
        f"INSERT INTO {PROVIDED_TABLE} SELECT tbl, col, bool_or(provided) "
        f"FROM (VALUES {rows}) AS v(tbl, col, provided) GROUP BY tbl, col "
        "ON CONFLICT (tbl, col) DO UPDATE SET provided = provided OR excluded.provided"
    )


# Conversation ids whose conversation or messages an import into a non-empty store inserted or
# changed: the facts of only these are derived again.
TOUCHED_TABLE = "_imp_touched"


def _exists(conn: duckdb.DuckDBPyConnection, query: str) -> bool:
    return conn.execute(f"SELECT EXISTS ({query})").fetchone() == (True,)


def _matching(table: Table, stage: str) -> str:
    """The stored rows whose first key column a staged row has: the only ones that can match.

    Found by a semi-join (a hash of the staged file's values, the store streamed past it, one
    column read). Joined against every stored row with every column, the second 5,000-agent
    month of a store ran out of the 1 GiB budget, and each month cost more than the one before
    (docs/scale.md)."""
    first = _ident(table.key[0])
    return f"SELECT * FROM {_ident(table.name)} WHERE {first} IN (SELECT {first} FROM {stage})"


def _touches_stored(conn: duckdb.DuckDBPyConnection, table: Table, checked: str) -> bool:
    """Whether the store holds a row whose first key column the file has; yes when the file
    cannot be read (its check scan then says why)."""
    try:
        return _exists(conn, _matching(table, checked))
    except duckdb.Error:
        return True


def _merge(conn: duckdb.DuckDBPyConnection, staged: _Staged) -> TableCounts:
    table = staged.source.table
    target = _ident(table.name)
    cols = ", ".join(_ident(c) for c in table.column_names)
    order = _order_sql(table.name)
    stage = staged.stage
    cls = f"{staged.name}_cls"
    kept = staged.read - staged.superseded
    (existing,) = conn.execute(f"SELECT count(*) FROM {target}").fetchone() or (0,)
    matching = _matching(table, stage)
    if not existing or staged.fresh or not _exists(conn, matching):
        # Every row is new: into an empty table, or a new month (or day) into a store of
        # others, with no row-by-row classification. A column no row fills stays out of the
        # sort: the insert stores it as NULL anyway (an all-empty ended_at took some 30 % of the
        # messages' sorted insert). Into a store of others, the file's conversations are the
        # ones the facts derive again.
        filled = ", ".join(_ident(c) for c in table.column_names if c not in staged.unfilled)
        conn.execute(
            f"INSERT INTO {target} ({filled}) SELECT {filled} FROM {stage} ORDER BY {order}"
        )
        if existing and table.name in ("conversations", "messages"):
            conn.execute(
                f"INSERT INTO {TOUCHED_TABLE} SELECT DISTINCT conversation_id FROM {stage} "
                "WHERE conversation_id IS NOT NULL"
            )
        return TableCounts(
            table.name,
            str(staged.source.path),
            staged.read,
            kept,
            0,
            0,
            staged.superseded,
            staged.skipped,
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
        f"FROM {stage} s LEFT JOIN (SELECT *, true AS _hit FROM ({matching})) t ON {on}"
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
        if table.name in ("conversations", "messages"):
            conn.execute(
                f"INSERT INTO {TOUCHED_TABLE} SELECT DISTINCT conversation_id FROM {stage} "
                f"JOIN {cls} USING (_row) WHERE status <> 'same' AND conversation_id IS NOT NULL"
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
        staged.skipped,
    )


# --- the import -------------------------------------------------------------------------------


# DuckDB's memory budget while importing into a store file. Sorting a month of messages into
# storage order and checking their keys then spills to the store's temporary folder instead of
# taking ~6 GB (measured: 5.6 GB without, 2.1 GB under 2 GiB, ~25% slower; under 1 GiB the
# peak RSS is ~1.3-1.45 GB at 300-1,000 agents, docs/metrics.md "Performance"). An in-memory
# store keeps the default: its data cannot go anywhere else. ``APPRAISE_IMPORT_MEMORY_LIMIT``
# sets another (a machine with memory to spare spills less); a connection whose own limit is
# lower keeps its own.
IMPORT_MEMORY_LIMIT = 1 * 2**30
IMPORT_MEMORY_LIMIT_ENV = "APPRAISE_IMPORT_MEMORY_LIMIT"


def import_memory_limit(environ: Mapping[str, str] | None = None) -> int:
    """The import's budget in bytes: ``APPRAISE_IMPORT_MEMORY_LIMIT`` (a size such as 4GiB or
    1500MB), else :data:`IMPORT_MEMORY_LIMIT`. A value that is no size, or zero, is a
    :class:`ProblemsError` naming the variable."""
    env = os.environ if environ is None else environ
    value = env.get(IMPORT_MEMORY_LIMIT_ENV, "")
    if not value.strip():
        return IMPORT_MEMORY_LIMIT
    limit = size_bytes(value)
    if not limit:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "memory_limit",
                    message(
                        "store.memory_limit",
                        "the memory limit must be a size such as 2GiB or 1500MB, not {value}",
                        value=repr(value),
                    ),
                    IMPORT_MEMORY_LIMIT_ENV,
                )
            ]
        )
    return limit


@contextmanager
def _import_memory(conn: duckdb.DuckDBPyConnection, limit: int) -> Iterator[None]:
    ((path, current),) = conn.execute(
        "SELECT path, current_setting('memory_limit') FROM duckdb_databases() "
        "WHERE database_name = current_database()"
    ).fetchall()
    own = size_bytes(str(current))
    if path is None or (own is not None and own <= limit):
        yield
        return
    conn.execute(f"SET memory_limit = '{limit}B'")
    try:
        yield
    finally:
        conn.execute(f"SET memory_limit = {_lit(str(current))}")


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
    large = src.path.stat().st_size > STREAM_BYTES
    if src.fmt == "csv":
        mark = len(problems)
        raw = _read_csv(conn, src, name, workdir, problems)
        if raw is None and not large and [p.code for p in problems[mark:]] == ["file_unreadable"]:
            # DuckDB's strict parser refuses some real exports (a bare \r inside a quoted
            # tweet); Python's csv module reads them, row numbers and checks alike.
            del problems[mark:]
            return _read_frame(conn, src, name, problems)
        return raw
    if src.fmt == "jsonl" and large:
        return _read_jsonl(conn, src, name, problems)
    if src.fmt == "parquet":
        return _read_parquet(conn, src, problems)
    return _read_frame(conn, src, name, problems)


def _write(
    conn: duckdb.DuckDBPyConnection,
    staged: list[_Staged],
    config: CenterConfig,
    incremental: bool,
) -> dict[str, TableCounts]:
    """Write every checked file and derive the facts, in one transaction (rolled back on any
    exception, :class:`~appraise.metrics.derive.DuplicateKeys` included)."""
    conn.execute(f"SET TimeZone = {_lit(config.timezone)}")
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {TOUCHED_TABLE} (conversation_id VARCHAR)")
    conn.execute("BEGIN TRANSACTION")
    try:
        # Still in the center's zone: a file inserted straight from its checked query reads
        # its naive times now.
        counts = {st.source.table.name: _merge(conn, st) for st in staged}
        _record_provided(conn, staged)
        changed = any(
            c.inserted or c.updated
            for c in counts.values()
            if c.table in ("conversations", "messages")
        )
        conn.execute("SET TimeZone = 'UTC'")
        check_keys = any(st.keys_in_pass for st in staged)
        if changed or check_keys or not facts_current(conn, config):
            # Per-conversation facts are part of the import, in its transaction: metrics
            # never sort messages, and a store never holds facts of other data.
            only = TOUCHED_TABLE if incremental and changed else None
            derive_facts(conn, config, temporary=False, only=only, check_keys=check_keys)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return counts


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
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "folder_missing",
                    message("import.no_folder", "no such folder"),
                    str(folder),
                )
            ]
        )
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem(
                "error",
                "bad_timezone",
                message(
                    "import.bad_timezone",
                    "unknown time zone {zone}",
                    zone=repr(config.timezone),
                ),
                "config",
            )
        )
    limit = IMPORT_MEMORY_LIMIT
    try:
        limit = import_memory_limit()
    except ProblemsError as exc:
        problems.extend(exc.problems)
    if any(p.level == "error" for p in problems):
        raise ProblemsError(problems)
    sources = _find_sources(folder, mapping, problems)
    with _import_memory(conn, limit):
        return _import(conn, sources, problems, config)


def _import(
    conn: duckdb.DuckDBPyConnection,
    sources: list[_Source],
    problems: list[Problem],
    config: CenterConfig,
) -> ImportReport:
    """Read and check every file into temporary tables, then write them all in one transaction.

    Reading happens before the transaction: a file DuckDB cannot parse is a problem of that file
    (and the others are still checked), not an aborted transaction that hides every message.
    """
    try:
        with (
            _session_time_zone(conn, config.timezone),
            tempfile.TemporaryDirectory(prefix="appraise-import-") as tmp,
        ):
            staged: list[_Staged] = []
            for src in sources:
                name = f"_imp_{src.table.name}"
                raw = _read(conn, src, f"{name}_raw", Path(tmp), problems)
                if raw is None:
                    continue
                result = _stage(conn, src, raw, f"{name}_stage", problems)
                if result is not None:
                    staged.append(result)
            if any(p.level == "error" for p in problems):
                # Every problem of every file at once: the keys the facts pass would have
                # checked are checked here.
                for st in staged:
                    if st.keys_in_pass:
                        _check_duplicates(conn, st, problems)
                raise ProblemsError(problems)
            # The facts can be brought up to date conversation by conversation when they were
            # current and the import adds to a store that already holds conversations.
            incremental = (
                facts_current(conn, config)
                and not _is_empty(conn, "conversations")
                and not _is_empty(conn, "messages")
            )
            try:
                counts = _write(conn, staged, config, incremental)
            except DuplicateKeys:
                # Rolled back: two stored messages share a key. The exact query on the file
                # names the rows, as it does for every other table, reading naive times in the
                # center's zone as the checks did.
                conn.execute(f"SET TimeZone = {_lit(config.timezone)}")
                for st in staged:
                    if st.keys_in_pass:
                        _check_duplicates(conn, st, problems)
                if any(p.level == "error" for p in problems):
                    raise ProblemsError(problems) from None
                for st in staged:
                    st.keys_in_pass = False
                counts = _write(conn, staged, config, incremental)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {TOUCHED_TABLE}")
        for src in sources:
            for suffix in ("raw", "stage"):
                conn.execute(f"DROP TABLE IF EXISTS _imp_{src.table.name}_{suffix}")
    return ImportReport(counts, [p for p in problems if p.level == "warning"])
