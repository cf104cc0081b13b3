"""Writing a scheme in Chinese: Chinese ids, metrics and indicators by name, target directions."""

from __future__ import annotations

import textwrap

import pytest

from appraise.problems import ProblemsError
from appraise.schemes.loader import parse_scheme
from appraise.schemes.model import id_from_name


def load(text: str):  # type: ignore[no-untyped-def]
    return parse_scheme(textwrap.dedent(text).lstrip(), "s.yaml")


def problems(text: str) -> list[tuple[int | None, str, str, str]]:
    with pytest.raises(ProblemsError) as err:
        load(text)
    return [(p.line, p.level, p.code, p.message) for p in err.value.problems]


def test_chinese_scheme_and_indicator_ids_are_accepted() -> None:
    loaded = load("""
        id: 小店客服月度考核
        name: 小店客服月度考核
        indicators:
          - id: 服务态度
            name: 服务态度
            weight: 60%
            rule: {type: rated}
          - {id: 综合_2, name: 综合, weight: 40%, rule: {type: formula, expr: "服务态度 * 0.4"}}
        """)
    assert loaded.scheme.id == "小店客服月度考核"
    assert [i.id for i in loaded.scheme.indicators] == ["服务态度", "综合_2"]
    assert loaded.warnings == []


def test_a_missing_indicator_id_is_made_from_its_name() -> None:
    loaded = load("""
        id: s
        name: 方案
        indicators:
          - {name: 1.礼貌得体、语言流畅, weight: 50%, rule: {type: rated}}
          - {name: "服务 态度（主管）", weight: 50%, rule: {type: rated}}
        """)
    assert [i.id for i in loaded.scheme.indicators] == ["_1礼貌得体语言流畅", "服务态度主管"]


@pytest.mark.parametrize(
    ("name", "made"),
    [
        ("询单转化率", "询单转化率"),
        ("3分钟响应率", "_3分钟响应率"),
        ("Ａ／Ｂ test", "ABtest"),  # full-width letters fold (NFKC); / and the space go
        ("、。！", None),
        ("长" * 65, None),
    ],
)
def test_id_from_name(name: str, made: str | None) -> None:
    assert id_from_name(name) == made


@pytest.mark.parametrize(
    ("body", "line", "code", "message"),
    [
        (
            "id: 小店 考核\nname: x\nindicators: [{id: a, name: A, rule: {type: rated}}]\n",
            1,
            "bad_id",
            "id: '小店 考核' is not a valid id: use lower-case letters, Chinese, digits, - and _; "
            "no spaces or punctuation",
        ),
        (
            "id: s\nname: x\nindicators:\n  - {id: 3a, name: A, rule: {type: rated}}\n",
            4,
            "bad_id",
            "indicators.0.id: '3a' is not a valid id: use letters (Chinese too), digits and _, "
            "not starting with a digit; no spaces or punctuation",
        ),
        (
            "id: s\nname: x\nindicators:\n  - {id: 服务.态度, name: A, rule: {type: rated}}\n",
            4,
            "bad_id",
            "indicators.0.id: '服务.态度' is not a valid id: use letters (Chinese too), digits "
            "and _, not starting with a digit; no spaces or punctuation",
        ),
        (
            "id: s\nname: x\nindicators:\n  - {name: 态度, rule: {type: rated}}\n"
            "  - {name: 态度。, rule: {type: rated}}\n",
            5,
            "duplicate_id",
            'indicator id "态度" is used twice (first at line 4)',
        ),
        (
            "id: s\nname: x\nindicators:\n  - {name: 。, rule: {type: rated}}\n",
            4,
            "invalid",
            "missing field 'id' at indicators.0.id",
        ),
    ],
    ids=["scheme-id-space", "leading-digit", "punctuation", "made-ids-clash", "nothing-to-make"],
)
def test_id_problems(body: str, line: int, code: str, message: str) -> None:
    found = problems(body)
    assert (line, "error", code, message) in found, found
