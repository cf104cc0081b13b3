"""Assigned raters: HR assigns peers (or another department's people) to an agent, each rates on
their own, the role's ratings are averaged, and an anonymous role's single ratings never reach
the agent.

The numbers (tests/web/peers.py: 员工自评 20%, 同事互评 30%, 经理复评 50%; two indicators of 50
points each, rated 0..100) for A001:

- 协作性: self 90, peers 70 / 80 / 96 (mean 82), supervisor 80:
  (90×20 + 82×30 + 80×50) ÷ 100 = (1800 + 2460 + 4000) ÷ 100 = 82.6 -> 82.6 × 50 ÷ 100 = 41.3
- 工作态度: self 90, peers 70 / 80 / 90 (mean 80), supervisor 80:
  (1800 + 2400 + 4000) ÷ 100 = 82 -> 41
- total 41.3 + 41 = 82.3 (合格)
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.errors import Conflict, Forbidden, Invalid, NotFound
from appraise.web.evaluations import raters
from appraise.web.evaluations.models import RaterAssignment, Rating, Result
from appraise.web.evaluations.services import rating_set
from appraise.web.followups.todo import todo_list

from .conftest import Advance, People
from .peers import peer_cycle

PEERS = {"teamwork": ("70", "80", "96"), "attitude": ("70", "80", "90")}


def _peers(people: People) -> list[User]:
    a2 = people.agent_a2.user
    assert a2 is not None
    return [a2, people.b1, people.outsider]  # a colleague, another team, another department


def _assign(cycle: Cycle, people: People) -> list[RaterAssignment]:
    done = raters.raters_assign(
        cycle=cycle, by=people.hr, role="peer", raters=_peers(people), agents=[people.agent_a1]
    )
    return sorted(done.created, key=lambda a: a.rater.username)


def _rate_all(cycle: Cycle, people: People, advance: Advance) -> list[RaterAssignment]:
    """Everything of A001 rated as the module's docstring says, and the cycle computed."""
    assigned = _assign(cycle, people)
    advance(cycle, "self_assessment")
    for indicator in PEERS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="self",
            value="90",
            by=people.a1,
        )
    by_rater = {a.rater.username: a for a in assigned}
    for indicator, values in PEERS.items():
        for name, value in zip(("a2", "b1", "outsider"), values, strict=True):
            a = by_rater[name]
            rating_set(
                cycle=cycle,
                agent=a.agent,
                indicator=indicator,
                role="peer",
                value=value,
                by=a.rater,
                assignment=a,
            )
    advance(cycle, "supervisor_rating")
    for indicator in PEERS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="supervisor",
            value="80",
            by=people.sup1,
        )
    cs.cycle_compute(cycle=cycle, by=people.hr)
    return assigned


def _a1_result(cycle: Cycle) -> Result:
    return Result.objects.get(cycle=cycle, agent__agent_id="A001", is_current=True)


def test_three_peers_are_averaged_then_weighted(people: People, advance: Advance) -> None:
    cycle = peer_cycle(people)
    _rate_all(cycle, people, advance)
    result = _a1_result(cycle)
    assert result.total == Decimal("82.3")
    assert result.grade == "合格"
    explain = {i["id"]: i["explain"] for i in result.data["indicators"]}
    assert "同事互评 82（3 人平均）×30%" in explain["teamwork"]
    assert "同事互评 80（3 人平均）×30%" in explain["attitude"]
    # Three rows of the role, one per assignment; the supervisor's one row per indicator.
    assert Rating.objects.filter(cycle=cycle, role="peer").count() == 6
    assert Rating.objects.filter(cycle=cycle, role="supervisor", assignment=None).count() == 2


def _published(people: People, advance: Advance, *, anonymous: bool = True) -> Cycle:
    cycle = peer_cycle(people, anonymous=anonymous)
    _rate_all(cycle, people, advance)
    return advance(cycle, "published")


def test_the_agent_sees_an_anonymous_roles_mean_never_its_raters(
    people: People, advance: Advance, api: Any
) -> None:
    cycle = _published(people, advance)
    mine = api(people.a1).get(f"/api/cycles/{cycle.pk}/ratings/").json()
    assert sorted({r["role"] for r in mine}) == ["self", "supervisor"]
    body = api(people.a1).get(f"/api/cycles/{cycle.pk}/results/A001/").content.decode()
    assert "3 人平均" in body
    assert not {"a2", "b1", "outsider"} & set(_words(json.loads(body)))
    # Their supervisor (and HR) still see each of the six peer ratings and who gave it.
    theirs = api(people.sup1).get(f"/api/cycles/{cycle.pk}/ratings/?agent_id=A001").json()
    peer = sorted((r["rater"], r["indicator"], r["value"]) for r in theirs if r["role"] == "peer")
    assert peer[:2] == [("a2", "attitude", "70"), ("a2", "teamwork", "70")]
    assert len(peer) == 6
    # The scorecard page: the mean, and no rater's name.
    client = Client()
    client.force_login(people.a1)
    page = client.get(f"/me/{cycle.pk}/").content.decode()
    assert "同事互评 82（3 人平均）×30%" in page
    assert "outsider" not in page and "96" not in page


def _words(value: Any) -> list[str]:
    """Every string in a JSON value, split at spaces (rater names would be whole words)."""
    if isinstance(value, dict):
        return [w for v in value.values() for w in _words(v)]
    if isinstance(value, list):
        return [w for v in value for w in _words(v)]
    return str(value).split() if isinstance(value, str) else []


def test_a_role_that_is_not_anonymous_shows_the_agent_who_rated(
    people: People, advance: Advance, api: Any
) -> None:
    cycle = _published(people, advance, anonymous=False)
    mine = api(people.a1).get(f"/api/cycles/{cycle.pk}/ratings/").json()
    peer = sorted(r["rater"] for r in mine if r["role"] == "peer")
    assert peer == ["a2", "a2", "b1", "b1", "outsider", "outsider"]


def test_the_supervisor_cannot_enter_an_assigned_roles_rating(
    people: People, advance: Advance, api: Any
) -> None:
    cycle = peer_cycle(people)
    advance(cycle, "supervisor_rating")
    answer = api(people.sup1).post(
        f"/api/cycles/{cycle.pk}/ratings/",
        {"agent_id": "A001", "indicator": "teamwork", "role": "peer", "value": "80"},
        format="json",
    )
    assert answer.status_code == 400
    assert "同事互评" in answer.json()["message"]
    # The supervisor's form has no peer column: its cells are the supervisor's only.
    client = Client()
    client.force_login(people.sup1)
    page = client.get(f"/team/{cycle.pk}/rate/A001/").content.decode()
    assert 'name="ind_teamwork__supervisor"' in page
    assert "__peer" not in page


def test_only_the_assigned_rater_rates_and_only_while_rating_is_open(
    people: People, advance: Advance
) -> None:
    cycle = peer_cycle(people)
    (_a2, _b1, outsider) = _assign(cycle, people)
    with pytest.raises(Conflict):  # data imported: rating has not opened
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator="teamwork",
            role="peer",
            value="80",
            by=outsider.rater,
            assignment=outsider,
        )
    advance(cycle, "self_assessment")
    with pytest.raises(NotFound):  # another rater's assignment: they may not know it exists
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator="teamwork",
            role="peer",
            value="80",
            by=people.b1,
            assignment=outsider,
        )
    with pytest.raises(Forbidden):  # HR assigns; the rater rates
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator="teamwork",
            role="peer",
            value="80",
            by=people.hr,
            assignment=outsider,
        )
    with pytest.raises(Invalid):  # out of 0..100
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator="teamwork",
            role="peer",
            value="180",
            by=people.outsider,
            assignment=outsider,
        )
    advance(cycle, "indirect_audit")
    with pytest.raises(Conflict):
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator="teamwork",
            role="peer",
            value="80",
            by=people.outsider,
            assignment=outsider,
        )


def test_hr_assigns_a_team_to_rate_each_other_and_nobody_rates_themselves(
    people: People,
) -> None:
    cycle = peer_cycle(people)
    team = raters.assignment_targets(cycle=cycle, team_id=people.team1.pk)
    done = raters.raters_assign(
        cycle=cycle, by=people.hr, role="peer", raters=raters.mutual_raters(team), agents=team
    )
    # 一组 is A001 and A002: two agents × two raters, less the two pairs of one person.
    pairs = sorted((a.agent.agent_id, a.rater.username) for a in done.created)
    assert pairs == [("A001", "a2"), ("A002", "a1")]
    assert done.themselves == 2
    again = raters.raters_assign(
        cycle=cycle, by=people.hr, role="peer", raters=raters.mutual_raters(team), agents=team
    )
    assert (again.created, again.existing) == ([], 2)
    assert AuditLog.objects.filter(action="rater.assign").count() == 2


def test_assignments_are_refused_with_the_reason(people: People, advance: Advance) -> None:
    cycle = peer_cycle(people)
    with pytest.raises(Forbidden):
        raters.raters_assign(
            cycle=cycle, by=people.sup1, role="peer", raters=[people.b1], agents=[people.agent_a1]
        )
    with pytest.raises(Invalid, match="supervisor"):  # not an assigned role
        raters.raters_assign(
            cycle=cycle,
            by=people.hr,
            role="supervisor",
            raters=[people.b1],
            agents=[people.agent_a1],
        )
    with pytest.raises(Invalid) as err:
        raters.raters_assign(
            cycle=cycle, by=people.hr, role="peer", raters=[people.a1], agents=[people.agent_a1]
        )
    assert err.value.field == "raters"  # type: ignore[attr-defined]
    with pytest.raises(Invalid, match="B009"):
        raters.assignment_targets(cycle=cycle, agent_ids=["A001", "B009"])
    advance(cycle, "indirect_audit")
    with pytest.raises(Conflict):
        raters.raters_assign(
            cycle=cycle, by=people.hr, role="peer", raters=[people.b1], agents=[people.agent_a1]
        )
    assert not RaterAssignment.objects.exists()


def test_removing_a_rater_takes_their_ratings_and_the_results_go_stale(
    people: People, advance: Advance
) -> None:
    cycle = peer_cycle(people)
    assigned = _rate_all(cycle, people, advance)
    cycle.refresh_from_db()
    assert not cycle.results_stale
    outsider = next(a for a in assigned if a.rater == people.outsider)
    raters.rater_unassign(assignment=outsider, by=people.hr)
    cycle.refresh_from_db()
    assert cycle.results_stale
    assert Rating.objects.filter(cycle=cycle, role="peer").count() == 4
    entry = AuditLog.objects.get(action="rater.unassign")
    assert entry.before == {"agent": "A001", "role": "peer", "rater": "outsider", "ratings": 2}
    cs.cycle_compute(cycle=cycle, by=people.hr)
    # Two peers left: 协作性 (70 + 80) ÷ 2 = 75 -> (1800 + 2250 + 4000) ÷ 100 = 80.5 -> 40.25;
    # 工作态度 75 too -> 40.25; total 80.5.
    assert _a1_result(cycle).total == Decimal("80.5")


def test_the_rater_has_a_to_do_item_until_every_indicator_is_rated(
    people: People, advance: Advance
) -> None:
    cycle = peer_cycle(people)
    (_a2, _b1, outsider) = _assign(cycle, people)
    assert "assigned_ratings" not in todo_list(user=people.outsider)  # rating not open yet
    advance(cycle, "self_assessment")
    (item,) = todo_list(user=people.outsider)["assigned_ratings"]
    assert (item.title, item.url) == ("张三 A001", f"/ratings/assigned/{outsider.pk}/")
    assert "2" in item.detail and "同事互评" in item.detail
    for indicator in PEERS:
        rating_set(
            cycle=cycle,
            agent=people.agent_a1,
            indicator=indicator,
            role="peer",
            value="75",
            by=people.outsider,
            assignment=outsider,
        )
    assert "assigned_ratings" not in todo_list(user=people.outsider)
    # The supervisor's own to-do is about the supervisor's column only.
    advance(cycle, "supervisor_rating")
    (mine,) = [t for t in todo_list(user=people.sup1)["ratings"] if "A001" in t.title]
    assert "2" in mine.detail


def test_the_rating_page_keeps_a_newer_save_and_refuses_a_changed_cell(
    people: People, advance: Advance
) -> None:
    """The cells carry the version they showed (rating_cells): the same no-lost-update rule as
    the supervisor's form."""
    cycle = peer_cycle(people)
    (_a2, _b1, outsider) = _assign(cycle, people)
    advance(cycle, "self_assessment")
    client = Client()
    client.force_login(people.outsider)
    url = f"/ratings/assigned/{outsider.pk}/"
    assert client.get(url).status_code == 200
    saved = client.post(
        url, {"ind_teamwork": "88", "seen_ind_teamwork": "0|", "seen_ind_attitude": "0|"}
    )
    assert saved.status_code == 302
    stored = Rating.objects.get(assignment=outsider, indicator="teamwork")
    assert (stored.value, stored.version, stored.rater) == ("88", 1, people.outsider)
    # A second tab still showing version 0 changes the cell: refused beside it, nothing saved.
    again = client.post(url, {"ind_teamwork": "60", "seen_ind_teamwork": "0|"})
    assert again.status_code == 200
    assert "88" in again.content.decode()
    stored.refresh_from_db()
    assert (stored.value, stored.version) == ("88", 1)


def test_after_publication_hr_corrects_an_assigned_rating_only_after_an_upheld_appeal(
    people: People, advance: Advance, api: Any
) -> None:
    from appraise.web.appeals import services as appeals

    cycle = _published(people, advance)
    advance(cycle, "appeal_window")
    outsider = RaterAssignment.objects.get(cycle=cycle, rater=people.outsider)
    url = f"/api/assignments/{outsider.pk}/ratings/"
    body = {"indicator": "teamwork", "value": "66"}
    refused = api(people.hr).post(url, body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "no_upheld_appeal")
    assert api(people.outsider).post(url, body, format="json").status_code == 403
    appeal = appeals.appeal_file(cycle=cycle, by=people.a1, reasons="同事互评打分有误")
    appeals.appeal_decide(appeal=appeal, by=people.sup1, decision="uphold", note="属实")
    assert api(people.hr).post(url, body, format="json").status_code == 201
    stored = Rating.objects.get(assignment=outsider, indicator="teamwork")
    assert (stored.value, stored.rater) == ("66", people.hr)


def test_hr_is_told_when_an_anonymous_role_has_a_single_rater(people: People) -> None:
    cycle = peer_cycle(people)
    raters.raters_assign(
        cycle=cycle, by=people.hr, role="peer", raters=[people.b1], agents=[people.agent_a1]
    )
    client = Client()
    client.force_login(people.hr)
    page = client.get(f"/cycles/{cycle.pk}/raters/").content.decode()
    assert 'data-test="alone"' in page and "张三 A001 · 同事互评" in page
    raters.raters_assign(
        cycle=cycle, by=people.hr, role="peer", raters=[people.outsider], agents=[people.agent_a1]
    )
    assert 'data-test="alone"' not in client.get(f"/cycles/{cycle.pk}/raters/").content.decode()


def test_a_refused_assignment_comes_back_with_the_reason_and_the_choices_kept(
    people: People,
) -> None:
    cycle = peer_cycle(people)
    client = Client()
    client.force_login(people.hr)
    # No rater chosen: refused beside the raters, the agents chosen still selected.
    answer = client.post(f"/cycles/{cycle.pk}/raters/", {"role": "peer", "agents": ["A002"]})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "请至少选择一位评分人" in page
    assert '<option value="A002" selected>' in page
    assert not RaterAssignment.objects.exists()


def test_the_supervisor_rates_beside_the_peers_mean(people: People, advance: Advance) -> None:
    """Seed 004's order: self-evaluation, peer evaluation, then the manager's, who reads the
    peers' mean (never a peer's name) in a column beside their own cells."""
    cycle = peer_cycle(people)
    _rate_all(cycle, people, advance)
    client = Client()
    client.force_login(people.sup1)
    response = client.get(f"/team/{cycle.pk}/rate/A001/")
    cells = [
        " ".join(c.split())
        for c in response.content.decode().split('data-test="assigned-peer">')[1:]
    ]
    # 协作性 (70 + 80 + 96) ÷ 3 = 82, 工作态度 (70 + 80 + 90) ÷ 3 = 80
    assert [c.split("</td>")[0] for c in cells] == [
        '82 <span class="small">（3 人）</span>',
        '80 <span class="small">（3 人）</span>',
    ]
