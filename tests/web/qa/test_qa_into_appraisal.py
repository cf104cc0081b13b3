"""A cycle takes the period's QA results from the QA app (issue 13): the QA page's qa_average,
on the scheme's scale by declaration (``qa_scale``), never silently, and the scorecard links
the reviews behind the number.

A001's two reviewed calls (conftest): K-A001-2 scored as seed 003's C002, 26 of 45, and
K-A001-1 with every item at its best, 45 of 45.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from appraise.problems import ProblemsError
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.models import Result
from appraise.web.qa import services as qs
from appraise.web.qa.appraisal import qa_evidence
from appraise.web.schemes.services import scheme_of, scheme_version_create

from .conftest import C002, PERFECT, PERIOD, Qa

SCHEME = """\
id: qa-into-appraisal
name: 话务质量考核
period: month
{scale}indicators:
  - id: call_quality
    name: 话务质量
    weight: 100%
    rule: {{type: formula, expr: "qa_average", min: 0, max: 100}}
"""
# The upload's copy of A001's QA average (what the demo's metric file said): replaced.
FILE = b"agent_id,period,metric,value\nA001,2026-10,qa_average,84.15\n"


def _reviewed(qa: Qa) -> None:
    qa.sample(per_agent=15)
    for conversation, ratings in (("K-A001-2", C002), ("K-A001-1", PERFECT)):
        a = qa.assignment(conversation)
        qs.review_submit(assignment=a, by=a.reviewer, ratings=ratings)


def _cycle(qa: Qa, scale: str) -> Cycle:
    hr = qa.people.hr
    version = scheme_version_create(
        by=hr, text=SCHEME.format(scale=scale), file="qa-into-appraisal.yaml"
    )
    cycle = cs.cycle_create(
        by=hr,
        name="十月",
        scheme_version=version,
        period=PERIOD,
        teams=[qa.people.team1, qa.people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=hr, files={"metric_values.csv": FILE})
    return cycle


def test_a_declared_scale_reads_the_qa_pages_average_on_the_schemes_scale(qa: Qa) -> None:
    _reviewed(qa)
    cycle = _cycle(qa, "qa_scale: 100\n")
    cs.cycle_compute(cycle=cycle, by=qa.people.hr)
    result = Result.objects.get(cycle=cycle, agent__agent_id="A001", is_current=True)
    # QA page: (26 + 45) / 2 = 35.5 of 45; read on 0..100: 35.5 x 100 / 45 = 78.888... -> 78.89,
    # the whole weight: total 78.89 (not the file's 84.15).
    assert result.total == Decimal("78.89")
    indicator = next(i for i in result.data["indicators"] if i["id"] == "call_quality")
    assert indicator["value"] == pytest.approx(78.8889, abs=1e-4)
    warnings = [w["code"] for w in cycle.__class__.objects.get(pk=cycle.pk).warnings]
    assert "qa_values_replaced" in warnings


def test_a_45_point_form_without_a_declared_scale_is_refused_naming_the_form(qa: Qa) -> None:
    _reviewed(qa)
    cycle = _cycle(qa, "")
    with pytest.raises(ProblemsError) as caught:
        cs.cycle_compute(cycle=cycle, by=qa.people.hr)
    problem = caught.value.problems[0]
    assert problem.code == "qa_scale_undeclared"
    assert "s003-call-rubric" in problem.message and "45" in problem.message


def test_without_reviews_the_files_value_stands(qa: Qa) -> None:
    cycle = _cycle(qa, "qa_scale: 100\n")
    cs.cycle_compute(cycle=cycle, by=qa.people.hr)
    result = Result.objects.get(cycle=cycle, agent__agent_id="A001", is_current=True)
    assert result.total == Decimal("84.15")


def test_the_scorecard_links_the_reviews_behind_the_number(qa: Qa) -> None:
    _reviewed(qa)
    cycle = _cycle(qa, "qa_scale: 100\n")
    cs.cycle_compute(cycle=cycle, by=qa.people.hr)
    evidence = qa_evidence(scheme=scheme_of(cycle.scheme_version), period=PERIOD, agent_id="A001")[
        "call_quality"
    ]
    assert (evidence.reviews, evidence.mean, evidence.maximum) == (2, Decimal("35.5"), Decimal(45))
    assert evidence.scaled is not None and round(evidence.scaled, 2) == Decimal("78.89")
    client = Client()
    client.force_login(qa.people.hr)
    page = client.get(f"/cycles/{cycle.pk}/agents/A001/").content.decode()
    assert "/qa/reviews/?agent=A001&amp;period=2026-10" in page
    # zh-hans is the default language: "2 条质检记录: 质检表 35.5 / 45".
    assert "35.5" in page and "78.89" in page
