"""A quarterly scheme reading the months as inputs (``months:``): its cycle for 2027-Q1 is
computed from the three published monthly cycles of seed 004's monthly scheme (s004-midyear),
with no file of month results uploaded.

A month's total is the agent's one number (all ratings and the CSAT the same, s004-midyear's
40/20/20/20), so the quarter reads those numbers. The quarterly scheme: 月度平均 = months_mean
(70%) and 季末月 = month_total_3 (30%); a rule for a month below 60.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Conflict
from appraise.web.evaluations.models import Result
from appraise.web.schemes.services import scheme_version_create

from .conftest import ROOT, Advance, People

MONTHLY = ROOT / "schemes" / "seeds" / "s004-midyear.yaml"
QUARTERLY = """\
id: s004-quarter
name: 季度综合考核
period: quarter
months: {scheme: s004-midyear}
indicators:
  - {id: monthly, name: 月度平均, weight: 70%, rule: {type: formula, expr: "months_mean", min: 0, max: 100}}
  - {id: review, name: 季度评议, weight: 30%, rule: {type: rated, max: 100}}
grades:
  - {name: 合格, range: ">= 70"}
  - {name: 待改进, range: "< 70"}
consequences:
  - {id: weak_month, name: 季度内有月份低于60分, when: "months_min < 60"}
  - {id: strong_close, name: 季末月90分以上, when: "month_total_3 >= 90"}
"""
REVIEW = {"A001": 90, "A002": 80, "B001": 60}
TOTALS = {"A001": [80, 85, 90], "A002": [70, 55, 76], "B001": [60, 60, 60]}


def _files(i: int, period: str) -> dict[str, bytes]:
    ratings = ["agent_id,period,indicator,rater_role,rater_id,value"]
    metrics = ["agent_id,period,metric,value"]
    for agent_id, totals in TOTALS.items():
        ratings += [
            f"{agent_id},{period},{ind},,S01,{totals[i]}"
            for ind in ("business", "attitude", "management")
        ]
        metrics.append(f"{agent_id},{period},csat,{totals[i]}")
    return {
        "ratings.csv": ("\n".join(ratings) + "\n").encode(),
        "metric_values.csv": ("\n".join(metrics) + "\n").encode(),
    }


def _cycle(people: People, version: object, period: str) -> Cycle:
    return cs.cycle_create(
        by=people.hr,
        name=f"{period} 考核",
        scheme_version=version,  # type: ignore[arg-type]
        period=period,
        teams=[people.team1, people.team2],
    )


def _quarter(people: People, version: object) -> Cycle:
    q = _cycle(people, version, "2027-Q1")
    rows = ["agent_id,period,indicator,rater_role,rater_id,value"]
    rows += [f"{a},2027-Q1,review,,S01,{v}" for a, v in REVIEW.items()]
    cs.cycle_import_data(cycle=q, by=people.hr, files={"ratings.csv": "\n".join(rows).encode()})
    cs.cycle_compute(cycle=q, by=people.hr)
    return q


def test_a_quarterly_cycle_is_computed_from_three_published_monthly_cycles(
    people: People, advance: Advance
) -> None:
    monthly = scheme_version_create(
        by=people.hr, text=MONTHLY.read_text(encoding="utf-8"), file="s004-midyear.yaml"
    )
    quarterly = scheme_version_create(by=people.hr, text=QUARTERLY, file="s004-quarter.yaml")
    for i, period in enumerate(("2027-01", "2027-02", "2027-03")):
        c = _cycle(people, monthly, period)
        cs.cycle_import_data(cycle=c, by=people.hr, files=_files(i, period))
        advance(c, State.PUBLISHED)
    q = _quarter(people, quarterly)
    got = {
        r.agent.agent_id: r
        for r in Result.objects.filter(cycle=q, is_current=True).select_related("agent")
    }
    # A001: mean (80 + 85 + 90) / 3 = 85; 85 × 70% + review 90 × 30% = 59.5 + 27 = 86.5.
    # A002: mean (70 + 55 + 76) / 3 = 67; 46.9 + 80 × 30% = 46.9 + 24 = 70.9, 合格.
    # B001: 60 every month and in the review: 42 + 18 = 60, 待改进.
    assert {a: r.total for a, r in got.items()} == {
        "A001": Decimal("86.5"),
        "A002": Decimal("70.9"),
        "B001": Decimal("60"),
    }
    assert [got[a].grade for a in ("A001", "A002", "B001")] == ["合格", "合格", "待改进"]
    # A002's February is 55 < 60; A001 closed the quarter on 90; B001 neither.
    assert list(got["A002"].flags) == ["weak_month"]
    assert list(got["A001"].flags) == ["strong_close"] and not got["B001"].flags
    explained = {i["id"]: i["explain"] for i in got["A001"].data["indicators"]}
    assert "85" in explained["monthly"]


def test_unpublished_months_are_not_read(people: People, advance: Advance) -> None:
    monthly = scheme_version_create(
        by=people.hr, text=MONTHLY.read_text(encoding="utf-8"), file="s004-midyear.yaml"
    )
    quarterly = scheme_version_create(by=people.hr, text=QUARTERLY, file="s004-quarter.yaml")
    for i, period in enumerate(("2027-01", "2027-02", "2027-03")):
        c = _cycle(people, monthly, period)
        cs.cycle_import_data(cycle=c, by=people.hr, files=_files(i, period))
        # March is computed but not published: the quarter reads January and February only.
        advance(c, State.PUBLISHED if period != "2027-03" else State.CALIBRATION)
    q = _quarter(people, quarterly)
    a001 = Result.objects.get(cycle=q, agent__agent_id="A001", is_current=True)
    # No March: mean (80 + 85) / 2 = 82.5; 82.5 × 70% + 90 × 30% = 57.75 + 27 = 84.75, and
    # month_total_3 is missing, so the quarter did not close on 90.
    assert a001.total == Decimal("84.75") and "strong_close" not in a001.flags


ONLY_MONTHS = """\
id: s004-quarter-months
name: 季度月均考核
period: quarter
months: {scheme: s004-midyear}
indicators:
  - {id: monthly, name: 月度平均, weight: 100%, rule: {type: formula, expr: "months_mean", min: 0, max: 100}}
"""


def test_a_quarter_that_reads_only_its_months_is_computed_without_an_upload(
    people: People, advance: Advance
) -> None:
    monthly = scheme_version_create(
        by=people.hr, text=MONTHLY.read_text(encoding="utf-8"), file="s004-midyear.yaml"
    )
    quarterly = scheme_version_create(
        by=people.hr, text=ONLY_MONTHS, file="s004-quarter-months.yaml"
    )
    for i, period in enumerate(("2027-01", "2027-02", "2027-03")):
        c = _cycle(people, monthly, period)
        cs.cycle_import_data(cycle=c, by=people.hr, files=_files(i, period))
        advance(c, State.PUBLISHED)
    q = _cycle(people, quarterly, "2027-Q1")
    assert q.state == State.DRAFT and not q.files.exists()
    client = Client()
    client.force_login(people.hr)
    assert 'data-action="compute"' in client.get(f"/cycles/{q.pk}/").content.decode()
    cs.cycle_compute(cycle=q, by=people.hr)  # a draft: its data are the published months
    q.refresh_from_db()
    assert q.state == State.DATA_IMPORTED
    totals = {
        r.agent.agent_id: r.total
        for r in Result.objects.filter(cycle=q, is_current=True).select_related("agent")
    }
    # The mean of the three months, 100% of the total: A001 (80 + 85 + 90) / 3 = 85; A002
    # (70 + 55 + 76) / 3 = 67; B001 60.
    assert totals == {"A001": Decimal("85"), "A002": Decimal("67"), "B001": Decimal("60")}


def test_a_monthly_draft_without_files_is_still_not_computed(people: People) -> None:
    monthly = scheme_version_create(
        by=people.hr, text=MONTHLY.read_text(encoding="utf-8"), file="s004-midyear.yaml"
    )
    c = _cycle(people, monthly, "2027-01")
    with pytest.raises(Conflict):
        cs.cycle_compute(cycle=c, by=people.hr)
    c.refresh_from_db()
    assert c.state == State.DRAFT


def test_a_month_published_or_rescored_after_the_quarter_marks_the_quarter_stale(
    people: People, advance: Advance
) -> None:
    monthly = scheme_version_create(
        by=people.hr, text=MONTHLY.read_text(encoding="utf-8"), file="s004-midyear.yaml"
    )
    quarterly = scheme_version_create(by=people.hr, text=QUARTERLY, file="s004-quarter.yaml")
    months = []
    for i, period in enumerate(("2027-01", "2027-02", "2027-03")):
        c = _cycle(people, monthly, period)
        cs.cycle_import_data(cycle=c, by=people.hr, files=_files(i, period))
        advance(c, State.PUBLISHED if period != "2027-03" else State.CALIBRATION)
        months.append(c)
    q = _quarter(people, quarterly)  # January and February only: A001 84.75 (the test above)
    q.refresh_from_db()
    assert not q.results_stale
    # A re-score that changes nobody's result leaves the quarter as it is.
    assert cs.cycle_rescore(cycle=months[0], by=people.hr, reason="复核") == []
    q.refresh_from_db()
    assert not q.results_stale
    # March is published after the quarter was computed: the quarter read two months of three.
    advance(months[2], State.PUBLISHED)
    q.refresh_from_db()
    assert q.results_stale
    client = Client()
    client.force_login(people.hr)
    page = client.get(f"/cycles/{q.pk}/").content.decode()
    assert "上次计算后评分或数据文件有变动" in page
    cs.cycle_compute(cycle=q, by=people.hr)
    q.refresh_from_db()
    a001 = Result.objects.get(cycle=q, agent__agent_id="A001", is_current=True)
    # All three months now: 85 × 70% + 90 × 30% = 86.5 (the first test's figure).
    assert not q.results_stale and a001.total == Decimal("86.5")
