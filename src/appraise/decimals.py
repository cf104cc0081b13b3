"""Exact decimals as text, the way people write numbers: ``80``, ``72.5``, ``1500.00``.

``str(Decimal)`` switches to E notation after ``normalize()`` (``str(Decimal("80").normalize())``
is ``"8E+1"``), which no reader or spreadsheet takes for 80. Every total and amount that leaves
the program as text (API, audit log, CLI table, exports) goes through these two functions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def plain(d: Decimal | int | str) -> str:
    """A number without exponent or trailing zeros: 80.00 -> "80", 7.40 -> "7.4", -0 -> "0"."""
    value = Decimal(d)
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def plain_or_none(d: Decimal | None) -> str | None:
    return None if d is None else plain(d)


def money(d: Decimal | int | str) -> str:
    """An amount of money to the cent: 1500 -> "1500.00", 55.125 -> "55.13" (half up)."""
    value = Decimal(d)
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    text = format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")
    return "0.00" if text == "-0.00" else text


def money_or_none(d: Decimal | None) -> str | None:
    return None if d is None else money(d)
