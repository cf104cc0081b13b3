"""What every spreadsheet appraise writes has in common (payroll, points payout, the CLI's book).

* Text that a spreadsheet would run as a formula is written as text. OWASP's rule for CSV
  injection: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
  formula to Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` as an agent's name turns
  into a live link, ``+cmd|...`` into a command). In a workbook the cell is stored as a string
  with Excel's "quote prefix" (shown as typed, never evaluated, even after an edit); in a CSV the
  text gets a leading apostrophe, which the spreadsheet shows as text.
* Money as numbers in yuan with two decimals (``¥1,160.50``), columns wide enough for their
  Chinese text, the header row frozen.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

YUAN = '"¥"#,##0.00'  # Excel's number format: the yen/yuan sign, thousands, two decimals
POINTS = "#,##0.##"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
MAX_WIDTH = 60


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_text(value: Any) -> str:
    """A CSV cell: numbers as they are, text prefixed with ``'`` when it would run as a formula."""
    text = str(value)
    if isinstance(value, str) and formula_like(text):
        return "'" + text
    return text


def _display_width(text: str) -> int:
    # A Chinese character takes two columns of Excel's width unit, a Latin one one.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def append_row(ws: Worksheet, values: Sequence[Any]) -> None:
    """``ws.append`` that never stores text as a formula (openpyxl makes ``"=..."`` one)."""
    ws.append(list(values))
    row = ws.max_row
    for col, value in enumerate(values, start=1):
        if isinstance(value, str) and formula_like(value):
            cell = ws.cell(row=row, column=col)
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True


def header_row(ws: Worksheet, labels: Sequence[str], *, freeze: str = "A2") -> None:
    """The first row: bold on a light fill, frozen so it stays while scrolling."""
    append_row(ws, labels)
    for cell in ws[ws.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = freeze


def number_format(ws: Worksheet, columns: Iterable[int], fmt: str) -> None:
    """Set the number format of the given columns (1-based), header row excluded."""
    for col in columns:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt


def fit_columns(ws: Worksheet, *, minimum: int = 6, maximum: int = MAX_WIDTH) -> None:
    """Each column as wide as its longest cell (Chinese counted double), within bounds."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            value = cell.value
            if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                text = f"¥{value:,.2f}" if cell.number_format == YUAN else str(value)
            else:
                text = str(value)
            longest = max((_display_width(line) for line in text.splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width + 2))


def print_setup(ws: Worksheet) -> None:
    """Printed on A4 landscape, one page wide, the header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
