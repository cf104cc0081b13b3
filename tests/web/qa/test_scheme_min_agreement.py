"""A cycle whose scheme requires a minimum agreement (``min_agreement``) reads the period's
agreement from the QA app: the opening check counts above the minimum and is withheld below it.

The month (conftest) and its reviews as in test_agreement.py, with a QA config that mirrors the
opening check on 开场白 and requires nothing itself: tp 1, fp 0, fn 1, tn 2, so
po = 3/4, pe = ((1 + 0)(1 + 1) + (1 + 2)(0 + 2)) / 16 = 1/2, κ = (3/4 − 1/2) / (1/2) = 0.5.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraise.messages import reading
from appraise.web.qa import services as qs

from .conftest import PERIOD, Qa, qa_files
from .test_agreement import C002, NO_OPENING, PERFECT

MIRRORS = """
agreement:
  checks:
    opening: {mirrors: {item: 开场白}}
"""

SCHEME = """
id: auto-qa-min
name: 自动质检(方案要求一致性)
period: month
metrics:
  - {id: qa_opening_rate, name: 开场白规范率, unit: percent}
  - {id: qa_hangup_first_count, name: 先挂机次数, unit: count}
indicators:
  - id: o
    name: 开场白
    weight: 50
    min_agreement: {kappa: KAPPA}
    rule: {type: target, metric: qa_opening_rate, target: 100, full: 50}
  - id: h
    name: 先挂机
    weight: 50
    rule: {type: bands, metric: qa_hangup_first_count, bands: [{range: "== 0", score: 50}, {range: "> 0", score: 0}]}
"""


def _reviewed(qa: Qa) -> None:
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=MIRRORS)
    qa.sample(reviewers=[qa.q1])
    for cid, ratings in (
        ("K-A001-1", PERFECT),  # check passed, 标准开场白: tn
        ("K-A001-2", C002),  # check failed, 未用标准开场白: tp
        ("K-A002-1", NO_OPENING),  # check passed, 未用标准开场白: fn
        ("K-B001-1", PERFECT),  # tn
    ):
        qs.review_submit(assignment=qa.assignment(cid), by=qa.q1, ratings=ratings)


def _computed(qa: Qa, kappa: str):  # type: ignore[no-untyped-def]
    from appraise.web.cycles import services as cs
    from appraise.web.cycles.models import Cycle
    from appraise.web.evaluations.models import Result
    from appraise.web.schemes.services import scheme_version_create

    hr = qa.people.hr
    version = scheme_version_create(
        by=hr, text=SCHEME.replace("KAPPA", kappa), file="auto-qa-min.yaml"
    )
    cycle = cs.cycle_create(
        by=hr,
        name="十月自动质检",
        scheme_version=version,
        period=PERIOD,
        teams=[qa.people.team1, qa.people.team2],
    )
    cs.cycle_import_data(
        cycle=cycle,
        by=hr,
        files={"metric_values.csv": b"agent_id,period,metric,value\nA001,2026-10,x_unused,1\n"},
    )
    cs.cycle_compute(cycle=cycle, by=hr)
    result = Result.objects.get(cycle=cycle, agent__agent_id="A002", is_current=True)
    return Cycle.objects.get(pk=cycle.pk), result


@pytest.mark.parametrize(
    ("kappa", "total"),
    # A002: both contacts open with the script (rate 100: 开场白 50 × 100 / 100 = 50) and A002
    # never hung up first (先挂机 50). κ 0.5 >= 0.4: 50 + 50 = 100. κ 0.5 < 0.6: the rate is
    # withheld, 开场白 has no value and missing: zero scores it 0: 0 + 50 = 50.
    [("0.4", Decimal(100)), ("0.6", Decimal(50))],
)
def test_a_cycle_reads_the_periods_agreement_for_min_agreement(
    qa: Qa, kappa: str, total: Decimal
) -> None:
    _reviewed(qa)
    cycle, result = _computed(qa, kappa)
    assert result.total == total
    codes = [w["code"] for w in cycle.warnings]
    # The QA config requires nothing: only the scheme's requirement can withhold.
    assert "qa_agreement_unmet" not in codes
    if total == 100:
        assert "agreement_unmet" not in codes
        return
    assert "agreement_unmet" in codes
    with reading("zh"):
        row = next(i for i in result.data["indicators"] if i["id"] == "o")
        from appraise.words import render_data

        said = render_data(row["explain"], "zh")
    assert said.startswith("自动质检 opening:κ 0.5 低于方案要求的最低值 0.6;qa_opening_rate 不计入")
