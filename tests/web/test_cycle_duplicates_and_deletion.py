"""A second cycle of the same scheme and period for the same agents is refused unless HR confirms
it; a draft cycle can be deleted, with its audit entry kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Conflict, Forbidden
from appraise.web.schemes.models import SchemeVersion

from .conftest import Advance, People


def _create(people: People, version: SchemeVersion, **kw: Any) -> Cycle:
    return cs.cycle_create(
        by=people.hr, name="十月重复", scheme_version=version, period="2026-10", **kw
    )


def test_the_same_scheme_period_and_team_again_is_refused_naming_the_cycle(
    people: People, cycle: Cycle, scheme_version: SchemeVersion
) -> None:
    with pytest.raises(Conflict) as refused:
        _create(people, scheme_version, teams=[people.team2])  # B001 is in 十月考核 already
    assert refused.value.code == "duplicate_cycle"
    assert f"十月考核 (#{cycle.pk})" in str(refused.value)
    # Another month, or confirmed: created.
    cs.cycle_create(
        by=people.hr,
        name="十一月",
        scheme_version=scheme_version,
        period="2026-11",
        teams=[people.team2],
    )
    again = _create(people, scheme_version, teams=[people.team2], allow_duplicate=True)
    assert list(again.agents.values_list("agent_id", flat=True)) == ["B001"]


def test_a_new_version_of_the_scheme_is_the_same_scheme(
    people: People, cycle: Cycle, scheme_version: SchemeVersion
) -> None:
    from appraise.web.schemes.services import scheme_version_create

    v2 = scheme_version_create(
        by=people.hr, text=scheme_version.text.replace("name: ", "name: 修订 ", 1), file="x.yaml"
    )
    assert v2.scheme_id == scheme_version.scheme_id and v2.pk != scheme_version.pk
    with pytest.raises(Conflict):
        _create(people, v2, agents=[people.agent_a1])


def test_the_cycle_page_keeps_the_form_and_asks_for_the_confirmation(
    people: People, cycle: Cycle, scheme_version: SchemeVersion
) -> None:
    c = Client()
    c.force_login(people.hr)
    form = {
        "name": "十月重复",
        "scheme_version": scheme_version.pk,
        "period": "2026-10",
        "teams": [people.team1.pk],
    }
    page = c.post("/cycles/", form)
    assert page.status_code == 200
    html = page.content.decode()
    assert "已按 s000-specialist 考核这些员工的 2026-10" in html and "仍然创建" in html
    assert Cycle.objects.count() == 1
    done = c.post("/cycles/", {**form, "allow_duplicate": "on"})
    assert done.status_code == 302
    assert Cycle.objects.count() == 2


def test_the_api_refuses_a_duplicate_with_409_unless_confirmed(
    people: People, cycle: Cycle, scheme_version: SchemeVersion, api: Any
) -> None:
    body = {"scheme_version": scheme_version.pk, "period": "2026-10", "teams": [people.team1.pk]}
    refused = api(people.hr).post("/api/cycles/", body, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "duplicate_cycle"
    created = api(people.hr).post("/api/cycles/", {**body, "allow_duplicate": True}, format="json")
    assert created.status_code == 201


def test_a_draft_is_deleted_by_hr_and_the_audit_keeps_it(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    pk = cycle.pk
    with pytest.raises(Forbidden):
        cs.cycle_delete(cycle=cycle, by=people.sup1)
    cs.cycle_delete(cycle=cycle, by=people.hr)
    assert not Cycle.objects.filter(pk=pk).exists()
    entry = AuditLog.objects.get(action="cycle.delete")
    assert entry.cycle_id == pk and entry.before["agents"] == ["A001", "A002", "B001"]
    assert AuditLog.objects.filter(cycle_id=pk, action="cycle.create").exists()


def test_a_cycle_with_data_is_not_deleted(people: People, cycle: Cycle, advance: Advance) -> None:
    advance(cycle, "data_imported")
    with pytest.raises(Conflict):
        cs.cycle_delete(cycle=cycle, by=people.hr)
    c = Client()
    c.force_login(people.hr)
    assert (
        'action="/cycles/' + str(cycle.pk) + '/delete/"'
        not in c.get(f"/cycles/{cycle.pk}/").content.decode()
    )
