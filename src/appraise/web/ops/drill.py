"""The restore drill of docs/deploy.md, end to end: serve, check health, back up while serving,
restore into a fresh database, serve the restored copy, and compare.

    python -m appraise.web.ops.drill          # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/appraise python -m appraise.web.ops.drill

On PostgreSQL it creates two databases beside the one DATABASE_URL names (``<name>_drill`` and
``<name>_drill_restored``) and drops them at the end. The data is the demo company (three
cycles, points, QA). "Identical" means: the same answers from the API for every cycle's results
and the same rows in every table (``dumpdata``, without the worker's heartbeat). Exit status 0
when the drill passed; tests/web/test_deploy_drill.py runs it in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PYTHON = sys.executable
GUNICORN = [PYTHON, "-m", "gunicorn", "-c", "python:appraise.web.gunicorn_conf"]
# Rows that change by themselves while a server runs: not part of "the same data".
VOLATILE = ["ops.heartbeat", "sessions", "axes", "contenttypes", "auth.permission"]


class DrillFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"drill: {message}", flush=True)


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "appraise.web", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise DrillFailed(f"appraise.web {' '.join(args)}: {done.stderr.strip()[-3000:]}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str, token: str | None = None) -> tuple[int, Any]:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        body = err.read()
        try:
            return err.code, json.loads(body)
        except ValueError:
            return err.code, body.decode(errors="replace")[:500]


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn as `make serve` starts it, with the task worker beside it; the base URL."""
    port = free_port()
    env = {**env, "APPRAISE_BIND": f"127.0.0.1:{port}", "APPRAISE_WORKERS": "2"}
    env["APPRAISE_START_WORKER"] = "1"  # as `make serve`: gunicorn starts the task worker
    with log.open("ab") as out:
        web = subprocess.Popen(
            [*GUNICORN, "appraise.web.wsgi"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if web.poll() is not None:
                raise DrillFailed(f"the server stopped: {log.read_text(errors='replace')[-3000:]}")
            try:
                status, body = get(f"{url}/healthz")
                if status == 200:
                    break
            except OSError:
                status, body = 0, "no answer"
            if time.monotonic() > deadline:
                raise DrillFailed(f"/healthz never passed: {status} {body}")
            time.sleep(0.3)
        yield url
    finally:
        web.terminate()  # gunicorn stops the task worker too (gunicorn_conf.on_exit)
        try:
            web.wait(timeout=60)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait()


def health(url: str) -> dict[str, Any]:
    status, body = get(f"{url}/healthz")
    if status != 200 or body.get("status") != "ok":
        raise DrillFailed(f"/healthz: {status} {body}")
    for name in ("database", "events", "worker"):
        if not body["checks"][name]["ok"]:
            raise DrillFailed(f"/healthz: {name} failing: {body}")
    checks: dict[str, Any] = body["checks"]
    return checks


def results(url: str, token: str) -> dict[str, Any]:
    """Every cycle with its results, as the API gives them to HR."""
    status, cycles = get(f"{url}/api/cycles/", token)
    if status != 200:
        raise DrillFailed(f"/api/cycles/: {status} {cycles}")
    rows = cycles["results"] if isinstance(cycles, dict) and "results" in cycles else cycles
    out: dict[str, Any] = {}
    for cycle in rows:
        status, body = get(f"{url}/api/cycles/{cycle['id']}/results/", token)
        if status != 200:
            raise DrillFailed(f"/api/cycles/{cycle['id']}/results/: {status} {body}")
        out[str(cycle["id"])] = {"cycle": cycle, "results": body}
    return out


def table_rows(env: dict[str, str]) -> Any:
    args = ["dumpdata", "--format", "json"] + [f"--exclude={x}" for x in VOLATILE]
    return json.loads(manage(env, *args))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def databases(work: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """The environments of the original and of the restored server."""
    # A test run's own switches (development settings, async-unsafe calls) stay out.
    drop = {"APPRAISE_DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "APPRAISE_TASKS"}
    drop.add("DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in drop}
    base.update(APPRAISE_SECRET_KEY=secrets.token_urlsafe(50), APPRAISE_TASKS="worker")
    original = {**base, "APPRAISE_DATA_DIR": str(work / "original")}
    restored = {**base, "APPRAISE_DATA_DIR": str(work / "restored")}
    server = os.environ.get("DATABASE_URL", "")
    if not server:
        yield original, restored
        return
    name = urlsplit(server).path.lstrip("/") or "appraise"
    admin = _with_database(server, "postgres")
    names = [f"{name}_drill", f"{name}_drill_restored"]
    for db in names:
        _psql(admin, f'DROP DATABASE IF EXISTS "{db}"')
        _psql(admin, f'CREATE DATABASE "{db}"')
    original["DATABASE_URL"] = _with_database(server, names[0])
    restored["DATABASE_URL"] = _with_database(server, names[1])
    try:
        yield original, restored
    finally:
        for db in names:
            _psql(admin, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def drill(work: Path) -> None:
    log = work / "server.log"
    with databases(work) as (original, restored):
        engine = "PostgreSQL" if "DATABASE_URL" in original else "SQLite"
        say(f"{engine}; the demo company into a new database")
        manage(original, "migrate", "--noinput", "-v", "0")
        manage(original, "load_demo")
        manage(original, "collectstatic", "--noinput", "-v", "0")
        token = manage(original, "drf_create_token", "hr").split()[2]
        backup = (
            work / "backup" / ("appraise.pgdump" if engine == "PostgreSQL" else "appraise.sqlite3")
        )
        with serving(original, log) as url:
            say(f"serving at {url}: /healthz {health(url)}")
            before = results(url, token)
            say(manage(original, "backup", str(backup)).strip() + " (while serving)")
        rows_before = table_rows(original)

        say("restore into a fresh database")
        Path(restored["APPRAISE_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
        say(manage(restored, "restore", str(backup)).strip())
        manage(restored, "migrate", "--noinput", "-v", "0")
        manage(restored, "collectstatic", "--noinput", "-v", "0")
        with serving(restored, log) as url:
            say(f"serving the restored copy at {url}: /healthz ok")
            health(url)
            after = results(url, token)
        rows_after = table_rows(restored)

    if before != after:
        raise DrillFailed("the results differ after the restore")
    if rows_before != rows_after:
        raise DrillFailed("the tables differ after the restore")
    counted = sum(len(c["results"]) for c in after.values())
    say(
        f"passed: {len(after)} cycles and {counted} result rows answered identically, "
        f"{len(rows_after)} table rows identical"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            drill(args.keep)
        else:
            with tempfile.TemporaryDirectory(prefix="appraise-drill-") as tmp:
                drill(Path(tmp))
    except DrillFailed as exc:
        print(f"drill FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
