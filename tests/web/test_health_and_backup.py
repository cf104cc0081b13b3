"""/healthz and the backup and restore commands (docs/deploy.md)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from appraise.web.ops.backup import backup_write
from appraise.web.ops.models import Heartbeat


@pytest.mark.django_db
def test_health_is_ok_when_the_database_and_duckdb_answer() -> None:
    answer = Client().get("/healthz")  # anonymous: a load balancer has no account
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["checks"]["events"] == {"ok": True}
    assert body["checks"]["worker"] == {"ok": True, "mode": "sync"}  # the tests' task mode
    assert answer["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_with_a_separate_worker_health_fails_until_it_reports_and_after_it_goes_quiet(
    settings: Any,
) -> None:
    settings.APPRAISE_TASKS = "worker"
    settings.APPRAISE_WORKER_STALE_SECONDS = 60
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["worker"]["reason"] == "no worker has reported"

    Heartbeat.objects.create(worker="host:1", seen_at=timezone.now() - timedelta(seconds=5))
    answer = Client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["checks"]["worker"]["seconds_ago"] in (5, 6)

    Heartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=90))
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "failing"
    assert answer.json()["checks"]["worker"]["reason"].startswith("no worker for 9")


@pytest.mark.django_db
def test_health_is_failing_when_duckdb_cannot_work_in_the_temporary_folder(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["events"]["ok"] is False


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when it stops
def test_the_run_tasks_worker_reports_when_it_runs() -> None:
    call_command("run_tasks", "--batch", "--no-startup-delay", verbosity=0)
    beat = Heartbeat.objects.get()
    assert timezone.now() - beat.seen_at < timedelta(seconds=10)
    first = beat.seen_at
    call_command("run_tasks", "--batch", "--no-startup-delay", verbosity=0)
    assert Heartbeat.objects.count() == 1  # one row per worker process
    assert Heartbeat.objects.get().seen_at >= first


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite3"
    target.write_bytes(b"precious")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(target))
    assert target.read_bytes() == b"precious"


@pytest.mark.django_db
def test_a_restore_goes_only_into_an_empty_database(tmp_path: Path) -> None:
    fake = tmp_path / "backup.sqlite3"
    fake.write_bytes(b"not a database at all")
    with pytest.raises(CommandError, match=r"不是 appraise 的 (sqlite|postgresql) 备份"):
        call_command("restore", str(fake))
    if connection.vendor != "sqlite":
        return
    real = tmp_path / "real.sqlite3"
    sqlite3.connect(real).close()
    copy = sqlite3.connect(real)
    copy.execute("CREATE TABLE t (x)")
    copy.commit()
    copy.close()
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("restore", str(real))  # the test database has every table


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_backup_is_a_database_with_the_same_rows(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip(
            "the PostgreSQL path runs in appraise.web.ops.drill (tests/web/test_deploy_drill.py)"
        )
    Heartbeat.objects.create(worker="w:1", seen_at=timezone.now())
    target = tmp_path / "copy.sqlite3"
    assert backup_write(target=target) == "sqlite"
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT worker FROM ops_heartbeat").fetchall() == [("w:1",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()


@pytest.mark.django_db
def test_a_probe_over_plain_http_is_not_redirected_to_https(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True  # as with APPRAISE_HTTPS=1
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/login/").status_code == 301
