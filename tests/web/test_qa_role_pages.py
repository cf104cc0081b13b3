"""The QA reviewer role on the administrator's people page and on the home page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from appraise.web.org import roles

from .conftest import People


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_administrator_gives_the_qa_role_and_the_reviewer_lands_on_the_qa_queue(
    people: People,
) -> None:
    reviewer = User.objects.create_user(username="qa9", password=None)
    response = _client(people.admin).post(
        f"/people/{reviewer.pk}/roles/", {f"u{reviewer.pk}-roles": [roles.QA]}
    )
    assert response.status_code == 302
    roles.forget_roles(reviewer)
    assert roles.roles_of(reviewer) == {roles.QA}
    home = _client(reviewer).get("/")
    assert home.status_code == 302 and home["Location"] == "/qa/"


@pytest.mark.django_db
def test_an_unknown_role_changes_nothing(people: People) -> None:
    # sup1 holds the supervisor role; a form naming a role that does not exist must not
    # read as "no roles" and strip it.
    response = _client(people.admin).post(
        f"/people/{people.sup1.pk}/roles/", {f"u{people.sup1.pk}-roles": ["superhero"]}
    )
    # The users page again, the reason beside that user's roles.
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["user"] == people.sup1)
    assert row["form"].errors["roles"]
    roles.forget_roles(people.sup1)
    assert roles.roles_of(people.sup1) == {roles.SUPERVISOR}
