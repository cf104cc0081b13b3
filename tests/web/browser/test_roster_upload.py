"""HR uploads a roster from a phone (390 px), as the HR system exported it in GBK, with two bad
rows: the organisation page comes back with one line per bad row, each saying where (名单.csv:
第 3 行:team) and what, in Chinese, and nothing is changed. The screenshot is
``roster-refused-390.png`` in the test's temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.web.org.models import Agent

from ..conftest import People
from .conftest import SignIn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_roster_with_two_bad_rows_is_refused_row_by_row_on_a_phone(
    people: People, sign_in: SignIn, tmp_path: Path
) -> None:
    roster = tmp_path / "名单.csv"
    # Row 2 is fine (and must not be applied), row 3 names a team nobody created, row 4 a name
    # of 101 characters (the organisation keeps 100).
    roster.write_bytes(
        (
            "agent_id,name,team\nC001,赵六,二组\nC002,钱七,九组\nC003," + "孙" * 101 + ",一组\n"
        ).encode("gbk")
    )
    hr = sign_in(people.hr, width=390, height=844)
    hr.goto("/org/")
    hr.set_input_files("#id_file", str(roster))
    hr.locator("#id_file").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    hr.wait_for_load_state("networkidle")
    errors = hr.locator("#id_file_error li").all_inner_texts()
    assert errors == [
        "名单.csv:第 3 行:team: 没有名为“九组”的小组；请先在组织页面创建",
        "名单.csv:第 4 行:name: name 超过 100 个字符",
    ]
    hr.locator("#id_file_error").scroll_into_view_if_needed()
    hr.screenshot(path=str(tmp_path / "roster-refused-390.png"))
    # Nothing was applied: the phone is not wider than the page.
    assert not Agent.objects.filter(agent_id__startswith="C").exists()
    assert hr.evaluate("document.documentElement.scrollWidth") <= 390
    # The agent form's empty choices are Chinese too (Django 6's own "- Select an option -").
    empty = hr.locator("select option[value='']").all_inner_texts()
    assert "- 请选择 -" in empty and not any("Select" in e for e in empty), empty
