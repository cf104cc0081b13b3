from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

import pytest
from qa_rubrics import scored

from appraise.problems import ProblemsError
from appraise.qa.calibration import calibrate
from appraise.qa.disputes import (
    assign_dispute,
    decide_dispute,
    effective_reviews,
    open_dispute,
)
from appraise.qa.figures import qa_figures
from appraise.qa.rubric import ReviewResult

D = Decimal


def session() -> list[ReviewResult]:
    # C1: 倾听理解 24 / 27 / 30 -> totals 83 / 86 / 89
    # C2: 倾听理解 30 for both, 表达能力 12 / 15 -> totals 10+30+24+20+5 = 89, 10+30+30+20+5 = 95
    return [
        scored("r1", "C1", "A001", "Q1", listening=D(24)),
        scored("r2", "C1", "A001", "Q2", listening=D(27)),
        scored("r3", "C1", "A001", "Q3", listening=D(30)),
        scored("r4", "C2", "A002", "Q1", listening=D(30), expression=D(12)),
        scored("r5", "C2", "A002", "Q2", listening=D(30), expression=D(15)),
    ]


def test_calibration_spread_per_item() -> None:
    rep = calibrate(session())
    items = {i.item_id: i for i in rep.items}
    li = items["listening"]
    # C1: 24, 27, 30: mean 27, population sd sqrt((9 + 0 + 9) / 3) = sqrt(6), range 6;
    # C2: 30, 30: sd 0. Mean of all five ratings 141 / 5 = 28.2
    assert (li.ratings, li.cells, li.mean, li.max_spread) == (5, 2, D("28.2"), D(6))
    assert math.isclose(float(li.mean_stdev), math.sqrt(6) / 2)
    ex = items["expression"]
    # C1: 12, 12, 12; C2: 12, 15 -> sd 1.5, range 3; mean sd (0 + 1.5) / 2
    assert (ex.mean_stdev, ex.max_spread) == (D("0.75"), D(3))
    total = items["total"]
    # C1 83, 86, 89 (range 6); C2 89, 95 (range 6, sd 3)
    assert total.max_spread == D(6)
    assert items["greeting"].max_spread == D(0)


def test_calibration_deviation_per_reviewer_from_the_others() -> None:
    revs = {r.reviewer_id: r for r in calibrate(session()).reviewers}
    # Q1: listening C1 24 - (27+30)/2 = -4.5, expression C2 12 - 15 = -3, the other 10 of its
    # 12 item cells (6 items x 2 conversations) agree: -7.5 / 12 = -0.625
    assert revs["Q1"].mean_deviation == D("-0.625")
    assert revs["Q1"].mean_abs_deviation == D("0.625")
    # totals: C1 83 - (86+89)/2 = -4.5, C2 89 - 95 = -6: mean -5.25; mean score (83+89)/2 = 86
    assert revs["Q1"].score_deviation == D("-5.25") and revs["Q1"].mean_score == D(86)
    # Q3: only C1, 6 cells, listening 30 - (24+27)/2 = +4.5: 4.5 / 6 = 0.75
    assert revs["Q3"].mean_deviation == D("0.75")
    # Q2: listening C1 27 - (24+30)/2 = 0, expression C2 15 - 12 = +3: 3 / 12 = 0.25
    assert revs["Q2"].mean_deviation == D("0.25")


def test_calibration_refuses_two_reviews_of_one_conversation_by_one_reviewer() -> None:
    with pytest.raises(ProblemsError):
        calibrate([*session(), scored("r6", "C1", "A001", "Q1")])


def test_figures_accuracies_and_internal_external_average() -> None:
    reviews = [
        scored("r1", "C1", "A001", "Q1"),  # 83, 3 errors of 5
        scored("r2", "C2", "A001", "Q1", leak="否"),  # fatal: 0, still 3 of 5
        scored(
            "r3", "C3", "A001", "X1", "external", listening=D(30), expression=D(15), 结束语="完整"
        ),  # 100, 0 of 5
    ]
    (a,) = qa_figures(reviews).agents
    assert a.monitored == 3
    # internal (83 + 0) / 2 = 41.5, external 100, (41.5 + 100) / 2 = 70.75
    assert (a.internal_average, a.external_average, a.qa_average) == (D("41.5"), D(100), D("70.75"))
    # fatal: 1 - 1/3; non-fatal: 1 - 6 / 15 = 60%
    assert a.fatal_accuracy is not None
    assert math.isclose(float(a.fatal_accuracy), 200 / 3)
    assert a.nonfatal_accuracy == D(60)
    f = qa_figures(reviews)
    items = {i.item_id: i for i in f.items}
    # 倾听理解 24, 24, 30: mean 26 of 30 = 86.67%, 2 below full
    assert items["listening"].mean == D(26) and items["listening"].errors == 2
    assert math.isclose(float(items["listening"].percent or 0), 2600 / 30)
    revs = {r.reviewer_id: r for r in f.reviewers}
    assert (revs["Q1"].reviews, revs["Q1"].mean) == (2, D("41.5"))


def test_only_internal_reviews_give_their_own_average() -> None:
    (a,) = qa_figures([scored("r1", "C1", "A001", "Q1")]).agents
    assert a.qa_average == D(83) and a.external_average is None


T = datetime(2026, 10, 21, 9, 0)


def test_dispute_goes_to_a_second_reviewer_whose_review_stands() -> None:
    first = scored("r1", "C1", "A001", "Q1", leak="否")  # fatal, 0
    d = open_dispute("d1", first, "A001", "客户信息是客户本人要求核对的", T)
    with pytest.raises(ProblemsError):
        assign_dispute(d, first, "Q1")  # the first reviewer cannot decide
    d = assign_dispute(d, first, "Q2")
    second = scored("r2", "C1", "A001", "Q2", supersedes="r1")  # not fatal: 83
    with pytest.raises(ProblemsError):
        decide_dispute(d, first, scored("r3", "C1", "A001", "Q3", supersedes="r1"), T)
    decided = decide_dispute(d, first, second, T)
    assert (decided.status, decided.outcome, decided.decision_review_id) == (
        "decided",
        "changed",
        "r2",
    )
    # both reviews are kept; the second counts
    assert [r.review_id for r in effective_reviews([first, second], [decided])] == ["r2"]
    # before the decision the first still counts and the pending one does not
    assert [r.review_id for r in effective_reviews([first, second], [d])] == ["r1"]
    assert first.score == D(0)  # never edited


def test_only_the_agent_disputes_and_only_once() -> None:
    first = scored("r1", "C1", "A001", "Q1")
    with pytest.raises(ProblemsError):
        open_dispute("d1", first, "A002", "不是我的", T)
    d = open_dispute("d1", first, "A001", "评分过低", T)
    with pytest.raises(ProblemsError):
        open_dispute("d2", first, "A001", "再申诉", T, [d])


def test_a_confirmed_score_is_upheld() -> None:
    first = scored("r1", "C1", "A001", "Q1")
    d = assign_dispute(open_dispute("d1", first, "A001", "评分过低", T), first, "Q2")
    d = decide_dispute(d, first, scored("r2", "C1", "A001", "Q2", supersedes="r1"), T)
    assert d.outcome == "upheld"


def test_estimated_figures_average_the_random_part_and_count_every_review() -> None:
    from appraise.qa.figures import estimated_figures

    # C1 83 and C2 89 (倾听理解 30) drawn at random, C3 flagged (risk part) with 倾听理解 0:
    # 10 + 0 + 24 + 20 + 5 = 59. All three: (83 + 89 + 59) / 3 = 77, biased by the risk part;
    # the estimate is the random part's (83 + 89) / 2 = 86, and 3 conversations were monitored.
    rs = [
        scored("r1", "C1", "A001", "Q1"),
        scored("r2", "C2", "A001", "Q1", listening=D(30)),
        scored("r3", "C3", "A001", "Q2", listening=D(0)),
    ]
    parts = {"C1": "random", "C2": "random", "C3": "risk"}
    assert qa_figures(rs).agents[0].qa_average == D(77)
    (a,) = estimated_figures(rs, parts).agents
    assert (a.monitored, a.qa_average) == (3, D(86))
    assert {r.reviewer_id: r.reviews for r in estimated_figures(rs, parts).reviewers} == {
        "Q1": 2,
        "Q2": 1,
    }
    # no risk part: the plain figures
    assert estimated_figures(rs, {}) == qa_figures(rs)
