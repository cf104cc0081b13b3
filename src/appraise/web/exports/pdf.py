"""A minimal PDF 1.4 writer: text in one Chinese font, lines and rectangles, several pages.

No PDF library is installed, and a paper appraisal form needs little: the text uses Adobe's
standard ``STSong-Light`` CID font with the ``UniGB-UCS2-H`` encoding, which PDF viewers with
Asian font support (Acrobat, pdf.js, poppler with poppler-data) provide themselves, so nothing
is embedded and the file stays a few kilobytes. Strings are written as UTF-16BE hex; characters
outside the Basic Multilingual Plane are replaced by "?".

Widths: Chinese characters are 1 em wide; printable ASCII has the proportional widths of
STSong-Light's Latin glyphs (CIDs 1-95), declared in ``W`` and used by :func:`text_width`, so
centring and right-aligning hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

A4 = (595.28, 841.89)  # points

# Widths (1/1000 em) of U+0020..U+007E in STSong-Light, which UniGB-UCS2-H maps to CIDs 1-95.
LATIN = (
    207, 270, 342, 467, 462, 797, 710, 239, 374, 374, 423, 605, 238, 375, 238, 334, 462, 462,
    462, 462, 462, 462, 462, 462, 462, 462, 238, 238, 605, 605, 605, 344, 748, 684, 560, 695,
    739, 563, 511, 729, 793, 318, 312, 666, 526, 896, 758, 772, 544, 772, 628, 465, 607, 753,
    711, 972, 647, 620, 607, 374, 333, 374, 606, 500, 239, 417, 503, 427, 529, 415, 264, 444,
    518, 241, 230, 495, 228, 793, 527, 524, 524, 504, 338, 336, 277, 517, 450, 652, 466, 452,
    407, 370, 258, 370, 605,
)  # fmt: skip
# Characters the encoding lacks, written as the GB2312 character that looks the same.
SUBSTITUTE = {"\u00b7": "\u30fb"}

_FONT_OBJECTS = (
    # 3: the composite font the pages use, 4: its CID font, 5: the descriptor.
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H"
    b" /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
    b" /FontDescriptor 5 0 R /DW 1000 /W [1 [" + " ".join(map(str, LATIN)).encode() + b"]] >>",
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6"
    b" /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120"
    b" /CapHeight 880 /StemV 93 >>",
)


def char_width(ch: str) -> float:
    """Width of one character in ems, as the font's ``W`` array declares it."""
    return LATIN[ord(ch) - 32] / 1000 if " " <= ch <= "~" else 1.0


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``: Chinese breaks anywhere, words at spaces."""
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if text_width(line + ch, size) <= width or not line:
                line += ch
                continue
            cut = line.rfind(" ")
            if ch != " " and cut > 0 and line[cut + 1 :].isascii() and ch.isascii():
                out.append(line[:cut])
                line = line[cut + 1 :] + ch
            else:
                out.append(line.rstrip())
                line = ch.lstrip()
        out.append(line)
    return out


def _hex(text: str) -> str:
    safe = "".join(SUBSTITUTE.get(c, c) if ord(c) <= 0xFFFF else "?" for c in text)
    return safe.encode("utf-16-be").hex().upper()


def _n(x: float) -> str:
    """A number as PDF writes it: at most two decimals, no exponent."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


@dataclass
class Page:
    """One page; coordinates are points from the bottom-left corner, as in PDF."""

    width: float = A4[0]
    height: float = A4[1]
    ops: list[str] = field(default_factory=list)

    def text(self, x: float, y: float, text: str, size: float = 10, gray: float = 0) -> None:
        if not text:
            return
        self.ops.append(
            f"BT {_n(gray)} g /F1 {_n(size)} Tf {_n(x)} {_n(y)} Td <{_hex(text)}> Tj ET"
        )

    def text_right(self, x: float, y: float, text: str, size: float = 10) -> None:
        self.text(x - text_width(text, size), y, text, size)

    def text_center(self, x: float, y: float, text: str, size: float = 10) -> None:
        self.text(x - text_width(text, size) / 2, y, text, size)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.6) -> None:
        self.ops.append(f"{_n(width)} w 0 G {_n(x1)} {_n(y1)} m {_n(x2)} {_n(y2)} l S")

    def rect(self, x: float, y: float, w: float, h: float, width: float = 0.6) -> None:
        self.ops.append(f"{_n(width)} w 0 G {_n(x)} {_n(y)} {_n(w)} {_n(h)} re S")

    def fill(self, x: float, y: float, w: float, h: float, gray: float = 0.92) -> None:
        self.ops.append(f"{_n(gray)} g {_n(x)} {_n(y)} {_n(w)} {_n(h)} re f 0 g")

    def content(self) -> bytes:
        return "\n".join(self.ops).encode("ascii")


@dataclass
class Document:
    title: str = ""
    pages: list[Page] = field(default_factory=list)

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        """The file: catalog (1), page tree (2), font (3-5), info (6), then each page and its
        content stream; a cross-reference table with every object's byte offset."""
        objects: list[bytes] = []
        n_pages = len(self.pages) or 1
        pages = self.pages or [Page()]
        first = 7
        kids = " ".join(f"{first + 2 * i} 0 R" for i in range(n_pages))
        objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
        objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode("ascii"))
        objects.extend(_FONT_OBJECTS)
        objects.append(f"<< /Title <FEFF{_hex(self.title)}> /Producer (appraise) >>".encode())
        for i, page in enumerate(pages):
            content = page.content()
            objects.append(
                (
                    f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_n(page.width)}"
                    f" {_n(page.height)}] /Resources << /Font << /F1 3 0 R >> >>"
                    f" /Contents {first + 2 * i + 1} 0 R >>"
                ).encode("ascii")
            )
            objects.append(
                f"<< /Length {len(content)} >>\nstream\n".encode("ascii") + content + b"\nendstream"
            )
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
        for off in offsets:
            out += f"{off:010d} 00000 n \n".encode("ascii")
        out += (
            f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n"
        ).encode("ascii")
        return bytes(out)
