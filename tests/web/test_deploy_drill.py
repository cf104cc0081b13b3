"""docs/deploy.md followed end to end by appraise.web.ops.drill: serve, health, backup while serving,
restore into a fresh database, the same results (issue 12, "Done means").

On SQLite always; on PostgreSQL too when the run has a DATABASE_URL (CI), in databases of its
own beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def _drill(database_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "appraise.web.ops.drill"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_the_restore_drill_passes_on_sqlite() -> None:
    done = _drill(None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "drill: passed: 3 cycles" in done.stdout


def test_the_restore_drill_passes_on_postgresql() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("no DATABASE_URL of a PostgreSQL server")
    done = _drill(url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "drill: PostgreSQL" in done.stdout
    assert "drill: passed: 3 cycles" in done.stdout
