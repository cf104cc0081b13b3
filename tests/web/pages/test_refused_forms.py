"""Every form refused for what was typed comes back as its page (200, never a 405 or a blank
page) with the reason beside the field and the typed values still in the inputs.

Each test sends one bad value the way the page's form sends it and reads the answer's HTML.
"""

from __future__ import annotations

import html
import re

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraise.web.appeals import services as appeals
from appraise.web.appeals.models import Appeal
from appraise.web.audit.models import AuditLog
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Rating
from appraise.web.interviews import services as interviews
from appraise.web.org.models import Agent, Team

from ..conftest import Advance, People


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def tag(page: str, name: str) -> str:
    """The opening tag of the input (or textarea) called ``name``."""
    found = re.search(rf'<(?:input|textarea)[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert found, f"no field {name}"
    return found.group(0)


def beside(page: str, name: str) -> str:
    """The text right after the field ``name``: where its reason is shown."""
    found = re.search(rf'<(?:input|textarea)[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert found, f"no field {name}"
    rest = page[found.end() : found.end() + 600]
    if found.group(0).startswith("<textarea"):
        rest = rest.split("</textarea>", 1)[1]
    error = re.match(r'\s*<div class="errorlist"[^>]*>(.*?)</div>', rest, re.S)
    return html.unescape(error.group(1)) if error else ""


def refused(response: object) -> str:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def test_a_self_rating_of_150_comes_back_beside_its_field_with_every_value_kept(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SELF_ASSESSMENT)
    page = refused(
        client(people.a1).post(
            f"/me/{cycle.pk}/self/",
            {"ind_courtesy": "90", "ind_patience": "150", "note": "我的自评"},
        )
    )
    assert 'value="150"' in tag(page, "ind_patience")
    assert 'aria-invalid="true"' in tag(page, "ind_patience")
    assert "150" in beside(page, "ind_patience")
    # The good value typed beside it is kept too, and nothing was saved (all or nothing).
    assert 'value="90"' in tag(page, "ind_courtesy")
    assert beside(page, "ind_courtesy") == ""
    assert 'value="我的自评"' in tag(page, "note")
    assert not Rating.objects.filter(cycle=cycle, role="self").exists()


def test_an_appeal_of_only_spaces_comes_back_beside_the_reasons(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    page = refused(client(people.a1).post(f"/me/{cycle.pk}/appeal/", {"reasons": "   "}))
    assert "事实" in beside(page, "reasons")  # "an appeal needs the facts it rests on"
    assert re.search(r'name="reasons"[^>]*>   </textarea>', page)
    assert not Appeal.objects.exists()


def test_a_supervisor_rating_out_of_range_comes_back_beside_its_cell(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    url = f"/team/{cycle.pk}/rate/A001/"
    sup = client(people.sup1)
    field = re.search(r'name="(ind_courtesy__[^"]+)"', sup.get(url).content.decode())
    assert field
    name = field.group(1)
    page = refused(sup.post(url, {name: "-5", "note": "复核"}))
    assert 'value="-5"' in tag(page, name)
    assert "-5" in beside(page, name)
    assert 'value="复核"' in tag(page, "note")


def test_a_calibration_without_a_grade_comes_back_on_the_agents_row(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.CALIBRATION)
    page = refused(
        client(people.hr).post(
            f"/cycles/{cycle.pk}/calibrate/", {"agent_id": "A002", "grade": "", "note": "名额"}
        )
    )
    row = page[page.index('name="agent_id" value="A002"') :]
    row = row[: row.index("</form>")]
    assert 'data-field="grade"' in row
    assert 'value="名额"' in row
    assert not AuditLog.objects.filter(action="cycle.calibrate").exists()


def test_a_cycle_with_a_bad_period_comes_back_with_the_form_filled_in(
    people: People, cycle: Cycle
) -> None:
    before = Cycle.objects.count()
    page = refused(
        client(people.hr).post(
            "/cycles/",
            {
                "name": "十一月考核",
                "scheme_version": cycle.scheme_version_id,
                "period": "2026-13",
                "teams": [people.team1.pk],
            },
        )
    )
    assert 'value="2026-13"' in tag(page, "period")
    assert 'value="十一月考核"' in tag(page, "name")
    # Django's field errors follow the help text beside the field.
    field = page[page.index('name="period"') :]
    field = field[: field.index('<div class="field">')]
    assert "2026-13" in html.unescape(field) and "errorlist" in field
    assert Cycle.objects.count() == before


def test_a_cycle_of_the_wrong_period_kind_says_so_beside_the_period(
    people: People, cycle: Cycle
) -> None:
    page = refused(
        client(people.hr).post(
            "/cycles/",
            {"scheme_version": cycle.scheme_version_id, "period": "2026-Q4"},
        )
    )
    field = page[page.index('name="period"') :]
    field = field[: field.index('<div class="field">')]
    assert "errorlist" in field and 'value="2026-Q4"' in field


def test_an_interview_record_of_spaces_comes_back_with_the_plan_kept(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    page = refused(
        client(people.sup1).post(
            f"/team/{cycle.pk}/interview/A001/", {"content": "  ", "plan": "每周复盘"}
        )
    )
    assert beside(page, "content")
    assert "每周复盘</textarea>" in page


def test_an_appeal_decision_without_a_note_comes_back_on_the_appeal(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.APPEAL_WINDOW)
    appeal = appeals.appeal_file(cycle=cycle, by=people.a1, reasons="礼貌一项有表扬记录")
    page = refused(
        client(people.sup1).post(
            f"/appeals/{appeal.pk}/decide/", {"decision": "uphold", "note": " "}
        )
    )
    assert beside(page, "note")
    appeal.refresh_from_db()
    assert appeal.state == "with_supervisor"


def test_a_second_signature_is_refused_on_the_scorecard_not_on_a_405(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, State.INTERVIEWS)
    record = interviews.interview_write(
        cycle=cycle, agent=people.agent_a1, by=people.sup1, content="面谈"
    )
    a1 = client(people.a1)
    a1.post(f"/interviews/{record.pk}/sign/", {"comment": "已读"})
    response = a1.post(f"/interviews/{record.pk}/sign/", {"comment": "再签"})
    page = refused(response)
    assert "<h1>我的考核</h1>" in page or "我的考核" in page


def test_the_org_agent_form_keeps_what_was_typed_beside_a_taken_id(people: People) -> None:
    page = refused(
        client(people.hr).post(
            "/org/agents/",
            {"agent_id": "A001", "name": "重名", "team": people.team2.pk, "position": "组长"},
        )
    )
    form = page[page.index('action="/org/agents/"') :]
    form = form[: form.index("</form>")]
    assert 'value="A001"' in tag(form, "agent_id")
    assert "A001" in html.unescape(form[form.index('name="agent_id"') :][:600])
    assert 'value="重名"' in tag(form, "name") and 'value="组长"' in tag(form, "position")
    assert Agent.objects.get(agent_id="A001").name == "张三"


def test_a_team_of_a_taken_name_comes_back_beside_the_name(people: People) -> None:
    page = refused(client(people.hr).post("/org/teams/", {"name": "一组"}))
    after = html.unescape(page[page.index('name="name"') :][:400])
    assert 'value="一组"' in tag(page, "name") and "errorlist" in after and "一组" in after
    assert Team.objects.filter(name="一组").count() == 1


def test_an_agents_file_with_a_bad_row_comes_back_beside_the_file_field(people: People) -> None:
    content = "agent_id,name,team\nC001,赵六,九组\n".encode()
    page = refused(
        client(people.hr).post(
            "/org/agents/upload/", {"file": SimpleUploadedFile("agents.csv", content)}
        )
    )
    after = html.unescape(page[page.index('name="file"') :][:1500])
    assert "agents.csv:第 2 行:team" in after and "九组" in after


def test_an_agents_file_of_only_its_header_is_refused_not_read_as_no_change(
    people: People,
) -> None:
    """A roster with nothing under its header is the wrong file (or its rows are on another
    sheet): refused beside the file field, nothing written, not "0 added"."""
    before = (Agent.objects.count(), AuditLog.objects.count())
    page = refused(
        client(people.hr).post(
            "/org/agents/upload/",
            {"file": SimpleUploadedFile("名单.csv", b"agent_id,name,team\n")},
        )
    )
    after = html.unescape(page[page.index('name="file"') :][:1500])
    assert "名单.csv" in after and "客服名单只有表头，下面没有任何客服" in after
    assert (Agent.objects.count(), AuditLog.objects.count()) == before


def test_a_scheme_that_does_not_load_comes_back_in_the_editor_with_its_text(
    people: People,
) -> None:
    response = client(people.hr).post("/schemes/new/", {"text": "id: 坏\nname: x\n"})
    # The editor answers 400 with the problems beside the text, which is kept as typed.
    assert response.status_code == 400
    assert "id: 坏" in response.content.decode()


def test_a_user_form_of_a_taken_name_keeps_the_full_name(people: People) -> None:
    page = refused(
        client(people.admin).post("/people/", {"username": "hr", "first_name": "重复的人"})
    )
    assert 'value="重复的人"' in tag(page, "first_name")
    assert "errorlist" in page[page.index('name="username"') :][:600]


def test_the_rating_table_names_each_raters_column_as_the_scheme_does(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    """s000-specialist names its one rater role 考核人: the supervisor's column says so, not the
    role's id."""
    advance(cycle, State.SUPERVISOR_RATING)
    page = client(people.sup1).get(f"/team/{cycle.pk}/rate/A001/").content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert '<th class="num">考核人</th>' in head and "supervisor" not in head
