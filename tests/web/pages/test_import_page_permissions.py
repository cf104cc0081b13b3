"""HR imports a 赤兔 daily report as exported: a preset, a preview before anything is stored,
then the month scored from the report's declared roll-ups; and a template per input table."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.schemes.services import scheme_version_create

from ..conftest import People

# A cycle always rewards a conversion of 40 % or more with 100, anything less with 50.
SCHEME = """
id: shop-conversion
name: 询单转化考核
indicators:
  - {id: conv, name: 询单转化, weight: 100%, rule: {type: bands, metric: conversion_rate, bands: [{range: ">= 40", score: 100}, {range: "< 40", score: 50}]}}
"""

PAGE_NAMES = ("cycle-import-preview", "import-template")


def _report() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["客服绩效报表（2026-10-01 至 2026-10-31）"])
    sheet.append(["日期", "旺旺", "询单", None, None])
    sheet.append([None, None, "询单人数", "询单->最终付款人数", "询单->最终付款成功率"])
    sheet.merge_cells("C2:E2")
    sheet.append(["2026-10-01", "A001", 20, 8, "40.00%"])
    sheet.append(["2026-10-02", "A001", 10, 3, "30.00%"])
    sheet.append(["2026-10-01", "A002", 10, 5, "50.00%"])
    sheet.append(["合计", None, 40, 16, "40.00%"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAPPING = """
reports:
  chitu:
    file: "*.xlsx"
    agent: 旺旺
    date: 日期
    metrics:
      inquiries: {source: 询单人数, unit: count}
      paid: {source: "询单->最终付款人数", unit: count}
      conversion_rate: {source: "询单->最终付款成功率", unit: percent, roll_up: {ratio: [paid, inquiries]}}
""".encode()


@pytest.fixture
def shop_cycle(people: People) -> Cycle:
    version = scheme_version_create(by=people.hr, text=SCHEME, file="shop.yaml")
    return cs.cycle_create(
        by=people.hr, name="十月", scheme_version=version, period="2026-10", teams=[people.team1]
    )


def _files(mapping: bool = True) -> dict[str, object]:
    data: dict[str, object] = {"files": [SimpleUploadedFile("客服绩效_202610.xlsx", _report())]}
    if mapping:
        data["mapping"] = SimpleUploadedFile("mapping.yaml", MAPPING)
    return data


def test_the_preview_shows_how_the_report_reads_and_stores_nothing(
    client: Client, people: People, shop_cycle: Cycle
) -> None:
    client.force_login(people.hr)
    response = client.post(
        f"/cycles/{shop_cycle.pk}/import/preview/", _files(), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "预览：尚未保存任何数据" in html
    assert "chitu → metric_values" in html
    assert "表头在第 3 行" in html  # the title row and the upper header row above
    assert "1 行标题" in html and "1 行合计" in html
    assert "询单人数</span> → inquiries" in html
    assert shop_cycle.files.count() == 0


def test_a_preset_or_a_mapping_but_not_both(
    client: Client, people: People, shop_cycle: Cycle
) -> None:
    client.force_login(people.hr)
    data = _files() | {"preset": "chitu_daily"}
    response = client.post(f"/cycles/{shop_cycle.pk}/import/preview/", data, HTTP_HX_REQUEST="true")
    assert "请选择预设或上传映射文件，不能同时使用" in response.content.decode()


def test_importing_the_report_scores_the_month_by_the_declared_roll_up(
    client: Client, people: People, shop_cycle: Cycle
) -> None:
    client.force_login(people.hr)
    data = _files() | {"compute": "1"}
    response = client.post(f"/cycles/{shop_cycle.pk}/import/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()
    totals = {r.agent.agent_id: r.total for r in shop_cycle.results.filter(is_current=True)}
    # A001: (8 + 3) / (20 + 10) = 36.7 % -> 50; A002: 5 / 10 = 50 % -> 100.
    assert totals == {"A001": Decimal(50), "A002": Decimal(100)}


@pytest.mark.parametrize("table", ["agents", "metric_values", "ratings", "incidents", "history"])
def test_each_input_table_has_a_template(client: Client, people: People, table: str) -> None:
    client.force_login(people.hr)
    response = client.get(f"/import/templates/{table}.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header, example, _ = text.split("\r\n")
    assert header.startswith("agent_id,") and example.startswith("A001,")


@pytest.mark.parametrize("who", ["sup1", "a1", "outsider"])
def test_only_hr_previews_and_downloads_templates(
    client: Client, people: People, shop_cycle: Cycle, who: str
) -> None:
    client.force_login(getattr(people, who))
    assert client.get("/import/templates/agents.csv").status_code == 403
    response = client.post(f"/cycles/{shop_cycle.pk}/import/preview/", _files())
    assert response.status_code in (403, 404)
    assert shop_cycle.files.count() == 0


def test_an_unknown_template_is_404(client: Client, people: People) -> None:
    client.force_login(people.hr)
    assert client.get("/import/templates/nope.csv").status_code == 404
