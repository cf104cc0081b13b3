"""No lost update (issue 16): a rating saved over a newer one is refused, or merged when the
person left it as it was shown; the audit log shows every save that happened.

The forms carry ``seen_<field>`` = "version|value" of the rating they showed; the API takes the
``version`` it read. s000's ``courtesy`` and ``patience`` are rated 0..10 by the supervisor.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Stale
from appraise.web.evaluations.models import Rating
from appraise.web.evaluations.services import Seen, rating_set

from .conftest import Advance, People
from .pages.test_refused_forms import beside, refused, tag
from .threads import at_once, database_errors


def _rate(people: People, cycle: Cycle, value: str, *, by: object = None, **kw: object) -> Rating:
    return rating_set(
        cycle=Cycle.objects.get(pk=cycle.pk),
        agent=people.agent_a1,
        indicator=kw.pop("indicator", "courtesy"),  # type: ignore[arg-type]
        role="supervisor",
        value=value,
        by=by or people.sup1,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _saves(cycle: Cycle) -> int:
    return AuditLog.objects.filter(action="rating.set", cycle_id=cycle.pk).count()


@pytest.mark.django_db
def test_a_save_over_a_newer_rating_is_refused_and_names_who_changed_it(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    shown = Seen(0, "")  # sup1 opened the form: no courtesy rating yet
    _rate(people, cycle, "8", by=people.hr)  # HR saves 8 meanwhile: version 1
    with pytest.raises(Stale) as err:
        _rate(people, cycle, "7", seen=shown)
    assert err.value.status == 409
    assert "hr" in err.value.message and "8" in err.value.message and "7" in err.value.message
    stored = Rating.objects.get(agent=people.agent_a1, indicator="courtesy")
    assert (stored.value, stored.version) == ("8", 1)
    # Having seen version 1, sup1's 7 is a deliberate change: saved as version 2.
    assert _rate(people, cycle, "7", seen=Seen(1, "8")).version == 2
    assert _saves(cycle) == 2


@pytest.mark.django_db
def test_a_cell_left_as_shown_keeps_the_newer_value_and_writes_nothing(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    _rate(people, cycle, "6")  # version 1, shown to sup1
    _rate(people, cycle, "9", by=people.hr)  # version 2
    kept = _rate(people, cycle, "6", seen=Seen(1, "6"))  # the form sends the 6 it showed
    assert (kept.value, kept.version) == ("9", 2)
    # The same value again, or a value equal to the newer one, writes nothing either.
    assert _rate(people, cycle, "9", seen=Seen(1, "6")).version == 2
    assert _rate(people, cycle, "9", by=people.hr).version == 2
    assert _saves(cycle) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("role_groups")
def test_two_saves_from_the_same_version_at_once_keep_one_and_refuse_the_other(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    _rate(people, cycle, "5")  # version 1, open in two browsers (sup1 and HR)
    before = _saves(cycle)

    def save(i: int) -> Rating:
        return _rate(
            people, cycle, ("7", "8")[i], by=(people.sup1, people.hr)[i], seen=Seen(1, "5")
        )

    outcome = at_once(2, save)
    assert database_errors(outcome) == []
    saved = [x for x in outcome if isinstance(x, Rating)]
    stale = [x for x in outcome if isinstance(x, Stale)]
    assert len(saved) == 1 and len(stale) == 1
    stored = Rating.objects.get(agent=people.agent_a1, indicator="courtesy")
    assert (stored.value, stored.version) == (saved[0].value, 2)
    assert _saves(cycle) == before + 1  # the refused save is not written, the audit shows one


@pytest.mark.django_db
def test_the_rating_page_refuses_a_stale_cell_beside_it_and_keeps_what_was_typed(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    sup = Client()
    sup.force_login(people.sup1)
    url = f"/team/{cycle.pk}/rate/A001/"
    form = sup.get(url).content.decode()
    courtesy = re.search(r'name="(ind_courtesy__[^"]+)"', form).group(1)  # type: ignore[union-attr]
    patience = courtesy.replace("courtesy", "patience")
    seen = dict(re.findall(r'name="(seen_[^"]+)" value="([^"]*)"', form))
    assert seen[f"seen_{courtesy}"] == "0|"
    _rate(people, cycle, "9", by=people.hr)  # HR rates courtesy while the page is open
    page = refused(
        sup.post(
            url,
            {**seen, courtesy: "7", patience: "6", "note": "月底"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    )
    assert "hr" in beside(page, courtesy) and "9" in beside(page, courtesy)
    assert 'value="7"' in tag(page, courtesy) and 'value="6"' in tag(page, patience)
    # All or nothing: patience was not saved either, and HR's 9 stands.
    assert list(Rating.objects.values_list("indicator", "value")) == [("courtesy", "9")]
    # The page now holds HR's version for courtesy; sending it again overwrites on purpose.
    again = dict(re.findall(r'name="(seen_[^"]+)" value="([^"]*)"', page))
    assert again[f"seen_{courtesy}"] == "1|9"
    sup.post(url, {**again, courtesy: "7", patience: "6", "note": "月底"})
    stored = dict(Rating.objects.values_list("indicator", "value"))
    assert stored == {"courtesy": "7", "patience": "6"}


@pytest.mark.django_db
def test_the_api_refuses_a_stale_version_with_409_and_reports_versions(
    people: People, cycle: Cycle, advance: Advance, api: object
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    client = api(people.sup1)  # type: ignore[operator]
    body = {"agent_id": "A001", "indicator": "courtesy", "role": "supervisor", "value": "6"}
    first = client.post(f"/api/cycles/{cycle.pk}/ratings/", {**body, "version": 0}, format="json")
    assert first.status_code == 201 and first.json()["version"] == 1
    late = client.post(
        f"/api/cycles/{cycle.pk}/ratings/", {**body, "value": "4", "version": 0}, format="json"
    )
    assert late.status_code == 409 and late.json()["code"] == "stale"
    # Without a version the later save wins, as documented.
    free = client.post(f"/api/cycles/{cycle.pk}/ratings/", {**body, "value": "4"}, format="json")
    assert free.status_code == 201 and free.json()["version"] == 2
