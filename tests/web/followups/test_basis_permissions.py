"""事实依据 (seed 004): the direct supervisor writes the facts behind an 优秀 / 急需改进 grade,
with files, before publication; HR sees them in calibration, and publishing waits for them.

The world: tests/web/conftest.py's paper ratings on s000-specialist, with 不合格 asking for a
basis as s004-grades' 急需改进 does: B001 totals 45 (50 × 90 / 100), 不合格, in team 二组 (sup2).
``PAGE_NAMES`` counts for the table of tests/web/pages/test_page_permissions.py.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.errors import Conflict, Forbidden
from appraise.web.followups.models import BasisAttachment, FactualBasis
from appraise.web.followups.services import basis_write
from appraise.web.schemes.services import scheme_version_create

from ..conftest import S000, Advance, People

PAGE_NAMES = {"followups:basis", "followups:basis-file"}


@pytest.fixture
def bcycle(people: People, advance: Advance) -> Cycle:
    text = S000.read_text(encoding="utf-8").replace(
        '- {name: 不合格, name_en: Unqualified, range: "< 50"}',
        '- {name: 不合格, name_en: Unqualified, range: "< 50", requires_basis: true}',
    )
    assert "requires_basis" in text
    version = scheme_version_create(by=people.hr, text=text, file="s000-basis.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月考核(事实依据)",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    return advance(cycle, State.CALIBRATION)


def _client(user: object | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)  # type: ignore[arg-type]
    return c


def test_publication_waits_for_the_basis_then_hr_reads_it_in_calibration(
    people: People, bcycle: Cycle
) -> None:
    with pytest.raises(Conflict) as refused:
        cs.cycle_publish(cycle=bcycle, by=people.hr)
    assert refused.value.code == "basis_missing" and "B001" in refused.value.message
    # The supervisor finds the agent on the team page and writes the basis with a file.
    team_page = _client(people.sup2).get(f"/team/?cycle={bcycle.pk}").content.decode()
    assert f"/team/{bcycle.pk}/basis/B001/" in team_page and "待填写的事实依据" in team_page
    letter = SimpleUploadedFile("投诉信.txt", "客户书面投诉两次".encode(), "text/plain")
    response = _client(people.sup2).post(
        f"/team/{bcycle.pk}/basis/B001/",
        {"text": "10月8日、10月15日两次书面投诉,均已核实。", "files": [letter]},
    )
    assert response.status_code == 302
    basis = FactualBasis.objects.get(cycle=bcycle, agent=people.agent_b1)
    assert basis.grade == "不合格" and basis.written_by == people.sup2
    (att,) = basis.attachments.all()
    # HR reads it on the cycle page during calibration, and opens the file.
    html = _client(people.hr).get(f"/cycles/{bcycle.pk}/").content.decode()
    assert "两次书面投诉" in html and f"/basis/files/{att.pk}/" in html
    got = _client(people.hr).get(f"/basis/files/{att.pk}/")
    assert got.status_code == 200 and got.content == "客户书面投诉两次".encode()
    cs.cycle_publish(cycle=bcycle, by=people.hr)
    bcycle.refresh_from_db()
    assert bcycle.state == State.PUBLISHED
    with pytest.raises(Conflict):
        basis_write(cycle=bcycle, agent=people.agent_b1, by=people.sup2, text="补充")


def test_an_empty_basis_comes_back_with_the_reason_in_chinese(
    people: People, bcycle: Cycle
) -> None:
    response = _client(people.sup2).post(f"/team/{bcycle.pk}/basis/B001/", {"text": " "})
    assert response.status_code == 200
    assert "请写明该等级所依据的事实" in response.content.decode()
    assert not FactualBasis.objects.exists()


def test_only_the_direct_supervisor_or_hr_writes_or_reads_the_basis(
    people: People, bcycle: Cycle
) -> None:
    url = f"/team/{bcycle.pk}/basis/B001/"
    # sup1 leads the other team, b1 is the agent himself, the outsider nobody's: refused.
    for who in (people.sup1, people.b1, people.outsider):
        assert _client(who).get(url).status_code in (403, 404), who.username
    with pytest.raises(Forbidden):
        basis_write(cycle=bcycle, agent=people.agent_b1, by=people.sup1, text="x")
    assert _client(None).get(url).status_code == 302
    assert _client(people.sup2).get(url).status_code == 200
    assert _client(people.hr).get(url).status_code == 200
    # An agent whose grade asks for no basis (A001, 合格) has none to write.
    with pytest.raises(Conflict):
        basis_write(cycle=bcycle, agent=people.agent_a1, by=people.sup1, text="x")
    basis = basis_write(
        cycle=bcycle,
        agent=people.agent_b1,
        by=people.hr,
        text="核实记录",
        files=[("a.txt", "text/plain", b"x")],
    )
    att = BasisAttachment.objects.get(basis=basis)
    file_url = f"/basis/files/{att.pk}/"
    for who in (people.sup1, people.b1, people.outsider):
        assert _client(who).get(file_url).status_code in (403, 404), who.username
    assert _client(None).get(file_url).status_code == 302
    assert _client(people.sup2).get(file_url).status_code == 200
