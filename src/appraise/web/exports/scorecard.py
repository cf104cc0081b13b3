"""One agent's scorecard as a paper appraisal form (考核表) in PDF.

The layout of the forms in the seeds: a header with the company, period and the person, the
table of indicators with weight, score and weighted score, the totals and grade, and the
signature lines of the person appraised (被考核人), the rater (考核人) and the department
manager (部门经理) with their dates. Works on plain data (:class:`Sheet`), not on models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from appraise.web.exports.pdf import Document, Page, text_width, wrap

LEFT, RIGHT, TOP, BOTTOM = 40.0, 555.28, 800.0, 48.0
WIDTH = RIGHT - LEFT
# Indicator table: name, weight, value, score, weighted score, explanation.
COLUMNS = [
    ("考核项目", 150.0),
    ("权重", 38.0),
    ("考核结果", 56.0),
    ("得分", 44.0),
    ("加权得分", 50.0),
]
EXPLAIN = WIDTH - sum(w for _, w in COLUMNS)
BODY, SMALL, LEADING = 9.0, 7.5, 1.35
SIGNATURE_BLOCK = 96.0


@dataclass(frozen=True)
class Sheet:
    """What the form prints; ``data`` is the engine's result_dict of the version shown."""

    company: str
    scheme_name: str
    period: str
    agent_id: str
    name: str
    team: str
    position: str
    version: int
    data: dict[str, Any]
    total: str
    grade: str
    computed_grade: str
    rank: str
    pay_total: str
    generated: str
    notes: list[str] = field(default_factory=list)


def fmt(value: Any) -> str:
    """A number as the form prints it (no trailing zeros), a level name as it is."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Writer:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.doc = Document(title=f"{sheet.scheme_name} {sheet.name} {sheet.period}")
        self.page: Page = self.doc.new_page()
        self.y = TOP

    def new_page(self, table_header: bool) -> None:
        self.page = self.doc.new_page()
        self.y = TOP
        self.page.text(LEFT, self.y, f"{self.sheet.scheme_name} · {self.sheet.name}(续)", SMALL)
        self.y -= 14
        if table_header:
            self.table_header()

    def room(self, height: float, table_header: bool = True) -> None:
        if self.y - height < BOTTOM:
            self.new_page(table_header)

    def title(self) -> None:
        s = self.sheet
        self.page.text_center(LEFT + WIDTH / 2, self.y - 10, s.scheme_name, 17)
        self.y -= 34
        self.page.text_center(
            LEFT + WIDTH / 2, self.y, f"考核周期 {s.period}    结果版本 第 {s.version} 版", SMALL
        )
        self.y -= 14

    def header(self) -> None:
        s = self.sheet
        rows = [
            ("公司", s.company, "考核周期", s.period),
            ("姓名", s.name, "工号", s.agent_id),
            ("班组", s.team, "岗位", s.position),
        ]
        h = 20.0
        widths = [64.0, WIDTH / 2 - 64.0, 64.0, WIDTH / 2 - 64.0]
        for row in rows:
            x = LEFT
            for i, (text, w) in enumerate(zip(row, widths, strict=True)):
                if i % 2 == 0:
                    self.page.fill(x, self.y - h, w, h)
                self.page.rect(x, self.y - h, w, h)
                self.page.text(x + 5, self.y - h + 6.5, text, BODY)
                x += w
            self.y -= h
        self.y -= 10

    def table_header(self) -> None:
        h = 18.0
        x = LEFT
        self.page.fill(LEFT, self.y - h, WIDTH, h, 0.85)
        for label, w in [*COLUMNS, ("评分说明", EXPLAIN)]:
            self.page.rect(x, self.y - h, w, h)
            self.page.text_center(x + w / 2, self.y - h + 5.5, label, BODY)
            x += w
        self.y -= h

    def indicator(self, ind: dict[str, Any], category: bool) -> None:
        indent = 8.0 * int(ind.get("depth") or 0)
        name_lines = wrap(str(ind.get("name", "")), COLUMNS[0][1] - 8 - indent, BODY)
        explain_lines = wrap(str(ind.get("explain") or ""), EXPLAIN - 8, SMALL)
        h = max(
            len(name_lines) * BODY * LEADING + 8, len(explain_lines) * SMALL * LEADING + 8, 18.0
        )
        self.room(h)
        top = self.y
        if category:
            self.page.fill(LEFT, top - h, WIDTH, h, 0.95)
        cells = [
            fmt(ind.get("weight")),
            fmt(ind.get("value")),
            fmt(ind.get("score")),
            fmt(ind.get("weighted")),
        ]
        x = LEFT
        self.page.rect(x, top - h, COLUMNS[0][1], h)
        for i, line in enumerate(name_lines):
            self.page.text(x + 4 + indent, top - 4 - BODY - i * BODY * LEADING + 1, line, BODY)
        x += COLUMNS[0][1]
        for (_, w), text in zip(COLUMNS[1:], cells, strict=True):
            self.page.rect(x, top - h, w, h)
            self.page.text_right(x + w - 4, top - 4 - BODY + 1, text, BODY)
            x += w
        self.page.rect(x, top - h, EXPLAIN, h)
        for i, line in enumerate(explain_lines):
            self.page.text(x + 4, top - 4 - SMALL - i * SMALL * LEADING + 1, line, SMALL)
        self.y -= h

    def band(self, label: str) -> None:
        h = 16.0
        self.room(h)
        self.page.fill(LEFT, self.y - h, WIDTH, h, 0.9)
        self.page.rect(LEFT, self.y - h, WIDTH, h)
        self.page.text(LEFT + 4, self.y - h + 4.5, label, BODY)
        self.y -= h

    def totals(self) -> None:
        s = self.sheet
        grade = (
            s.grade
            if s.grade == s.computed_grade or not s.computed_grade
            else (f"{s.grade}(校准前 {s.computed_grade})")
        )
        pairs = [
            ("总分", s.total),
            ("评价等级", grade),
            ("排名", s.rank),
            ("绩效工资", s.pay_total),
        ]
        h = 22.0
        self.room(h, table_header=False)
        w = WIDTH / 4
        for i, (label, value) in enumerate(pairs):
            x = LEFT + i * w
            self.page.rect(x, self.y - h, w, h, 0.9)
            self.page.text(x + 5, self.y - h + 7, label, SMALL)
            value = value or "—"
            room = w - 12 - text_width(label, SMALL)
            size = (
                11.0
                if text_width(value, 11) <= room
                else max(6.0, 11 * room / text_width(value, 11))
            )
            self.page.text_right(x + w - 6, self.y - h + 6.5, value, size)
        self.y -= h + 8

    def remarks(self) -> None:
        for note in self.sheet.notes:
            for line in wrap(note, WIDTH, SMALL):
                self.room(12, table_header=False)
                self.page.text(LEFT, self.y - SMALL, line, SMALL)
                self.y -= SMALL * LEADING + 1
        self.y -= 4

    def signatures(self) -> None:
        self.room(SIGNATURE_BLOCK, table_header=False)
        self.y -= 14
        w = WIDTH / 3
        for i, role in enumerate(("被考核人", "考核人", "部门经理")):
            x = LEFT + i * w
            label = f"{role}签字:"
            self.page.text(x, self.y - 20, label, BODY)
            start = x + text_width(label, BODY) + 2
            self.page.line(start, self.y - 22, x + w - 14, self.y - 22, 0.5)
            self.page.text(x, self.y - 48, "日期:", BODY)
            for offset, unit in ((70, "年"), (100, "月"), (130, "日")):
                self.page.text(x + offset, self.y - 48, unit, BODY)
        self.y -= 60

    def footers(self) -> None:
        total = len(self.doc.pages)
        for i, page in enumerate(self.doc.pages, start=1):
            page.line(LEFT, BOTTOM - 12, RIGHT, BOTTOM - 12, 0.3)
            page.text(LEFT, BOTTOM - 24, f"appraise · {self.sheet.generated}", SMALL, 0.4)
            page.text_right(RIGHT, BOTTOM - 24, f"第 {i} / {total} 页", SMALL)


def scorecard_pdf(sheet: Sheet) -> bytes:
    w = _Writer(sheet)
    w.title()
    w.header()
    w.table_header()
    indicators = list(sheet.data.get("indicators") or [])
    parents = {i.get("parent") for i in indicators}
    for ind in indicators:
        w.indicator(ind, category=ind["id"] in parents)
    adjustments = list(sheet.data.get("adjustments") or [])
    if adjustments:
        w.band("加分项 / 减分项")
        for ind in adjustments:
            w.indicator(ind, category=False)
    w.y -= 8
    w.totals()
    w.remarks()
    w.signatures()
    w.footers()
    return w.doc.to_bytes()
