"""Errors raised by the services reach people in the request's language: Chinese by default,
English when the browser or API client asks for it (Accept-Language: en)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

import appraise.web
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


def test_a_qa_refusal_is_translated_like_the_others(people: People, api: Api) -> None:
    # The QA and points services used to raise English literals; they go through gettext now.
    client = api(people.hr)
    zh = client.get("/api/qa/calibrations/999999/")
    assert (zh.status_code, zh.json()["message"]) == (404, "没有校准 999999")
    en = client.get("/api/qa/calibrations/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert (en.status_code, en.json()["message"]) == (404, "no calibration session 999999")


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


# Every message of an application error reaches a person: it goes through gettext, so a page
# or an API answer in Chinese says it in Chinese. The scan below finds the errors raised with a
# plain English string instead, so a new one fails here rather than on a Chinese page. An error
# only a bug can raise may say so with ``# internal`` on its line and stay in English.
WEB = Path(appraise.web.__file__).parent
ERRORS = {"AppError", "Invalid", "Forbidden", "NotFound", "Conflict", "Stale"}
# require(allowed, message); require_hr / require_admin(user, doing): words of a sentence.
REQUIRES = {"require": 1, "require_hr": 1, "require_admin": 1}


def _plain(node: ast.expr) -> bool:
    """A message written as it is: a literal, an f-string, or one formatted or added to."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):  # "..." % x, "..." + x
        return _plain(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _plain(node.func.value)  # "...".format(x)
    return False


def english_errors(source: str, name: str) -> list[str]:
    """``name:line: message`` for each error of ``source`` raised with a plain string."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        if called in ERRORS:
            at = 0
        elif called in REQUIRES:
            at = REQUIRES[called]
        else:
            continue
        message = node.args[at] if len(node.args) > at else None
        for keyword in node.keywords:
            if keyword.arg in ("message", "doing"):
                message = keyword.value
        if message is None or not _plain(message):
            continue
        span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        if any("# internal" in line for line in span):
            continue
        found.append(f"{name}:{node.lineno}: {ast.get_source_segment(source, message)}")
    return found


def test_the_scan_finds_english_errors_and_lets_translated_ones_pass() -> None:
    source = """
raise Invalid("no files")
raise Conflict(f"no team {pk}", code="x")
raise NotFound("no team %s" % pk)
errors.Stale("changed " + when)
raise Forbidden(message="{} only".format(who))
require(is_hr(user), "only HR")
require_hr(user, "define teams")
raise Invalid(_("no files"))
raise Conflict(gettext("no team %(pk)s") % {"pk": pk}, code="x")
require_hr(user, _("define teams"))
raise Invalid(str(exc))
raise AppError("a bug if it ever shows")  # internal
"""
    assert [f.split(": ", 1)[0] for f in english_errors(source, "s")] == [
        "s:2",
        "s:3",
        "s:4",
        "s:5",
        "s:6",
        "s:7",
        "s:8",
    ]


def test_no_error_of_the_web_app_is_raised_in_english_only() -> None:
    found = []
    files = sorted(WEB.rglob("*.py"))
    assert len(files) > 100  # the scan reads the whole web app, not an empty folder
    for path in files:
        found += english_errors(path.read_text("utf-8"), str(path.relative_to(WEB)))
    assert found == [], "wrap these messages in gettext (_) and translate them:\n" + "\n".join(
        found
    )
