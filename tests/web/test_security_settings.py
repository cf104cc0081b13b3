"""Sign-in throttling, password rules and error pages with DEBUG off (issue 16, items 5 and 8).

In this process (the development settings with DEBUG switched off by the test);
tests/web/browser/test_production.py runs the production settings themselves behind gunicorn.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, include, path

from appraise.web.errors import Invalid
from appraise.web.org.services import user_create

from .conftest import People


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("DATABASE_URL=postgres://payroll:secret@db/appraise")


# This module is the URL map of the 500 test: the application's pages plus one view that fails.
urlpatterns: list[URLPattern | URLResolver] = [
    path("boom/", _boom),
    path("", include("appraise.web.urls")),
]


@pytest.fixture
def production_like(settings: Any) -> None:
    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_a_500_shows_no_traceback_and_no_settings_but_is_logged(
    production_like: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        answer = client.get("/boom/")
    assert answer.status_code == 500
    body = answer.content.decode()
    assert "服务器错误" in body  # templates/500.html, in Chinese
    for leak in ("Traceback", "RuntimeError", "secret", "DATABASE_URL", "SECRET_KEY"):
        assert leak not in body
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and logged[0].exc_info is not None  # the traceback goes to the log instead


@pytest.mark.django_db
def test_an_anonymous_404_lists_no_url_patterns(production_like: None) -> None:
    answer = Client().get("/no/such/page/")
    assert answer.status_code == 404
    body = answer.content.decode()
    assert "未找到" in body
    for leak in ("URLconf", "api/", "cycles/<int", "urlpatterns"):
        assert leak not in body


def _sign_in(client: Client, username: str, password: str) -> HttpResponse:
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_user_name_for_a_quarter_of_an_hour(
    production_like: None, people: People
) -> None:
    people.hr.set_password("the-right-password-1")
    people.hr.save()
    client = Client()
    for _ in range(4):
        answer = _sign_in(client, "hr", "wrong")
        assert answer.status_code == 200  # the form again, with its error
    answer = _sign_in(client, "hr", "wrong")  # the fifth failure locks
    assert answer.status_code == 429
    # Now even the right password is refused, with the lockout page in Chinese.
    answer = _sign_in(client, "hr", "the-right-password-1")
    assert answer.status_code == 429
    assert "登录失败次数过多" in answer.content.decode()
    assert "15 分钟" in answer.content.decode()  # settings.AXES_COOLOFF_TIME
    assert "_auth_user_id" not in client.session
    # Another user name from the same address is not locked (one NAT for a whole center).
    people.sup1.set_password("the-right-password-2")
    people.sup1.save()
    assert _sign_in(client, "sup1", "the-right-password-2").status_code == 302


@pytest.mark.django_db
def test_a_right_password_before_the_limit_clears_the_failures(
    production_like: None, people: People
) -> None:
    people.hr.set_password("the-right-password-1")
    people.hr.save()
    client = Client()
    for _ in range(4):
        _sign_in(client, "hr", "wrong")
    assert _sign_in(client, "hr", "the-right-password-1").status_code == 302
    client.logout()
    for _ in range(4):  # four more are allowed again: the count started over
        assert _sign_in(client, "hr", "wrong").status_code == 200
    assert _sign_in(client, "hr", "the-right-password-1").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "complaint"),
    [
        ("Qv7-lamp", "密码长度太短"),  # 8 characters, fewer than 10
        ("8302719465", "密码只包含数字"),  # ten digits, not in the common list
        ("password123", "太常见"),
    ],
)
def test_a_weak_password_is_refused_when_a_user_is_created(
    people: People, password: str, complaint: str
) -> None:
    with pytest.raises(Invalid, match=complaint):
        user_create(by=people.admin, username="newcomer", password=password)
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.django_db
def test_a_strong_password_is_taken(people: People) -> None:
    user = user_create(by=people.admin, username="newcomer", password="Qv7-lamp-orbit-91")
    assert user.check_password("Qv7-lamp-orbit-91")


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(settings: Any) -> None:
    from django.test import RequestFactory

    from appraise.web.ops.client import client_ip

    # nginx sets X-Forwarded-For to the address it saw; a client's own header comes before it.
    request = RequestFactory().get(
        "/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7"
    settings.BEHIND_PROXY = False  # reached directly: the header is anybody's to write
    assert client_ip(request) == "127.0.0.1"
