"""Screenshots of the main pages for docs/web.md, taken from a throwaway demo.

    .venv/bin/python docs/screenshots/take.py [--agents-per-team 8] [--months 6]

A temporary folder gets a fresh SQLite database: migrated, the demo company loaded
(``load_demo``), then served by ``runserver`` on a free port in a subprocess. Headless Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright) signs in through the login page as the demo
people and does what they would: two agents appeal, HR types a mistake into the scheme editor and
imports October once more, from a month of generated raw events, into a new cycle (a long
import, so that its progress bar is caught on its way). Each page is saved as a PNG 1280 pixels
wide next to this script. Nothing outside the temporary folder and ``docs/screenshots/*.png`` is
touched; the server is stopped and the folder removed at the end.

Chinese text needs a CJK font in the system (Debian: ``apt-get install fonts-noto-cjk``);
without one every character would be a box, so the script stops before it starts.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path(os.environ.get("APPRAISE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=zh-CN"]
PASSWORD = "demo"  # appraise.web.demo.loader.DEMO_PASSWORD
WIDTH = 1280
MAX_HEIGHT = 1500  # a taller page is cut here: the docs show its top
SCHEME_ID = "s002-department"  # the demo cycles' scheme


def log(text: str) -> None:
    print(text, flush=True)


def have_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "APPRAISE_DATA_DIR": str(data_dir),
            "DATABASE_URL": "",  # SQLite in the temporary folder, whatever the shell says
            "APPRAISE_DEBUG": "1",  # runserver serves the static files itself
            "APPRAISE_TASKS": "sync",  # the import runs in the request: no worker to start here
            "DJANGO_SETTINGS_MODULE": "appraise.web.settings",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "appraise.web", *args], env=env, cwd=ROOT, check=True)


@contextmanager
def serving(env: dict[str, str], log_file: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_file.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "appraise.web", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/login/", timeout=2).read()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"the server did not start; see {log_file}") from None
                    time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


class Shooter:
    """Signed-in browser pages and the PNGs they are saved as."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.saved: list[Path] = []

    def sign_in(self, username: str) -> Any:
        context = self.browser.new_context(
            viewport={"width": WIDTH, "height": 900},
            locale="zh-CN",
            base_url=self.base_url,
            device_scale_factor=1,
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/login/" in page.url:
            raise SystemExit(f"{username} could not sign in")
        return page

    def save(self, page: Any, name: str, settle: bool = True) -> None:
        if settle:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)  # the charts are drawn once the scripts ran
        height = min(MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
        path = HERE / f"{name}.png"
        page.screenshot(
            path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": height}
        )
        self.saved.append(path)
        log(f"  {path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB  {WIDTH}x{height}")


def demo_cycle_id(db: Path, period: str) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT id FROM cycles_cycle WHERE period = ? ORDER BY id LIMIT 1", (period,)
        ).fetchone()
    if row is None:
        raise SystemExit(f"the demo has no cycle of {period}")
    return int(row[0])


def cycle_files(db: Path, cycle_id: int) -> list[dict[str, Any]]:
    """The files a demo cycle imported, as Playwright uploads them."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT name, content FROM cycles_cyclefile WHERE cycle_id = ? ORDER BY name",
            (cycle_id,),
        ).fetchall()
    return [{"name": n, "mimeType": "text/csv", "buffer": bytes(c)} for n, c in rows]


def team_agents(db: Path, supervisor: str, n: int) -> list[str]:
    """The user names of the first ``n`` agents of the team ``supervisor`` leads."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT u.username FROM org_agent a"
            " JOIN auth_user u ON u.id = a.user_id"
            " JOIN org_team_supervisors s ON s.team_id = a.team_id"
            " JOIN auth_user su ON su.id = s.user_id"
            " WHERE su.username = ? ORDER BY a.agent_id LIMIT ?",
            (supervisor, n),
        ).fetchall()
    return [r[0] for r in rows]


def shoot(shooter: Shooter, db: Path) -> None:
    october = demo_cycle_id(db, "2026-10")

    # Two agents of team 1 appeal October (the cycle is in its appeal window).
    first, second = team_agents(db, "sup1", 2)
    reasons = {
        first: "10月25日的两个差评是物流延误造成的，已有工单记录，申请从满意度中剔除。",
        second: "本月考勤有一天是调休，系统记成了缺勤，请核对考勤表。",
    }
    for username, text in reasons.items():
        agent = shooter.sign_in(username)
        agent.fill("#appeal-reasons", text)
        agent.click("#appeals form button[type=submit]")
        agent.wait_for_selector(".messages .success")
        agent.context.close()

    log("pages:")
    agent = shooter.sign_in(first)
    agent.goto("/me/")
    shooter.save(agent, "scorecard")
    agent.context.close()

    sup = shooter.sign_in("sup1")
    sup.goto(f"/team/?cycle={october}")
    shooter.save(sup, "team-dashboard")
    sup.goto("/appeals/")
    shooter.save(sup, "appeals")
    sup.context.close()

    hr = shooter.sign_in("hr")
    hr.goto(f"/cycles/{october}/")
    shooter.save(hr, "cycle-overview")

    # The scheme editor: HR mistypes a weight; the engine's message appears under the text.
    hr.goto("/schemes/")
    hr.click(f"tr:has(td:text-is('{SCHEME_ID}')) a.badge >> nth=0")
    hr.wait_for_selector("[data-test=scheme-ok]")
    text = hr.input_value("#scheme-text")
    broken = text.replace("weight: 30%", "weight: 3O%", 1)  # a letter O for a zero
    hr.fill("#scheme-text", broken)
    hr.wait_for_selector("[data-test=scheme-errors]")
    hr.click("#scheme-check a[data-line]")  # selects the line in the text and scrolls to it
    shooter.save(hr, "scheme-editor")

    hr.goto("/audit/")
    shooter.save(hr, "audit-log")

    # October once more, from the raw events of the month: the long import the bar is for.
    hr.goto("/cycles/")
    hr.fill("#id_name", "2026年10月 客服部绩效考核（原始记录）")
    option = hr.locator("#id_scheme_version option", has_text=SCHEME_ID).first
    hr.select_option("#id_scheme_version", value=option.get_attribute("value"))
    hr.fill("#id_period", "2026-10")
    for box in hr.query_selector_all("input[name=teams]"):
        box.check()
    hr.click("main form button[type=submit]")
    hr.wait_for_url("**/cycles/*/")
    # First the center's own tables (agents, ratings, the targets and salaries no log holds)...
    hr.set_input_files("#import-files", files=own_tables(db, october))
    hr.uncheck("#import-form input[name=compute]")
    hr.click("#import-form button[type=submit]")
    hr.wait_for_selector("#task-area [data-status=done]")
    # ...then the chat, call, order and survey logs, computed into KPIs and scored.
    hr.reload()
    hr.set_input_files("#import-files", files=raw_events(db.parent / "events"))
    hr.check("#import-form input[name=events]")
    hr.click("#import-form button[type=submit]")
    began = time.monotonic()
    hr.wait_for_selector("#task-area .task")
    deadline = began + 300
    while time.monotonic() < deadline:
        status = hr.get_attribute("#task-area .task", "data-status")
        progress = int(hr.get_attribute("#task-area [role=progressbar]", "aria-valuenow") or 0)
        # Caught on its way (the page polls the task every 600 ms) once it is well started.
        running = status == "running" and time.monotonic() - began > 2
        if status in ("done", "failed") or running or 20 <= progress < 100:
            break
        hr.wait_for_timeout(50)
    shooter.save(hr, "import-progress", settle=False)  # now, before the next poll
    hr.wait_for_selector("#task-area [data-status=done]", timeout=300_000)
    log(f"  (the raw-event import took {time.monotonic() - began:.1f} s)")
    hr.context.close()


def own_tables(db: Path, cycle_id: int) -> list[dict[str, Any]]:
    """The demo cycle's agents and ratings, and the metric columns no event log holds."""
    files = {f["name"]: f for f in cycle_files(db, cycle_id)}
    kept = ["agent_id", "name", "period", "average_order_value_target", "base_salary"]
    rows = list(csv.DictReader(io.StringIO(files["metric_values.csv"]["buffer"].decode("utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=kept, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    own = {"name": "metric_values.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}
    return [files["agents.csv"], files["ratings.csv"], own]


def raw_events(folder: Path) -> list[dict[str, Any]]:
    """A month of generated raw events for the demo's agents (ids A0001...), as Parquet."""
    from appraise.metrics.generate import AGENTS_FILE, generate_center

    agents = sum(1 for _ in demo_agents_ids(folder.parent / "appraise.sqlite3"))
    generate_center(folder, agents=agents, days=31, seed=2026, start=date(2026, 10, 1), teams=3)
    return [
        {"name": f.name, "mimeType": "application/octet-stream", "buffer": f.read_bytes()}
        for f in sorted(folder.iterdir())
        if f.is_file() and f.name != AGENTS_FILE and not f.name.startswith(".")
    ]


def demo_agents_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT agent_id FROM org_agent ORDER BY agent_id")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents-per-team", type=int, default=8)
    parser.add_argument("--months", type=int, default=6)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}: `make chromium` (Debian's chromium)")
    if not have_cjk_font():
        raise SystemExit("no Chinese font: apt-get install fonts-noto-cjk (Debian)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="appraise-shots-") as tmp:
        data = Path(tmp)
        env = server_env(data)
        log(f"demo database in {data}")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(
            env,
            "load_demo",
            "--agents-per-team",
            str(args.agents_per_team),
            "--months",
            str(args.months),
        )
        db = data / "appraise.sqlite3"
        with serving(env, data / "server.log") as url, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                # Chromium's own words (a file input's button) follow LANGUAGE on Linux.
                env={**os.environ, "LANGUAGE": "zh_CN:zh"},
            )
            try:
                shoot(Shooter(browser, url), db)
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
