"""The audit log shows an administrator who is not HR who did what and when, but not the totals,
grades and ratings in its entries, which may be unpublished (issue 16, item 8)."""

from __future__ import annotations

from html import unescape
from typing import Any

from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.org import services as org_svc

from ..conftest import PAPER, People, ratings_csv


def _computed(people: People, cycle: Cycle) -> None:
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)})
    cs.cycle_compute(cycle=cycle, by=people.hr)
    org_svc.user_create(by=people.admin, username="newcomer", password=None, roles_=[])


def _by_action(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["action"]: e for e in entries}


def test_the_admin_reads_no_unpublished_totals_through_the_api(
    people: People, cycle: Cycle, api: Any
) -> None:
    _computed(people, cycle)
    admin = _by_action(api(people.admin).get("/api/audit/").json())
    compute = admin["cycle.compute"]
    assert (compute["before"], compute["after"], compute["withheld"]) == (None, None, True)
    assert compute["actor"] == "hr"  # who did what stays visible
    # What administrators answer for keeps its details.
    assert admin["user.create"]["withheld"] is False
    assert admin["user.create"]["after"] is not None
    assert admin["cycle.import_data"]["withheld"] is False  # states and file names only
    # HR reads everything: A001's paper ratings of 80 give 80 x 90 / 100 = 72.
    hr = _by_action(api(people.hr).get("/api/audit/").json())
    assert hr["cycle.compute"]["withheld"] is False
    assert hr["cycle.compute"]["after"]["A001"]["total"] == "72"


def test_the_admin_page_says_the_details_are_for_hr(people: People, cycle: Cycle) -> None:
    _computed(people, cycle)
    client = Client()
    client.force_login(people.admin)
    html = unescape(client.get("/audit/?action=cycle.compute").content.decode())
    assert "详情仅人事可见" in html
    # The log reads in words: HR sees A001's total of 72 in the change; the admin does not.
    assert "总分 72" not in html
    client.force_login(people.hr)
    assert "总分 72" in unescape(client.get("/audit/?action=cycle.compute").content.decode())
