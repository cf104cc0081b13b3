"""A scheme's problems read in the reader's language: Chinese by default, English on request.

Each expected sentence is the catalog's template (src/appraise/locale/zh_Hans/.../appraise.po)
filled by hand with the values the broken scheme gives.
"""

from __future__ import annotations

import pytest

from appraise.messages import text
from appraise.problems import ProblemsError
from appraise.schemes.expr import Expr, ExprError
from appraise.schemes.loader import parse_scheme
from appraise.schemes.ranges import Range, to_decimal

HEAD = "id: s\nname: 方案\nindicators:\n"


def said(scheme: str) -> list[tuple[int | None, str, str, str]]:
    with pytest.raises(ProblemsError) as err:
        parse_scheme(scheme, "s.yaml")
    return [
        (p.line, p.code, text(p.message, "zh"), text(p.message, "en")) for p in err.value.problems
    ]


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        (
            HEAD + '  - {id: a, name: A, rule: {type: formula, expr: "sqrt(x)"}}\n',
            (
                4,
                "invalid",
                "indicators.0.rule.formula.expr:公式“sqrt(x)”用了未知的函数;可用的函数有:"
                "abs, ceil, clamp, coalesce, exists, floor, max, min, round",
                "indicators.0.rule.formula.expr: formula 'sqrt(x)' calls an unknown function; "
                "known: abs, ceil, clamp, coalesce, exists, floor, max, min, round",
            ),
        ),
        (
            HEAD + '  - {id: a, name: A, rule: {type: formula, expr: "round(x"}}\n',
            (
                4,
                "invalid",
                "indicators.0.rule.formula.expr:公式“round(x”写法有误:有一个“(”没有闭合",
                "indicators.0.rule.formula.expr: formula 'round(x' is not valid: "
                "a '(' is not closed",
            ),
        ),
        (
            HEAD + "  - {id: a, name: A, weight: ten, rule: {type: rated}}\n",
            (
                4,
                "invalid",
                "indicators.0.weight:“ten”不是数字",
                "indicators.0.weight: 'ten' is not a number",
            ),
        ),
        (
            HEAD + "  - {id: a, name: A, rule: {type: ratd}}\n",
            (
                4,
                "invalid",
                "indicators.0.rule:type 不能是“ratd”,只能是 'rated', 'levels', 'bands', "
                "'target', 'threshold', 'deduction', 'bonus', 'rank', 'formula' 之一",
                "indicators.0.rule: type 'ratd' is not one of 'rated', 'levels', 'bands', "
                "'target', 'threshold', 'deduction', 'bonus', 'rank', 'formula'",
            ),
        ),
        (
            HEAD + "  - {id: a, name: A, colour: red, rule: {type: rated}}\n",
            (
                4,
                "invalid",
                "未知的字段“colour”(请检查拼写;见 docs/scheme-format.md)",
                "unknown field 'colour' (check the spelling; see docs/scheme-format.md)",
            ),
        ),
        (
            "",
            (
                1,
                "not_a_scheme",
                "方案是空的:至少要写 id:、name: 和 indicators:"
                "(docs/scheme-format.md 里有一个入门方案)",
                "the scheme is empty: write at least id:, name: and indicators: "
                "(docs/scheme-format.md has a first scheme)",
            ),
        ),
        (
            "id: s\nname: x\ninclude_metrics: [kpis.yaml]\n"
            "indicators:\n  - {id: a, name: A, rule: {type: rated}}\n",
            (
                3,
                "include_without_folder",
                "include_metrics:保存在系统里的方案无法读取文件“kpis.yaml”;"
                "请把指标定义直接写在 metrics: 下",
                "include_metrics: 'kpis.yaml' cannot be read for a scheme stored in the app; "
                "write the definitions under metrics: instead",
            ),
        ),
    ],
    ids=[
        "unknown-function",
        "unclosed",
        "weight-not-number",
        "unknown-type",
        "extra",
        "empty",
        "include-in-app",
    ],
)
def test_a_scheme_problem_reads_in_chinese_and_in_english(
    scheme: str, expected: tuple[int, str, str, str]
) -> None:
    assert said(scheme) == [expected]


def test_a_band_range_that_is_not_understood_says_how_to_write_one() -> None:
    scheme = HEAD + (
        "  - {id: a, name: A, rule: {type: bands, metric: csat,"
        ' bands: [{range: "about 30", score: 1}]}}\n'
    )
    [(line, code, zh, en)] = said(scheme)
    assert (line, code) == (4, "invalid")
    assert zh.endswith(
        "看不懂区间“about 30”;请这样写:<= 30、> 55、>= 90、(30, 40]、[85, 95] 或 *(任意值)"
    )
    assert en.endswith(
        "range 'about 30' is not understood; write e.g. '<= 30', '> 55', '>= 90', "
        "'(30, 40]', '[85, 95]' or '*'"
    )


@pytest.mark.parametrize(
    ("call", "zh", "en"),
    [
        (
            lambda: Range.parse("[90, 60]"),
            "区间“[90, 60]”:下限 90 大于上限 60",
            "range '[90, 60]': the lower edge 90 is above the upper 60",
        ),
        (
            lambda: to_decimal(True),
            "这里需要一个数字,不能是 true/false(是/否)",
            "a number is needed, not true/false",
        ),
        (
            lambda: Expr.parse("round(x, n=1)"),
            "公式“round(x, n=1)”:函数的参数不能写成“名称=值”",
            "formula 'round(x, n=1)': functions take no keyword arguments",
        ),
        (
            # round takes 1..2 arguments (expr._NUMERIC_FUNCS); three are given.
            lambda: Expr.parse("round(1, 2, 3)").evaluate({}),
            "round() 需要 1 到 2 个参数,这里给了 3 个",
            "round() takes 1..2 arguments, got 3",
        ),
    ],
    ids=["edges-reversed", "bool-number", "keyword-arguments", "arity"],
)
def test_range_number_and_formula_errors_carry_their_message(call, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((ValueError, ExprError)) as err:
        call()
    [said_] = err.value.args
    assert (text(said_, "zh"), text(said_, "en")) == (zh, en)
