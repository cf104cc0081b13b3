"""The scheme preview scores the scheme being written on the last computed cycle's data: its
uploaded files, the ratings entered in the app, every agent's name, total and indicators; for a
supervisor only the agents they may see; nothing is stored."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.evaluations.models import Result
from appraise.web.evaluations.services import rating_set
from appraise.web.schemes.models import SchemeVersion

from ..conftest import PAPER, Advance, People, ratings_csv

HTMX = {"HTTP_HX_REQUEST": "true"}

# Two of s000's rated indicators, by their ids (the cycle's ratings name them so), reweighted.
TWO = """\
id: 两项考核
name: 两项考核
period: month
full_score: 100
indicators:
  - {id: courtesy, name: 礼貌得体, weight: 60, rule: {type: rated, max: 100}}
  - {id: patience, name: 耐心细致, weight: 40, rule: {type: rated, max: 100}}
"""


def signed_in(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def rows(body: str) -> dict[str, list[str]]:
    """The preview table: agent id -> [total, each indicator's weighted score, ...]."""
    out: dict[str, list[str]] = {}
    for tr in re.findall(r"<tr><td>(.*?)</tr>", body, re.DOTALL):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        found = re.search(r'<span class="muted small">(\w+)</span>', tr)
        if found:
            out[found[1]] = cells
    return out


def test_the_builder_offers_the_computed_cycles_the_last_one_chosen(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")  # imported and computed
    older = cs.cycle_create(
        by=people.hr,
        name="九月考核",
        scheme_version=cycle.scheme_version,
        period="2026-09",
        teams=[people.team1],
    )
    cs.cycle_import_data(cycle=older, by=people.hr, files={"ratings.csv": ratings_csv(PAPER)})
    cs.cycle_compute(cycle=older, by=people.hr)
    # September computed after October: the latest period still comes first.
    Cycle.objects.filter(pk=older.pk).update(computed_at=timezone.now() + timedelta(hours=1))
    never = cs.cycle_create(
        by=people.hr,
        name="十一月考核",
        scheme_version=cycle.scheme_version,
        period="2026-11",
        teams=[people.team1],
        allow_duplicate=True,
    )
    body = signed_in(people.hr).get("/schemes/builder/").content.decode()
    select = re.search(r'<select id="preview-cycle" name="cycle">(.*?)</select>', body, re.S)
    assert select
    options = re.findall(r'<option value="(\d*)"( selected)?>', select[1])
    # Only computed cycles (November is not); October first and chosen.
    assert options == [(str(cycle.pk), " selected"), (str(older.pk), ""), ("", "")]
    assert str(never.pk) not in [v for v, _ in options]


def test_the_preview_scores_the_last_cycles_files_and_app_ratings(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "supervisor_rating")
    # A rating entered in the app after the upload overrides the file's: A002 patience 100 -> 50.
    rating_set(
        cycle=cycle,
        agent=people.agent_a2,
        indicator="patience",
        role="supervisor",
        value="50",
        by=people.sup1,
    )
    results = Result.objects.count()
    response = signed_in(people.hr).post(
        "/schemes/preview/", {"text": TWO, "cycle": str(cycle.pk)}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200, body
    assert "十月考核 (2026-10)" in body and "2026-10" in body
    got = rows(body)
    # A001 80 on both: 80 x 60 / 100 = 48 and 80 x 40 / 100 = 32, total 80.
    assert got["A001"][:3] == ["80", "48", "32"]
    # A002 100 on courtesy: 60; patience 50 from the app: 50 x 40 / 100 = 20; total 80.
    assert got["A002"][:3] == ["80", "60", "20"]
    # B001 50 on both: 30 + 20 = 50.
    assert got["B001"][:3] == ["50", "30", "20"]
    # The breakdown of each agent, indicator by indicator, with its explanation.
    assert body.count('data-test="preview-agent"') == 3
    assert "张三" in body and "李四" in body and "王五" in body
    assert Result.objects.count() == results and SchemeVersion.objects.count() == 1


def test_a_supervisors_preview_of_a_cycle_shows_only_their_team(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")
    body = signed_in(people.sup1).post(
        "/schemes/preview/", {"text": TWO, "cycle": str(cycle.pk)}, **HTMX
    )
    got = rows(body.content.decode())
    assert sorted(got) == ["A001", "A002"]


def test_uploaded_files_are_scored_instead_of_the_chosen_cycle(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    advance(cycle, "self_assessment")
    upload = ratings_csv({"Z01": {"courtesy": 70, "patience": 90}})
    body = (
        signed_in(people.hr)
        .post(
            "/schemes/preview/",
            {
                "text": TWO,
                "cycle": str(cycle.pk),
                "period": "2026-10",
                "files": [SimpleUploadedFile("ratings.csv", upload)],
            },
            **HTMX,
        )
        .content.decode()
    )
    got = rows(body)
    # Z01: 70 x 60 / 100 = 42 and 90 x 40 / 100 = 36: 78; the cycle's agents are not there.
    assert list(got) == ["Z01"] and got["Z01"][:3] == ["78", "42", "36"]


def test_a_cycle_not_yet_computed_is_refused_in_words(people: People, cycle: Cycle) -> None:
    response = signed_in(people.hr).post(
        "/schemes/preview/", {"text": TWO, "cycle": str(cycle.pk)}, **HTMX
    )
    assert response.status_code == 200
    assert "十月考核 (2026-10) 尚未计算" in response.content.decode()


def test_a_cycle_the_person_may_not_see_is_not_found(people: People, cycle: Cycle) -> None:
    response = signed_in(people.outsider).post(
        "/schemes/preview/", {"text": TWO, "cycle": str(cycle.pk)}, **HTMX
    )
    assert response.status_code == 404
