"""The organisation page: HR defines teams and agents by hand or from an agents file, every change
in the audit log; a file with a bad row changes nothing and names every bad row and column.

The world (tests/web/conftest.py): team 一组 = A001 张三 (a1), A002 李四 (a2), supervisor sup1;
team 二组 = B001 王五 (b1), supervisor sup2; manager is the indirect supervisor of both.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.org.models import Agent, Team

from ..conftest import People


def hr_client(people: People) -> Client:
    client = Client()
    client.force_login(people.hr)
    return client


def texts(response: HttpResponse, level: int) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == level]  # type: ignore[attr-defined]


def upload(client: Client, name: str, content: bytes) -> HttpResponse:
    response = client.post("/org/agents/upload/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    assert response["Location"] == "/org/"
    return response


def upload_refused(client: Client, name: str, content: bytes) -> list[str]:
    """The organisation page drawn again (not a redirect), with the reasons beside the file
    field: one per bad cell, so that each row and column can be found and corrected."""
    response = client.post("/org/agents/upload/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert not texts(response, constants.SUCCESS)
    form = response.context["upload_form"]
    return [str(e) for e in form.errors.get("file", [])]


def test_hr_creates_a_team_with_its_supervisors_and_changes_them(people: People) -> None:
    client = hr_client(people)
    response = client.post(
        "/org/teams/",
        {"name": "三组", "supervisors": [people.sup2.pk], "indirect_supervisor": people.manager.pk},
    )
    assert response.status_code == 302
    assert texts(response, constants.ERROR) == []
    team = Team.objects.get(name="三组")
    assert list(team.supervisors.values_list("username", flat=True)) == ["sup2"]
    assert team.indirect_supervisor == people.manager
    created = AuditLog.objects.get(action="team.create", object_id=str(team.pk))
    assert created.actor == people.hr
    assert created.after == {
        "name": "三组",
        "supervisors": ["sup2"],
        "indirect_supervisor": "manager",
    }

    body = client.get("/org/").content.decode()
    teams = body.split('data-test="teams"', 1)[1].split("</table>", 1)[0]
    assert "三组" in teams and "sup2" in teams

    response = client.post(
        f"/org/teams/{team.pk}/supervisors/",
        {f"t{team.pk}-supervisors": [people.sup1.pk, people.sup2.pk]},
    )
    assert texts(response, constants.ERROR) == []
    team.refresh_from_db()
    assert sorted(team.supervisors.values_list("username", flat=True)) == ["sup1", "sup2"]
    assert team.indirect_supervisor is None  # the form left it empty
    changed = AuditLog.objects.get(action="team.set_supervisors", object_id=str(team.pk))
    assert changed.before["supervisors"] == ["sup2"]
    assert changed.after == {
        "name": "三组",
        "supervisors": ["sup1", "sup2"],
        "indirect_supervisor": None,
    }


def test_only_users_with_the_supervisor_role_can_lead_a_team(people: People) -> None:
    client = hr_client(people)
    response = client.post("/org/teams/", {"name": "三组", "supervisors": [people.a1.pk]})
    # a1 is an agent: not a choice; the page comes again with the name typed still there.
    assert response.status_code == 200
    assert response.context["team_form"].errors["supervisors"]
    assert 'value="三组"' in response.content.decode()
    assert not Team.objects.filter(name="三组").exists()
    assert not AuditLog.objects.filter(action="team.create").exists()


def test_the_team_list_counts_agents(people: People) -> None:
    body = hr_client(people).get("/org/").content.decode()
    teams = body.split('data-test="teams"', 1)[1].split("</table>", 1)[0]
    # 一组 holds A001 and A002, 二组 holds B001.
    counts = [
        row.rsplit('<td class="num">', 1)[1].split("<", 1)[0] for row in teams.split("<tr>")[2:]
    ]
    assert counts == ["2", "1"]


def test_hr_adds_an_agent_and_edits_it(people: People) -> None:
    client = hr_client(people)
    response = client.post(
        "/org/agents/",
        {
            "agent_id": "C001",
            "name": "赵六",
            "team": people.team2.pk,
            "position": "客服专员",
            "hired_on": "2025-03-01",
            "user": people.outsider.pk,
        },
    )
    assert texts(response, constants.ERROR) == []
    agent = Agent.objects.get(agent_id="C001")
    assert (agent.name, agent.team, agent.user) == ("赵六", people.team2, people.outsider)
    assert str(agent.hired_on) == "2025-03-01"
    assert AuditLog.objects.get(action="agent.create", object_id=str(agent.pk)).after["user"] == (
        "outsider"
    )

    assert "赵六" in client.get("/org/?edit=C001").content.decode()
    response = client.post(
        "/org/agents/C001/",
        {"name": "赵六", "team": people.team1.pk, "position": "组长", "hired_on": "2025-03-01"},
    )
    assert texts(response, constants.ERROR) == []
    agent.refresh_from_db()
    assert (agent.team, agent.position) == (people.team1, "组长")
    update = AuditLog.objects.get(action="agent.update", object_id=str(agent.pk))
    assert (update.before["team"], update.after["team"]) == ("二组", "一组")
    assert (update.before["position"], update.after["position"]) == ("客服专员", "组长")


def test_an_agent_id_taken_is_refused_with_a_message(people: People) -> None:
    response = hr_client(people).post("/org/agents/", {"agent_id": "A001", "name": "重名"})
    # The organisation page again (not the POST-only URL), the reason beside the id field and
    # what was typed still in the form.
    assert response.status_code == 200
    assert any("A001" in e for e in response.context["agent_form"].errors["agent_id"])
    page = response.content.decode()
    assert 'value="重名"' in page and 'value="A001"' in page
    assert Agent.objects.get(agent_id="A001").name == "张三"


GOOD = (
    "agent_id,name,team,position,supervisor_id,hired_on\n"
    "A001,张三,一组,组长,S01,2024-03-01\n"  # row 2: A001 gets a position and a date: updated
    "A002,李四,,,S01,\n"  # row 3: as stored (empty cells keep the values): unchanged
    "C001,赵六,二组,客服专员,S02,2025-01-15\n"  # row 4: new
    "C002,钱七,,,,\n"  # row 5: new, no team
)


def test_an_agents_file_creates_two_updates_one_and_leaves_one(people: People) -> None:
    client = hr_client(people)
    before = AuditLog.objects.count()
    response = upload(client, "名单.csv", GOOD.encode("utf-8"))
    assert texts(response, constants.ERROR) == []
    assert len(texts(response, constants.SUCCESS)) == 1
    # Rows 4 and 5 are new, row 2 changes A001, row 3 repeats A002 as stored.
    assert Agent.objects.count() == 3 + 2
    a001 = Agent.objects.get(agent_id="A001")
    assert (a001.position, str(a001.hired_on), a001.team) == ("组长", "2024-03-01", people.team1)
    assert Agent.objects.get(agent_id="C001").team == people.team2
    assert Agent.objects.get(agent_id="C002").team is None
    a002 = Agent.objects.get(agent_id="A002")
    assert (a002.name, a002.team) == ("李四", people.team1)

    entries = AuditLog.objects.order_by("pk")[before:]
    assert [(e.action, e.object_repr, e.note) for e in entries] == [
        ("agent.update", "张三 (A001)", "名单.csv 第 2 行"),
        ("agent.create", "赵六 (C001)", "名单.csv 第 4 行"),
        ("agent.create", "钱七 (C002)", "名单.csv 第 5 行"),
    ]
    assert entries[0].before["position"] == "" and entries[0].after["position"] == "组长"

    # The same file again changes nothing and writes nothing.
    upload(client, "名单.csv", GOOD.encode("utf-8"))
    assert AuditLog.objects.count() == before + 3


def test_an_agents_workbook_is_read_like_the_csv(people: People) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["agent_id", "name", "team", "hired_on"])
    sheet.append(["C001", "赵六", "二组", "2025-01-15"])
    sheet.append([1002, "孙八", "一组", None])  # an Excel number id is the id "1002"
    out = io.BytesIO()
    book.save(out)
    response = upload(hr_client(people), "agents.xlsx", out.getvalue())
    assert texts(response, constants.ERROR) == []
    assert Agent.objects.get(agent_id="1002").team == people.team1
    assert str(Agent.objects.get(agent_id="C001").hired_on) == "2025-01-15"


def test_a_file_with_two_bad_rows_changes_nothing_and_names_both(people: People) -> None:
    content = (
        "agent_id,name,team,hired_on\n"
        "A001,张三丰,一组,\n"  # row 2: fine, but must not be applied
        "C001,赵六,二组,2025-13-45\n"  # row 3: no 13th month
        "C002,,一组,\n"  # row 4: no name
        "C003,钱七,二组,\n"  # row 5: fine
    )
    before = AuditLog.objects.count()
    errors = upload_refused(hr_client(people), "agents.csv", content.encode("utf-8"))
    # One reason per bad cell, each on its own line of the form's errors, where and what in the
    # page's language (Chinese by default).
    assert len(errors) == 2, errors
    assert errors[0].startswith("agents.csv:第 3 行:hired_on: "), errors
    assert errors[1] == "agents.csv:第 4 行:name: name 为空", errors
    assert Agent.objects.count() == 3
    assert Agent.objects.get(agent_id="A001").name == "张三"
    assert AuditLog.objects.count() == before


def test_an_unknown_team_is_a_problem_of_its_row(people: People) -> None:
    content = "agent_id,name,team\nC001,赵六,二组\nC002,钱七,九组\nC003,孙八,十组\n"
    errors = upload_refused(hr_client(people), "agents.csv", content.encode("utf-8"))
    assert errors == [
        "agents.csv:第 3 行:team: 没有名为“九组”的小组；请先在组织页面创建",
        "agents.csv:第 4 行:team: 没有名为“十组”的小组；请先在组织页面创建",
    ]
    assert not Agent.objects.filter(agent_id__startswith="C").exists()


def test_the_reasons_are_in_english_for_a_reader_in_english(people: People) -> None:
    client = hr_client(people)
    long_name = "孙" * 101  # the organisation keeps at most 100 characters of a name
    content = f"agent_id,name,team\nC001,赵六,二组\nC002,钱七,九组\nC003,{long_name},一组\n"
    response = client.post(
        "/org/agents/upload/",
        {"file": SimpleUploadedFile("agents.csv", content.encode("utf-8"))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = [str(e) for e in response.context["upload_form"].errors["file"]]
    assert errors == [
        'agents.csv:row 3:team: there is no team "九组"; create it on the organisation page first',
        "agents.csv:row 4:name: name is longer than 100 characters",
    ]


def test_a_file_of_another_kind_is_refused(people: People) -> None:
    assert upload_refused(hr_client(people), "agents.txt", b"agent_id,name\nC001,x\n")
    assert not Agent.objects.filter(agent_id="C001").exists()


def test_the_api_upload_answers_with_what_changed_and_every_problem(
    people: People, api: Any
) -> None:
    client = api(people.hr)
    response = client.post(
        "/api/agents/upload/",
        {"file": SimpleUploadedFile("agents.csv", GOOD.encode("utf-8"))},
        format="multipart",
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert [a["agent_id"] for a in body["created"]] == ["C001", "C002"]
    assert [a["agent_id"] for a in body["updated"]] == ["A001"]
    assert body["unchanged"] == ["A002"]

    bad = "agent_id,name,team\nD001,,一组\nD002,周九,九组\n"
    response = client.post(
        "/api/agents/upload/",
        {"file": SimpleUploadedFile("agents.csv", bad.encode("utf-8"))},
        format="multipart",
    )
    assert response.status_code == 400
    # The reader's problems come first; the team is checked once every cell is readable.
    assert [p["where"] for p in response.json()["problems"]] == ["agents.csv:row 2:name"]
    assert not Agent.objects.filter(agent_id__startswith="D").exists()
