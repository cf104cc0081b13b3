"""Totals and amounts as people write them, never in E notation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraise.decimals import money, money_or_none, plain, plain_or_none


def test_str_of_a_normalized_decimal_is_e_notation_which_plain_avoids() -> None:
    # The defect: str(Decimal("80.0000").normalize()) == "8E+1".
    assert str(Decimal("80.0000").normalize()) == "8E+1"
    assert plain(Decimal("80.0000")) == "80"
    assert plain(Decimal("1500.00")) == "1500"
    assert plain(Decimal("1E+3")) == "1000"
    assert plain(Decimal("7.40")) == "7.4"
    assert plain(Decimal("0.0001")) == "0.0001"
    assert plain(Decimal("-0.00")) == "0"
    assert plain(Decimal("-5.50")) == "-5.5"
    assert plain(80) == "80"
    assert plain_or_none(None) is None


def test_money_is_written_to_the_cent_rounded_half_up() -> None:
    assert money(Decimal("1.5E+3")) == "1500.00"
    assert money(Decimal("55.125")) == "55.13"  # half up, not to even (55.12)
    assert money(Decimal("-0.001")) == "0.00"
    assert money(0) == "0.00"
    assert money_or_none(None) is None


def test_an_infinite_or_nan_decimal_is_refused_rather_than_printed() -> None:
    with pytest.raises(ValueError):
        plain(Decimal("NaN"))
    with pytest.raises(ValueError):
        money(Decimal("Infinity"))
