"""How the points pages print numbers: points as people write them (62, 7.4, −5), signed in the
ledger (+4, −5); money always to the cent (¥55.13, ¥9.00). Decimals in, text out (no floats)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

MINUS = "\u2212"  # a real minus sign: the hyphen is too short beside the digits


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace("-", MINUS)


@register.filter
def pts(value: Decimal | int | None) -> str:
    """62.00 -> 62, 7.40 -> 7.4, -5.00 -> −5; empty for no value."""
    if value is None or value == "":
        return ""
    return _plain(Decimal(value))


@register.filter
def signed(value: Decimal | int | None) -> str:
    """+4, −5, 0."""
    if value is None or value == "":
        return ""
    d = Decimal(value)
    return ("+" if d > 0 else "") + _plain(d)


@register.filter
def yuan(value: Decimal | int | None) -> str:
    """¥55.13, ¥9.00, −¥13.20."""
    if value is None or value == "":
        return ""
    d = Decimal(value).quantize(Decimal("0.01"))
    return (MINUS if d < 0 else "") + "¥" + format(abs(d), "f")
