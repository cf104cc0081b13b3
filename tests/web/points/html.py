"""Reading the points pages in tests without a browser: the text of every element marked
``data-test`` and the rows of every table marked so (each row's attributes and cell texts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    attrs: dict[str, str]
    cells: list[str] = field(default_factory=list)


@dataclass
class Page:
    texts: dict[str, str]  # data-test -> the element's text, spaces squeezed
    tables: dict[str, list[Row]]  # data-test of a table -> its body rows

    def rows(self, table: str) -> list[Row]:
        return self.tables[table]

    def cells(self, table: str) -> list[list[str]]:
        return [r.cells for r in self.tables[table]]

    def by(self, table: str, attr: str) -> dict[str, list[str]]:
        """Rows keyed by one of their attributes (data-agent -> cells)."""
        return {r.attrs[attr]: r.cells for r in self.tables[table] if attr in r.attrs}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


VOID = frozenset({"input", "br", "img", "meta", "link", "hr"})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None, list[str]]] = []  # tag, data-test, text parts
        self.texts: dict[str, str] = {}
        self.tables: dict[str, list[Row]] = {}
        self.table: str | None = None
        self.row: Row | None = None
        self.cell: list[str] | None = None
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in VOID:
            return
        self.open.append((tag, a.get("data-test"), []))
        if tag == "table" and "data-test" in a:
            self.table = a["data-test"]
            self.tables[self.table] = []
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.table is not None and not self.in_head:
            self.row = Row(a)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.open:
            t, test, parts = self.open.pop()
            if test is not None:
                self.texts[test] = _squeeze("".join(parts))
            if self.open:
                self.open[-1][2].extend(parts)
            if t == tag:
                break
        if tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.cells.append(_squeeze("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.table is not None:
            self.tables[self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)
        if self.cell is not None:
            self.cell.append(data)


def read(html: bytes | str) -> Page:
    r = _Reader()
    r.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    return Page(r.texts, r.tables)
