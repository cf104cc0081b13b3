"""The audit log page: HR filters by cycle, action, who and dates; the pages of a long list keep
the filters."""

from __future__ import annotations

import re
from html import unescape

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import Client

from appraise.web.audit.services import audit_record
from appraise.web.cycles.models import Cycle

from ..conftest import Advance, People


def rows(body: str) -> list[list[str]]:
    table = body.split('data-test="audit"', 1)[1].split("</table>", 1)[0]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
        if "<td" in tr
    ]


def test_the_log_of_a_cycle_shows_each_step_with_who_did_it(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    client = Client()
    client.force_login(people.hr)
    body = client.get(f"/audit/?cycle={cycle.pk}&action=cycle.publish").content.decode()
    found = rows(body)
    assert len(found) == 1
    assert found[0][1:3] == ["hr", "cycle.publish"]
    everything = rows(client.get(f"/audit/?cycle={cycle.pk}").content.decode())
    actions = {r[2] for r in everything}
    assert {"cycle.create", "cycle.import_data", "cycle.publish"} <= actions
    assert {"cycle.confirm_team"} <= actions and any(r[1] == "manager" for r in everything)


def test_the_next_page_keeps_a_filter_that_needs_escaping(people: People, cycle: Cycle) -> None:
    # A user name may hold "+", which a query string reads as a space if it is not escaped.
    clerk = User.objects.create_user("li+wang", password=None)
    clerk.groups.set(Group.objects.filter(name="hr"))
    with transaction.atomic():
        for i in range(60):
            audit_record(by=clerk, action="test.step", obj=cycle, after={"i": i})
    client = Client()
    client.force_login(people.hr)
    first = client.get("/audit/", {"actor": "li+wang"}).content.decode()
    assert len(rows(first)) == 50  # 50 a page
    link = re.search(r'href="\?([^"]*page=2)"', first)
    assert link, "no link to the second page"
    second = client.get("/audit/?" + unescape(link[1])).content.decode()
    # 60 entries by li+wang: 50 on the first page, the other 10 on the second.
    assert [r[1] for r in rows(second)] == ["li+wang"] * 10


def test_dates_filter_the_log_and_a_date_that_is_no_date_is_ignored(
    people: People, cycle: Cycle
) -> None:
    client = Client()
    client.force_login(people.hr)
    everything = rows(client.get("/audit/").content.decode())
    assert len(everything) >= 2  # the scheme version and the cycle, at least
    since_2000 = rows(client.get("/audit/", {"since": "2000-01-01"}).content.decode())
    assert since_2000 == everything
    future = client.get("/audit/", {"since": "2999-01-01"}).content.decode()
    assert "没有符合条件的记录" in future
    response = client.get("/audit/", {"since": "yesterday", "until": "2026-13-45"})
    assert response.status_code == 200
    assert rows(response.content.decode()) == everything


def test_before_and_after_show_as_compact_json_with_chinese_kept(
    people: People, cycle: Cycle
) -> None:
    audit_record(
        by=people.hr,
        action="test.json",
        obj=cycle,
        before={"grade": "合格", "total": None},
        after={"grade": "优秀", "flags": ["calibrated"]},
        cycle_id=cycle.pk,
    )
    client = Client()
    client.force_login(people.hr)
    found = rows(client.get("/audit/?action=test.json").content.decode())
    assert len(found) == 1
    # JSON (double quotes, null, keys sorted), no spaces, Chinese as it is, not \\u escapes
    # and not a Python dict ('grade': None).
    assert '{"grade":"合格","total":null}' in found[0]
    assert '{"flags":["calibrated"],"grade":"优秀"}' in found[0]
