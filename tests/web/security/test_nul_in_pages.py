"""A NUL character in a page's address, query or form is a 400 page that says why, never a 500.

PostgreSQL refuses text holding NUL deep in a query: before the check in
``appraise.web.requestcheck``, ``/org/?edit=%00`` and ``/qa/reviews/?agent=%00`` were 500s on
PostgreSQL (found by probing every page that reads a query parameter). The check runs before
any view, so the answer is the same on SQLite.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from appraise.web.org.models import Team

from ..conftest import People


@pytest.mark.parametrize(
    "url", ["/org/?edit=%00", "/qa/reviews/?agent=%00&period=2026-10", "/team/?x%00=1", "/a%00b/"]
)
def test_a_nul_in_the_address_or_query_is_a_400_page_in_chinese(people: People, url: str) -> None:
    client = Client()
    client.force_login(people.hr)
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "取值不能包含空字符（NUL）" in response.content.decode()


def test_the_400_page_is_in_english_for_an_english_reader(people: People) -> None:
    client = Client()
    client.force_login(people.hr)
    response = client.get("/org/?edit=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "a value may not contain the NUL character" in response.content.decode()


def test_a_nul_in_a_posted_form_is_refused_and_nothing_is_written(people: People) -> None:
    client = Client()
    client.force_login(people.hr)

    def create(name: str) -> int:
        # As a browser posts a form without a file: URL-encoded.
        body = urlencode({"name": name})
        form = "application/x-www-form-urlencoded"
        return client.post("/org/teams/", body, content_type=form).status_code

    assert create("三组\x00") == 400
    assert not Team.objects.filter(name__startswith="三组").exists()
    assert create("三组") == 302  # the same form without the NUL creates the team
    assert Team.objects.filter(name="三组").exists()


def test_a_request_without_nul_is_served(people: People) -> None:
    client = Client()
    client.force_login(people.hr)
    assert client.get("/org/?edit=").status_code == 200
