"""A rule's condition said to its reader (appraise.scoring.conditions): as the scheme wrote it in
English, in words in Chinese (总分 ≥ 90 且 等级 ≠ “C”), an indicator by its name, brackets only
where the tree needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.schemes.expr import Expr
from appraise.scoring.conditions import said_condition
from appraise.words import render_data

LABELS = {"csat": "满意度", "fcr": "一次解决率"}
SEEDS = Path(__file__).resolve().parents[2] / "schemes" / "seeds"


@pytest.mark.parametrize(
    ("written", "en", "zh"),
    [
        ("total >= 90 and grade != 'C'", "total >= 90 and grade != 'C'", "总分 ≥ 90 且 等级 ≠ “C”"),
        ("rank == last_rank", "rank == last_rank", "名次 = 倒数名次"),
        # Brackets kept where the tree needs them (or under and), none where it does not.
        (
            "(total < 60 or rank == last_rank) and count > 5",
            "(total < 60 or rank == last_rank) and count > 5",
            "(总分 < 60 或 名次 = 倒数名次) 且 人数 > 5",
        ),
        ("(total < 60) or (rank <= 3)", "total < 60 or rank <= 3", "总分 < 60 或 名次 ≤ 3"),
        (
            "csat - (fcr - 10) > 1",
            "满意度 - (一次解决率 - 10) > 1",
            "满意度 − (一次解决率 − 10) > 1",
        ),
        ("(csat - fcr) - 10 > 1", "满意度 - 一次解决率 - 10 > 1", "满意度 − 一次解决率 − 10 > 1"),
        (
            "(csat + fcr) * 2 >= 150",
            "(满意度 + 一次解决率) * 2 >= 150",
            "(满意度 + 一次解决率) × 2 ≥ 150",
        ),
        ("not csat >= 95", "not 满意度 >= 95", "非 满意度 ≥ 95"),
        ("max(total, 60) >= 70", "max(total, 60) >= 70", "max(总分, 60) ≥ 70"),
        (
            "level in ['礼品级', '晋升级']",
            "level in ['礼品级', '晋升级']",
            "档次 属于 [“礼品级”, “晋升级”]",
        ),
        ("total < -5", "total < -5", "总分 < -5"),
        # Full-width operators typed with a Chinese input method read as the others.
        ("total ≥ 90", "total >= 90", "总分 ≥ 90"),
        # The agent's own names, in words in Chinese (as written in English, like total).
        ("tenure_months < 3", "tenure_months < 3", "司龄（月） < 3"),
        (
            "hired_in_period or position == '组长'",
            "hired_in_period or position == '组长'",
            "本期入职 或 岗位 = “组长”",
        ),
        # A metric of the catalog the scheme does not name: its name in the reader's language
        # (catalog.yaml: 首次响应时长中位数 / First response time (median)).
        (
            "first_response_time_median <= 30",
            "First response time (median) <= 30",
            "首次响应时长中位数 ≤ 30",
        ),
        # A name nobody names (a variable of the scheme's own) stays as written.
        ("exists(carried_points)", "exists(carried_points)", "exists(carried_points)"),
    ],
)
def test_a_condition_reads_as_written_in_english_and_in_words_in_chinese(
    written: str, en: str, zh: str
) -> None:
    said = said_condition(Expr.parse(written), "zh", LABELS)
    assert said.render("zh") == zh
    assert said.render("en") == en
    # Kept as what was said: the stored form reads in either language.
    stored = said.words().data()
    assert (render_data(stored, "zh"), render_data(stored, "en")) == (zh, en)


def test_a_scheme_names_its_declared_metrics_and_its_indicators_wins_over_them() -> None:
    """s004-ecommerce-quarterly declares post_type (岗位类型) as a metric: its eligibility rule
    reads as 非 (岗位类型 = “信息岗” 或 岗位类型 = “支持岗”). An indicator with a metric's id is
    named by the indicator, as a formula reads its score."""
    from appraise.schemes.loader import load_scheme
    from appraise.scoring.conditions import scheme_labels

    scheme = load_scheme(SEEDS / "s004-ecommerce-quarterly.yaml").scheme
    labels = scheme_labels(scheme)
    rule = next(e for e in scheme.eligibility if e.id == "no_post_type")
    assert said_condition(rule.when, "zh", labels).render("zh") == (
        "非 (岗位类型 = “信息岗” 或 岗位类型 = “支持岗”)"
    )
    first = scheme.indicators[0]
    declared = scheme.metrics[0].model_copy(update={"id": first.id, "name": "别的名字"})
    shadowed = scheme.model_copy(update={"metrics": [*scheme.metrics, declared]})
    assert scheme_labels(shadowed)[first.id] == first.name != "别的名字"
