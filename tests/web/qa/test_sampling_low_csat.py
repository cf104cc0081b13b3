"""Low CSAT as a stratum of a risk-weighted sample (issue 15): the import keeps each
conversation's CSAT from the surveys, the QA config's ``sampling.low_csat`` says what is low,
and the sampling page shows the stratum and what each run drew from it."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from appraise.web.qa import services as qs
from appraise.web.qa.models import Assignment, Conversation, SamplingRun

from .conftest import Qa, _csv, next_month, qa_files
from .test_agreement import signed_in

NOVEMBER = "2026-11"
CONFIG = "sampling:\n  low_csat: 2\n"
# November's contacts (conftest's month again, ids ending -11), low CSAT meaning 2 or less.
# (survey, conversation, agent, CSAT): W-B001-2 was surveyed twice, the lowest (1) counts;
# A001's bad call K-A001-2 (opening, 忌语, hang-up failed) was not surveyed.
SURVEYS = [
    ("S1", "K-A001-1-11", "A001", 3),
    ("S2", "W-A001-3-11", "A001", 4),
    ("S3", "K-A002-1-11", "A002", 2),
    ("S4", "W-A002-2-11", "A002", 3),
    ("S5", "K-B001-1-11", "B001", 5),
    ("S6", "W-B001-2-11", "B001", 4),
    ("S7", "W-B001-2-11", "B001", 1),
]

# Each conversation's CSAT after the import (K-A001-2 was not surveyed; W-B001-2 its lowest, 1).
NOVEMBER_CSAT = {
    "K-A001-1-11": 3,
    "K-A001-2-11": None,
    "W-A001-3-11": 4,
    "K-A002-1-11": 2,
    "W-A002-2-11": 3,
    "K-B001-1-11": 5,
    "W-B001-2-11": 1,
}


def november(
    config: str = CONFIG, surveys: list[tuple[str, str, str, int]] = SURVEYS
) -> dict[str, bytes]:
    files = qa_files(next_month())
    files["surveys.csv"] = _csv(
        ("survey_id", "conversation_id", "agent_id", "submitted_at", "csat"),
        [(s, c, a, "2026-11-20 12:00:00", v) for s, c, a, v in surveys],
    )
    files["qa.yaml"] = config.encode()
    return files


def _drawn(qa: Qa) -> SamplingRun:
    qs.conversation_import(period=NOVEMBER, by=qa.people.hr, files=november())
    return qs.sampling_run_create(
        period=NOVEMBER,
        by=qa.people.hr,
        reviewers=[qa.q1],
        per_agent=2,
        seed="7",
        random_share=Decimal("0.5"),
    )


def test_low_csat_is_a_stratum_of_the_risk_part(qa: Qa) -> None:
    run = _drawn(qa)
    csat = dict(Conversation.objects.filter(period=NOVEMBER).values_list("conversation_id", "csat"))
    assert csat == NOVEMBER_CSAT
    assert run.low_csat == 2
    got = {
        a.conversation.conversation_id: (a.part, a.flags)
        for a in Assignment.objects.filter(run=run).select_related("conversation")
    }
    # 2 places each, 50% random: ⌈2 × 0.5⌉ = 1 random place and 1 risk place per agent, so
    # 3 random and 3 risk-or-fill. The random part is drawn from all of an agent's contacts,
    # flags or not, seeded by "7|agent|stratum" (here each agent's chat, as in October's run
    # in test_agreement.py). The risk place goes to a flagged contact the random part left:
    # A001: only K-A001-2 (failed checks; K-A001-1's CSAT 3 is not low) -> risk;
    # A002: K-A002-1, CSAT 2 <= 2 -> risk, for its CSAT (without the stratum it was a fill);
    # B001: K-B001-1's CSAT 5 is not low and nothing else is flagged -> fill.
    # W-B001-2 (CSAT 1) carries its flag in the random part, where it counts like any other.
    assert got == {
        "W-A001-3-11": ("random", []),
        "K-A001-2-11": ("risk", ["check:forbidden", "check:hangup", "check:opening"]),
        "W-A002-2-11": ("random", ["check:forbidden"]),
        "K-A002-1-11": ("risk", ["csat"]),
        "W-B001-2-11": ("random", ["csat"]),
        "K-B001-1-11": ("fill", []),
    }


def test_the_sampling_page_shows_the_stratum_and_what_the_run_drew(qa: Qa) -> None:
    run = _drawn(qa)
    html = signed_in(qa.people.hr).get("/qa/manage/").content.decode()
    row = html.split(f'<tr data-period="{NOVEMBER}">')[1].split("</tr>")[0]
    # The stratum: K-A002-1 (2) and W-B001-2 (1) are at or below 2 -> 2.
    assert '<td class="num" data-test="low-csat">2（CSAT ≤ 2）</td>' in row
    # October was imported without surveys: nobody is in its stratum (the default 2 applies).
    row = html.split('<tr data-period="2026-10">')[1].split("</tr>")[0]
    assert '<td class="num" data-test="low-csat">0（CSAT ≤ 2）</td>' in row
    item = html.split(f'<li data-run="{run.pk}">')[1].split("</li>")[0]
    # random 3, risk 2 (K-A001-2 for its checks, K-A002-1 for its CSAT), filled 1 (K-B001-1)
    assert "随机 3 · 风险 2 · 补足 1" in item
    assert "风险部分：自动质检未通过 1，低满意度（CSAT ≤ 2）1" in item


def test_a_newer_import_with_another_threshold_moves_the_stratum(qa: Qa) -> None:
    qs.conversation_import(period=NOVEMBER, by=qa.people.hr, files=november())
    # Imported again with low_csat 1: nothing new, but the period's config is the newest
    # import's, so only W-B001-2 (1) is low now; null turns the stratum off.
    qs.conversation_import(
        period=NOVEMBER, by=qa.people.hr, files=november("sampling: {low_csat: 1}")
    )
    html = signed_in(qa.people.hr).get("/qa/manage/").content.decode()
    row = html.split(f'<tr data-period="{NOVEMBER}">')[1].split("</tr>")[0]
    assert '<td class="num" data-test="low-csat">1（CSAT ≤ 1）</td>' in row
    qs.conversation_import(
        period=NOVEMBER, by=qa.people.hr, files=november("sampling: {low_csat: null}")
    )
    html = signed_in(qa.people.hr).get("/qa/manage/").content.decode()
    row = html.split(f'<tr data-period="{NOVEMBER}">')[1].split("</tr>")[0]
    assert '<td class="num" data-test="low-csat">—</td>' in row


def test_a_bad_threshold_is_refused_at_its_line_in_chinese(qa: Qa) -> None:
    from appraise.messages import reading
    from appraise.problems import ProblemsError

    for text, said in (
        ("sampling:\n  low_csat: 9\n", "sampling.low_csat:应小于或等于 5"),
        ("sampling:\n  low_csat: abc\n", "sampling.low_csat:应为整数"),
    ):
        try:
            qs.conversation_import(period=NOVEMBER, by=qa.people.hr, files=november(text))
        except ProblemsError as exc:
            (p,) = exc.problems
            assert (p.file, p.line) == ("qa.yaml", 2)
            with reading("zh"):
                assert said in str(p.message)
        else:
            raise AssertionError("a bad low_csat was accepted")
    assert not Conversation.objects.filter(period=NOVEMBER).exists()


def test_the_api_says_the_runs_threshold(qa: Qa) -> None:
    from rest_framework.test import APIClient

    # (the answer is checked against the OpenAPI schema by tests/web/conftest.py)
    run = _drawn(qa)
    hr = APIClient()
    hr.force_authenticate(qa.people.hr)
    got = hr.get(f"/api/qa/runs/{run.pk}/").json()
    assert (got["low_csat"], got["random_share"]) == (2, "0.5")
    flags = {a["conversation"]["conversation_id"]: a["flags"] for a in got["assignments"]}
    assert flags["K-A002-1-11"] == ["csat"]


def test_a_survey_that_comes_after_its_conversation_gives_it_its_csat(qa: Qa) -> None:
    from appraise.web.audit.models import AuditLog
    from appraise.web.audit.words import changes

    # The first export holds only S1 (K-A001-1, 3); the next holds every survey, S1 now at 5.
    first = qs.conversation_import(
        period=NOVEMBER, by=qa.people.hr, files=november(surveys=SURVEYS[:1])
    )
    assert (first.created, first.csat_added) == (7, 0)
    again = [("S1", "K-A001-1-11", "A001", 5), *SURVEYS[1:]]
    later = qs.conversation_import(period=NOVEMBER, by=qa.people.hr, files=november(surveys=again))
    csat = dict(Conversation.objects.filter(period=NOVEMBER).values_list("conversation_id", "csat"))
    # K-A001-1 keeps the 3 it had (it may have been sampled for it); the other five surveyed
    # conversations get theirs (W-B001-2 its lowest, 1); K-A001-2 was never surveyed.
    assert csat == NOVEMBER_CSAT
    assert (later.created, later.skipped_existing, later.csat_added) == (0, 7, 5)
    entry = AuditLog.objects.filter(action="qa.import").order_by("-pk")[0]
    assert entry.object_repr == f"质检导入 {later.pk}：2026-11"
    with translation.override("zh-hans"):
        said = {c.field: c.after for c in changes(entry.before, entry.after, entry.action)}
    assert (said["已存在"], said["已存在会话补上满意度"], said["新增"]) == ("7", "5", "0")
    html = signed_in(qa.people.hr).get("/qa/manage/").content.decode()
    assert "新增 0 条，已存在 7 条 · 5 条补上了评价满意度" in html
