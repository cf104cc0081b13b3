"""The rows behind a metric's value (issue 10), opened from the scorecard: the rows the cycle's
raw events gave, counted or left out with the reason, for whoever may see the agent's result.

The cycle reads the scheme's own definition (200秒回复率: share of conversations answered within
200 s, 08:00-24:00 local) from the conversations of tests/web/test_cycle_center_metrics.py,
here A001's: c1 180 s, c2 200 s, c3 at 07:59:59 (outside the window), c4 never answered.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.schemes.services import scheme_version_create

from ..conftest import People
from ..test_cycle_center_metrics import CENTER, CONVERSATIONS, MESSAGES, SCHEME

PAGE_NAMES = ("metric-rows",)

pytestmark = pytest.mark.django_db


def _scheme() -> str:
    entry = CENTER.decode().split("metrics:\n", 1)[1]
    return SCHEME.replace(
        "metrics:\n  - {id: reply_within_200s, name: 200秒回复率, unit: percent}\n",
        "metrics:\n" + entry,
    )


@pytest.fixture
def computed(people: People) -> Cycle:
    version = scheme_version_create(by=people.hr, text=_scheme(), file="center-metric.yaml")
    cycle = cs.cycle_create(
        by=people.hr, name="十月", scheme_version=version, period="2026-10", teams=[people.team1]
    )
    files = {
        "events/conversations.csv": CONVERSATIONS.replace(b",a1,", b",A001,"),
        "events/messages.csv": MESSAGES.replace(b",a1,", b",A001,"),
    }
    cs.cycle_import_data(cycle=cycle, by=people.hr, files=files)
    cs.cycle_compute(cycle=cycle, by=people.hr)
    return cycle


def _get(user: object, url: str) -> tuple[int, str]:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    r = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    return r.status_code, r.content.decode()


def test_the_scorecard_value_opens_its_rows_counted_and_left_out(
    people: People, computed: Cycle
) -> None:
    rows = f"/cycles/{computed.pk}/agents/A001/rows/reply_within_200s/"
    status, card = _get(people.sup1, f"/cycles/{computed.pk}/agents/A001/")
    assert status == 200 and f'href="{rows}"' in card
    status, page = _get(people.sup1, rows)
    assert status == 200
    assert "200秒回复率" in page
    # Four conversations credited to A001, three in the window: "共 4 行，计入 3 行".
    assert "共 4 行，计入 3 行" in page
    table = page[page.index('data-test="metric-rows"') :]
    found = dict(re.findall(r"<td>(c\d)</td>.*?<td>([^<]*)</td>\s*</tr>", table, re.S))
    assert set(found) == {"c1", "c2", "c3", "c4"}
    assert found["c3"] != "" and found["c1"] == found["c2"] == found["c4"] == ""


def test_only_who_may_see_the_result_sees_its_rows(people: People, computed: Cycle) -> None:
    rows = f"/cycles/{computed.pk}/agents/A001/rows/reply_within_200s/"
    assert _get(people.hr, rows)[0] == 200
    assert _get(people.sup1, rows)[0] == 200
    assert _get(people.sup2, rows)[0] == 404  # another team's supervisor
    assert _get(people.a1, rows)[0] == 404  # the agent, before publication
    assert _get(people.b1, rows)[0] == 404
    # A metric the cycle did not compute from its events has no rows page.
    assert _get(people.hr, rows.replace("reply_within_200s", "aht"))[0] == 404
