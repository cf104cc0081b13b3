"""HR corrects one agent's data after publication and re-scores (issue 13): a new result
version, the old one kept, the audit showing both, linked to the data appeal that asked for it.

The scheme has one indicator, 话务质量 = qa_average on 0..100 with the whole weight, so the total
is the metric's value: A001's file says 84.15, a correction to 90 makes the total 90.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from appraise.web.appeals import services as aps
from appraise.web.appeals.models import AppealState, Correction
from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Conflict, Forbidden, Invalid
from appraise.web.evaluations.models import Result
from appraise.web.schemes.services import scheme_version_create

from .conftest import Advance, People

SCHEME = """\
id: corrections-test
name: 话务质量考核
period: month
indicators:
  - id: call_quality
    name: 话务质量
    weight: 100%
    rule: {type: formula, expr: "qa_average", min: 0, max: 100}
"""
FILE = (
    b"agent_id,period,metric,value\n"
    b"A001,2026-10,qa_average,84.15\nA002,2026-10,qa_average,70\nB001,2026-10,qa_average,60\n"
)


@pytest.fixture
def published(people: People, advance: Advance) -> Cycle:
    version = scheme_version_create(by=people.hr, text=SCHEME, file="corrections-test.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"metric_values.csv": FILE})
    return advance(cycle, State.APPEAL_WINDOW)


def _a001(cycle: Cycle) -> list[Result]:
    return list(Result.objects.filter(cycle=cycle, agent__agent_id="A001").order_by("version"))


def test_a_corrected_metric_makes_a_new_version_and_keeps_the_old(
    people: People, published: Cycle
) -> None:
    c = aps.correction_apply(
        cycle=published,
        agent_id="A001",
        by=people.hr,
        kind="metric",
        name="qa_average",
        value="90",
        reason="质检复核后改为 90",
    )
    old, new = _a001(published)
    assert (old.version, old.is_current, old.total) == (1, False, Decimal("84.15"))
    assert (new.version, new.is_current, new.total) == (2, True, Decimal("90"))
    assert c.result == new and "质检复核后改为 90" in new.reason
    # The others' results are unchanged: no new version.
    assert Result.objects.filter(cycle=published, agent__agent_id="A002").count() == 1
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"correction.apply", "result.rescore"} <= actions
    entry = AuditLog.objects.get(action="correction.apply")
    assert entry.before is not None and entry.after is not None
    assert entry.before["total"] == "84.15" and entry.after["total"] == "90"
    # The agent's scorecard shows the corrected version, the earlier one and why.
    client = Client()
    client.force_login(people.a1)
    page = client.get(f"/me/{published.pk}/").content.decode()
    assert 'data-test="total">90<' in page and "质检复核后改为 90" in page


def test_a_correction_closes_the_data_appeal_that_asked_for_it(
    people: People, published: Cycle
) -> None:
    appeal = aps.appeal_file(cycle=published, by=people.a1, reasons="质检分录错了")
    appeal = aps.appeal_decide(appeal=appeal, by=people.sup1, decision="uphold", note="属实")
    assert appeal.state == AppealState.UPHELD
    c = aps.correction_apply(
        cycle=published,
        agent_id="A001",
        by=people.hr,
        kind="metric",
        name="qa_average",
        value="88.5",
        reason="按申诉更正",
        appeal=appeal,
    )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.RESCORED and appeal.new_result == c.result
    assert c.result is not None and c.result.total == Decimal("88.5")


def test_only_hr_corrects_after_publication_with_a_reason(
    people: People, published: Cycle, advance: Advance
) -> None:
    def correct(by: User, reason: str = "x", value: str = "90", agent_id: str = "A001") -> None:
        aps.correction_apply(
            cycle=published,
            agent_id=agent_id,
            by=by,
            kind="metric",
            name="qa_average",
            value=value,
            reason=reason,
        )

    with pytest.raises(Forbidden):
        correct(people.sup1)
    with pytest.raises(Invalid):
        correct(people.hr, reason=" ")
    with pytest.raises(Invalid):
        correct(people.hr, value="九十")
    with pytest.raises(Invalid):
        correct(people.hr, agent_id="Z999")
    assert not Correction.objects.exists() and len(_a001(published)) == 1
    advance(published, State.CLOSED)
    with pytest.raises(Conflict):
        correct(people.hr)


# --- the page, the API and the badges -------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(cycle: Cycle, agent_id: str = "A001") -> str:
    return f"/cycles/{cycle.pk}/agents/{agent_id}/correct/"


FORM = {"kind": "metric", "name": "qa_average", "value": "90", "reason": "质检复核后改为 90"}


def test_hr_corrects_on_the_page_and_both_scorecards_and_the_results_show_the_badge(
    people: People, published: Cycle
) -> None:
    hr = _client(people.hr)
    # Reached from the agent's result in the cycle.
    card = hr.get(f"/cycles/{published.pk}/agents/A001/").content.decode()
    assert f'href="{_url(published)}"' in card
    form = hr.get(_url(published)).content.decode()
    # The scheme's one metric is offered; the form asks before it applies (app.js, no inline JS).
    assert '<option value="qa_average">' in form and "data-confirm=" in form
    assert "<script>" not in form and "onclick" not in form
    response = hr.post(_url(published), FORM)
    assert response.status_code == 302
    assert response["Location"] == f"/cycles/{published.pk}/agents/A001/"
    # 84.15 -> 90: the one indicator is the metric with the whole weight (module docstring).
    old, new = _a001(published)
    assert (old.total, new.total, new.version) == (Decimal("84.15"), Decimal("90"), 2)
    # The agent's own scorecard: the badge with the version and the reason.
    mine = _client(people.a1).get(f"/me/{published.pk}/").content.decode()
    badge = mine.split('data-test="corrected"', 1)[1].split("</p>", 1)[0]
    assert "2" in badge and "质检复核后改为 90" in badge and "qa_average" in badge
    # The cycle's results list: A001 is marked corrected (v2), A002 is not.
    rows = hr.get(f"/cycles/{published.pk}/").content.decode()
    assert rows.count('data-test="corrected"') == 1
    a001_row = rows.split("A001</span>", 1)[1].split("</td>", 1)[0]
    assert 'data-test="corrected"' in a001_row and "v2" in a001_row
    # The page lists the correction made.
    listed = hr.get(_url(published)).content.decode().split('data-test="corrections"', 1)[1]
    assert "质检复核后改为 90" in listed and "v2" in listed


def test_a_refused_correction_keeps_what_was_typed_with_the_reason_beside_the_field(
    people: People, published: Cycle
) -> None:
    hr = _client(people.hr)
    response = hr.post(_url(published), {**FORM, "value": "九十"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="fix-value-error"' in html and 'value="九十"' in html
    assert "质检复核后改为 90</textarea>" in html
    response = hr.post(_url(published), {**FORM, "name": "qa_averge"})
    html = response.content.decode()
    # A name the scheme does not read would change nothing: refused beside the name.
    error = html.split('id="fix-name-error">', 1)[1].split("</div>", 1)[0]
    assert "qa_averge" in error and "qa_average" in error
    response = hr.post(_url(published), {**FORM, "reason": " "})
    assert 'id="fix-reason-error"' in response.content.decode()
    assert not Correction.objects.exists() and len(_a001(published)) == 1


def test_the_page_from_an_upheld_data_appeal_closes_it(people: People, published: Cycle) -> None:
    appeal = aps.appeal_file(cycle=published, by=people.a1, reasons="质检分录错了")
    aps.appeal_decide(appeal=appeal, by=people.sup1, decision="uphold", note="属实")
    hr = _client(people.hr)
    detail = hr.get(f"/appeals/{appeal.pk}/").content.decode()
    link = f"{_url(published)}?appeal={appeal.pk}"
    assert f'href="{link}"' in detail
    form = hr.get(link).content.decode()
    assert f'name="appeal" value="{appeal.pk}"' in form
    response = hr.post(link, {**FORM, "value": "88.5", "appeal": str(appeal.pk)})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.RESCORED
    assert appeal.new_result is not None and appeal.new_result.total == Decimal("88.5")


def test_only_hr_reaches_the_page_and_agents_never_see_another_agents(
    people: People, published: Cycle
) -> None:
    a2 = people.agent_a2.user
    assert a2 is not None
    for user, status in [
        (people.sup1, 403),  # may see A001, may not correct
        (people.manager, 403),
        (people.a1, 403),  # their own: still HR's to correct
        (a2, 404),  # another agent of the team: may not know A001's data exists
        (people.b1, 404),
        (people.sup2, 404),
    ]:
        client = _client(user)
        assert client.get(_url(published)).status_code == status, user
        assert client.post(_url(published), FORM).status_code == status, user
    assert not Correction.objects.exists()
    # A001's corrections stay A001's: A002's scorecard carries no badge.
    aps.correction_apply(cycle=published, agent_id="A001", by=people.hr, **FORM)
    page = _client(a2).get(f"/me/{published.pk}/").content.decode()
    assert 'data-test="corrected"' not in page and "质检复核" not in page


def test_the_api_corrects_and_lists_only_what_the_caller_may_see(
    people: People, published: Cycle, api: Any
) -> None:
    url = f"/api/cycles/{published.pk}/corrections/"
    body = {"agent_id": "A001", **FORM}
    assert api(people.sup1).post(url, body, format="json").status_code == 403
    assert api(people.b1).post(url, body, format="json").status_code == 404
    bad = api(people.hr).post(url, {**body, "value": "九十"}, format="json")
    assert bad.status_code == 400
    made = api(people.hr).post(url, body, format="json")
    assert made.status_code == 201
    out = made.json()
    assert (out["value"], out["result_version"], out["by"]) == ("90", 2, people.hr.username)
    # The new result version is what the results endpoint shows.
    result = api(people.hr).get(f"/api/cycles/{published.pk}/results/A001/").json()
    assert (result["version"], result["total"]) == (2, "90")
    assert [c["agent_id"] for c in api(people.a1).get(url).json()] == ["A001"]
    a2 = people.agent_a2.user
    assert a2 is not None
    assert api(a2).get(url).json() == []
    assert len(api(people.hr).get(f"{url}?agent_id=A002").json()) == 0


INCIDENT_SCHEME = """\
id: corrections-incidents
name: 服务规范考核
period: month
indicators:
  - id: conduct
    name: 服务规范
    weight: 100%
    rule: {type: deduction, base: 100, kinds: [{kind: complaint, name: 客户投诉, points: 5}]}
"""


def test_an_incident_count_is_corrected_and_an_unknown_kind_refused(
    people: People, advance: Advance
) -> None:
    version = scheme_version_create(
        by=people.hr, text=INCIDENT_SCHEME, file="corrections-incidents.yaml"
    )
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    incidents = b"agent_id,date,kind,count\nA001,2026-10-05,complaint,2\n"
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"incidents.csv": incidents})
    advance(cycle, State.PUBLISHED)
    hr = _client(people.hr)
    form = hr.get(_url(cycle)).content.decode()
    assert '<option value="complaint">' in form
    fix = {"kind": "incident", "name": "praise", "value": "1", "reason": "一次投诉已撤销"}
    refused = hr.post(_url(cycle), fix).content.decode()
    assert "praise" in refused.split('id="fix-name-error">', 1)[1].split("</div>", 1)[0]
    assert hr.post(_url(cycle), {**fix, "value": "-1", "name": "complaint"}).status_code == 200
    assert not Correction.objects.exists()
    # 2 complaints × 5 = 90; one withdrawn: 100 - 1 × 5 = 95.
    assert hr.post(_url(cycle), {**fix, "name": "complaint"}).status_code == 302
    old, new = _a001(cycle)
    assert (old.total, new.total) == (Decimal("90"), Decimal("95"))
