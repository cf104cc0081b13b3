"""Agreement of the automatic checks with human reviews, and the gate on the metrics."""

from __future__ import annotations

from decimal import Decimal

import pytest
from qa_rubrics import scored

from appraise.messages import reading
from appraise.problems import ProblemsError
from appraise.qa.agreement import (
    AgreementConfig,
    Verdict,
    agreement,
    gates,
    verdicts_from_findings,
    withhold,
)
from appraise.qa.checks import Finding
from appraise.qa.config import parse_qa_config
from appraise.qa.rubric import ReviewResult

D = Decimal

# Ten conversations of 2026-10, each reviewed once; the opening check's verdict and the
# reviewer's 开场白 (不规范 = below full = a human hit):
#   C01-C03  check failed, 开场白 不规范   -> tp = 3
#   C04      check failed, 开场白 规范     -> fp = 1
#   C05-C06  check passed, 开场白 不规范   -> fn = 2
#   C07-C10  check passed, 开场白 规范     -> tn = 4
# and two of 2026-11: N01 failed / 不规范 (tp), N02 passed / 规范 (tn).
CASES = [
    ("C01", True, "不规范"),
    ("C02", True, "不规范"),
    ("C03", True, "不规范"),
    ("C04", True, "规范"),
    ("C05", False, "不规范"),
    ("C06", False, "不规范"),
    ("C07", False, "规范"),
    ("C08", False, "规范"),
    ("C09", False, "规范"),
    ("C10", False, "规范"),
    ("N01", True, "不规范"),
    ("N02", False, "规范"),
]


def reviews() -> list[ReviewResult]:
    out = [scored(f"r-{cid}", cid, "A001", "Q1", **{"开场白": rating}) for cid, _, rating in CASES]
    # N/A: no pair; a review of a conversation the check did not judge: nothing to compare
    out.append(scored("r-C11", "C11", "A001", "Q1", **{"开场白": "不适用"}))
    out.append(scored("r-C99", "C99", "A001", "Q1", **{"开场白": "不规范"}))
    return out


def verdicts() -> list[Verdict]:
    out = [Verdict(cid, "A001", "opening", hit) for cid, hit, _ in CASES]
    out += [
        Verdict("C11", "A001", "opening", True),  # rated N/A by the reviewer
        Verdict("C12", "A001", "opening", True),  # never reviewed
        Verdict("C01", "A002", "opening", True),  # another agent: the review is about A001
        Verdict("C01", "A001", "forbidden", True),  # mirrors nothing here
    ]
    return out


def period_of(cid: str) -> str:
    return "2026-11" if cid.startswith("N") else "2026-10"


def test_precision_recall_and_kappa_by_hand() -> None:
    got = agreement(verdicts(), reviews(), {"opening": "开场白"}, period_of=period_of)
    assert [(a.period, a.check) for a in got] == [("2026-10", "opening"), ("2026-11", "opening")]
    oct_, nov = got
    assert (oct_.tp, oct_.fp, oct_.fn, oct_.tn) == (3, 1, 2, 4)
    # C11 (N/A), C12 (not reviewed), C01 of A002 (not the reviewed agent)
    assert oct_.unmatched == 3
    assert oct_.pairs == 10
    # precision = tp / (tp + fp) = 3 / 4; recall = tp / (tp + fn) = 3 / 5
    assert oct_.precision == D("0.75")
    assert oct_.recall == D("0.6")
    # po = (tp + tn) / n = 7 / 10 = 0.7
    # pe = ((tp + fp)(tp + fn) + (fn + tn)(fp + tn)) / n² = (4 × 5 + 6 × 5) / 100 = 0.5
    # κ = (po − pe) / (1 − pe) = (0.7 − 0.5) / 0.5 = 0.4
    assert oct_.observed == D("0.7")
    assert oct_.expected == D("0.5")
    assert oct_.kappa == D("0.4")
    # November: tp 1, tn 1: po = 1, pe = (1 × 1 + 1 × 1) / 4 = 0.5, κ = (1 − 0.5) / 0.5 = 1
    assert (nov.tp, nov.fp, nov.fn, nov.tn, nov.kappa) == (1, 0, 0, 1, D(1))


def test_items_are_found_by_id_or_name_and_all_periods_pool_without_period_of() -> None:
    by_id = agreement(verdicts(), reviews(), {"opening": "greeting"})
    assert len(by_id) == 1 and by_id[0].period == ""
    # all twelve: tp 4, fp 1, fn 2, tn 5: po = 9/12 = 0.75,
    # pe = (5 × 6 + 7 × 6) / 144 = 72 / 144 = 0.5, κ = (0.75 − 0.5) / 0.5 = 0.5
    assert (by_id[0].tp, by_id[0].fp, by_id[0].fn, by_id[0].tn) == (4, 1, 2, 5)
    assert by_id[0].kappa == D("0.5")


def test_kappa_is_undefined_when_both_sides_always_agree_on_one_verdict() -> None:
    # every check passed and every 开场白 规范: po = 1, pe = (0 + 2 × 2) / 4 = 1 -> κ None
    rs = [scored("a", "X1", "A001", "Q1"), scored("b", "X2", "A001", "Q1")]
    vs = [Verdict("X1", "A001", "opening", False), Verdict("X2", "A001", "opening", False)]
    (a,) = agreement(vs, rs, {"opening": "开场白"})
    assert a.kappa is None and a.precision is None and a.recall is None


def test_findings_are_verdicts_a_failed_finding_is_a_hit() -> None:
    fs = [Finding("C1", "A001", "opening", False), Finding("C2", "A001", "closing", True)]
    assert verdicts_from_findings(fs) == [
        Verdict("C1", "A001", "opening", True),
        Verdict("C2", "A001", "closing", False),
    ]


CONFIG = """
agreement:
  require: {kappa: 0.6}
  checks:
    opening: {mirrors: {item: 开场白}}
    closing: {mirrors: {item: 结束语}, require: {precision: 0.5}}
    silence: {mirrors: {item: 倾听理解}, require: {recall: 0.5, min_pairs: 20}}
"""


def test_a_check_below_its_requirement_is_withheld_with_the_reason() -> None:
    cfg = parse_qa_config(CONFIG, "qa.yaml")[0].agreement
    figs = agreement(verdicts(), reviews(), cfg.mirrors(), period_of=period_of)
    october = [a for a in figs if a.period == "2026-10"]
    gs = {g.check: g for g in gates(cfg, october)}
    # opening: κ 0.4 < 0.6 (the section's requirement); closing: no verdicts, 0 pairs of the
    # default min_pairs 1; silence: 0 of 20 pairs
    assert not gs["opening"].passed
    metrics = {"A001": {"qa_checked": 12.0, "qa_opening_rate": 40.0, "qa_closing_rate": 90.0}}
    kept, problems = withhold(metrics, list(gs.values()))
    assert kept == {"A001": {"qa_checked": 12.0}}
    with reading("zh"):
        zh = [str(p.message) for p in problems]
    with reading("en"):
        en = [str(p.message) for p in problems]
    assert en[0] == "qa_opening_rate of check opening withheld: kappa 0.40 below the 0.60 required"
    assert zh[0] == "自动质检 opening 的 qa_opening_rate 暂不计入：kappa 0.40 低于要求的 0.60"
    assert en[1] == (
        "qa_closing_rate of check closing withheld: "
        "0 conversation(s) reviewed by a person on this item, 1 needed"
    )
    assert "仅 0 条会话有人工评分，至少需要 20 条" in zh[2]
    assert all(p.level == "warning" and p.code == "qa_agreement_unmet" for p in problems)


def test_a_check_meeting_its_requirement_keeps_its_metrics() -> None:
    cfg = AgreementConfig.model_validate(
        {"checks": {"opening": {"mirrors": {"item": "开场白"}, "require": {"kappa": 0.4}}}}
    )
    figs = [a for a in agreement(verdicts(), reviews(), cfg.mirrors(), period_of=period_of)]
    (g,) = gates(cfg, [a for a in figs if a.period == "2026-10"])
    assert g.passed  # κ 0.4 meets 0.4
    metrics = {"A001": {"qa_opening_rate": 40.0}}
    assert withhold(metrics, [g]) == (metrics, [])


def test_a_check_without_requirement_is_never_withheld() -> None:
    cfg = AgreementConfig.model_validate({"checks": {"opening": {"mirrors": {"item": "开场白"}}}})
    assert gates(cfg, []) == []


def test_bad_agreement_section_is_reported_at_its_line() -> None:
    with pytest.raises(ProblemsError) as e:
        parse_qa_config(
            "agreement:\n  checks:\n    opening: {mirror: {item: 开场白}}\n  require: {kappa: 2}\n",
            "qa.yaml",
        )
    text = [p.render() for p in e.value.problems]
    assert any("qa.yaml:3" in t and "mirror" in t for t in text), text
    assert any("qa.yaml:4" in t and "kappa" in t for t in text), text
