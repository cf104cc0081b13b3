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


# ------------------------------------------------------------------ references by name


def test_metrics_and_indicators_are_named_by_id_or_chinese_name() -> None:
    s = load("""
        id: s
        name: 方案
        constants: {门槛: 80}
        indicators:
          - {id: attitude, name: 服务态度, aliases: [态度], weight: 40%, rule: {type: rated}}
          - id: conversion
            name: 转化
            weight: 30%
            rule: {type: threshold, metric: 询单转化率, range: ">= 20", score: 100}
          - id: speed
            name: 速度
            weight: 30%
            rule: {type: rank, metric: " 平均回复时长 ", order: asc, points: [100, 50]}
          - id: mix
            name: 综合
            counts: false
            rule: {type: formula, expr: "态度 + 转化 + 满意度 - csat + 门槛"}
        ranking: {tie_breakers: [服务态度]}
        grades: [{name: 好, when: "满意度 >= 90"}, {name: 差, range: "< 60"}]
        """).scheme
    conversion, speed, mix = (n.rule for n in s.indicators[1:])
    assert conversion.metric == "conversion_rate"  # type: ignore[union-attr]
    assert speed.metric == "reply_time_mean"  # type: ignore[union-attr]
    assert mix.expr.names == {"attitude", "conversion", "csat", "门槛"}  # type: ignore[union-attr]
    assert str(mix.expr) == "态度 + 转化 + 满意度 - csat + 门槛"  # type: ignore[union-attr]
    assert s.ranking.tie_breakers == ["attitude"]
    assert s.grades[0].when is not None and s.grades[0].when.names == {"csat"}


def test_needed_metrics_sees_the_ids_of_metrics_named_in_chinese() -> None:
    from appraise.scoring.needs import needed_metrics

    s = load("""
        id: s
        name: 方案
        indicators:
          - {id: a, name: 转化, weight: 50%, rule: {type: target, metric: 询单转化率, target: 20, full: 100}}
          - {id: b, name: 满意, weight: 50%, rule: {type: formula, expr: "满意度 * 1"}}
        """).scheme
    assert needed_metrics(s) == {"conversion_rate", "csat"}


BASE = "id: s\nname: 方案\nindicators:\n"


@pytest.mark.parametrize(
    ("body", "line", "code", "message"),
    [
        (
            "  - {id: x, name: 转化, rule: {type: threshold, metric: 询单转化, range: '>= 1', "
            "score: 1}}\n",
            4,
            "unknown_metric",
            'indicator "x" uses unknown metric "询单转化" (not in the metric catalog nor in the '
            "scheme's `metrics:`); did you mean 询单转化率 (conversion_rate)?",
        ),
        (
            "  - {id: x, name: 转化, rule: {type: threshold, metric: conversion_rat, "
            "range: '>= 1', score: 1}}\n",
            4,
            "unknown_metric",
            'indicator "x" uses unknown metric "conversion_rat" (not in the metric catalog nor '
            "in the scheme's `metrics:`); did you mean 询单转化率 (conversion_rate), 每小时接待量 "
            "(conversations_per_hour) or 接待会话量 (conversations_owned)?",
        ),
        (
            "  - {id: x, name: 转化, rule: {type: threshold, metric: 完全不相干, range: '>= 1', "
            "score: 1}}\n",
            4,
            "unknown_metric",
            'indicator "x" uses unknown metric "完全不相干" (not in the metric catalog nor in '
            "the scheme's `metrics:`)",
        ),
        (
            "  - {id: attitude, name: 服务态度, weight: 50%, rule: {type: rated}}\n"
            "  - {id: f, name: 综合, weight: 50%, rule: {type: formula, expr: '服务态 * 2'}}\n",
            5,
            "unknown_metric",
            'indicator "f" uses unknown name "服务态" (not a metric of the catalog or of the '
            "scheme's `metrics:`, nor an indicator); did you mean 服务态度 (attitude)?",
        ),
        (
            "  - {id: unit_price, name: 客单价, weight: 50%, rule: {type: rated}}\n"
            "  - {id: f, name: 综合, weight: 50%, rule: {type: formula, expr: '客单价 * 2'}}\n",
            5,
            "ambiguous_name",
            'indicator "f" reads "客单价", the name of indicator 客单价 (unit_price) and of '
            "metric 客单价 (average_order_value): write the id of the one meant",
        ),
        (
            "  - {id: attitude, name: 服务态度, weight: 50%, rule: {type: rated}}\n"
            "  - {id: r, name: 排名, weight: 50%, rule: {type: rank, of: 服务太度, points: [1]}}\n",
            5,
            "unknown_indicator",
            'rank rule of "r" ranks unknown indicator "服务太度"; did you mean 服务态度 (attitude)?',
        ),
        (
            "  - {id: a, name: 甲, weight: 100%, rule: {type: rated}}\n"
            "grades: [{name: 好, when: '满意 >= 90'}]\n",
            5,
            "unknown_name",
            'grade "好" uses unknown name "满意"; did you mean 满意度 (csat)?',
        ),
    ],
    ids=[
        "metric-name-misspelt",
        "metric-id-misspelt",
        "nothing-close",
        "formula-indicator-misspelt",
        "formula-name-of-both",
        "rank-of-misspelt",
        "condition-name-misspelt",
    ],
)
def test_reference_problems(body: str, line: int, code: str, message: str) -> None:
    found = problems(BASE + body)
    assert (line, "error", code, message) in found, found


# ------------------------------------------------------------------ lower is better


def test_lower_is_better_metrics_of_the_library() -> None:
    from appraise.metrics.catalog import LIBRARY
    from appraise.metrics.direction import lower_is_better

    lower = {d.id for d in LIBRARY.values() if lower_is_better(d.id, d.unit)}
    # Every duration (unit seconds) and every rate or count of something bad; nothing else.
    seconds = {d.id for d in LIBRARY.values() if d.unit == "seconds"}
    assert lower - seconds == {
        "abandonment_rate",
        "absences",
        "bad_review_rate",
        "bad_review_rate_change",
        "complaint_rate",
        "late_count",
        "message_leave_rate",
        "refund_rate",
        "reopen_rate",
        "ticket_reopen_rate",
        "transfer_rate",
    }
    assert seconds <= lower and "reply_time_mean" in seconds
    assert not lower & {"csat", "conversion_rate", "fcr_rate", "service_level", "attendance_rate"}


def one_rule(rule: str) -> str:
    return f"id: s\nname: 方案\nindicators:\n  - id: x\n    name: 指标\n    rule: {rule}\n"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{type: target, metric: reply_time_mean, target: 30, full: 10}",
            'indicator "x" reads 平均回复时长 (reply_time_mean), which is better when lower, but '
            "its target rule gives more points for higher values; write `better: lower`",
        ),
        (
            "{type: threshold, metric: 退款率, range: '>= 5', score: 10}",
            'indicator "x" reads 退款率 (refund_rate), which is better when lower, but its '
            "threshold rule gives 10 points for >= 5",
        ),
        (
            "{type: threshold, metric: transfer_rate, range: '< 5', score: 0, otherwise: 10}",
            'indicator "x" reads 转接率 (transfer_rate), which is better when lower, but its '
            "threshold rule gives 10 points outside < 5",
        ),
        (
            "{type: bands, metric: asa, bands: [{range: '> 60', score: 10}, "
            "{range: '(20, 60]', score: 5}, {range: '<= 20', score: 0}]}",
            'indicator "x" reads 平均应答速度 (asa), which is better when lower, but its bands '
            "give more points for higher values",
        ),
        (
            "{type: rank, metric: 迟到次数, points: [3, 2, 1]}",
            'indicator "x" reads 迟到次数 (late_count), which is better when lower, but its rank '
            "rule puts the highest value first; write `order: asc`",
        ),
    ],
    ids=["target", "threshold-above", "threshold-penalty-below", "bands-rising", "rank-desc"],
)
def test_a_lower_is_better_metric_rewarded_upwards_is_warned_at_its_line(
    rule: str, message: str
) -> None:
    warnings = load(one_rule(rule)).warnings
    assert [(w.code, w.line, w.message) for w in warnings] == [("wrong_direction", 6, message)]


@pytest.mark.parametrize(
    "rule",
    [
        "{type: target, metric: reply_time_mean, better: lower, target: 30, full: 10}",
        "{type: target, metric: csat, target: 90, full: 10}",
        "{type: threshold, metric: refund_rate, range: '<= 5', score: 10}",
        "{type: threshold, metric: refund_rate, range: '[2, 5]', score: 10}",
        "{type: bands, metric: asa, bands: [{range: '<= 20', score: 10}, {range: '> 20', score: 0}]}",
        # rising then falling: no direction can be told
        "{type: bands, metric: asa, bands: [{range: '<= 20', score: 5}, {range: '(20, 40]', "
        "score: 10}, {range: '> 40', score: 0}]}",
        "{type: rank, metric: late_count, order: asc, points: [3, 2, 1]}",
    ],
    ids=[
        "target-lower",
        "csat-higher",
        "threshold-below",
        "threshold-both-edges",
        "bands-falling",
        "bands-mixed",
        "rank-asc",
    ],
)
def test_rules_in_the_right_direction_are_not_warned(rule: str) -> None:
    assert [w.code for w in load(one_rule(rule)).warnings] == []


def test_no_seed_rewards_a_lower_is_better_metric_upwards() -> None:
    from pathlib import Path

    from appraise.schemes.loader import load_scheme

    root = Path(__file__).resolve().parents[2] / "schemes" / "seeds"
    found = [
        str(w)
        for p in sorted(root.glob("*.yaml"))
        for w in load_scheme(p).warnings
        if w.code == "wrong_direction"
    ]
    assert found == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{type: target, metric: asa, better: lower, target: 20, full: 10, method: steps, "
            "zero_below: 60}",
            'target rule of "x" is lower-is-better (`better: lower`): write `zero_above`, not '
            "`zero_below`",
        ),
        (
            "{type: target, metric: csat, target: 90, full: 10, method: steps, zero_above: 60}",
            'target rule of "x" is higher-is-better (`better: higher`): write `zero_below`, not '
            "`zero_above`",
        ),
    ],
    ids=["zero-below-on-lower", "zero-above-on-higher"],
)
def test_a_zero_limit_on_the_wrong_side_is_an_error(rule: str, message: str) -> None:
    assert (6, "error", "target_zero_direction", message) in problems(one_rule(rule))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "the scheme is empty: write at least id:, name: and indicators: "
            "(docs/scheme-format.md has a first scheme)",
        ),
        (
            "# only a comment\n",
            "the scheme is empty: write at least id:, name: and indicators: "
            "(docs/scheme-format.md has a first scheme)",
        ),
        (
            "- id: a\n- id: b\n",
            "a scheme is a YAML mapping of fields (id:, name:, indicators:, ...), not a list",
        ),
        (
            "小店客服月度考核\n",
            "a scheme is a YAML mapping of fields (id:, name:, indicators:, ...), not a single "
            "value",
        ),
    ],
    ids=["empty", "comment-only", "list", "text"],
)
def test_a_document_that_is_not_a_mapping_says_what_a_scheme_is(text: str, message: str) -> None:
    with pytest.raises(ProblemsError) as err:
        parse_scheme(text, "s.yaml")
    assert [(p.line, p.code, p.message) for p in err.value.problems] == [
        (1, "not_a_scheme", message)
    ]
