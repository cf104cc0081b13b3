"""HR gives uploaded agents their logins in bulk, resets a password, deactivates a leaver."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from appraise.web.audit.models import AuditLog
from appraise.web.errors import Conflict, Forbidden, Invalid
from appraise.web.org import logins
from appraise.web.org.models import Agent

from ..conftest import People


def _works(username: str, password: str) -> bool:
    """Whether the login form would let this person in (an active user with this password);
    django-axes wants a request in authenticate(), so the check is the user's own."""
    user = User.objects.filter(username=username).first()
    return user is not None and user.is_active and user.check_password(password)


def _new_agents(people: People) -> list[Agent]:
    return [
        Agent.objects.create(agent_id="C001", name="赵六", team=people.team2),
        Agent.objects.create(agent_id="C002", name="钱七", team=people.team2),
    ]


def test_bulk_logins_are_made_for_the_agents_without_one_and_work_once_shown(
    people: People,
) -> None:
    _new_agents(people)
    with pytest.raises(Forbidden):
        logins.agent_logins_create(by=people.sup2, agents=Agent.objects.all())
    issued = logins.agent_logins_create(by=people.hr, agents=Agent.objects.all())
    # A001, A002 and B001 have logins already: only the two new ones.
    assert [(i.agent.agent_id, i.username) for i in issued] == [("C001", "c001"), ("C002", "c002")]
    for i in issued:
        assert len(i.password) == 12
        assert _works(i.username, i.password)
        user = User.objects.get(username=i.username)
        assert user.groups.filter(name="agent").exists()
        assert Agent.objects.get(agent_id=i.agent.agent_id).user == user
    entries = AuditLog.objects.filter(action="user.create")
    assert entries.count() == 2
    assert all(issued[0].password not in str(e.after) + e.note for e in entries)


def test_a_taken_user_name_stops_the_whole_batch(people: People) -> None:
    _new_agents(people)
    User.objects.create_user(username="c002")
    with pytest.raises(Conflict) as refused:
        logins.agent_logins_create(by=people.hr, agents=Agent.objects.all())
    assert "C002 (c002)" in str(refused.value)
    assert not User.objects.filter(username="c001").exists()  # nothing half-made


def test_the_page_shows_the_passwords_once(people: People) -> None:
    _new_agents(people)
    c = Client()
    c.force_login(people.hr)
    page = c.get(f"/org/logins/?team={people.team2.pk}").content.decode()
    assert "列表中有 2 名员工没有登录账号" in page
    response = c.post("/org/logins/create/", {"team": people.team2.pk, "agent_id": ["C001"]})
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    [password] = re.findall(r'data-test="password">([^<]+)<', html)
    assert _works("c001", password)
    assert not User.objects.filter(username="c002").exists()  # only the ticked one
    assert password not in c.get("/org/logins/").content.decode()


def test_a_reset_gives_a_new_password_and_the_old_one_stops_working(people: People) -> None:
    a1 = people.a1
    a1.set_password("old-pass")
    a1.save()
    issued = logins.agent_password_reset(by=people.hr, agent=people.agent_a1)
    assert not _works("a1", "old-pass")
    assert _works("a1", issued.password)
    assert AuditLog.objects.filter(action="user.reset_password").count() == 1


def test_hr_does_not_touch_a_login_with_other_roles(people: People) -> None:
    lead = Agent.objects.create(agent_id="S001", name="组长", team=people.team1, user=people.sup1)
    with pytest.raises(Conflict):
        logins.agent_password_reset(by=people.hr, agent=lead)


def test_a_leaver_is_deactivated_with_a_reason_and_cannot_sign_in(people: People) -> None:
    b1 = people.b1
    b1.set_password("pw")
    b1.save()
    with pytest.raises(Invalid):
        logins.agent_login_set_active(by=people.hr, agent=people.agent_b1, active=False)
    logins.agent_login_set_active(by=people.hr, agent=people.agent_b1, active=False, note="离职")
    assert not _works("b1", "pw")
    c = Client()
    refused = c.post("/login/", {"username": "b1", "password": "pw"})
    assert refused.status_code == 200 and "_auth_user_id" not in c.session  # the form again
    entry = AuditLog.objects.get(action="user.deactivate")
    assert entry.note == "离职" and entry.after == {"active": False, "agent": "B001"}
    logins.agent_login_set_active(by=people.hr, agent=people.agent_b1, active=True)
    assert _works("b1", "pw")
    assert Client().post("/login/", {"username": "b1", "password": "pw"}).status_code == 302
