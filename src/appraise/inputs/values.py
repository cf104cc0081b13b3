"""Values as customer-service tools write them: one definition for every reader.

A 赤兔 report writes a response time as ``1分23秒``, Chatwoot as ``1 minute 5 seconds``, a call
log as ``00:01:23``; an empty cell may be ``-``, ``--``, ``—``, ``/`` or ``无``; money comes as
``￥88.50`` or ``1,234.50元``; a date as ``2026年10月5日 9:07``. The patterns here are plain
regular expressions that mean the same in Python's ``re`` and in RE2 (DuckDB's regexp functions),
so the event importer (SQL) and the scoring-input reader (Python) accept exactly the same text.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Text that stands for "no value" in exported reports. Free text (a message) keeps them.
NULL_TOKENS: tuple[str, ...] = ("-", "--", "---", "—", "——", "–", "/", "无", "N/A", "n/a", "null")

_NUM = r"(\d+(?:\.\d+)?)"
# "1小时2分3秒", "1分23秒", "83秒", "1 hour 2 minutes", "1 minute 5 seconds", "83s", "2m 5s",
# "1h". Each part is optional but one must be there (checked by the callers).
_WORDS = re.compile(
    rf"^(?:{_NUM}\s*(?:小时|時|时|hours?|hrs?|h)\s*,?\s*)?"
    rf"(?:{_NUM}\s*(?:分钟|分鐘|分|minutes?|mins?|m)\s*,?\s*)?"
    rf"(?:{_NUM}\s*(?:秒钟|秒|seconds?|secs?|s))?$",
    re.IGNORECASE,
)
# The same pattern for SQL: RE2 takes the case flag inside the pattern.
DURATION_WORDS_SQL = "(?i)" + _WORDS.pattern
# h:mm:ss and mm:ss; hours may exceed 24 (a month of talk time).
DURATION_CLOCK = r"^(?:(\d+):)?([0-5]?\d):([0-5]\d(?:\.\d+)?)$"
_CLOCK = re.compile(DURATION_CLOCK)

# 2026年10月5日 9:07 and the like; the importer rewrites it as 2026-10-5 9:07.
CHINESE_DATE = r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*(.*)$"
MONEY_SIGNS = "¥￥$€£"


def fold(text: str) -> str:
    """Full-width digits, letters and signs to ASCII; the typographic minus to a hyphen."""
    return unicodedata.normalize("NFKC", text).strip().replace("−", "-")


def parse_duration(text: str) -> Decimal | None:
    """Seconds in ``text`` (``1分23秒`` -> 83, ``00:01:23`` -> 83), or None if it is not a
    duration. A plain number is not a duration here (the caller reads it as seconds).
    Negative durations do not exist: ``-0:03:25`` is not one."""
    t = fold(text)
    if not t or t.startswith(("-", "+")):
        return None
    clock = _CLOCK.match(t)
    if clock:
        hours, minutes, seconds = clock.groups()
        return Decimal(hours or 0) * 3600 + Decimal(minutes) * 60 + Decimal(seconds)
    words = _WORDS.match(t)
    if words and any(words.groups()):
        hours, minutes, seconds = (Decimal(g) if g else Decimal(0) for g in words.groups())
        return hours * 3600 + minutes * 60 + seconds
    return None


def strip_money(text: str) -> str:
    """``￥1,234.50`` and ``1234.5元`` to ``1,234.50`` / ``1234.5`` (grouping is the number
    reader's business)."""
    t = fold(text)
    t = t.lstrip(MONEY_SIGNS).strip()
    t = t.removesuffix("元").removesuffix("RMB").removesuffix("CNY").strip()
    return t
