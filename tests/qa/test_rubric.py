from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from qa_rubrics import GSM

from appraise.problems import ProblemsError
from appraise.qa.rubric import ReviewInput, Rubric, score_review, select_rubric
from appraise.schemes.loader import load_scheme, parse_scheme

ROOT = Path(__file__).resolve().parents[2]


def gsm(**kw: object) -> Rubric:
    scheme = parse_scheme(GSM, "qa-gsm.yaml").scheme
    return Rubric(scheme, fatal=("no_leak",), **kw)  # type: ignore[arg-type]


def review(ratings: dict[str, Decimal | str], **kw: object) -> ReviewInput:
    return ReviewInput(
        "R1",
        "C1",
        "A001",
        "Q01",
        date(2026, 10, 9),
        ratings,
        **kw,  # type: ignore[arg-type]
    )


BASE: dict[str, Decimal | str] = {
    "开场白": "规范",
    "倾听理解": Decimal(24),
    "表达能力": Decimal(12),
    "转接规范": "规范",
    "结束语": "简短",
    "未泄露客户信息": "是",
}


def test_items_add_their_weighted_scores() -> None:
    r = score_review(gsm(), review(BASE))
    # 10 + 24/30*30 + 12/15*30 + 20 + 1/2*10 = 10 + 24 + 24 + 20 + 5 = 83
    assert r.score == Decimal(83)
    assert r.maximum == r.applicable == Decimal(100)
    assert not r.fatal
    # listening 24<30, expression 12<15, closing 1<2 fail; 5 counted non-fatal items
    assert (r.nonfatal_errors, r.opportunities) == (3, 5)


def test_na_item_is_removed_and_the_rest_renormalised() -> None:
    r = score_review(gsm(), review({**BASE, "转接规范": "不适用"}))
    # earned 10 + 24 + 24 + 5 = 63 of the 80 applicable points; 63 * 100 / 80 = 78.75
    assert r.earned == Decimal(63) and r.applicable == Decimal(80)
    assert r.score == Decimal("78.75")
    assert r.na == ("transfer",)
    assert (r.nonfatal_errors, r.opportunities) == (3, 4)
    # full-width N／A is N/A too, and a perfect call with an N/A item reaches 100
    perfect = {**BASE, "倾听理解": Decimal(30), "表达能力": Decimal(15), "结束语": "完整"}
    assert score_review(gsm(), review({**perfect, "转接规范": "Ｎ／Ａ"})).score == Decimal(100)


def test_a_failed_fatal_item_zeroes_the_review() -> None:
    r = score_review(gsm(), review({**BASE, "未泄露客户信息": "否"}))
    assert r.score == Decimal(0) and r.fatal and r.fatal_failed == ("no_leak",)
    assert r.earned == Decimal(83)  # what the other items earned stays visible
    # the fatal item is not a non-fatal opportunity
    assert (r.nonfatal_errors, r.opportunities) == (3, 5)


def test_na_on_a_fatal_or_restricted_item_and_unknown_items_are_errors() -> None:
    with pytest.raises(ProblemsError) as e:
        score_review(
            gsm(na_items=("transfer",)),
            review({**BASE, "未泄露客户信息": "N/A", "开场白": "NA", "语速": Decimal(3)}),
        )
    messages = {p.message for p in e.value.problems}
    assert messages == {
        '"未泄露客户信息" is a fatal item and cannot be N/A',
        '"开场白" may not be N/A in rubric qa-gsm',
        '"语速" is not an item of rubric qa-gsm',
    }
    assert all(p.file == "review R1" for p in e.value.problems)


def test_a_value_out_of_range_names_the_review_and_item() -> None:
    with pytest.raises(ProblemsError) as e:
        score_review(gsm(), review({**BASE, "表达能力": Decimal(16)}))
    (p,) = e.value.errors
    assert (p.file, p.field) == ("review R1", "表达能力")


def test_an_item_left_empty_leaves_the_review_unscored_under_missing_fail() -> None:
    ratings = dict(BASE)
    del ratings["倾听理解"]
    r = score_review(gsm(), review(ratings))
    assert r.score is None and any("倾听理解" in n for n in r.notes)


SEED = ROOT / "schemes/seeds/s003-call-rubric.yaml"

# The seed's call C002: 12, 6, attitude 12 capped at 8 by one 忌语, no opening, only 再见,
# hung up first: 12 + 6 + 8 + 0 + 0 + 0 = 26 of 45.
C002: dict[str, Decimal | str] = {
    "表达能力": Decimal(12),
    "倾听与理解": Decimal(6),
    "服务态度评分": Decimal(12),
    "开场白": "未用标准开场白",
    "结束语": "只说再见",
    "后挂机": "先挂机",
}


def test_seed_call_rubric_scores_one_call_with_the_taboo_cap() -> None:
    scheme = load_scheme(SEED).scheme
    r = score_review(scheme, review(C002, metrics={"taboo_phrases": Decimal(1)}))
    assert r.score == Decimal(26) and r.maximum == Decimal(45)
    # without the 忌语 the attitude rating counts in full: 12 + 6 + 12 = 30
    assert score_review(scheme, review(C002)).score == Decimal(30)


def test_seed_rubric_on_a_chat_has_no_hang_up_item() -> None:
    scheme = load_scheme(SEED).scheme
    r = score_review(
        scheme, review({**C002, "后挂机": "不适用"}, metrics={"taboo_phrases": Decimal(1)})
    )
    # 26 of the 43 applicable points (45 - 2), scaled to 45: 26 * 45 / 43 = 27.2093... -> 27.21
    assert r.applicable == Decimal(43) and r.score == Decimal("27.21")


def test_a_formula_reading_an_na_item_is_na_too() -> None:
    scheme = load_scheme(SEED).scheme
    r = score_review(scheme, review({**C002, "服务态度评分": "N/A"}))
    # attitude_score reads attitude_rated: both go, and the 服务态度 category with them:
    # 12 + 6 + 0 + 0 + 0 = 18 of 30, scaled to 45: 27
    assert set(r.na) == {"attitude_rated", "attitude_score"}
    assert r.applicable == Decimal(30) and r.score == Decimal(27)


def test_rubric_is_selected_by_queue_then_channel_then_default() -> None:
    base = parse_scheme(GSM, "qa-gsm.yaml").scheme
    g = Rubric(base, seats=("GSM综合座席", "SP座席"))
    c = Rubric(base.model_copy(update={"id": "qa-cdma"}), seats=("CDMA专席",))
    v = Rubric(base.model_copy(update={"id": "qa-vip"}), seats=("世界风专席", "大客户专席"))
    rubrics = [g, c, v]
    assert select_rubric(rubrics, queue="ＣＤＭＡ专席").id == "qa-cdma"  # full-width letters
    assert select_rubric(rubrics, queue="热线", channel="大客户专席").id == "qa-vip"
    assert select_rubric(rubrics, queue="SP 座席").id == "qa-gsm"
    with pytest.raises(ProblemsError):
        select_rubric(rubrics, queue="热线", channel="chat")
    d = Rubric(base.model_copy(update={"id": "qa-default"}), default=True)
    assert select_rubric([*rubrics, d], queue="热线").id == "qa-default"
