"""Matching the names managers type against the names a scheme writes.

A manager copies an indicator name from a Word table into Excel, retypes it on a phone, or adds a
space after the item number; the seed documents themselves mix ``,`` and ``，`` in the same table.
Two spellings that a person reads as the same name must compare equal, and two different names
must not, so the folding below is deliberately small and fixed.
"""

from __future__ import annotations

import functools
import unicodedata

# Punctuation that NFKC leaves alone but that people use interchangeably with an ASCII mark when
# writing the same name. The ideographic comma (、) is used for lists exactly where English uses a
# comma, and the seed itself writes "礼貌得体、语言流畅" next to "耐心细心,以客户利益为先", so the
# three commas are one class.
_FOLD = str.maketrans(
    {
        "、": ",",  # ideographic comma
        "。": ".",  # ideographic full stop
        "｡": ".",  # half-width ideographic full stop
        "“": '"',
        "”": '"',
        "„": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": "'",
        "’": "'",
        "—": "-",  # em dash
        "–": "-",  # en dash
        "―": "-",  # horizontal bar
        "‐": "-",  # hyphen
        "‑": "-",  # non-breaking hyphen
        "−": "-",  # minus sign
        "〜": "~",  # wave dash
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
    }
)

# Characters that are not whitespace to str.isspace() but are invisible and end up in names
# copied from web pages and Word.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


@functools.lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """The key under which two spellings of a name compare equal.

    The exact rule, applied in this order:

    1. Unicode NFKC. This folds full-width ASCII to half-width: letters and digits
       (``Ａ１`` -> ``A1``) and punctuation (``（）`` -> ``()``, ``，`` -> ``,``, ``：`` -> ``:``,
       ``；`` -> ``;``, ``！`` -> ``!``, ``？`` -> ``?``, ``％`` -> ``%``, ``～`` -> ``~``), and the
       ideographic space U+3000 to a plain space.
    2. Casefold, then NFKC again (casefolding can produce characters that NFKC would change).
    3. Chinese punctuation that NFKC keeps is mapped to its ASCII counterpart: ``、`` and
       ``。`` to ``,`` and ``.``; ``“”„「」『』`` to ``"``; ``‘’`` to ``'``; the dashes
       ``— – ― ‐ ‑ −`` to ``-``; ``〜`` to ``~``; ``【】`` to ``[]``; ``〔〕`` to ``()``. So
       ``、``, ``，`` and ``,`` are one comma class.
    4. Every whitespace character is removed (anywhere, not only at the ends), and so are the
       invisible zero-width characters U+200B, U+200C, U+200D, U+2060 and U+FEFF.

    Nothing else is folded: ``《》`` stay as they are, a different word is a different name, and
    ``1.`` (an item number) is part of the name, so ``"1.礼貌得体、语言流畅"`` equals
    ``"1. 礼貌得体，语言流畅"`` but not ``"礼貌得体、语言流畅"``.
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = unicodedata.normalize("NFKC", folded.casefold())
    folded = folded.translate(_FOLD)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in _INVISIBLE)
