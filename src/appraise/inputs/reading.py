"""Reading an export as the tool wrote it: one reader for every file that comes in.

A 赤兔/千牛 report has a title row above a two-level header and a 合计 row at the bottom; a Zammad
workbook puts its title in A1 and the header on row 3; Chatwoot starts its CSV with a "Reporting
period" line; an older Excel saves CSV in GBK, a Windows tool in UTF-16; Zendesk's API export is
a JSON envelope ``{"tickets": [...]}`` with nested objects. :func:`read_frame` turns any of them
into a :class:`Frame`: the column names, and the data rows with the row numbers a person sees in
the file, so that every problem found later can name file, row and column.

What to skip is declared in a :class:`Layout` (part of every mapping) or, when not declared,
detected: the encoding (BOM, else UTF-8, else GB18030), the delimiter, the header row (the row
holding the most of the column names the mapping expects, else the first row as wide as the
table), a second header row under merged cells, totals rows (汇总, 合计, Total) and a one-cell
footer. What was skipped is counted in :attr:`Frame.skipped`, never dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from appraise.inputs.values import NULL_TOKENS
from appraise.messages import message
from appraise.problems import Problem, unreadable

FileFormat = Literal["csv", "xlsx", "json", "jsonl", "parquet"]

EXTENSIONS: dict[str, FileFormat] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}

# First cells of a row that sums up the rows above it rather than being one of them.
TOTAL_WORDS = frozenset(
    {
        "汇总",
        "合计",
        "总计",
        "小计",
        "总和",
        "平均",
        "平均值",
        "均值",
        "total",
        "totals",
        "grand total",
        "sum",
        "average",
        "总体",
        "全部",
    }
)
# How far down a header may be looked for.
HEADER_SEARCH_ROWS = 30
_DELIMITERS = ",\t;|"


class Layout(BaseModel):
    """How a file is laid out: the part of a mapping every reader shares.

    Row numbers count as the file shows them (a spreadsheet's row, a CSV's record, from 1).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str | None = None
    format: FileFormat | None = None
    # "auto": a BOM, else UTF-8, else GB18030 (which reads GBK and GB2312).
    encoding: str = "auto"
    delimiter: str | None = None  # None: sniffed from the first lines
    quote: str | None = None  # None: '"'; "" reads without quote handling
    header: bool = True
    header_row: int | None = None  # the (upper) header row; None: detected
    header_rows: int | None = None  # 1, or 2 for a two-level header; None: detected
    skip_rows: int = 0  # rows above the header that are not read (title lines)
    footer_rows: int = 0  # rows at the end that are not data (an export note)
    skip_totals: bool = True  # 汇总 / 合计 / Total rows
    sheet: str | int | None = None  # a sheet name, or its position from 1
    records: str | None = None  # JSON: the dotted path of the list of records in an envelope

    @field_validator("header_row")
    @classmethod
    def _positive_row(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(message("layout.rows_from_1", "rows count from 1"))
        return value

    @field_validator("header_rows")
    @classmethod
    def _one_or_two(cls, value: int | None) -> int | None:
        if value is not None and value not in (1, 2):
            raise ValueError(message("layout.header_rows", "a header has 1 or 2 rows"))
        return value

    @field_validator("skip_rows", "footer_rows")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError(message("layout.not_negative", "cannot be negative"))
        return value

    @field_validator("sheet")
    @classmethod
    def _sheet_position(cls, value: str | int | None) -> str | int | None:
        if isinstance(value, int) and value < 1:
            raise ValueError(message("layout.sheets_from_1", "sheets count from 1"))
        return value


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell as read, before conversion.

    XLSX cells carry what their number format tells: a percentage format stores 85% as 0.85, and
    a date shown without a day (``mmm-yy``) is how Excel keeps a month that was typed ``2026-10``.
    """

    value: object
    percent: bool = False
    shows_day: bool = True
    excel_error: bool = False

    @property
    def empty(self) -> bool:
        """No value: nothing, spaces, or a dash-like token a report writes for none."""
        value = self.value
        if value is None:
            return True
        if isinstance(value, str):
            return empty_text(value)
        return False

    @property
    def text(self) -> str:
        """The cell as the text a CSV export would hold ('' when empty)."""
        return cell_text(self.value) or ""


EMPTY = Cell(None)
_NULLS = frozenset(NULL_TOKENS)


def empty_text(value: str) -> bool:
    """A text that is no value: nothing, spaces, or a dash-like token a report writes for none
    (:attr:`Cell.empty` of a text cell; the CSV readers ask it of a text without the cell)."""
    # Null tokens are short: a long text needs no set look-up (this runs on every cell).
    if len(value) > 8:
        return not value.strip()
    text = value.strip()
    return not text or text in _NULLS


@dataclass(slots=True)
class Frame:
    """A file's table: names of its columns and its data rows (row number, cells)."""

    label: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    # Other names a column answers to: "询单/人数" for the 人数 under a merged 询单.
    aliases: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None

    def index(self, name: str) -> int | None:
        """The column called ``name``: exactly, then ignoring case and spaces, then by alias."""
        for i, h in enumerate(self.headers):
            if h == name:
                return i
        key = _key(name)
        for i, h in enumerate(self.headers):
            if h and _key(h) == key:
                return i
        for alias, i in self.aliases.items():
            if _key(alias) == key:
                return i
        return None

    def width(self) -> int:
        return max([len(self.headers)] + [len(c) for _, c in self.rows])

    def column_has_data(self, index: int) -> bool:
        return any(index < len(cells) and not cells[index].empty for _, cells in self.rows)


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name).casefold()


def cell_text(value: Any) -> str | None:
    """A typed value as the text a CSV export would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _problem(label: str, code: str, said: str, **where: Any) -> Problem:
    return Problem("error", code, said, label, **where)


# --- bytes to text -----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(raw: bytes) -> str:
    """The encoding of an export: a BOM says it; else UTF-8 if it decodes, else GB18030."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def decode(raw: bytes, encoding: str, label: str, problems: list[Problem]) -> str | None:
    """The file's text; a byte that does not decode is a problem naming its line."""
    decoded = decode_as(raw, encoding, label, problems)
    return None if decoded is None else decoded[0]


def decode_as(
    raw: bytes, encoding: str, label: str, problems: list[Problem]
) -> tuple[str, str] | None:
    """:func:`decode`'s text and the codec that decoded it (``utf-8`` when ``raw`` is the
    text's UTF-8 as it is, no BOM: what pyarrow reads, without encoding it again)."""
    if encoding == "auto" and not any(raw.startswith(bom) for bom, _ in _BOMS):
        # detect_encoding's test, whose text is kept: no file is decoded twice.
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            name = "gb18030"
    else:
        name = detect_encoding(raw) if encoding == "auto" else encoding
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        problems.append(
            _problem(
                label,
                "bad_encoding",
                message(
                    "read.unknown_encoding", "unknown encoding {encoding}", encoding=repr(encoding)
                ),
            )
        )
        return None
    if name.replace("_", "-").lower() in ("utf-8", "utf8") and raw.startswith(codecs.BOM_UTF8):
        name = codec = "utf-8-sig"
    try:
        return raw.decode(name), codec
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = (
            message(
                "read.not_utf8_or_gbk",
                "the file is in neither UTF-8 nor GBK/GB18030; name its encoding in the mapping",
            )
            if encoding == "auto"
            else message(
                "read.not_encoding",
                "the file is not {encoding}; try encoding: auto",
                encoding=encoding,
            )
        )
        problems.append(
            _problem(
                label,
                "bad_encoding",
                message("read.bad_byte", "a byte that does not decode: {hint}", hint=hint),
                row=line,
            )
        )
        return None


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The delimiter of the first lines: the one that splits most lines into the same, largest
    number of fields."""
    lines = [ln for ln in text.splitlines()[:HEADER_SEARCH_ROWS] if ln.strip()]
    best, best_score = default, (0, 0)
    for d in _DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not counts:
            continue
        widest = max(counts)
        if widest < 2:
            continue
        score = (sum(1 for c in counts if c == widest), widest)
        if score > best_score:
            best, best_score = d, score
    return best


# --- files to rows -----------------------------------------------------------------------------


def _read_text(
    path: Path, layout: Layout, label: str, problems: list[Problem]
) -> tuple[bytes, str] | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(_problem(label, "file_unreadable", unreadable(exc)))
        return None
    text = decode(raw, layout.encoding, label, problems)
    return None if text is None else (raw, text)


_BARE_CR = re.compile(r"\r(?!\n)")


def _csv_rows(
    path: Path, layout: Layout, label: str, problems: list[Problem]
) -> tuple[list[tuple[int, list[Cell]]], str, str] | None:
    read = _read_text(path, layout, label, problems)
    if read is None:
        return None
    raw, text = read
    encoding = detect_encoding(raw) if layout.encoding == "auto" else layout.encoding
    if "\n" in text and _BARE_CR.search(text):
        # Lines end in \n (or \r\n), so a lone \r is inside a value (a tweet's line break,
        # written unquoted): read as a space, not as the end of the row.
        count = len(_BARE_CR.findall(text))
        text = _BARE_CR.sub(" ", text)
        problems.append(
            Problem(
                "warning",
                "bare_carriage_return",
                message(
                    "read.bare_cr",
                    "{count} carriage return(s) inside rows were read as spaces",
                    count=count,
                ),
                label,
            )
        )
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    delimiter = layout.delimiter or sniff_delimiter(text, default)
    quote = '"' if layout.quote is None else layout.quote
    reader = (
        csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE)
        if quote == ""
        else csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote)
    )
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, [Cell(v) for v in record]))
    except csv.Error as exc:
        problems.append(
            _problem(
                label,
                "bad_row",
                message("read.bad_csv_row", "not a readable CSV row: {error}", error=str(exc)),
                row=len(rows) + 1,
            )
        )
        return None
    return rows, encoding, delimiter


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def excel_cell(cell: Any) -> Cell:
    value = cell.value
    if value is None:
        return EMPTY
    if getattr(cell, "data_type", None) == "e":
        return Cell(value, excel_error=True)
    fmt = _FORMAT_LITERALS.sub("", str(getattr(cell, "number_format", "General") or "General"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Cell(value, percent="%" in fmt)
    if isinstance(value, datetime | date):
        return Cell(value, shows_day="d" in fmt.lower())
    return Cell(value)


def open_workbook(path: Path, label: str, problems: list[Problem]) -> Any | None:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        problems.append(
            _problem(
                label,
                "bad_file",
                message("read.bad_xlsx", "not a readable .xlsx workbook: {error}", error=str(exc)),
            )
        )
        return None


def worksheet_rows(worksheet: Any) -> list[tuple[int, list[Cell]]]:
    # Some programs write a wrong sheet size, which would cut rows off in read-only mode.
    worksheet.reset_dimensions()
    return [
        (number, [excel_cell(c) for c in row])
        for number, row in enumerate(worksheet.iter_rows(), start=1)
    ]


# A cell element (not a self-closing empty one) and its content.
_CELL_XML = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*(?<!/)>(.*?)</c>', re.S)
_CACHED = re.compile(rb"<v>[^<]")


def uncalculated_formulas(path: Path, sheet_path: str) -> list[str]:
    """Cells of a sheet that hold a formula but no cached value (``<f>`` without ``<v>``)."""
    if not sheet_path:
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(sheet_path.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    if b"<f" not in xml:
        return []
    return [
        m.group(1).decode()
        for m in _CELL_XML.finditer(xml)
        if b"<f" in m.group(2) and not _CACHED.search(m.group(2))
    ]


def formula_problems(path: Path, worksheet: Any, label: str) -> list[Problem]:
    """An error per cell (up to 20) whose formula has no calculated value: read with cached
    values it would be empty, a silently wrong number."""
    cells = uncalculated_formulas(path, getattr(worksheet, "_worksheet_path", ""))
    return [
        _problem(
            label,
            "formula_not_calculated",
            message(
                "read.formula_not_calculated",
                "cell {cell} holds a formula whose value was never calculated (the file was "
                "written by a program that does not compute formulas): open it in Excel or WPS "
                "and save it again",
                cell=cell,
            ),
            row=int(re.sub(r"^[A-Z]+", "", cell)),
            field=re.sub(r"\d+$", "", cell),
        )
        for cell in cells[:20]
    ]


def _xlsx_rows(
    path: Path, layout: Layout, label: str, problems: list[Problem]
) -> tuple[list[tuple[int, list[Cell]]], str] | None:
    book = open_workbook(path, label, problems)
    if book is None:
        return None
    try:
        names = list(book.sheetnames)
        sheet = layout.sheet
        if isinstance(sheet, int):
            if sheet > len(names):
                problems.append(
                    _problem(
                        label,
                        "sheet_missing",
                        message(
                            "read.sheet_number_missing",
                            "the workbook has {n} sheet(s), not {sheet} ({names})",
                            n=len(names),
                            sheet=sheet,
                            names=", ".join(names),
                        ),
                    )
                )
                return None
            name = names[sheet - 1]
        elif sheet is not None:
            if sheet not in names:
                problems.append(
                    _problem(
                        label,
                        "sheet_missing",
                        message(
                            "read.sheet_missing",
                            "no sheet {sheet} ({names})",
                            sheet=repr(sheet),
                            names=", ".join(names),
                        ),
                    )
                )
                return None
            name = sheet
        else:
            name = names[0]
        worksheet = book[name]
        label = label if len(names) == 1 else f"{label}[{name}]"
        found = formula_problems(path, worksheet, label)
        if found:
            problems.extend(found)
            return None
        return worksheet_rows(worksheet), label
    finally:
        book.close()


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted names (``metric_set.solved_at``); lists as JSON text."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def _json_records(
    path: Path, layout: Layout, label: str, problems: list[Problem]
) -> list[tuple[int, dict[str, Any]]] | None:
    read = _read_text(path, layout, label, problems)
    if read is None:
        return None
    _, text = read
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as whole:
        # Not one document: JSON Lines, one object per line.
        records: list[tuple[int, dict[str, Any]]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                where = whole if number == 1 else exc
                problems.append(
                    _problem(
                        label,
                        "bad_json",
                        message("read.not_json", "not JSON: {error}", error=where.msg),
                        row=number,
                    )
                )
                return None
            if not isinstance(item, dict):
                problems.append(
                    _problem(
                        label,
                        "bad_json",
                        message("read.jsonl_not_object", "each line must be a JSON object"),
                        row=number,
                    )
                )
                return None
            records.append((number, item))
        return records
    if layout.records:
        for part in layout.records.split("."):
            if not isinstance(document, dict) or part not in document:
                problems.append(
                    _problem(
                        label,
                        "bad_json",
                        message(
                            "read.no_records",
                            "no {records} in the JSON document",
                            records=repr(layout.records),
                        ),
                    )
                )
                return None
            document = document[part]
    elif isinstance(document, dict):
        lists = [
            k
            for k, v in document.items()
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
        ]
        if len(lists) != 1:
            found = ", ".join(lists) or message("read.none", "none")
            problems.append(
                _problem(
                    label,
                    "bad_json",
                    message(
                        "read.which_records",
                        "a JSON object must hold one list of records; say which with records: "
                        "(lists of objects found: {found})",
                        found=found,
                    ),
                )
            )
            return None
        document = document[lists[0]]
    if not isinstance(document, list) or not all(isinstance(x, dict) for x in document):
        problems.append(
            _problem(
                label,
                "bad_json",
                message("read.records_not_objects", "the records must be a list of JSON objects"),
            )
        )
        return None
    return [(i, r) for i, r in enumerate(document, start=1)]


def _json_frame(path: Path, layout: Layout, label: str, problems: list[Problem]) -> Frame | None:
    records = _json_records(path, layout, label, problems)
    if records is None:
        return None
    flat = [(n, _flatten(r)) for n, r in records]
    headers: dict[str, None] = {}
    for _, r in flat:
        headers.update(dict.fromkeys(r))
    names = list(headers)
    rows = [(n, [Cell(r.get(h)) for h in names]) for n, r in flat]
    return Frame(label, 0, names, rows, encoding=None)


# --- finding the header --------------------------------------------------------------------


def _filled(cells: Sequence[Cell]) -> int:
    return sum(1 for c in cells if not c.empty)


def _texts(cells: Sequence[Cell]) -> list[str]:
    return [c.text.strip() if not c.empty else "" for c in cells]


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?[\d,.]+%?", text.strip()))


def _find_header(
    rows: list[tuple[int, list[Cell]]], layout: Layout, expected: Sequence[str]
) -> int | None:
    """Index into ``rows`` of the (upper) header row."""
    if layout.header_row is not None:
        return next((i for i, (n, _) in enumerate(rows) if n == layout.header_row), None)
    candidates = list(
        itertools.islice(
            (
                (i, cells)
                for i, (n, cells) in enumerate(rows)
                if n > layout.skip_rows and any(not c.empty for c in cells)
            ),
            HEADER_SEARCH_ROWS,
        )
    )
    if not candidates:
        return None
    if expected:
        keys = {_key(e) for e in expected}
        best, hits = None, 0
        for pos, (i, cells) in enumerate(candidates):
            found = len(keys & {_key(t) for t in _texts(cells) if t})
            # A two-level header names some columns on its lower row.
            if found and pos + 1 < len(candidates):
                found += len(keys & {_key(t) for t in _texts(candidates[pos + 1][1]) if t})
            if found > hits:
                best, hits = i, found
        if best is not None:
            return best
    widest = max(_filled(c) for _, c in candidates)
    if widest < 2:
        return candidates[0][0]
    need = max(2, (widest + 1) // 2)
    return next(i for i, c in candidates if _filled(c) >= need)


def _second_header(upper: list[str], lower_cells: list[Cell]) -> bool:
    """Whether the row under the header is a second header row: a merged upper cell leaves
    gaps that the row below names, and that row holds names, not numbers."""
    lower = _texts(lower_cells)
    if sum(1 for t in upper if t) < 2:
        return False  # a one-cell row is a title, not the upper half of a header
    span = max((i for i, t in enumerate(upper) if t), default=-1)
    gaps = [i for i in range(span + 1) if not upper[i]]
    if not gaps and len(lower) <= span + 1:
        return False
    named = [t for t in lower if t]
    if not named or any(_is_number(t) for t in named):
        return False
    # The gaps of the upper row (and anything right of it) are named below.
    return all(i < len(lower) and lower[i] for i in gaps) and bool(gaps or len(lower) > span + 1)


def _combine_headers(upper: list[str], lower: list[str]) -> tuple[list[str], dict[str, int]]:
    """Column names of a two-level header: the lower cell names the column ("人数"), the upper
    cell (carried across its merged span) qualifies it ("询单/人数"); a column merged over both
    rows is named by its upper cell. A lower name that appears under two upper cells is only
    known by its full "上级/下级" name."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    carried: list[str] = []
    current = ""
    for i in range(width):
        if upper[i]:
            current = upper[i]
        elif not lower[i]:
            current = ""
        carried.append(current if not upper[i] else upper[i])
    names: list[str] = []
    aliases: dict[str, int] = {}
    counts: dict[str, int] = {}
    for i in range(width):
        if lower[i]:
            counts[_key(lower[i])] = counts.get(_key(lower[i]), 0) + 1
    for i in range(width):
        up, low = carried[i], lower[i]
        if low and up and up != low:
            full = f"{up}/{low}"
            aliases[full] = i
            names.append(low if counts[_key(low)] == 1 else full)
        else:
            names.append(low or up)
    return names, aliases


def _is_total(cells: list[Cell]) -> bool:
    texts = [t for t in _texts(cells) if t][:2]
    return any(_key(t).rstrip(":：") in TOTAL_WORDS for t in texts)


def shape(
    rows: list[tuple[int, list[Cell]]],
    layout: Layout,
    label: str,
    problems: list[Problem],
    expected: Sequence[str] = (),
) -> Frame | None:
    """Header, data rows and what was skipped, from the rows of a CSV or a sheet."""
    if not layout.header:
        data = [(n, c) for n, c in rows if n > layout.skip_rows and any(not x.empty for x in c)]
        width = max((len(c) for _, c in data), default=0)
        frame = Frame(label, layout.skip_rows, [""] * width, data)
        _trim_end(frame, layout)
        return frame
    at = _find_header(rows, layout, expected)
    if at is None:
        if layout.header_row is not None:
            problems.append(
                _problem(
                    label,
                    "no_header",
                    message(
                        "read.header_row_missing",
                        "row {row} is not in the file",
                        row=layout.header_row,
                    ),
                )
            )
        else:
            problems.append(
                _problem(label, "file_empty", message("read.file_empty", "the file holds no rows"))
            )
        return None
    header_number, header_cells = rows[at]
    upper = _texts(header_cells)
    names, aliases = list(upper), dict[str, int]()
    nxt = at + 1
    while nxt < len(rows) and not _filled(rows[nxt][1]):
        nxt += 1
    two = layout.header_rows == 2 or (
        layout.header_rows is None and nxt < len(rows) and _second_header(upper, rows[nxt][1])
    )
    last_header = header_number
    if two and nxt < len(rows):
        names, aliases = _combine_headers(upper, _texts(rows[nxt][1]))
        last_header = rows[nxt][0]
        nxt += 1
    skipped: dict[str, int] = {}
    above = sum(1 for n, c in rows[:at] if _filled(c))
    if above:
        skipped["title"] = above
    data = [(n, c) for n, c in rows[nxt:] if any(not x.empty for x in c)]
    frame = Frame(label, last_header, names, data, aliases, skipped)
    width = frame.width()
    frame.headers = names + [""] * (width - len(names))
    _trim_end(frame, layout)
    return frame


_NOTE = re.compile(
    r"^(导出|共\s*\d|数据|统计|注|备注|说明|生成|报表|制表|generated|exported|report|total|"
    r"showing|page)|[:：]",
    re.IGNORECASE,
)


def is_note_text(text: str) -> bool:
    """Whether a line's one cell reads as a note about the export, not as data."""
    return bool(_NOTE.search(text))


def _is_note(cells: list[Cell], width: int) -> bool:
    filled = [c for c in cells if not c.empty]
    return len(filled) == 1 and width >= 2 and is_note_text(filled[0].text.strip())


def _trim_end(frame: Frame, layout: Layout) -> None:
    if layout.footer_rows:
        cut = min(layout.footer_rows, len(frame.rows))
        if cut:
            frame.skipped["footer"] = frame.skipped.get("footer", 0) + cut
            frame.rows = frame.rows[:-cut]
    else:
        # A one-cell note after the table ("导出时间：2026-11-01", "共 12 条") is not a row.
        while frame.rows and _is_note(frame.rows[-1][1], len(frame.headers)):
            frame.rows.pop()
            frame.skipped["footer"] = frame.skipped.get("footer", 0) + 1
    if layout.skip_totals:
        kept = [(n, c) for n, c in frame.rows if not _is_total(c)]
        if len(kept) != len(frame.rows):
            frame.skipped["totals"] = len(frame.rows) - len(kept)
            frame.rows = kept


def read_frame(
    path: Path,
    layout: Layout,
    problems: list[Problem],
    *,
    label: str | None = None,
    expected: Iterable[str] = (),
) -> Frame | None:
    """Read ``path`` as ``layout`` says (or as detected). Problems name ``label`` (the file's
    name as the user knows it; default: the path)."""
    label = label or str(path)
    fmt = layout.format or EXTENSIONS.get(path.suffix.lower(), "csv")
    wanted = [e for e in expected if e]
    if fmt in ("json", "jsonl"):
        return _json_frame(path, layout, label, problems)
    if fmt == "parquet":
        problems.append(
            _problem(
                label,
                "bad_file",
                message("read.parquet", "Parquet files are read by the event importer"),
            )
        )
        return None
    if fmt == "xlsx":
        got = _xlsx_rows(path, layout, label, problems)
        if got is None:
            return None
        rows, label = got
        return shape(rows, layout, label, problems, wanted)
    read = _csv_rows(path, layout, label, problems)
    if read is None:
        return None
    rows, encoding, delimiter = read
    frame = shape(rows, layout, label, problems, wanted)
    if frame is not None:
        frame.encoding, frame.delimiter = encoding, delimiter
    return frame


# --- column reading ----------------------------------------------------------------------------


@dataclass(slots=True)
class TextColumn:
    """A CSV column as pyarrow's dictionary encoding gives it: its distinct texts, in the order
    they first appear, and for each row the index of its text among them (a numpy array). A table
    repeats its ids, periods and names on every row; a column kept this way is converted once per
    distinct text and never made into a Python string per row."""

    texts: list[str]
    codes: Any
    # The distinct texts as pyarrow holds them, for matching them all at once.
    arrow: Any = None

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> str:
        """The text of the ``row``-th data row (from 0)."""
        return self.texts[int(self.codes[row])]

    def rows(self) -> list[str]:
        """The text of every row."""
        return take(self.texts, self.codes)

    def matching(self, pattern: str) -> list[str]:
        """The distinct texts that match ``pattern`` (an RE2 pattern, matched by pyarrow)."""
        import pyarrow.compute as pc

        if self.arrow is None:
            return [t for t in self.texts if re.search(pattern, t)]
        found = pc.match_substring_regex(self.arrow, pattern=pattern)
        return list(itertools.compress(self.texts, found.to_pylist()))


def take(values: Sequence[Any], codes: Any) -> list[Any]:
    """``[values[c] for c in codes]``, made in C: ``codes`` a numpy array of indexes."""
    import numpy as np

    array = np.empty(len(values), dtype=object)
    array[:] = values
    taken: list[Any] = array[codes].tolist()  # a new list (not copied again)
    return taken


@dataclass(slots=True)
class ColumnFrame(Frame):
    """A CSV table read column by column (pyarrow): each column a :class:`TextColumn`, and the
    file row number of each data row. :attr:`rows` is filled only when a reader asks for rows
    (:meth:`materialize`); the bulk tables convert whole columns instead."""

    numbers: list[int] = field(default_factory=list)
    columns: list[TextColumn] = field(default_factory=list)

    def materialize(self) -> None:
        if self.rows or not self.numbers:
            return
        texts = [c.rows() for c in self.columns]
        self.rows = [
            (n, [Cell(v) for v in cells])
            for n, cells in zip(self.numbers, zip(*texts, strict=True), strict=True)
        ]

    def width(self) -> int:
        return len(self.headers)

    def column_has_data(self, index: int) -> bool:
        # Every distinct text of a column is in some row.
        if index >= len(self.columns):
            return False
        return not all(map(empty_text, self.columns[index].texts))


def _text_column(column: Any) -> TextColumn:
    import numpy as np
    import pyarrow.compute as pc

    array = column.combine_chunks()
    n = len(array)
    if n and array[0] == array[n - 1] and pc.all(pc.equal(array, array[0])).as_py():
        # One text in every row (the period, a rater_id): compared with the first row's, a
        # quarter of the time to encode the column.
        return TextColumn([array[0].as_py()], np.zeros(n, dtype=np.int32), array.slice(0, 1))
    encoded = array.dictionary_encode()
    dictionary, indices = encoded.dictionary, encoded.indices
    # The indices' buffer as it is (no cell is null): Array.to_numpy imports pandas (half a
    # second, the first time).
    if indices.type.bit_width == 32 and indices.null_count == 0:
        buffer = indices.buffers()[1]
        codes = np.frombuffer(buffer, np.int32, len(indices) + indices.offset)[indices.offset :]
    else:
        codes = np.array(indices.to_pylist(), dtype=np.int64)
    return TextColumn(dictionary.to_pylist(), codes, dictionary)


# What str.splitlines ends a line at, besides \n, \r\n and \r.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _line_count(text: str, data: bytes | None = None) -> int:
    """How many lines ``text`` has up to its last line that is not blank: the lines of
    ``str.splitlines``, counted without a string per line when they all end in \n or \r\n;
    in ``data`` (``text`` in UTF-8, when given) by numpy, a pass each for \n and \r."""
    body = text.rstrip()
    if not body:
        return 0
    if not any(c in body for c in _OTHER_BREAKS):
        if data is not None:
            import numpy as np

            # The bytes of the body: UTF-8 writes \r and \n as themselves and as no other
            # character's part, so they count as in the text.
            tail = len(text) - len(body)
            end = len(data) - (tail if text.isascii() else len(text[len(body) :].encode()))
            octets = np.frombuffer(data, np.uint8, end)
            returns = np.flatnonzero(octets == 13)
            # The body ends in neither \r nor \n: every \r has a next byte.
            if (octets[returns + 1] == 10).all():
                return int(np.count_nonzero(octets == 10)) + 1
        elif "\r" not in body or body.count("\r") == body.count("\r\n"):
            return body.count("\n") + 1
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return len(lines)


# A line as io.StringIO(text, newline="") gives it to csv.reader: up to \r\n, \r or \n.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time, with their ends, as ``io.StringIO(text,
    newline="")`` reads them (which copies the whole text first: 4 ms for a table of 10,000
    agents, to read its first rows)."""
    return (m.group() for m in _LINE.finditer(text))


def read_csv_columns(
    text: str, layout: Layout, label: str, expected: Sequence[str], *, data: bytes | None = None
) -> tuple[ColumnFrame, dict[str, int]] | None:
    """``text`` (a decoded CSV) read by pyarrow's CSV reader into columns, with its header found
    by the layout reader on the first rows; the title rows skipped are counted. ``data``: the
    file's bytes when they are ``text`` in UTF-8 (then not encoded again).

    None when the file needs the row reader to number its rows as a person sees them: a blank
    line or a quoted line break inside the table, rows of different widths, a two-level header,
    a note or totals row at the end, another delimiter. The row reader then reads it (same
    results, slower)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    head = list(itertools.islice(csv.reader(_lines(text)), HEADER_SEARCH_ROWS + 2))
    head_rows = [(n, [Cell(v) for v in r]) for n, r in enumerate(head, start=1)]
    found = shape(head_rows, layout, label, [], expected)
    if found is None or found.aliases or set(found.skipped) - {"title"}:
        return None
    header_row = found.header_row
    header_cells = head[header_row - 1]
    width = len(header_cells)
    if width < 2 or [h.strip() for h in header_cells] != found.headers[:width]:
        return None
    if data is None:
        data = text.encode("utf-8")
    data_lines = _line_count(text, data) - header_row
    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            # One thread: the CPU time of a load is what a busy server pays, and threads that
            # split a file of a few megabytes cost twice the CPU for no gain on a shared machine.
            # One block (up to a gigabyte): one chunk per column, none to combine.
            read_options=pa_csv.ReadOptions(
                skip_rows=header_row,
                column_names=names,
                use_threads=False,
                block_size=min(max(len(data) + 1, 1 << 20), 1 << 30),
            ),
            parse_options=pa_csv.ParseOptions(delimiter=","),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                # UTF-8 already: decoded from it, or encoded to it.
                check_utf8=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows != data_lines or data_lines == 0:
        return None  # blank lines or line breaks inside cells: rows are not lines
    columns = [_text_column(table.column(i)) for i in range(width)]
    # A row of empty cells, which the row reader leaves out, is empty in every column: asked of
    # each column's distinct texts, fewest first, until no row is empty in all of them so far.
    blank: Any = None
    for column in sorted(columns, key=lambda c: len(c.texts)):
        empty = [empty_text(t) for t in column.texts]
        if not any(empty):
            break
        rows = np.array(empty, dtype=bool)[column.codes]
        blank = rows if blank is None else blank & rows
        if not blank.any():
            break
    else:
        return None
    last = [Cell(c[-1]) for c in columns]
    if _is_note(last, width):
        return None
    numbers = list(range(header_row + 1, header_row + 1 + data_lines))
    frame = ColumnFrame(
        label, header_row, list(found.headers[:width]), [], numbers=numbers, columns=columns
    )
    return frame, dict(found.skipped)
