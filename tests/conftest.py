"""Fixtures every test folder may use."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

# Spark's local workers run the tests' interpreter, not the first `python3` on PATH (these
# machines' is 3.11; PySpark refuses a worker of another minor version than the driver's).
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

# A 赤兔/千牛 客服绩效 daily report as 赤兔 lays it out: a merged title row, a two-level header
# (日期 and 旺旺 merged over both rows, the figures under merged groups), then the rows.
CHITU_UPPER = [
    "日期",
    "旺旺",
    "接待",
    None,
    "询单",
    None,
    None,
    "销售",
    None,
    "响应",
    None,
    None,
    "售后",
    None,
    None,
]
CHITU_LOWER = [
    None,
    None,
    "咨询人数",
    "接待人数",
    "询单人数",
    "询单->最终付款人数",
    "询单->最终付款成功率",
    "销售额",
    "客单价",
    "未回复人数",
    "平均响应(秒)",
    "答问比",
    "退款笔数",
    "退款率",
    "客户满意比",
]
CHITU_MERGES = ("A2:A3", "B2:B3", "C2:D2", "E2:G2", "H2:I2", "J2:L2", "M2:O2")

ChituWorkbook = Callable[[Path, str, list[list[object]], str], Path]


@pytest.fixture
def chitu_workbook() -> ChituWorkbook:
    """Write a 赤兔 daily workbook: ``title`` above, ``rows`` below the header, ``note`` after."""

    def write(folder: Path, name: str, rows: list[list[object]], note: str) -> Path:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["客服绩效报表（2026-10-01 至 2026-11-01）"])
        sheet.merge_cells("A1:O1")
        sheet.append(CHITU_UPPER)
        sheet.append(CHITU_LOWER)
        for cells in CHITU_MERGES:
            sheet.merge_cells(cells)
        for row in rows:
            sheet.append(row)
        if note:
            sheet.append([note])
        path = folder / name
        book.save(path)
        return path

    return write
