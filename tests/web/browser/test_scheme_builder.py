"""HR builds a three-indicator scheme in the builder without typing YAML, previews it on the
last computed cycle's data and on sample files, saves it, runs a cycle on it and the agent reads
the scorecard, every explanation in Chinese (issue 11's "done means").

The scheme (the blank small-shop template, edited): 服务态度 rated 0..100, weight 40; 回复时长 a
target on 平均回复时长 (reply_time_mean), 30 seconds, lower is better, weight 30; 满意度 a
threshold on csat, >= 90 scores 100 else 0, weight 30. The last cycle (九月) ran an older scheme
of the shop on the same data kinds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create

from ..conftest import Advance, People
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"

RATINGS = (
    "agent_id,period,indicator,rater_role,rater_id,value\n"
    "A001,2026-10,服务态度,,S01,80\nA002,2026-10,服务态度,,S01,100\nB001,2026-10,服务态度,,S01,50\n"
).encode()
METRICS = (
    b"agent_id,period,metric,value\n"
    b"A001,2026-10,reply_time_mean,45\nA001,2026-10,csat,92\n"
    b"A002,2026-10,reply_time_mean,20\nA002,2026-10,csat,85\n"
    b"B001,2026-10,reply_time_mean,60\nB001,2026-10,csat,90\n"
)
AGENTS = "agent_id,name\nA001,张三\nA002,李四\nB001,王五\n".encode()

# September, scored by the shop's older scheme (its weights 50 / 25 / 25).
OLD = """\
id: 小店旧考核
name: 小店旧考核
period: month
full_score: 100
indicators:
  - {name: 服务态度, weight: 50, rule: {type: rated, max: 100}}
  - name: 回复时长
    weight: 25
    rule: {type: target, metric: reply_time_mean, target: 30, full: 100, better: lower}
  - {name: 满意度, weight: 25, rule: {type: threshold, metric: csat, range: ">= 90", score: 100}}
"""
SEPT_RATINGS = (
    "agent_id,period,indicator,rater_role,rater_id,value\n"
    "A001,2026-09,服务态度,,S01,90\nA002,2026-09,服务态度,,S01,70\nB001,2026-09,服务态度,,S01,100\n"
).encode()
SEPT_METRICS = (
    b"agent_id,period,metric,value\n"
    b"A001,2026-09,reply_time_mean,30\nA001,2026-09,csat,95\n"
    b"A002,2026-09,reply_time_mean,60\nA002,2026-09,csat,80\n"
    b"B001,2026-09,reply_time_mean,15\nB001,2026-09,csat,90\n"
)
# What an explanation may hold besides Chinese and numbers: none of the words of a developer.
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def last_cycle(people: People) -> Cycle:
    """九月考核 on the older scheme, its files imported and computed: the builder's "last cycle"."""
    old = scheme_version_create(by=people.hr, text=OLD, file="old.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="九月考核",
        scheme_version=old,
        period="2026-09",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(
        cycle=cycle,
        by=people.hr,
        files={"ratings.csv": SEPT_RATINGS, "metric_values.csv": SEPT_METRICS},
    )
    return cs.cycle_compute(cycle=cycle, by=people.hr)


def csv(name: str, body: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/csv", "buffer": body}


def settled(page: Any) -> None:
    """Wait for htmx's requests (the debounced field sync included) to come back."""
    page.wait_for_timeout(700)
    page.wait_for_selector(".htmx-request", state="detached")
    page.wait_for_load_state("networkidle")


def test_a_scheme_built_in_the_builder_previews_saves_and_scores_a_cycle(
    people: People, sign_in: SignIn, advance: Advance
) -> None:
    september = last_cycle(people)
    hr = sign_in(people.hr, width=1280, height=900)
    hr.on("dialog", lambda d: d.accept())
    hr.goto("/schemes/")
    hr.click("a[data-test=builder]")
    hr.wait_for_url("**/schemes/builder/")
    # Maintainers' comments in the seeds are not the user's text: a seed starts without them.
    hr.select_option("#builder-from", value="s001-aftersales")
    hr.wait_for_url("**from=s001-aftersales")
    assert "#" not in hr.input_value("#builder-yaml")
    hr.select_option("#builder-from", value="")
    hr.wait_for_url("**from=")

    hr.fill("#b-id", "小店三项考核")
    hr.fill("#b-name", "小店三项考核")
    hr.fill("#b-indicators-0-weight", "40")
    settled(hr)

    # A second indicator: a target on the reply time, lower is better.
    hr.click("button[data-test=add-indicator]")
    hr.wait_for_selector("#b-indicators-1-name")
    hr.fill("#b-indicators-1-name", "回复时长")
    hr.fill("#b-indicators-1-weight", "30")
    settled(hr)
    hr.select_option("#rt-indicators-1", value="target")
    hr.wait_for_selector("#b-indicators-1-rule-metric")
    # The picker lists metrics by Chinese name and unit; choosing one shows its definition.
    label = hr.locator("#b-indicators-1-rule-metric option[value=reply_time_mean]").inner_text()
    assert label.startswith("平均回复时长")
    hr.select_option("#b-indicators-1-rule-metric", value="reply_time_mean")
    settled(hr)
    assert hr.locator("[data-path='indicators.1'] .b-definition").inner_text().strip()
    hr.fill("#b-indicators-1-rule-target", "30")
    hr.select_option("#b-indicators-1-rule-better", value="lower")
    settled(hr)

    # A third: 满意度 >= 90 scores 100.
    hr.click("button[data-test=add-indicator]")
    hr.wait_for_selector("#b-indicators-2-name")
    hr.fill("#b-indicators-2-name", "满意度")
    settled(hr)
    hr.select_option("#rt-indicators-2", value="threshold")
    hr.wait_for_selector("#b-indicators-2-rule-metric")
    hr.select_option("#b-indicators-2-rule-metric", value="csat")
    settled(hr)

    # Bad values are refused beside their field, and the YAML keeps the last good value.
    hr.fill("#b-indicators-2-weight", "三十")
    hr.fill("#b-indicators-2-rule-range", ">= 九十")
    settled(hr)
    assert "不是数字" in hr.inner_text("#err-b-indicators-2-weight")
    assert "不是范围" in hr.inner_text("#err-b-indicators-2-rule-range")
    assert "三十" not in hr.input_value("#builder-yaml")
    assert "weights add up" not in hr.inner_text("#weight-sum")  # shown in Chinese
    assert hr.inner_text("#weight-sum") == "权重合计 80 / 满分 100"  # 40 + 30 + the 10 kept
    hr.fill("#b-indicators-2-weight", "30")
    hr.fill("#b-indicators-2-rule-range", ">= 90")
    hr.fill("#b-indicators-2-rule-score", "100")
    settled(hr)
    assert hr.inner_text("#err-b-indicators-2-weight") == ""
    assert hr.inner_text("#weight-sum") == "权重合计 100 / 满分 100"
    hr.wait_for_selector("#scheme-check [data-test=scheme-ok]")
    text = hr.input_value("#builder-yaml")
    assert (
        "metric: reply_time_mean" in text and "better: lower" in text and "type: threshold" in text
    )

    # The preview scores the last computed cycle's data (chosen already) with the new scheme.
    assert hr.input_value("#preview-cycle") == str(september.pk)
    hr.click("#preview-button")
    hr.wait_for_selector("#scheme-preview table[data-test=preview]")
    preview = hr.locator("#scheme-preview table[data-test=preview]")
    assert "九月考核 (2026-09)" in hr.inner_text("#scheme-preview")
    # A001: 90 x 40 / 100 = 36; 30 s on a 30 s target: 100 -> 30; 95 >= 90: 30; 96 (优秀).
    assert preview.locator("tr", has_text="A001").inner_text().split("\t")[:6] == [
        "张三 A001",
        "96",
        "36",
        "30",
        "30",
        "优秀",
    ]
    # A002: 70 -> 28; 30 / 60 x 100 = 50 -> 15; 80 < 90: 0; 43. B001: 40 + 30 (15 s, capped) + 30.
    assert preview.locator("tr", has_text="A002").inner_text().split("\t")[1:5] == [
        "43",
        "28",
        "15",
        "0",
    ]
    assert preview.locator("tr", has_text="B001").inner_text().split("\t")[1] == "100"
    # Each agent's breakdown opens to every indicator's value, score and explanation.
    hr.click("[data-test=preview-agent][data-agent=A002] summary")
    reply = hr.locator("[data-test=preview-agent][data-agent=A002] tr[data-indicator]").nth(1)
    assert "60 秒" in reply.inner_text() and "50" in reply.inner_text()
    hr.mouse.wheel(0, -10000)
    hr.wait_for_timeout(300)
    hr.screenshot(path=str(SHOTS / "scheme-builder.png"), full_page=False)

    # Files chosen are scored instead of the cycle's: every agent's name, total and indicators.
    hr.set_input_files(
        "#preview-files",
        files=[
            csv("agents.csv", AGENTS),
            csv("ratings.csv", RATINGS),
            csv("metric_values.csv", METRICS),
        ],
    )
    hr.fill("#preview-period", "2026-10")
    hr.click("#preview-button")
    # The new answer replaces the cycle's table: wait for it to say where its data came from.
    expect(hr.locator("#scheme-preview")).to_contain_text("上传的文件")
    preview = hr.locator("#scheme-preview table[data-test=preview]")
    head = preview.locator("thead").inner_text()
    assert "服务态度" in head and "回复时长" in head and "满意度" in head
    a001 = preview.locator("tr", has_text="A001").inner_text().split("\t")
    # 80 x 40 / 100 = 32; 100 x 30 / 45 = 66.67 of 100 -> x 30 / 100 = 20; 92 >= 90: 30.
    assert a001[:5] == ["张三 A001", "82", "32", "20", "30"]
    # 100 -> 40; 20 s beats 30 s, capped at full: 30; 85 < 90: 0.
    a002 = preview.locator("tr", has_text="A002").inner_text().split("\t")
    assert a002[:5] == ["李四 A002", "70", "40", "30", "0"]

    # At a phone's width the builder stacks (its screenshot is in docs/web.md).
    # (A page of HR's own context: signing in again would set a new password and end the first.)
    phone = hr.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto("/schemes/builder/")
    phone.locator("[data-test=indicator]").first.scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "scheme-builder-390.png"), full_page=False)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    hr.click("button[data-test=save]")
    hr.wait_for_url(re.compile(r"/schemes/\d+/$"))
    version = SchemeVersion.objects.get(scheme_id="小店三项考核")
    assert version.version == 1 and "#" not in version.text

    # A cycle on the new scheme: the files are imported and computed.
    hr.goto("/cycles/")
    hr.fill("#id_name", "小店十月考核")
    hr.select_option("#id_scheme_version", value=str(version.pk))
    hr.fill("#id_period", "2026-10")
    for box in hr.query_selector_all("input[name=teams]"):
        box.check()
    hr.click("main form button[type=submit]")
    hr.wait_for_url("**/cycles/*/")
    cycle = Cycle.objects.get(name="小店十月考核")
    hr.set_input_files(
        "#import-files", files=[csv("ratings.csv", RATINGS), csv("metric_values.csv", METRICS)]
    )
    hr.click("#import-form button[type=submit]")
    hr.wait_for_selector("#task-area [data-status=done]")
    assert Result.objects.get(cycle=cycle, agent__agent_id="A001").total == 82
    # B001: 50 -> 20; 100 x 30 / 60 = 50 -> 15; 90 >= 90 -> 30; 65.
    assert Result.objects.get(cycle=cycle, agent__agent_id="B001").total == 65
    advance(cycle, State.PUBLISHED)

    agent = sign_in(people.a1)
    agent.goto(f"/me/{cycle.pk}/")
    assert agent.inner_text("[data-test=total]") == "82"
    rows = agent.locator("table[data-test=indicators] tr")
    reply = rows.filter(has_text="回复时长").inner_text()
    csat = rows.filter(has_text="满意度").inner_text()
    rated = rows.filter(has_text="服务态度").inner_text()
    # The rated value, the target's figures and the threshold's value each on their row.
    assert "80" in rated and "32" in rated
    assert "45" in reply and "30" in reply and "20" in reply
    assert "92" in csat and "30" in csat
    # Every explanation in Chinese: no word of Latin letters (an id, an English phrase).
    explanations = agent.locator("table[data-test=indicators] td.explain").all_inner_texts()
    assert len(explanations) == 3
    english = {e: LATIN_WORD.findall(e) for e in explanations if LATIN_WORD.search(e)}
    assert not english, english


def test_the_yaml_edited_by_hand_redraws_the_builders_form(people: People, sign_in: SignIn) -> None:
    hr = sign_in(people.hr)
    hr.goto("/schemes/builder/")
    hr.click("button[data-test=add-indicator]")
    hr.wait_for_selector("#b-indicators-1-name")
    hr.select_option("#rt-indicators-1", value="target")
    hr.wait_for_selector("#b-indicators-1-rule-metric")
    hr.select_option("#b-indicators-1-rule-metric", value="reply_time_mean")
    settled(hr)
    hr.fill("#b-indicators-1-rule-target", "30")
    settled(hr)
    text = hr.input_value("#builder-yaml")
    assert "target: 30" in text
    # The target becomes 40 seconds in the YAML: the form follows; then back to 30 in the form.
    hr.locator("#builder-yaml").fill(text.replace("target: 30", "target: 40"))
    expect(hr.locator("#b-indicators-1-rule-target")).to_have_value("40")
    hr.fill("#b-indicators-1-rule-target", "30")
    settled(hr)
    assert "target: 30" in hr.input_value("#builder-yaml")
