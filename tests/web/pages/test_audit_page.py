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
    # In words: who, what they did, to what; the state by its name, before → after.
    assert found[0][1] == f"hr 发布了 {cycle}"
    assert found[0][2].startswith("状态:") and found[0][2].endswith("→ 已发布")
    # The action filter lists actions by name, the code only as the option's value.
    assert '<option value="cycle.publish" selected>发布考核</option>' in body
    everything = rows(client.get(f"/audit/?cycle={cycle.pk}").content.decode())
    said = [r[1] for r in everything]
    assert f"hr 新建了 {cycle}" in said and f"hr 导入数据到 {cycle}" in said
    assert any(s.startswith("manager 确认了 ") for s in said)


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
    assert [r[1].split(" ")[0] for r in rows(second)] == ["li+wang"] * 10


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


def test_before_and_after_show_what_changed_in_words(people: People, cycle: Cycle) -> None:
    audit_record(
        by=people.hr,
        action="result.calibrate",
        obj=cycle,
        before={"grade": "合格", "total": "80", "team": "一组"},
        after={"grade": "优秀", "total": "80", "flags": ["calibrated"], "team": "一组"},
        cycle_id=cycle.pk,
    )
    client = Client()
    client.force_login(people.hr)
    found = rows(client.get("/audit/?action=result.calibrate").content.decode())
    assert len(found) == 1
    assert found[0][1] == f"hr 校准了 {cycle}"
    # Only what changed, a known field by its name: the grade and the new flags; the total and
    # the team stayed the same and are left out.
    assert found[0][2] == "等级: 合格 → 优秀flags: — → calibrated"  # one line each on the page
    assert "总分" not in found[0][2] and "team" not in found[0][2]


def test_an_action_without_words_reads_as_its_code(people: People, cycle: Cycle) -> None:
    audit_record(by=people.hr, action="test.step", obj=cycle, after={"i": 1})
    client = Client()
    client.force_login(people.hr)
    found = rows(client.get("/audit/?action=test.step").content.decode())
    assert found[0][1] == f"hr test.step {cycle}"
