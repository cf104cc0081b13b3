"""`manage.py check --deploy` under the production settings (issue 16, "Done means")."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path


def _check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # The browser tests allow async-unsafe calls in this process; a server never does.
    drop = {"APPRAISE_DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(APPRAISE_DATA_DIR=str(tmp_path), APPRAISE_SECRET_KEY=secrets.token_urlsafe(50))
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "appraise.web", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_production_settings_behind_https_pass_every_deploy_security_check(
    tmp_path: Path,
) -> None:
    done = _check_deploy(tmp_path, APPRAISE_HTTPS="1")
    assert done.returncode == 0, done.stderr
    found = re.findall(r"\((\w+\.[EW]\d+)\)", done.stdout + done.stderr)
    assert [code for code in found if code.startswith(("security.", "axes."))] == []


def test_plain_http_is_warned_about_as_it_should_be(tmp_path: Path) -> None:
    done = _check_deploy(tmp_path)
    found = set(re.findall(r"\((\w+\.[EW]\d+)\)", done.stdout + done.stderr))
    # No HSTS, no redirect, cookies that also travel over plain HTTP: Django says so.
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= found
    assert "security.W018" not in found  # DEBUG is off
    assert "security.W009" not in found  # the key is strong
