"""A rule's condition said to its reader (appraise.scoring.conditions): as the scheme wrote it in
English, in words in Chinese (总分 ≥ 90 且 等级 ≠ “C”), an indicator by its name, brackets only
where the tree needs them."""

from __future__ import annotations

import pytest

from appraise.schemes.expr import Expr
from appraise.scoring.conditions import said_condition
from appraise.words import render_data

LABELS = {"csat": "满意度", "fcr": "一次解决率"}


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
        # A name the scheme does not name (a variable, a metric) stays as written.
        ("tenure_months < 1", "tenure_months < 1", "tenure_months < 1"),
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
