"""Headless Chromium (Debian's package) driven by Playwright, against pytest-django's live server.

The browser is never downloaded by Playwright: the tests use /usr/bin/chromium (`make chromium`
installs it) and are skipped with a clear reason when it is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("APPRAISE_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pw-for-the-browser"

# Playwright's sync API runs an event loop in this thread; the test itself still talks to the
# database synchronously (fixtures, assertions), which Django allows only when told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: run `make chromium` (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _role_groups(role_groups: None) -> None:
    """Every browser test runs on a live server, so transactionally (tests/web/conftest.py)."""


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    # The people sign in through the login form; a fast hasher keeps that quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


SignIn = Callable[..., Any]


@pytest.fixture
def sign_in(browser: Any, live_server: Any, fast_passwords: None) -> Iterator[SignIn]:
    """A new browser context signed in as ``user`` through the login page."""
    contexts: list[Any] = []

    def _sign_in(user: Any, *, width: int = 1280, height: int = 900) -> Any:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login/" not in page.url, f"{user.username} could not sign in"
        return page

    yield _sign_in
    for c in contexts:
        c.close()
