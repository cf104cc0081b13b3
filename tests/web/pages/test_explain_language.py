"""One stored result, explained in each reader's language (issue 11): the engine keeps what it
said, and the scorecard page, the API, the PDF form and the payroll workbook write it in the
request's language. The cycle below is computed in English and read by a Chinese reader, and the
other way round, to show that nothing depends on the language of the computation.

The scheme has one indicator read from one metric: 平均回复时长 = min(100, 100 × 30 ÷ reply time)
with the whole weight. A001 replies in 45 s: 100 × 30 ÷ 45 = 66.666…, shown as 66.67 (score
step 0.01), the total 66.67.
"""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from appraise.messages import reading
from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Result
from appraise.web.schemes.services import scheme_version_create

from ..conftest import Advance, People
from .test_exports import pdf_text, signed_in

SCHEME = """\
id: explain-language-test
name: 回复时长考核
period: month
indicators:
  - id: reply
    name: 回复时长得分
    weight: 100%
    rule: {type: formula, expr: "min(100, 100 * 30 / reply_time_mean)"}
"""
FILE = (
    b"agent_id,period,metric,value\n"
    b"A001,2026-10,reply_time_mean,45\nA002,2026-10,reply_time_mean,30\n"
    b"B001,2026-10,reply_time_mean,60\n"
)
ZH = "平均回复时长 45 秒 → min(100, 100 × 30 ÷ 45) = 66.67 分;66.67 分 ÷ 满分 100 × 权重 100% = 66.67"
EN = (
    "平均回复时长 45 s -> min(100, 100 × 30 ÷ 45) = 66.67 points; "
    "66.67 of 100 × weight 100% = 66.67"
)


@pytest.fixture(params=["en", "zh"])
def published(request: pytest.FixtureRequest, people: People, advance: Advance) -> Cycle:
    """Computed in one language (the param), to be read in both."""
    version = scheme_version_create(by=people.hr, text=SCHEME, file="explain-language-test.yaml")
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    cs.cycle_import_data(cycle=cycle, by=people.hr, files={"metric_values.csv": FILE})
    with reading(request.param):
        return advance(cycle, State.PUBLISHED)


def _html(client: Client, url: str, lang: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    # The page escapes "->" as "-&gt;": compare the text as a reader sees it.
    return html.unescape(response.content.decode())


def test_the_stored_result_is_worked_once(people: People, published: Cycle) -> None:
    r = Result.objects.get(cycle=published, agent__agent_id="A001", is_current=True)
    # 100 × 30 ÷ 45 = 66.666…, the total rounded once to 0.01.
    assert r.total == Decimal("66.67")


def test_the_scorecard_reads_chinese_for_a_chinese_reader_and_english_for_an_english_one(
    people: People, published: Cycle
) -> None:
    url = f"/cycles/{published.pk}/agents/A001/"
    zh = _html(signed_in(people.hr), url, "zh-hans")
    en = _html(signed_in(people.hr), url, "en")
    assert ZH in zh and EN not in zh
    assert EN in en and ZH not in en
    # The 实际值 column: the metric's value with its unit.
    assert re.search(r'data-test="value">45 秒<', zh)
    assert re.search(r'data-test="value">45 s<', en)
    # The agent's own page, in the agent's language.
    assert ZH in _html(signed_in(people.a1), "/me/", "zh-hans")
    assert EN in _html(signed_in(people.a1), "/me/", "en")


def test_the_api_answers_in_the_requests_language(
    people: People, published: Cycle, api: object
) -> None:
    client = api(people.hr)  # type: ignore[operator]
    url = f"/api/cycles/{published.pk}/results/A001/"
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["data"]["indicators"][0]
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["data"]["indicators"][0]
    assert (zh["explain"], zh["value_text"]) == (ZH, "45 秒")
    assert (en["explain"], en["value_text"]) == (EN, "45 s")
    # What the engine said is kept for the pages, not given out beside the text.
    assert "explain_said" not in en and "value_said" not in en
    assert zh["score"] == en["score"]


def test_the_pdf_form_and_the_payroll_workbook_follow_the_reader(
    people: People, published: Cycle
) -> None:
    client = signed_in(people.hr)
    client.post("/i18n/setlang/", {"language": "en"})
    pdf = pdf_text(client.get(f"/cycles/{published.pk}/scorecards/A001.pdf").content)
    assert "45 s" in pdf and "66.67 points" in pdf
    book = load_workbook(io.BytesIO(client.get(f"/cycles/{published.pk}/results.xlsx").content))
    rows = [r for r in book["Indicators"].iter_rows(values_only=True) if r[0] == "A001"]
    assert rows[0][5] == "45 s" and rows[0][8] == EN
    zh_client = signed_in(people.hr)
    zh_client.post("/i18n/setlang/", {"language": "zh-hans"})
    pdf = pdf_text(zh_client.get(f"/cycles/{published.pk}/scorecards/A001.pdf").content)
    assert "45 秒" in pdf and "66.67 分" in pdf
