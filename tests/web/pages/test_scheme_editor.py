"""The scheme editor: live messages from the scheme engine with their line numbers, a preview
that scores sample data without storing anything, and saving a new version (HR only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from appraise.web.schemes.models import SchemeVersion

from ..conftest import ROOT, S000, People

HTMX = {"HTTP_HX_REQUEST": "true"}
MONTHLY = ROOT / "schemes" / "seeds" / "s000-monthly.yaml"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of ``text`` that holds ``fragment``."""
    for n, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return n
    raise AssertionError(f"{fragment!r} not in the text")


def broken_s000() -> tuple[str, int, int]:
    """s000 with an unknown rule type (patience) and a weight that is no number (ticket_speed)."""
    text = S000.read_text(encoding="utf-8")
    text = text.replace(
        '"2.耐心细心,以客户利益为先", weight: 10%, rule: {type: rated',
        '"2.耐心细心,以客户利益为先", weight: 10%, rule: {type: ratd',
    )
    text = text.replace("2.工单处理速度, weight: 10%", "2.工单处理速度, weight: ten")
    return text, line_of(text, "type: ratd"), line_of(text, "weight: ten")


def test_live_validation_lists_every_error_with_its_line(people: People) -> None:
    text, ratd_line, ten_line = broken_s000()
    response = signed_in(people.hr).post("/schemes/validate/", {"text": text}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    # htmx swaps the fragment under the editor: no page around it.
    assert "<html" not in body and 'data-test="scheme-errors"' in body
    assert "2 个错误" in body
    lines = [int(n) for n in re.findall(r'data-line="(\d+)"', body)]
    assert ratd_line in lines and ten_line in lines
    assert f"第 {ratd_line} 行" in body and "ratd" in body and "“ten”不是数字" in body
    # The source line is shown beside its message, to find it without counting.
    assert "2.工单处理速度, weight: ten" in body


def test_live_validation_of_a_good_scheme_says_it_loads_and_keeps_its_warnings(
    people: People,
) -> None:
    text = S000.read_text(encoding="utf-8")
    body = signed_in(people.a1).post("/schemes/validate/", {"text": text}, **HTMX).content.decode()
    assert 'data-test="scheme-ok"' in body
    assert "客服专员绩效考核表(s000-specialist)校验通过" in body.replace("（", "(").replace(
        "）", ")"
    )
    # s000's four categories weigh 20 + 30 + 20 + 20 = 90%: a warning, on the line of `indicators:`,
    # and a second one: 优秀 (> 95) is out of reach of a 90-point form.
    assert "2 个警告" in body
    assert f'data-line="{line_of(text, "indicators:")}"' in body and "90%" in body
    assert SchemeVersion.objects.count() == 0  # validating stores nothing


def test_yaml_that_does_not_parse_is_one_error_on_its_line(people: People) -> None:
    text = S000.read_text(encoding="utf-8").replace(
        "full_score: 100", "full_score: 100\nfull_score: 90"
    )
    body = signed_in(people.hr).post("/schemes/validate/", {"text": text}, **HTMX).content.decode()
    assert "1 个错误" in body and "重复的键 &#x27;full_score&#x27;" in body
    assert f'data-line="{line_of(text, "full_score: 90")}"' in body


def test_the_editor_page_shows_the_checks_of_the_stored_version(people: People) -> None:
    text = S000.read_text(encoding="utf-8")
    signed_in(people.hr).post("/schemes/new/", {"text": text})
    version = SchemeVersion.objects.get()
    body = signed_in(people.a1).get(f"/schemes/{version.pk}/").content.decode()
    assert 'data-test="scheme-ok"' in body and "readonly" in body  # an agent reads only
    assert 'hx-post="/schemes/validate/"' not in body


def test_saving_a_scheme_with_errors_stores_nothing_and_shows_the_text_again(
    people: People,
) -> None:
    text, ratd_line, _ = broken_s000()
    response = signed_in(people.hr).post("/schemes/new/", {"text": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "未保存:方案中有错误。".replace(":", "：") in body
    assert f'data-line="{ratd_line}"' in body and "type: ratd" in body  # the text is kept
    assert SchemeVersion.objects.count() == 0


def test_saving_an_edited_scheme_makes_a_new_version_and_leaves_the_old_one(
    people: People,
) -> None:
    hr = signed_in(people.hr)
    text = S000.read_text(encoding="utf-8")
    first = hr.post("/schemes/new/", {"text": text})
    v1 = SchemeVersion.objects.get()
    assert first["Location"] == f"/schemes/{v1.pk}/"
    second = hr.post(f"/schemes/{v1.pk}/", {"text": text.replace("max: 100}", "max: 10}")})
    v2 = SchemeVersion.objects.exclude(pk=v1.pk).get()
    assert second["Location"] == f"/schemes/{v2.pk}/"
    assert (v1.version, v2.version) == (1, 2) and v2.scheme_id == "s000-specialist"
    v1.refresh_from_db()
    assert v1.text == text


def test_a_new_scheme_is_hrs_to_write(people: People) -> None:
    assert signed_in(people.a1).get("/schemes/new/").status_code == 403
    assert signed_in(people.hr).get("/schemes/new/").status_code == 200


def _preview_rows(body: str) -> dict[str, list[str]]:
    """The preview table: agent id -> its cells (total, then every indicator's weighted score,
    then grade, rank, pay)."""
    rows: dict[str, list[str]] = {}
    for tr in re.findall(r"<tr><td>(.*?)</tr>", body, re.DOTALL):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        agent_id = re.search(r'<span class="muted small">(\w+)</span>', tr)
        if agent_id:
            rows[agent_id[1]] = cells
    return rows


def test_the_preview_scores_the_seeds_worked_example(people: People) -> None:
    text = MONTHLY.read_text(encoding="utf-8")
    response = signed_in(people.hr).post("/schemes/preview/", {"text": text}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "schemes/seeds/examples/s000-monthly" in body and "2026-10" in body
    rows = _preview_rows(body)
    # M01 (schemes/seeds/examples/s000-monthly): the best level everywhere, 50 leads:
    # 18 + 13 + 13 + 10 + 4 x 10 = 94; pay = the centre's rated 1000 x 94 / 100 = 940.
    assert [rows["M01"][0], *rows["M01"][-3:]] == ["94", "", "1", "940"]
    # The per-indicator breakdown: the first category is 18 + 13 + 13 + 10 = 54.
    assert rows["M01"][1] == "54"
    assert SchemeVersion.objects.count() == 0


def test_the_preview_scores_uploaded_files_for_the_period_given(people: People) -> None:
    text = MONTHLY.read_text(encoding="utf-8")
    metric_values = (
        "agent_id,name,period,新客户有效信息数,额定绩效金额\n"
        "Z01,赵一,2026-11,47,1234.57\n"
        "Z02,赵二,2026-11,50,\n"
        ",,2026-11,,999.99\n"
    ).encode()
    ratings = (
        "agent_id,period,rater_id,成交过程监控,服务质量调研，提升方案分析研究报告,投诉案例处理效率,"
        "工作态度,学习能力,团队精神,日常考核\n"
        "Z01,2026-11,K01,较好完成,基本完成,较好完成,A,B,A,A\n"
        "Z02,2026-11,K01,有未完成,有未完成,有未完成,C,C,C,C\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(people.hr).post(
        "/schemes/preview/",
        {
            "text": text,
            "period": "2026-11",
            "files": [
                SimpleUploadedFile("metric_values.csv", metric_values),
                SimpleUploadedFile("ratings.csv", ratings),
            ],
        },
        **HTMX,
    )
    body = response.content.decode()
    assert "上传的文件" in body and "2026-11" in body
    rows = _preview_rows(body)
    # Z01: 18 + 8 + 13 + leads 47 (3 short of 50: one step of 1 point -> 9) + 10 + 5 + 10 + 10
    # = 83; pay 1234.57 x 83 / 100 = 1024.6931 -> 1024.69 (to the cent, half up).
    assert [rows["Z01"][0], *rows["Z01"][-3:]] == ["83", "", "1", "1024.69"]
    # Z02: 6 + 3 + 3 + 10 (50 leads) + 0 = 22 on the centre's 999.99: 219.9978 -> 220.00.
    assert [rows["Z02"][0], *rows["Z02"][-3:]] == ["22", "", "2", "220"]


def test_a_preview_without_files_of_a_scheme_that_is_no_seed_asks_for_files(
    people: People, tmp_path: Path
) -> None:
    text = S000.read_text(encoding="utf-8").replace("id: s000-specialist", "id: acme-desk")
    response = signed_in(people.hr).post("/schemes/preview/", {"text": text}, **HTMX)
    body = response.content.decode()
    # htmx swaps only 2xx answers: the refusal comes back as 200 with the reason in it.
    assert response.status_code == 200
    assert "考核方案 acme-desk 没有示例数据" in body
    english = signed_in(people.hr).post(
        "/schemes/preview/", {"text": text}, HTTP_ACCEPT_LANGUAGE="en", **HTMX
    )
    assert "no worked example for acme-desk" in english.content.decode()


@pytest.mark.parametrize("who", ["a1", "sup1"])
def test_the_preview_of_a_broken_scheme_lists_its_errors(people: People, who: str) -> None:
    text, ratd_line, _ = broken_s000()
    client = signed_in(getattr(people, who))
    body = client.post("/schemes/preview/", {"text": text}, **HTMX).content.decode()
    assert "ratd" in body and str(ratd_line) in body
