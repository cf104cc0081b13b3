"""A consistent copy of the database while the server runs, and its restore into a fresh one.

SQLite: the online backup API (``sqlite3.Connection.backup``), which copies page by page and
restarts when a writer changes a page meanwhile, so the copy is one committed state even in
WAL mode, without stopping the server. PostgreSQL: ``pg_dump --format=custom`` (one snapshot)
and ``pg_restore``. The uploaded input and raw-event files of the cycles live in the database,
so the copy holds them too (docs/deploy.md).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils.translation import gettext as _

from appraise.web.errors import Invalid

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
PG_RESTORE = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]


def _settings(alias: str) -> dict[str, Any]:
    settings: dict[str, Any] = connections[alias].settings_dict
    return settings


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise Invalid(_("backups cover SQLite and PostgreSQL, not %(vendor)s") % {"vendor": vendor})
    return vendor


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # not on the command line, where ps shows it
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise Invalid(
            _("%(tool)s is not installed (Debian: apt-get install postgresql-client)")
            % {"tool": command[0]}
        ) from None
    if done.returncode != 0:
        raise Invalid(
            _("%(command)s: %(stderr)s")
            % {"command": command[0], "stderr": done.stderr.strip()[-2000:]}
        )


def backup_write(*, target: Path, alias: str = "default") -> str:
    """Write a copy of the database to ``target`` (which must not exist); its vendor."""
    if target.exists():
        raise Invalid(_("%(path)s exists already; a backup never overwrites") % {"path": target})
    vendor = _vendor(alias)
    db = _settings(alias)
    target.parent.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        source = sqlite3.connect(str(db["NAME"]), timeout=60)
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            _pg_env(db),
        )
    return vendor


def _is_empty(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        return not connections[alias].introspection.table_names(cursor)


def backup_restore(*, source: Path, alias: str = "default") -> str:
    """Load a backup into the configured database, which must be new and empty."""
    if not source.is_file():
        raise Invalid(_("no backup file %(path)s") % {"path": source})
    vendor = _vendor(alias)
    head = source.read_bytes()[:16]
    expected = SQLITE_MAGIC if vendor == "sqlite" else PGDUMP_MAGIC
    if not head.startswith(expected):
        raise Invalid(
            _("%(path)s is not a %(vendor)s backup of appraise")
            % {"path": source, "vendor": vendor}
        )
    if not _is_empty(alias):
        raise Invalid(_("the database is not empty: restore into a new database"))
    db = _settings(alias)
    connections[alias].close()
    if vendor == "sqlite":
        copy = sqlite3.connect(str(source))
        target = sqlite3.connect(str(db["NAME"]), timeout=60)
        try:
            with target:
                copy.backup(target)
        finally:
            target.close()
            copy.close()
    else:
        _run(
            [*PG_RESTORE, f"--dbname={db['NAME']}", str(source)],
            _pg_env(db),
        )
    return vendor
