"""Calibration beyond the spread: Cohen's κ per reviewer pair, Fleiss' κ per item, leniency."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from qa_rubrics import scored

from appraise.qa.calibration import calibrate, cohen_kappa, fleiss_kappa

D = Decimal


def close(x: Decimal | None, f: Fraction) -> bool:
    return x is not None and abs(Fraction(x) - f) < Fraction(1, 10**20)


def test_fleiss_kappa_of_the_textbook_table() -> None:
    # The worked example of the "Fleiss' kappa" article (10 subjects, 14 raters, 5 categories),
    # by Fleiss (1971)'s formulas:
    #   p_j = column totals / 140 = 20/140, 28/140, 39/140, 21/140, 32/140
    #   P_i = (Σ n_ij² − 14) / (14 × 13): row 1 (0 0 0 0 14): (196 − 14) / 182 = 1;
    #   row 2 (0 2 6 4 2): (4 + 36 + 16 + 4 − 14) / 182 = 46/182 = 0.253; ...
    #   Σ P_i = 688/182, P̄ = 688/1820 = 172/455 = 0.378
    #   P̄e = (20² + 28² + 39² + 21² + 32²) / 140² = 4170/19600 = 417/1960 = 0.213
    #   κ = (172/455 − 417/1960) / (1 − 417/1960) = 4211/20059 = 0.210
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    got = fleiss_kappa([{j: n for j, n in enumerate(row) if n} for row in table])
    assert close(got, Fraction(4211, 20059))
    assert round(got, 3) == D("0.210")  # type: ignore[arg-type]


def test_fleiss_kappa_is_undefined_when_every_rating_is_the_same() -> None:
    # P̄e = 1² = 1: nothing to agree beyond chance
    assert fleiss_kappa([{"a": 3}, {"a": 2}]) is None
    assert fleiss_kappa([{"a": 1}]) is None  # one rater: no subject left


def test_cohen_kappa_of_two_raters() -> None:
    # 4 subjects, (yes, yes) (yes, no) (no, no) (no, no): po = 3/4;
    # rater 1 yes 2/4, rater 2 yes 1/4: pe = 2/4 × 1/4 + 2/4 × 3/4 = 2/16 + 6/16 = 1/2;
    # κ = (3/4 − 1/2) / (1/2) = 1/2
    po, pe, k = cohen_kappa([("y", "y"), ("y", "n"), ("n", "n"), ("n", "n")])
    assert (po, pe, k) == (D("0.75"), D("0.5"), D("0.5"))


def test_calibration_reports_pair_kappa_on_the_error_verdict() -> None:
    # The form has 6 items; BASE has errors on 倾听理解 (24 < 30), 表达能力 (12 < 15), 结束语.
    # C1: Q1 BASE, Q2 倾听理解 30 -> they disagree on 倾听理解 only (5 of 6 agree)
    # C2: Q1 BASE, Q2 开场白 不规范 -> they disagree on 开场白 only (5 of 6 agree)
    # po = 10/12; Q1 says error on 6 of 12 cells (3 + 3), Q2 on 6 of 12 (2 + 4):
    # pe = 6/12 × 6/12 + 6/12 × 6/12 = 1/2; κ = (10/12 − 1/2) / (1/2) = 2/3
    rep = calibrate(
        [
            scored("a", "C1", "A001", "Q1"),
            scored("b", "C1", "A001", "Q2", listening=D(30)),
            scored("c", "C2", "A002", "Q1"),
            scored("d", "C2", "A002", "Q2", **{"开场白": "不规范"}),
        ]
    )
    (pair,) = rep.pairs
    assert (pair.reviewer_a, pair.reviewer_b, pair.cells, pair.agreed) == ("Q1", "Q2", 12, 10)
    assert pair.expected == D("0.5")
    assert close(pair.kappa, Fraction(2, 3))


def test_calibration_reports_fleiss_kappa_per_item() -> None:
    # 开场白 (10 or 0) by three reviewers on three conversations:
    #   C1: 10 10 10 -> P = (3² − 3) / (3 × 2) = 1
    #   C2: 10 10 0  -> P = (2² + 1² − 3) / 6 = 1/3
    #   C3: 0 0 0    -> P = 1
    #   P̄ = (1 + 1/3 + 1) / 3 = 7/9; p_10 = 5/9, p_0 = 4/9; P̄e = 25/81 + 16/81 = 41/81
    #   κ = (63/81 − 41/81) / (1 − 41/81) = 22/40 = 0.55
    bad = {"开场白": "不规范"}
    rep = calibrate(
        [
            scored("1", "C1", "A001", "Q1"),
            scored("2", "C1", "A001", "Q2"),
            scored("3", "C1", "A001", "Q3"),
            scored("4", "C2", "A001", "Q1"),
            scored("5", "C2", "A001", "Q2"),
            scored("6", "C2", "A001", "Q3", **bad),
            scored("7", "C3", "A001", "Q1", **bad),
            scored("8", "C3", "A001", "Q2", **bad),
            scored("9", "C3", "A001", "Q3", **bad),
        ]
    )
    items = {i.item_id: i for i in rep.items}
    assert close(items["greeting"].fleiss_kappa, Fraction(11, 20))
    # 倾听理解 is 24 from everybody: P̄e = 1, κ undefined; the total has no κ
    assert items["listening"].fleiss_kappa is None
    assert items["total"].fleiss_kappa is None


def test_leniency_is_the_total_against_the_panel_mean() -> None:
    # C1 totals 83 / 86 / 89 (panel mean 86): Q1 −3, Q2 0, Q3 +3
    # C2 totals 89 / 95 (panel mean 92): Q1 −3, Q2 +3
    # leniency: Q1 (−3 − 3) / 2 = −3, Q2 (0 + 3) / 2 = 1.5, Q3 3
    rep = calibrate(
        [
            scored("r1", "C1", "A001", "Q1", listening=D(24)),
            scored("r2", "C1", "A001", "Q2", listening=D(27)),
            scored("r3", "C1", "A001", "Q3", listening=D(30)),
            scored("r4", "C2", "A002", "Q1", listening=D(30), expression=D(12)),
            scored("r5", "C2", "A002", "Q2", listening=D(30), expression=D(15)),
        ]
    )
    assert {r.reviewer_id: r.leniency for r in rep.reviewers} == {
        "Q1": D(-3),
        "Q2": D("1.5"),
        "Q3": D(3),
    }
