"""The 实际值 column writes a metric's value with its unit, rounded for display only."""

from __future__ import annotations

import json
from decimal import Decimal

from appraise.scoring.text import Voice
from appraise.scoring.units import value_words, with_unit
from appraise.seeds import ROOT, SEEDS, run_example
from appraise.words import in_lang


def test_seconds_percent_money_and_counts_read_in_chinese_and_in_english() -> None:
    assert with_unit(Decimal("45"), "seconds") == "45 秒"
    assert with_unit(Decimal("45"), "seconds", "en") == "45 s"
    # 66.66666… shown to two decimals (half up), the number itself untouched.
    assert with_unit(Decimal(200) / 3, "percent") == "66.67%"
    assert with_unit(Decimal("20000.00"), "money") == "20000 元"
    assert with_unit(Decimal("3"), "count") == "3 次"


def test_no_unit_or_no_number_gives_nothing_to_show() -> None:
    assert with_unit(Decimal("4"), None) is None
    assert with_unit("优秀", "percent") is None
    assert with_unit(None, "seconds") is None


def test_a_scored_example_carries_the_value_with_its_unit_beside_the_number() -> None:
    out = run_example("s004-online-shop")
    shown = [
        (i["value"], i["value_text"])
        for r in out["results"]
        for i in r["indicators"]
        if "value_text" in i
    ]
    assert shown, "no indicator of the online shop reads a metric with a unit"
    for value, text in shown:
        # The text is the number (to two decimals at most) and a unit: 61 秒, 90%, 20000 元.
        number = text.split(" ")[0].rstrip("%")
        assert Decimal(number) == Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    expected = json.loads(
        (ROOT / SEEDS / "examples" / "s004-online-shop" / "expected.json").read_text("utf-8")
    )
    assert out == expected


def test_a_formula_is_explained_with_the_metrics_names_units_and_values() -> None:
    out = run_example("s003-service-points")
    explains = [i["explain"] for r in out["results"] for i in r["indicators"]]
    # 200 simple × 0.1 + 50 normal × 0.2 + 10 hard × 0.5 = 20 + 10 + 5 = 35 points.
    assert any(
        e.startswith(
            "解决疑难问题数 10 次、解决一般问题数 50 次、解决简单问题数 200 次 → "
            "200 × 0.1 + 50 × 0.2 + 10 × 0.5 = 35 分"
        )
        for e in explains
    ), explains[:5]


def test_a_value_near_an_edge_is_explained_to_more_decimals_but_said_to_two() -> None:
    voice = Voice("en")
    # 89.996 to two decimals is 90.00, across the edge ">= 90": the explanation keeps 89.996,
    # the 实际值 column says it to two decimals, 90 (value_words).
    shown, said = voice.value_said(Decimal("89.996"), "percent", [Decimal(90)])
    assert in_lang(shown, "en") == "89.996%"
    assert in_lang(said, "en") == "90%" == in_lang(value_words(Decimal("89.996"), "percent"), "en")
    # Away from the edge both read 85.13 (85.125 half up): one piece serves both.
    shown, said = voice.value_said(Decimal("85.125"), "percent", [Decimal(90)])
    assert shown is said and in_lang(said, "en") == "85.13%"
    # No unit: the text, and nothing for the column (value_words says nothing without a unit).
    assert voice.value_said(Decimal("85.125"), None) == ("85.13", None)
