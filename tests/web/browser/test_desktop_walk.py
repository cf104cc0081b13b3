"""The pages on an office laptop (1366 x 768), in Chinese, walked by each role of the demo.

Every page visited is checked for what a person at a laptop would trip over and a machine can
see: nothing wider than the window outside a horizontally scrollable box, no text of the pages'
own English left untranslated (a visible text that is exactly an English string the web catalogs
translate, a role id such as ``supervisor`` among them), and every chart drawn in a box of its
own size. Then what the desktop walk of December 2026 fixed is held in place: the team
dashboard's figures in the first screen with the follow-ups below them (five, with their
count), totals with two decimals in their column, the cycle page's warnings folded after five,
a warning's metric named (质检平均分（qa_average）), the rating form's column named by the scheme
(考核人, not ``supervisor``), a checkbox beside its words, checkbox groups on one line, the
logins' rows on one line each, the points run's agents named, the pay table's sum called 合计.

Screenshots go to $APPRAISE_SHOTS when it is set.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.demo import loader
from appraise.web.demo.data import DemoData, make_demo_data
from appraise.web.followups.models import FollowUp, ItemState
from appraise.web.pages import i18n
from appraise.web.points.models import PointsRun
from appraise.web.qa.models import Assignment, AssignmentState

from ..conftest import Advance, People
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTH, HEIGHT = 1366, 768


@functools.cache
def _english() -> frozenset[str]:
    """The English strings the web catalogs translate into something else, as a person would
    see them on a page (no placeholder, at least one word of letters)."""
    out = set()
    for po in i18n.catalogs(language="zh_Hans"):
        for e in i18n.parse_po(po.read_text(encoding="utf-8")):
            text = e.msgid.strip()
            if not e.translated or "%(" in text or "{" in text:
                continue
            if re.search(r"[A-Za-z]{3,}", text) and e.msgstr[0].strip() != text:
                out.add(text)
    return frozenset(out)


# Every visible text of the page (not in a select's list, a text box, a code block or what the
# page marks translate="no": a file's own column names), and
# what sticks out of the window without a scrollable box around it.
_LOOK = r"""
() => {
  const vw = window.innerWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if ((r.width || r.height) && r.right > vw + 1 && !scrolls(el)) {
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right));
    }
  }
  const texts = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode());) {
    const t = n.textContent.trim();
    const p = n.parentElement;
    if (!t || !p || p.closest('script, style, textarea, pre, code, option, select, [translate=no]')) continue;
    if (p.getClientRects().length) texts.push(t);
  }
  const charts = [...document.querySelectorAll('[data-chart]')].map((el) => {
    const r = el.getBoundingClientRect();
    const canvas = el.querySelector('canvas');
    return {id: el.dataset.chart, w: r.width, h: r.height, drawn: !!canvas && canvas.width > 0};
  });
  return {scrollWidth: document.documentElement.scrollWidth, wide, texts, charts};
}
"""


# Four English words in a row: a sentence a Chinese reader was not meant to get (a seed's note).
_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;'-]+[A-Za-z]{2,}){3,}")


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("APPRAISE_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def looked_at(page: Any, url: str, name: str) -> dict[str, Any]:
    """Open ``url``, wait for its charts, check what every page must hold; the page's texts."""
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    return looked_at_now(page, name)


def looked_at_now(page: Any, name: str) -> dict[str, Any]:
    """:func:`looked_at` on the page as it is now (after a click)."""
    url = page.url
    page.wait_for_load_state("networkidle")
    if page.locator("[data-chart]").count():
        page.wait_for_function(
            "[...document.querySelectorAll('[data-chart]')].every(e => e.querySelector('canvas'))"
        )
    seen = page.evaluate(_LOOK)
    assert seen["scrollWidth"] <= WIDTH, (url, seen["scrollWidth"], seen["wide"][:5])
    assert seen["wide"] == [], (url, seen["wide"][:5])
    english = sorted({t for t in seen["texts"] if t in _english() or _SENTENCE.search(t)})
    assert english == [], (url, english)
    for chart in seen["charts"]:
        assert chart["w"] > 100 and chart["h"] > 100 and chart["drawn"], (url, chart)
    _shot(page, name)
    return seen


# The lines a cell's text takes (its text's line boxes, by their top).
_LINES = """e => {
  const r = document.createRange(); r.selectNodeContents(e);
  return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size;
}"""


def lines(locator: Any) -> list[int]:
    return [cell.evaluate(_LINES) for cell in locator.all()]


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


# --- the demo, walked by every role ----------------------------------------------------------


@functools.cache
def _demo_data(**kwargs: Any) -> DemoData:
    return make_demo_data(**kwargs)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, role_groups: None) -> Cycle:
    """The small demo (3 teams x 3 agents, September and October 2026); its October cycle,
    in its appeal window with its follow-ups open."""
    monkeypatch.setattr(loader, "make_demo_data", _demo_data)
    report = loader.load_demo(agents_per_team=3, months=2)
    return next(c for c in report.cycles if c.period == "2026-10")


def _who(username: str) -> User:
    return User.objects.get(username=username)


def test_hr_walks_the_desktop_pages_in_chinese(demo: Cycle, sign_in: SignIn) -> None:
    october = demo.pk
    agent = demo.results.filter(is_current=True).order_by("rank").first()
    assert agent is not None
    aid = agent.agent.agent_id
    run = PointsRun.objects.order_by("-period", "-id").first()
    assert run is not None
    # Six more open follow-ups of October, like the demo's own (降薪或培训), for six agents.
    demo_open = list(FollowUp.objects.filter(cycle=demo, state=ItemState.OPEN))
    assert demo_open
    like = demo_open[0]
    others = demo.agents.exclude(pk__in=[f.agent_id for f in demo_open])[:6]
    for a in others:
        FollowUp.objects.create(
            cycle=demo, agent=a, kind=like.kind, rule=like.rule, rule_name=like.rule_name
        )
    open_count = len(demo_open) + 6
    hr = sign_in(_who("hr"), width=WIDTH, height=HEIGHT)

    # The team dashboard: the four figures in the first screen, then five of the open
    # follow-ups with their count (two of the demo's and six made here), then the charts.
    looked_at(hr, f"/team/?cycle={october}", "hr-team")
    kpis = _box(hr, ".kpis")
    assert kpis["y"] + kpis["height"] <= HEIGHT
    followups = hr.locator("[data-test=open-followups]")
    assert _box(hr, "[data-test=open-followups]")["y"] > kpis["y"]
    assert followups.locator("h2 .badge").inner_text() == str(open_count)
    assert followups.locator("li.todo-item").count() == 5
    assert f"共 {open_count} 条" in followups.inner_text()

    # The cycle page: the QA app's metric named as HR knows it; the table's totals aligned.
    seen = looked_at(hr, f"/cycles/{october}/", "hr-cycle")
    replaced = [t for t in seen["texts"] if "取自质检模块" in t]
    assert replaced and all("质检平均分（qa_average）" in t for t in replaced), replaced

    # The cycle list: the scheme by its name, the period on one line; the new-cycle form's
    # checkbox before its words on their line, the teams side by side.
    looked_at(hr, "/cycles/", "hr-cycles")
    assert set(lines(hr.locator("main table tbody td:nth-child(2)"))) == {1}  # 2026-10
    box, words = _box(hr, "#id_allow_duplicate"), _box(hr, "label[for=id_allow_duplicate]")
    assert box["x"] < words["x"] and abs(box["y"] - words["y"]) < words["height"]
    teams = hr.locator("input[name=teams]")
    assert teams.count() == 3
    assert len({round(teams.nth(i).bounding_box()["y"]) for i in range(3)}) == 1

    # The organisation: the agents' list is headed 客服 (not 客服人数); the indirect supervisor
    # by name beside the login.
    looked_at(hr, "/org/", "hr-org")
    assert hr.locator("main h2").nth(2).inner_text() == "客服"
    assert "客服经理" in hr.locator("table[data-test=teams] tbody tr").first.inner_text()

    # The logins: one line per agent, the reason box between the two buttons.
    looked_at(hr, "/org/logins/", "hr-logins")
    row = hr.locator("li.todo-item").first
    assert row.bounding_box()["height"] < 80
    actions = row.locator("[data-test=login-actions]")
    ys = {
        round(b.bounding_box()["y"] + b.bounding_box()["height"] / 2)
        for b in [
            actions.locator("button").nth(0),
            actions.locator("input[name=note]"),
            actions.locator("button").nth(1),
        ]
    }
    assert max(ys) - min(ys) <= 4, ys
    create = hr.locator("form[action='/org/logins/create/'] button")
    assert create.is_disabled()
    assert float(create.evaluate("e => getComputedStyle(e).opacity")) < 1

    # Correcting an agent's data: each metric by its name beside its id.
    looked_at(hr, f"/cycles/{october}/agents/{aid}/correct/", "hr-correct")
    hint = hr.locator("#fix-name ~ p").inner_text()
    assert "客单价（average_order_value）" in hint and "质检平均分（qa_average）" in hint

    # Points: a run names its scheme and each agent of its totals; the form's period in words.
    looked_at(hr, f"/points/runs/{run.pk}/", "hr-points-run")
    assert hr.locator("h1").inner_text().startswith("客服积分制度")
    first = hr.locator("table[data-test=run-totals] tbody tr").first.locator("a")
    assert not re.fullmatch(r"A\d+", first.inner_text()), first.inner_text()
    heads = hr.locator("table[data-test=run-entries] th")
    assert set(lines(heads)) == {1}, lines(heads)  # 考核指标, 类型 are not cut in two
    kinds = hr.locator("table[data-test=run-entries] tbody td:nth-child(5)")
    assert set(lines(kinds)) == {1}, lines(kinds)
    looked_at(hr, "/points/runs/", "hr-points-runs")
    options = hr.locator("#id_scheme_version option").all_inner_texts()
    assert options and not any(re.search(r"\((day|month|week)\)", o) for o in options), options
    # The boards, three side by side: a level (一级订餐师) on its one line, not a character a line.
    looked_at(hr, "/points/boards/", "hr-points-boards")
    levels = hr.locator("table[data-test^=board-] tbody td:nth-child(4)")
    assert levels.count() and set(lines(levels)) == {1}, lines(levels)

    # The scheme builder on a seed: the metric picker has the row, its unit in words.
    looked_at(hr, "/schemes/builder/?from=s002-department", "hr-builder")
    picker = hr.locator("select[data-test=metric]").first
    grid = picker.locator("xpath=ancestor::div[contains(@class, 'b-grid')][1]")
    assert picker.bounding_box()["width"] > grid.bounding_box()["width"] * 0.9
    assert "percent" not in " ".join(picker.locator("option").all_inner_texts())

    for url, name in [
        ("/todo/", "hr-todo"),
        ("/appeals/", "hr-appeals"),
        ("/followups/", "hr-followups"),
        ("/audit/", "hr-audit"),
        ("/schemes/", "hr-schemes"),
        ("/qa/manage/", "hr-qa-manage"),
        ("/qa/figures/", "hr-qa-figures"),
        ("/notify/", "hr-notify"),
        (f"/cycles/{october}/agents/{aid}/", "hr-scorecard"),
        (f"/points/agents/{aid}/", "hr-points-ledger"),
    ]:
        looked_at(hr, url, name)


def test_supervisors_qa_agents_and_the_admin_walk_their_pages(demo: Cycle, sign_in: SignIn) -> None:
    october = demo.pk
    for who in ("manager", "sup1"):
        page = sign_in(_who(who), width=WIDTH, height=HEIGHT)
        looked_at(page, f"/team/?cycle={october}", f"{who}-team")
        for url in ("/todo/", "/appeals/", "/points/boards/", "/qa/reviews/"):
            looked_at(page, url, f"{who}-{url.strip('/').replace('/', '-')}")

    # The QA reviewer: the stratum's outcome and who hung up in words.
    qa = sign_in(_who("qa1"), width=WIDTH, height=HEIGHT)
    seen = looked_at(qa, "/qa/queue/", "qa-queue")
    assert not any("not_resolved" in t for t in seen["texts"])
    todo = Assignment.objects.filter(reviewer__username="qa1", state=AssignmentState.ASSIGNED)
    said: list[str] = []
    for a in todo[:2]:
        said += looked_at(qa, f"/qa/assignments/{a.pk}/", f"qa-assignment-{a.pk}")["texts"]
    # The demo's bad call: the agent hung up first and said no opening script.
    assert "挂机方：客服" in " ".join(said)
    assert not any(re.search(r"挂机方：(agent|customer)", t) for t in said)
    assert any("没有开场白话术" in t for t in said), [t for t in said if "话术" in t]
    looked_at(qa, "/qa/calibration/", "qa-calibration")

    # The agent: the scorecard's pay table ends with its sum, 合计 (总分 is the score's).
    agent = sign_in(_who("a0001"), width=WIDTH, height=HEIGHT)
    looked_at(agent, f"/me/{october}/", "agent-scorecard")
    pay = agent.locator("h2:text-is('绩效工资') + table tr.category td").first
    assert pay.inner_text() == "合计"
    for url in ("/points/me/", "/qa/reviews/", "/appeals/"):
        looked_at(agent, url, f"agent-{url.strip('/').replace('/', '-')}")

    admin = sign_in(_who("admin"), width=WIDTH, height=HEIGHT)
    looked_at(admin, "/people/", "admin-people")
    token = admin.locator("main table tbody tr").first.locator("td").nth(2).locator("button")
    assert token.first.bounding_box()["height"] < 40  # 生成令牌 on one line


# --- a cycle of the test company, in the steps the demo has passed -------------------------------


def test_the_rating_form_names_the_role_and_a_long_list_of_warnings_is_folded(
    people: People, cycle: Cycle, advance: Advance, sign_in: SignIn
) -> None:
    advance(cycle, State.SUPERVISOR_RATING)
    sup = sign_in(people.sup1, width=WIDTH, height=HEIGHT)
    # The leaderboard's totals with their two decimals, aligned in their column: A001 was rated
    # 80 on every indicator, 80 x 90 / 100 = 72 (tests/web/conftest.py PAPER), shown 72.00.
    looked_at(sup, f"/team/?cycle={cycle.pk}", "sup-team")
    row = sup.locator("table:has(th:text-is('排名')) tbody tr:has-text('A001')")
    assert row.locator("td.num").nth(1).inner_text() == "72.00"
    looked_at(sup, f"/team/{cycle.pk}/rate/A001/", "sup-rate")
    # s000-specialist's one rater role: {id: supervisor, name: 考核人}; each indicator is rated
    # {type: rated, max: 100}, min 0 by default: the box says 0–100.
    assert sup.locator("main table thead th").last.inner_text() == "考核人"
    hints = sup.locator("[data-test=rating-hint]").all_inner_texts()
    assert hints and set(hints) == {"0–100 分"}, hints

    # A new cycle's import preview, beside the next steps: a table wider than its half of the
    # page scrolls sideways, each cell on its line (余强静 and 2026-10 are not cut in two).
    hr = sign_in(people.hr, width=WIDTH, height=HEIGHT)
    draft = cs.cycle_create(
        by=people.hr,
        name="十一月考核",
        scheme_version=cycle.scheme_version,
        period="2026-11",
        teams=[people.team1],
    )
    metrics = ["conversion_rate", "first_response_time_mean", "fcr_rate", "average_order_value"]
    sheet = ",".join(["agent_id", "name", "period", *metrics]) + "\n"
    sheet += "".join(f"A00{i},余强静,2026-11,17.16,51.27,76.91,169.79\n" for i in (1, 2))
    hr.goto(f"/cycles/{draft.pk}/")
    hr.set_input_files(
        "#import-files",
        files=[{"name": "metric_values.csv", "mimeType": "text/csv", "buffer": sheet.encode()}],
    )
    hr.click("#import-preview-button")
    cells = hr.locator("#import-preview table td")
    cells.first.wait_for()
    assert set(lines(cells)) == {1}, lines(cells)
    looked_at_now(hr, "hr-import-preview")

    # Twelve warnings kept by the last computation: five shown, the other seven folded.
    warnings = [
        {
            "level": "warning",
            "code": "no_data",
            "message": f"客服 A{i:03d}：没有数据",
            "where": None,
        }
        for i in range(12)
    ]
    Cycle.objects.filter(pk=cycle.pk).update(warnings=warnings)
    looked_at(hr, f"/cycles/{cycle.pk}/", "hr-cycle-warnings")
    card = hr.locator("[data-test=warnings]")
    assert card.locator("h2 .badge").inner_text() == "12"
    assert card.locator("> ul.problems > li").count() == 5
    more = card.locator("[data-test=more-warnings]")
    assert more.locator("summary").inner_text() == "其余 7 条警告"
    assert not more.locator("li").first.is_visible()
    more.locator("summary").click()
    assert more.locator("li").count() == 7 and more.locator("li").first.is_visible()
