"""Personal data in a message (隐私信息): found by validated patterns, always shown masked.

- **mobile** (手机号): 11 digits starting 13-19, also written ``138 1234 5678`` or
  ``138-1234-5678``; masked ``138****5678``.
- **id_card** (身份证号): 18 characters whose 17 digits give the last one by ISO 7064 MOD 11-2
  (GB 11643-1999) and whose birth date (characters 7-14) is a real date; masked
  ``1101**********123X``.
- **bank_card** (银行卡号): 16 to 19 digits (spaces or dashes allowed between groups) that pass
  the Luhn check and start like a card (62 UnionPay, 4 Visa, 5 Mastercard, 3 JCB/Amex);
  a number that is a valid ID number is an ID number. Masked ``6222 **** **** 0123`` style:
  the first 4 and last 4 digits kept.
- **address** (详细地址): the patterns of the ``privacy`` pack (a place name followed by a road
  and house number, or an estate with building and room); masked after the first 4 characters.

The numbers are matched on the text with full-width digits made half-width, so ``１３８…`` is
found too; the masked text keeps the characters as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from appraise.qa.rules.model import PII_KINDS, PiiKind

_MOBILE = re.compile(r"(?<![\d])1[3-9]\d(?:[ \-]?\d{4}){2}(?![\d])")
_ID = re.compile(r"(?<![\dxX])\d{17}[\dxX](?![\dxX])")
_CARD = re.compile(r"(?<![\d])\d(?:[ \-]?\d){15,18}(?![\d])")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_ok(number: str) -> bool:
    """The 18th character of a resident ID number is its MOD 11-2 check character, and the
    birth date in it is a date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= int(number[6:10]) <= 2100


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check of a card number."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@dataclass(frozen=True, slots=True)
class PiiMatch:
    kind: PiiKind
    start: int
    end: int
    masked: str


def _mask_digits(raw: str, keep_head: int, keep_tail: int) -> str:
    """Digits past the first ``keep_head`` and before the last ``keep_tail`` become ``*``;
    spaces and dashes stay where they were."""
    n = sum(c.isdigit() or c in "xXｘＸ" for c in raw)
    out: list[str] = []
    k = 0
    for c in raw:
        if c.isdigit() or c in "xXｘＸ":
            out.append(c if k < keep_head or k >= n - keep_tail else "*")
            k += 1
        else:
            out.append(c)
    return "".join(out)


def mask_address(raw: str) -> str:
    return raw[:4] + "*" * min(8, max(len(raw) - 4, 1))


def find_pii(
    text: str, light: str, kinds: Sequence[PiiKind], address_patterns: Sequence[re.Pattern[str]]
) -> list[PiiMatch]:
    """Every personal datum of ``kinds`` in ``text``, found on ``light`` (its 1:1 half-width
    copy), left to right, masked in the characters the text has; an ID number is not also a
    card or a phone number."""
    out: list[PiiMatch] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    if "id_card" in kinds or "bank_card" in kinds:
        for m in _ID.finditer(light):
            if id_check_ok(m.group()):
                taken.append(m.span())
                if "id_card" in kinds:
                    out.append(
                        PiiMatch(
                            "id_card", *m.span(), _mask_digits(text[m.start() : m.end()], 4, 4)
                        )
                    )
    if "bank_card" in kinds:
        for m in _CARD.finditer(light):
            digits = re.sub(r"\D", "", m.group())
            if (
                free(*m.span())
                and 16 <= len(digits) <= 19
                and digits[0] in "3456"
                and luhn_ok(digits)
            ):
                taken.append(m.span())
                out.append(
                    PiiMatch("bank_card", *m.span(), _mask_digits(text[m.start() : m.end()], 4, 4))
                )
    if "mobile" in kinds:
        for m in _MOBILE.finditer(light):
            if free(*m.span()):
                taken.append(m.span())
                out.append(
                    PiiMatch("mobile", *m.span(), _mask_digits(text[m.start() : m.end()], 3, 4))
                )
    if "address" in kinds:
        for pat in address_patterns:
            for m in pat.finditer(light):
                if free(*m.span()):
                    taken.append(m.span())
                    out.append(
                        PiiMatch("address", *m.span(), mask_address(text[m.start() : m.end()]))
                    )
    return sorted(out, key=lambda p: p.start)


def mask_text(text: str, light: str, address_patterns: Sequence[re.Pattern[str]] = ()) -> str:
    """``text`` with every personal datum masked (what a reviewer or agent is shown)."""
    found = find_pii(text, light, PII_KINDS, address_patterns)
    out = text
    for p in reversed(found):
        out = out[: p.start] + p.masked + out[p.end :]
    return out
