"""Benchmark: the pages under load, through `make serve` (gunicorn, DEBUG off) on loopback.

What is measured (issue 16): the agent's scorecard (``/me/`` as each demo agent), the team
dashboard (``/team/`` as the manager over every team and as each supervisor) and the results API
(``/api/results/team/`` as the manager, ``/api/cycles/N/results/`` as HR), each on its own with
50 and 200 closed-loop users (a user sends its next request when the last one answered, no pause),
then an open load of ``--rate`` requests a second mixing the three (a 1,000-agent center at
month-end), where each request's time counts from when it was due, so a slow server cannot hide
its queue (no coordinated omission).

The script does everything itself and stops by itself: it migrates and loads the demo into the
database (``DATABASE_URL``; a throwaway SQLite folder without one), signs the demo users in by
writing their sessions (password hashing is not what is measured), starts ``make serve`` on
127.0.0.1:``--port`` with the production settings and a fresh secret key, waits for /healthz,
runs each phase for ``--seconds``, and stops the server's process group at the end, whatever
happened. Every request goes to 127.0.0.1 only.

Client: httpx's asyncio client in this one process rather than locust: no gevent, no web UI, a
closed loop and an open load in ~300 lines, and a single client process that takes one share of
the 2 cores instead of several (its CPU time is printed, so that the reader can see what the load
generator itself cost on the shared machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
      python bench/load.py [--port 8103] [--seconds 15] [--users 50,200] [--rate 20]
                           [--workers N] [--threads N] [--only scorecard,dashboard,api]

Targets on 2 cores: scorecard and dashboard >= 150 req/s with p95 < 1 s at 50 users; at the open
load p95 < 200 ms and 0 errors. Printed here, never asserted in a test. The last line is
``load scorecard_rps=.. dashboard_rps=.. open_p95_ms=.. errors=..``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


@dataclass(frozen=True)
class Target:
    """One URL as one signed-in person."""

    url: str
    session: str


@dataclass
class Tally:
    """Times (seconds) and failures of one phase."""

    times: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    began: float = 0.0
    ended: float = 0.0

    def fail(self, why: str) -> None:
        self.errors[why] = self.errors.get(why, 0) + 1

    def line(self, name: str) -> str:
        n = len(self.times)
        took = max(self.ended - self.began, 1e-9)
        errors = sum(self.errors.values())
        if n == 0:
            return f"{name:<34} no answer; errors {errors} {self.errors}"
        ordered = sorted(self.times)

        def pct(p: float) -> float:
            return 1000 * ordered[min(n - 1, int(p * n))]

        detail = f" {self.errors}" if self.errors else ""
        return (
            f"{name:<34} {n / took:7.1f} req/s  p50 {pct(0.50):6.0f}  p95 {pct(0.95):6.0f}  "
            f"p99 {pct(0.99):6.0f} ms  n={n} errors={errors}{detail}"
        )

    def rps(self) -> float:
        return len(self.times) / max(self.ended - self.began, 1e-9)

    def p95_ms(self) -> float:
        ordered = sorted(self.times)
        return 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0


def _env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APPRAISE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="appraise.web.settings",  # production: DEBUG off
        APPRAISE_DATA_DIR=str(data_dir),
        APPRAISE_SECRET_KEY=secrets.token_urlsafe(50),
        APPRAISE_ALLOWED_HOSTS="127.0.0.1,testserver",
        APPRAISE_BIND=f"127.0.0.1:{args.port}",
        APPRAISE_START_WORKER="0",  # nothing is imported or computed while measuring
        APPRAISE_LOG_LEVEL="ERROR",
    )
    if args.workers:
        env["APPRAISE_WORKERS"] = str(args.workers)
    if args.threads:
        env["APPRAISE_THREADS"] = str(args.threads)
    return env


def _prepare(env: dict[str, str]) -> None:
    """Migrate and load the demo (idempotent) in a child process with the server's settings."""
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        done = subprocess.run(
            [PYTHON, "-m", "appraise.web", *command],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def _targets(env: dict[str, str]) -> dict[str, list[Target]]:
    """Sessions for the demo's people, written the way a sign-in writes them."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from appraise.web.cycles.models import Cycle
    from appraise.web.evaluations.models import Result

    def session(user: User) -> str:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client.cookies["sessionid"].value

    cycle = Cycle.objects.filter(results__published_at__isnull=False).order_by("-period").first()
    if cycle is None:
        raise SystemExit("the demo has no published cycle")
    agents = list(
        User.objects.filter(agent__results__cycle=cycle, agent__results__is_current=True).distinct()
    )
    leaders = list(User.objects.filter(supervised_teams__isnull=False).distinct())
    manager = User.objects.get(username="manager")
    hr = User.objects.get(username="hr")
    m, h = session(manager), session(hr)
    scorecards = [Target(f"/me/{cycle.pk}/", session(u)) for u in agents]
    dashboards = [Target(f"/team/?cycle={cycle.pk}", m)] + [
        Target(f"/team/?cycle={cycle.pk}", session(u)) for u in leaders
    ]
    api = [
        Target(f"/api/results/team/?cycle={cycle.pk}", m),
        Target(f"/api/cycles/{cycle.pk}/results/", h),
    ]
    n = Result.objects.filter(cycle=cycle, is_current=True).count()
    print(
        f"cycle {cycle.period} {cycle.name} ({n} results): {len(scorecards)} agents, "
        f"{len(dashboards)} dashboard views, {len(api)} API views"
    )
    return {"scorecard": scorecards, "dashboard": dashboards, "api": api}


@contextmanager
def _server(env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """`make serve` in its own process group; stopped (TERM, then KILL) on the way out."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"make serve stopped ({proc.returncode}); see {log}")
            try:
                # Any answer: /healthz is 503 here, as no task worker runs beside the server.
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"make serve did not answer in 180 s; see {log}")
            time.sleep(0.5)
        yield proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


# One cookie jar per person for the whole run, as a browser keeps its cookies: the CSRF cookie
# the first page sets is sent with every later request (a page is kept only for a request that
# brings one, appraise.web.pagecache), across the phases too.
_JARS: dict[str, httpx.Cookies] = {}


def _client(base: str, target: Target, limit: int) -> httpx.AsyncClient:
    jar = _JARS.setdefault(target.session, httpx.Cookies({"sessionid": target.session}))
    return httpx.AsyncClient(
        base_url=base,
        cookies=jar,
        timeout=httpx.Timeout(30.0),
        # An idle connection is let go before gunicorn's keep-alive (2 s) closes it: reusing one
        # the server is closing at that moment fails the request (a ReadError), which browsers
        # and nginx avoid by retrying; the server did nothing wrong.
        limits=httpx.Limits(
            max_connections=limit, max_keepalive_connections=limit, keepalive_expiry=1.0
        ),
        follow_redirects=False,
    )


async def _one(client: httpx.AsyncClient, target: Target, tally: Tally, due: float) -> None:
    try:
        response = await client.get(target.url)
        await response.aread()
    except httpx.HTTPError as exc:
        tally.fail(type(exc).__name__)
        return
    if response.status_code != 200:
        tally.fail(str(response.status_code))
        return
    tally.times.append(time.perf_counter() - due)


async def closed(base: str, targets: list[Target], users: int, seconds: float) -> Tally:
    """``users`` loops, each sending its next request as soon as the last one answered."""
    tally = Tally()
    sessions = sorted({t.session for t in targets})
    clients = {s: _client(base, Target("", s), users) for s in sessions}
    try:
        # Warm-up: each worker process reads the scheme and loads the templates once.
        await asyncio.gather(*(_one(clients[t.session], t, Tally(), 0) for t in targets[:8] * 4))
        stop = time.perf_counter() + seconds

        async def user(i: int) -> None:
            target = targets[i % len(targets)]
            while time.perf_counter() < stop:
                await _one(clients[target.session], target, tally, time.perf_counter())

        tally.began = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(users)))
        tally.ended = time.perf_counter()
    finally:
        for session, c in clients.items():
            _JARS[session] = c.cookies  # what the server set, for the next phase
            await c.aclose()
    return tally


async def open_load(base: str, targets: list[Target], rate: float, seconds: float) -> Tally:
    """Requests due every 1/rate s whatever the answers; each timed from when it was due."""
    tally = Tally()
    sessions = sorted({t.session for t in targets})
    clients = {s: _client(base, Target("", s), 100) for s in sessions}
    pending: set[asyncio.Task[None]] = set()
    try:
        # Warm-up as in the closed phases: a worker that gunicorn replaced (max_requests) reads
        # the scheme and loads the templates once before the due times start.
        await asyncio.gather(*(_one(clients[t.session], t, Tally(), 0) for t in targets[:8] * 4))
        tally.began = start = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            target = targets[i % len(targets)]
            task = asyncio.create_task(_one(clients[target.session], target, tally, due))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending)
        tally.ended = max(time.perf_counter(), start + seconds)
    finally:
        for session, c in clients.items():
            _JARS[session] = c.cookies  # what the server set, for the next phase
            await c.aclose()
    return tally


def _tree(root: int) -> list[int]:
    """``root`` and every process below it (make, gunicorn's arbiter and its workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def server_cpu(root: int) -> float:
    """CPU seconds used so far by the server's processes (user + system), the replaced workers
    included."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, and cutime, cstime: the CPU of children it reaped, so that a worker
        # gunicorn replaced (max_requests) still counts once it has gone (the arbiter reaps it).
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / tick


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _cost(tally: Tally, cpu: float) -> str:
    """The server's CPU time per answered request (warm-up included, so a little high), and the
    rate the machine's cores could serve at that cost if nothing else ran on them: on a shared
    machine that is steadier than the rate seen, which depends on what the others do."""
    n = len(tally.times) + sum(tally.errors.values())
    if n == 0:
        return f"[load {_loadavg()}]"
    ms = 1000 * cpu / n
    cores = os.cpu_count() or 1
    capacity = 1000 * cores / ms if ms > 0 else float("inf")
    return f"[server CPU {ms:.0f} ms/req, {cores} cores ~ {capacity:.0f} req/s; load {_loadavg()}]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--port", type=int, default=8103)
    ap.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    ap.add_argument("--users", default="50,200", help="closed-loop user counts")
    ap.add_argument("--rate", type=float, default=20.0, help="open load, requests a second")
    ap.add_argument("--workers", type=int, default=0, help="gunicorn processes (its default)")
    ap.add_argument("--threads", type=int, default=0, help="threads per process (its default)")
    ap.add_argument("--only", default="scorecard,dashboard,api")
    args = ap.parse_args(argv)
    if not 1 <= args.seconds <= 120 or not 0 < args.rate <= 500:
        ap.error("--seconds must be 1 to 120 and --rate 0 to 500")
    users = [int(u) for u in args.users.split(",") if u.strip()]
    if any(not 1 <= u <= 500 for u in users):
        ap.error("--users: 1 to 500 each")
    with tempfile.TemporaryDirectory(prefix="appraise-bench-load-") as tmp:
        env = _env(args, Path(tmp))
        where = env.get("DATABASE_URL", "").split("@")[-1] or f"SQLite in {tmp}"
        print(f"database: {where}; load average before: {_loadavg()} ({os.cpu_count()} cores)")
        began = time.perf_counter()
        _prepare(env)
        targets = _targets(env)
        print(f"demo ready in {time.perf_counter() - began:.1f} s")
        base = f"http://127.0.0.1:{args.port}"
        log = Path(tmp) / "serve.log"
        results: dict[str, Tally] = {}
        with _server(env, args.port, log) as root:
            gunicorn = "gunicorn " + " ".join(
                f"{k}={env.get(f'APPRAISE_{k.upper()}', 'default')}" for k in ("workers", "threads")
            )
            print(f"serving on {base} ({gunicorn}); {args.seconds:.0f} s a phase")
            for name in [n for n in args.only.split(",") if n in targets]:
                for u in users:
                    used = server_cpu(root)
                    t = asyncio.run(closed(base, targets[name], u, args.seconds))
                    results[f"{name}@{u}"] = t
                    print(t.line(f"{name}, {u} users"), _cost(t, server_cpu(root) - used))
            mix = [t for name in args.only.split(",") for t in targets.get(name, [])]
            used = server_cpu(root)
            t = asyncio.run(open_load(base, mix, args.rate, args.seconds))
            results["open"] = t
            print(
                t.line(f"open load {args.rate:g} req/s, mixed"), _cost(t, server_cpu(root) - used)
            )
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        print(f"client CPU {cpu.ru_utime + cpu.ru_stime:.1f} s; load average after {_loadavg()}")
    errors = sum(sum(t.errors.values()) for t in results.values())

    def rps(key: str) -> str:
        return f"{results[key].rps():.0f}" if key in results else "-"

    first = users[0] if users else 0
    print(
        f"load scorecard_rps={rps(f'scorecard@{first}')} dashboard_rps={rps(f'dashboard@{first}')} "
        f"open_p95_ms={results['open'].p95_ms():.0f} errors={errors}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
