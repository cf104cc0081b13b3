"""The production settings (DEBUG off) behind gunicorn, as `make serve` runs them (issue 12).

One server for the module: a fresh SQLite database in a temporary folder with the demo company,
static files collected, gunicorn with two worker processes on a free port. The pages are read
over HTTP and in Chromium, which reports every Content-Security-Policy violation on the console
(here among the browser tests for their one Playwright session).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:appraise.web.gunicorn_conf"]
DEMO_PASSWORD = "demo"  # appraise.web.demo.loader.DEMO_PASSWORD


def production_env(data_dir: Path) -> dict[str, str]:
    """This process's environment without the test run's development switches, plus a key."""
    drop = {"APPRAISE_DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "APPRAISE_TASKS"}
    drop.add("DJANGO_ALLOW_ASYNC_UNSAFE")  # set by this conftest for Playwright, not for servers
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(APPRAISE_DATA_DIR=str(data_dir), APPRAISE_SECRET_KEY=secrets.token_urlsafe(50))
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "appraise.web", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"{args}: {done.stderr[-3000:]}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn stopped: {log.read_text(errors='replace')[-3000:]}")
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer: {log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("production")
    env = production_env(data)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    port = free_port()
    log = data / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*GUNICORN, "appraise.web.wsgi"],
            env={**env, "APPRAISE_BIND": f"127.0.0.1:{port}", "APPRAISE_WORKERS": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/login/", proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_pages_link_hashed_static_files_that_whitenoise_serves_compressed(server: str) -> None:
    status, _, body = get(f"{server}/login/")
    assert status == 200
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert {Path(link).suffix for link in links} == {".css", ".js"}
    for link in links:
        # app.css -> app.<12 hex digits of the content's hash>.css: cached for ever, safely.
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", link), link
        status, headers, content = get(server + link, {"Accept-Encoding": "gzip"})
        assert status == 200, link
        assert headers.get("Content-Encoding") == "gzip", link
        assert "immutable" in headers["Cache-Control"], link
        assert content[:2] == b"\x1f\x8b"  # gzip's magic number
    assert get(f"{server}/static/appraise/app.js")[0] == 200  # the unhashed name still answers


def test_answers_carry_the_security_headers(server: str) -> None:
    _, headers, _ = get(f"{server}/login/")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "HttpOnly" in cookie


def test_an_unknown_address_is_a_plain_404_without_the_url_list(server: str) -> None:
    for path in ("/no/such/page/", "/api/no/such/"):
        status, _, body = get(server + path)
        assert status == 404
        text = body.decode()
        for leak in ("URLconf", "Traceback", "cycles/<int", "DEBUG = True"):
            assert leak not in text, (path, leak)


@pytest.mark.browser
def test_the_pages_pass_the_content_security_policy_with_their_scripts_working(
    server: str, browser: Any
) -> None:
    problems: list[str] = []
    contexts: list[Any] = []

    def signed_in(username: str) -> Any:
        context = browser.new_context(locale="zh-CN", base_url=server)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login/" not in page.url, username
        return page

    def visit(page: Any, path: str) -> None:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof htmx") == "object", path  # the vendored scripts ran
        assert page.evaluate("typeof echarts") == "object", path

    sup = signed_in("sup1")
    visit(sup, "/team/")
    assert sup.locator("[data-drawn]").count() >= 1  # ECharts drew the team's charts
    # The language menu submits itself (app.js, no inline onchange): the page turns English.
    # Wait for the page the submit leads to: "networkidle" alone can be reached before the
    # navigation starts (seen on a loaded machine: the old zh-hans page was read).
    with sup.expect_navigation():
        sup.select_option("select[name=language]", "en")
    sup.wait_for_load_state("networkidle")
    assert sup.locator("html").get_attribute("lang") == "en"

    agent = signed_in("a0001")
    visit(agent, "/me/")
    assert agent.locator("[data-drawn]").count() >= 1
    options = agent.locator("select[name=cycle] option")
    other = options.nth(options.count() - 1).get_attribute("value")
    agent.select_option("select[name=cycle]", other)  # data-go="/me/" -> /me/<id>/
    agent.wait_for_url(f"**/me/{other}/")

    hr = signed_in("hr")
    for path in ("/cycles/", "/audit/", "/org/", "/points/", "/appeals/"):
        visit(hr, path)
    hr.goto("/schemes/")
    # The editor checks the text on load with an htmx POST (CSRF header from hx-headers).
    with hr.expect_response(lambda r: "/schemes/validate/" in r.url) as checked:
        hr.locator("a.badge[href^='/schemes/']").first.click()
    assert checked.value.status == 200
    hr.wait_for_load_state("networkidle")
    assert hr.locator("#scheme-check").inner_text().strip() != ""

    qa = signed_in("qa1")
    visit(qa, "/qa/")
    for context in contexts:
        context.close()
    assert problems == [], "\n".join(problems)
