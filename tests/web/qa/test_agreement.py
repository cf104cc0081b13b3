"""Proven before it touches pay (issue 15): the checks' agreement with the reviewers on the
figures page and in the API, a check below its requirement withheld from a cycle's inputs, the
calibration page's κ and leniency, and the risk-weighted sample from the sample form.

The fixture's month (conftest): the opening check fails on K-A001-2 only ("喂，您说。"); the
other calls open with the script.
"""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from appraise.messages import reading
from appraise.schemes.loader import parse_scheme
from appraise.web.qa import services as qs
from appraise.web.qa.appraisal import qa_inputs
from appraise.web.qa.models import Assignment, Conversation, SamplingRun

from .conftest import C002, PERFECT, PERIOD, Qa, qa_files

AGREEMENT = """
agreement:
  checks:
    opening: {mirrors: {item: 开场白}, require: {kappa: 0.6}}
    hangup: {mirrors: {item: hang_up}}
"""
# Not the standard opening although the check found the script: the reviewer disagrees.
NO_OPENING = {**PERFECT, "opening": "未用标准开场白"}


def signed_in(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _reviewed(qa: Qa) -> None:
    """The period's newest import carries the agreement section; four calls reviewed."""
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files(), config_text=AGREEMENT)
    qa.sample(reviewers=[qa.q1])
    for cid, ratings in (
        ("K-A001-1", PERFECT),  # check passed, 标准开场白: tn
        ("K-A001-2", C002),  # check failed, 未用标准开场白: tp
        ("K-A002-1", NO_OPENING),  # check passed, 未用标准开场白: fn
        ("K-B001-1", PERFECT),  # tn
    ):
        qs.review_submit(assignment=qa.assignment(cid), by=qa.q1, ratings=ratings)


# tp 1, fp 0, fn 1, tn 2 (n = 4): precision 1 / 1 = 1, recall 1 / 2 = 0.5,
# po = (1 + 2) / 4 = 0.75, pe = ((1 + 0)(1 + 1) + (1 + 2)(0 + 2)) / 16 = (2 + 6) / 16 = 0.5,
# κ = (0.75 − 0.5) / (1 − 0.5) = 0.5, below the 0.6 required.


def test_the_figures_page_shows_each_checks_agreement_and_that_it_is_withheld(qa: Qa) -> None:
    _reviewed(qa)
    html = signed_in(qa.people.hr).get(f"/qa/figures/?period={PERIOD}").content.decode()
    assert "自动质检与人工质检的一致性" in html
    row = html.split('<tr data-check="opening">')[1].split("</tr>")[0]
    assert "开场白" in row
    assert '<td class="num">4</td>' in row  # conversations compared
    assert '<td class="num">1.000</td>' in row and '<td class="num">0.500</td>' in row
    assert '<td class="num" data-test="kappa">0.500</td>' in row
    assert "暂不计入" in row and "kappa 0.50 低于要求的 0.60" in row
    # hang-up: no requirement; the check failed on K-A001-2 (the agent hung up) and C002 says
    # 先挂机: tp 1, and the three others tn 3: po 1, pe (1 + 9) / 16, κ = 1
    row = html.split('<tr data-check="hangup">')[1].split("</tr>")[0]
    assert (
        "后挂机" in row
        and "无要求" in row
        and '<td class="num" data-test="kappa">1.000</td>' in row
    )


def test_the_figures_api_gives_the_agreement_validated_by_the_schema(qa: Qa) -> None:
    _reviewed(qa)
    c = signed_in(qa.people.hr)
    got = c.get(f"/api/qa/figures/?period={PERIOD}", HTTP_ACCEPT_LANGUAGE="en").json()
    opening = next(a for a in got["agreement"] if a["check"] == "opening")
    assert (opening["tp"], opening["fp"], opening["fn"], opening["tn"]) == (1, 0, 1, 1 + 1)
    assert (opening["precision"], opening["recall"], opening["kappa"]) == ("1", "0.5", "0.5")
    assert opening["gated"] is True and opening["counts"] is False
    assert got["estimated"] is False


def test_a_check_below_its_requirement_is_withheld_from_the_cycles_inputs(qa: Qa) -> None:
    _reviewed(qa)
    scheme = parse_scheme(
        """
id: auto
name: 自动质检
period: month
metrics:
  - {id: qa_opening_rate, name: 开场白规范率, unit: percent}
  - {id: qa_hangup_first_count, name: 先挂机次数, unit: count}
indicators:
  - {id: o, name: 开场白, weight: 50, rule: {type: target, metric: qa_opening_rate, target: 100, full: 50}}
  - id: h
    name: 先挂机
    weight: 50
    rule: {type: bands, metric: qa_hangup_first_count, bands: [{range: "== 0", score: 50}, {range: "> 0", score: 0}]}
""",
        "auto.yaml",
    ).scheme
    got = qa_inputs(scheme=scheme, period=PERIOD, agent_ids={"A001", "A002", "B001"})
    metrics = {(v.agent_id, v.metric): v.value for v in got.values}
    # the opening check is withheld; the hang-up check has no requirement and counts
    assert not any(m == "qa_opening_rate" for _, m in metrics)
    assert metrics[("A001", "qa_hangup_first_count")] == Decimal(1)
    (warning,) = got.problems
    assert warning.level == "warning"
    with reading("zh"):
        assert str(warning.message) == (
            "自动质检 opening 的 qa_opening_rate 暂不计入：kappa 0.50 低于要求的 0.60"
        )


def test_the_calibration_page_shows_pair_kappa_fleiss_kappa_and_leniency(qa: Qa) -> None:
    convs = list(
        Conversation.objects.filter(conversation_id__in=["K-B001-1", "K-A001-2"]).order_by(
            "conversation_id"
        )
    )
    s = qs.calibration_create(
        name="十月校准",
        rubric=qa.rubric,
        conversations=convs,
        reviewers=[qa.q1, qa.q2],
        by=qa.people.hr,
    )
    bad, good = convs  # K-A001-2, K-B001-1
    for user, ratings in (
        (qa.q1, {bad: C002, good: PERFECT}),
        (qa.q2, {bad: C002, good: {**PERFECT, "expression": "11"}}),
    ):
        for conv, r in ratings.items():
            qs.calibration_review_submit(session=s, conversation=conv, by=user, ratings=r)
    html = signed_in(qa.q1).get(f"/qa/calibration/{s.pk}/").content.decode()
    assert "质检员两两一致性" in html and "宽严度" in html and "Fleiss κ" in html
    # The error verdicts on the 7 items (attitude_rated and attitude_score both): K-A001-2
    # (C002) is all errors for both reviewers (7 and 7); K-B001-1: q1 none, q2 表达能力 only.
    # 14 cells, 13 agree: po = 13/14. q1 errors 7/14, q2 8/14:
    # pe = 7/14 × 8/14 + 7/14 × 6/14 = (56 + 42) / 196 = 1/2; κ = (13/14 − 1/2) / (1/2) = 6/7
    row = html.split('<tr data-pair="q1|q2">')[1].split("</tr>")[0]
    assert '<td class="num">14</td><td class="num">13</td>' in row
    assert '<td class="num" data-test="kappa">0.857</td>' in row
    # Fleiss' κ of 表达能力: K-A001-2 12 and 12 (P = (2² − 2) / 2 = 1), K-B001-1 15 and 11
    # (P = (1 + 1 − 2) / 2 = 0); P̄ = 1/2; p_12 = 2/4, p_15 = 1/4, p_11 = 1/4:
    # P̄e = 4/16 + 1/16 + 1/16 = 3/8; κ = (1/2 − 3/8) / (1 − 3/8) = 1/5
    row = html.split('<tr data-item="expression">')[1].split("</tr>")[0]
    assert '<td class="num" data-test="fleiss">0.200</td>' in row
    # Leniency: K-B001-1 totals 45 and 41 (panel mean 43): q1 +2, q2 −2; K-A001-2 26 and 26:
    # 0 each. q1 (2 + 0) / 2 = 1, q2 −1.
    row = html.split('<tr data-reviewer="q1">')[1].split("</tr>")[0]
    assert '<td class="num" data-test="leniency">1.00</td>' in row
    got = signed_in(qa.people.hr).get(f"/api/qa/calibrations/{s.pk}/").json()["report"]
    assert got["pairs"] == [
        {
            "reviewers": ["q1", "q2"],
            "cells": 14,
            "agreed": 13,
            "observed": "0.9286",
            "expected": "0.5",
            "kappa": "0.8571",
        }
    ]
    assert {r["reviewer"]: r["leniency"] for r in got["reviewers"]} == {"q1": "1", "q2": "-1"}


def test_the_sample_form_draws_a_risk_weighted_sample(qa: Qa) -> None:
    hr = signed_in(qa.people.hr)
    res = hr.post(
        "/qa/manage/samples/",
        {
            "period": PERIOD,
            "per_agent": "2",
            "seed": "7",
            "strata": "channel outcome",
            "random_share": "50%",
            "reviewers": [str(qa.q1.pk), str(qa.q2.pk)],
        },
    )
    assert res.status_code == 302, res.content.decode()
    run = SamplingRun.objects.get()
    assert run.random_share == Decimal("0.5")
    parts = {
        a.conversation.conversation_id: (a.part, a.flags)
        for a in Assignment.objects.select_related("conversation")
    }
    # A001 has 3 calls and chats, A002 and B001 2 each; 2 places each: ⌈2 × 0.5⌉ = 1 random place and
    # 1 risk place per agent. Flagged: K-A001-2 (opening, 忌语, hang-up) and W-A002-2 (忌语).
    # With seed 7 the random draws are W-A001-3, W-A002-2 and W-B001-2; the risk place of A001
    # takes K-A001-2; A002's flagged chat is already drawn and B001 has none, so their risk
    # places are filled from the rest.
    assert parts == {
        "W-A001-3": ("random", []),
        "K-A001-2": ("risk", ["check:forbidden", "check:hangup", "check:opening"]),
        "W-A002-2": ("random", ["check:forbidden"]),
        "K-A002-1": ("fill", []),
        "W-B001-2": ("random", []),
        "K-B001-1": ("fill", []),
    }
    page = hr.get("/qa/manage/").content.decode()
    assert "随机 50%，其余按风险抽取" in page and "随机比例" in page
    # A share of 0 would leave nothing to estimate from: refused, the reason on the page
    res = hr.post(
        "/qa/manage/samples/",
        {"period": PERIOD, "per_agent": "2", "random_share": "0", "reviewers": [str(qa.q1.pk)]},
        HTTP_REFERER="/qa/manage/",
        follow=True,
    )
    assert "随机比例须大于 0 且不超过 1" in res.content.decode()
    res = hr.post(
        "/qa/manage/samples/",
        {"period": PERIOD, "per_agent": "2", "random_share": "一半", "reviewers": [str(qa.q1.pk)]},
        HTTP_REFERER="/qa/manage/",
        follow=True,
    )
    assert "随机比例 一半 不是比例" in res.content.decode()
    assert SamplingRun.objects.count() == 1


def test_a_risk_weighted_samples_figures_average_its_random_part(qa: Qa) -> None:
    qs.sampling_run_create(
        period=PERIOD,
        by=qa.people.hr,
        reviewers=[qa.q1],
        per_agent=2,
        seed="7",
        random_share=Decimal("0.5"),
    )
    # A001: W-A001-3 drawn at random, K-A001-2 in the risk part (see the test above)
    qs.review_submit(assignment=qa.assignment("W-A001-3"), by=qa.q1, ratings=PERFECT)
    qs.review_submit(assignment=qa.assignment("K-A001-2"), by=qa.q1, ratings=C002)
    html = signed_in(qa.people.hr).get(f"/qa/figures/?period={PERIOD}").content.decode()
    row = html.split('<tr data-agent="A001">')[1].split("</tr>")[0]
    # both monitored; the QA average is the random part's 45, not (45 + 26) / 2 = 35.50
    assert '<td class="num">2</td>' in row
    assert 'data-test="qa-average">45.00<' in row
    assert "只按随机部分计算（无偏估计）" in html


CYCLE_SCHEME = """\
id: auto-qa
name: 自动质检考核
period: month
missing: zero
metrics:
  - {id: qa_opening_rate, name: 开场白规范率, unit: percent}
  - {id: qa_hangup_first_count, name: 先挂机次数, unit: count}
indicators:
  - {id: o, name: 开场白, weight: 50, rule: {type: target, metric: qa_opening_rate, target: 100, full: 50}}
  - id: h
    name: 先挂机
    weight: 50
    rule: {type: bands, metric: qa_hangup_first_count, bands: [{range: "== 0", score: 50}, {range: "> 0", score: 0}]}
"""


def test_a_cycle_scores_without_the_withheld_check_and_keeps_the_warning(qa: Qa) -> None:
    from appraise.web.cycles import services as cs
    from appraise.web.cycles.models import Cycle
    from appraise.web.evaluations.models import Result
    from appraise.web.schemes.services import scheme_version_create

    _reviewed(qa)
    hr = qa.people.hr
    version = scheme_version_create(by=hr, text=CYCLE_SCHEME, file="auto-qa.yaml")
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
    warnings = Cycle.objects.get(pk=cycle.pk).warnings
    assert "qa_agreement_unmet" in [w["code"] for w in warnings]
    result = Result.objects.get(cycle=cycle, agent__agent_id="A002", is_current=True)
    # A002: the opening rate is withheld (missing: zero gives 开场白 0), and A002 never hung up
    # first: 先挂机 50. Total 0 + 50 = 50 (counted, the opening rate would be 100% — both of
    # A002's contacts open with the script — and the total 100).
    assert result.total == Decimal(50)


def test_a_risk_weighted_run_over_the_api(qa: Qa) -> None:
    from rest_framework.test import APIClient

    hr = APIClient()
    hr.force_authenticate(qa.people.hr)
    body = {"period": PERIOD, "reviewers": ["q1"], "per_agent": 2, "seed": "7"}
    bad = hr.post("/api/qa/runs/", {**body, "random_share": "0"}, format="json")
    assert bad.status_code == 400
    got = hr.post("/api/qa/runs/", {**body, "random_share": "0.5"}, format="json")
    assert got.status_code == 201 and got.json()["random_share"] == "0.5"
    run = hr.get(f"/api/qa/runs/{got.json()['id']}/").json()
    parts = {
        a["conversation"]["conversation_id"]: (a["part"], a["flags"]) for a in run["assignments"]
    }
    # the same draw as the sample form's (seed 7, 2 places, half random)
    assert parts["K-A001-2"] == ("risk", ["check:forbidden", "check:hangup", "check:opening"])
    assert parts["K-B001-1"] == ("fill", [])
