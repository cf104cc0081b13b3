"""Folding Chinese service text for script and phrase matching, keeping the way back.

Agents type the same script with full-width or ASCII punctuation, with or without spaces
("您好！请问有什么可以帮您？", "您好!请问有什么可以帮您?", "您好 请问有什么可以帮您"), and an
agent who writes "我 不 知 道" has still said 我不知道. Matching therefore runs on a folded copy
of the text; every folded character remembers the original character it came from, so a finding
can quote exactly what the agent wrote.

The folding, per character:

1. :func:`appraise.inputs.names.normalize_name`: NFKC (full-width letters, digits and punctuation
   to ASCII, U+3000 to a space), casefold, the Chinese punctuation NFKC keeps (、。“”「」【】...)
   mapped to ASCII, and every whitespace and zero-width character removed.
2. Punctuation and symbols (Unicode categories P* and S*: ``! ? , . ~ ( )`` ...) become a single
   *boundary* mark, consecutive marks collapse into one.

Scripts (opening, closing) are matched with the boundaries dropped: "您好，请问" and "您好请问"
are the same greeting. Forbidden phrases are matched with the boundaries kept, so a phrase never
spans two sentences: "有问题随时找我。不知道怎么操作可以再问" does not contain 我不知道.
Character-wise NFKC differs from NFKC of the whole string only for combining sequences, which
Chinese service text does not use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from appraise.inputs.names import normalize_name

BOUNDARY = "\x1f"

# "…" (and "..." or "*", as the seed writes "**为您服务") in a script: anything may stand here.
_GAP = re.compile(r"…+|\.\.\.+|\*+|＊+|⋯+")


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and, for each of its characters, the index of the original character."""

    text: str
    origin: tuple[int, ...]


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def fold(text: str, *, boundaries: bool) -> Folded:
    """Fold ``text`` for matching; ``boundaries`` keeps punctuation as one boundary mark."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for f in normalize_name(ch):
            if _is_mark(f):
                if not boundaries or (out and out[-1] == BOUNDARY):
                    continue
                f = BOUNDARY
            out.append(f)
            origin.append(i)
    return Folded("".join(out), tuple(origin))


def fold_phrase(phrase: str) -> str:
    """A configured phrase as matched: folded, with punctuation and spaces dropped."""
    return fold(phrase, boundaries=False).text


def script_parts(script: str) -> tuple[str, ...]:
    """The folded parts of a script, split at its gaps ("您好…请问有什么可以帮您")."""
    parts = (fold_phrase(p) for p in _GAP.split(script))
    return tuple(p for p in parts if p)


def original_span(text: str, folded: Folded, start: int, end: int) -> str:
    """The original text behind folded characters ``[start, end)``."""
    return text[folded.origin[start] : folded.origin[end - 1] + 1]
