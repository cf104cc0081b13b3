"""Errors raised by the services reach people in the request's language: Chinese by default,
English when the browser or API client asks for it (Accept-Language: en)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from appraise.web.cycles.models import Cycle

from .conftest import People

Api = Callable[[User | None], APIClient]


def test_an_api_refusal_is_in_chinese_by_default_and_in_english_on_request(
    people: People, cycle: Cycle, api: Api
) -> None:
    client = api(people.sup1)
    zh = client.post(f"/api/cycles/{cycle.pk}/publish/")
    assert zh.status_code == 403
    assert zh.json() == {"code": "forbidden", "message": "只有人事可以发布结果", "problems": []}
    en = client.post(f"/api/cycles/{cycle.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 403
    assert en.json()["message"] == "only HR may publish results"


def test_a_wrong_state_names_the_states_in_the_request_language(
    people: People, cycle: Cycle, api: Api
) -> None:
    # The fixture's cycle is a draft; publishing needs calibration.
    client = api(people.hr)
    zh = client.post(f"/api/cycles/{cycle.pk}/publish/")
    assert zh.status_code == 409
    assert zh.json()["code"] == "wrong_state"
    assert zh.json()["message"] == "无法发布：考核活动当前为「草稿」，而不是「校准」"
    en = client.post(f"/api/cycles/{cycle.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["message"] == "cannot publish: the cycle is draft, not calibration"


def test_an_api_not_found_is_translated_too(people: People, api: Api) -> None:
    client = api(people.hr)
    zh = client.get("/api/cycles/999999/")
    assert (zh.status_code, zh.json()["message"]) == (404, "没有考核活动 999999")
    en = client.get("/api/cycles/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert (en.status_code, en.json()["message"]) == (404, "no cycle 999999")


def test_an_error_page_is_in_chinese_by_default_and_in_english_on_request(
    people: People,
) -> None:
    client = Client()
    client.force_login(people.sup1)
    zh = client.get("/audit/")
    assert zh.status_code == 403
    assert "只有人事和管理员可以查看审计日志" in zh.content.decode()
    assert "only HR" not in zh.content.decode()
    en = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 403
    assert "only HR and administrators read the audit log" in en.content.decode()
