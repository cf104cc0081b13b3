"""A bad value typed into every form: each is refused as its page (200 or 400 with the form,
never a 500, a 405 or a blank page), in Chinese beside the field it is about, with what was
typed still in the inputs, and nothing written (the rows the form writes and the audit log are
counted before and after). A value that would be taken as a wrong number (NaN as a score, 1e400
as infinity, ``1,5`` as 15, ``abc`` as the default seven days) is a failure here.

The values are the ones people type (docs of the brief: empty, only spaces, the full-width
space U+3000, 10,000 characters, text into a number, -1, 1e400, NaN, Infinity, inf, 1,5, 12%,
dates and periods that are none, an id that is not there). The sweep that found the bugs these
tests keep fixed posted every field of every post form of the pages with each of them, on
SQLite and on PostgreSQL.

Forms are sent as a browser sends them: URL-encoded, or multipart where the form has files.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from appraise.web.appeals.models import Correction
from appraise.web.audit.models import AuditLog
from appraise.web.cycles.models import Cycle, State
from appraise.web.evaluations.models import Rating, Result
from appraise.web.followups.models import Channel, FactualBasis
from appraise.web.org.models import Agent, Team
from appraise.web.points.models import PointsEntry, Redemption
from appraise.web.qa.models import CalibrationSession, Rubric, SamplingRun
from appraise.web.schemes.models import SchemeVersion

from ..conftest import S000, Advance, People
from ..forms import beside, value
from ..points.conftest import opening, points_scheme, six  # noqa: F401  (fixtures)
from ..qa.conftest import PERIOD, qa  # noqa: F401  (a fixture)
from ..test_data_corrections import published  # noqa: F401  (a fixture)

LONG = "长" * 10_000
NOT_A_NUMBER = ["abc", "十五", "NaN", "Infinity", "inf", "1e400", "1,5", "12%"]
SPACES = ["", "   ", "\u3000\u3000"]


def client(user: User) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


@dataclass
class Form:
    """One form of a page as its person sends it: where it posts, a baseline that would be
    saved, and the models whose rows it writes."""

    user: User
    action: str
    data: dict[str, Any]
    writes: tuple[type[Model], ...]
    multipart: bool = False
    # Part of the answer's page the form is in (a page with several forms of one field name).
    within: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> list[int]:
        return [m.objects.count() for m in (*self.writes, AuditLog)]  # type: ignore[attr-defined]

    def send(self, changes: dict[str, Any]) -> Any:
        data = {**self.data, **changes}
        data = {k: v for k, v in data.items() if v is not None}  # None: the field is missing
        c = client(self.user)
        if self.multipart:
            return c.post(self.action, data)
        body = urlencode(data, doseq=True)
        return c.post(self.action, body, content_type="application/x-www-form-urlencoded")


Scenario = Callable[[], Form]


@pytest.fixture
def forms(people: People, cycle: Cycle, advance: Advance, request: Any) -> Iterator[Any]:
    """``forms(name)``: the form called ``name`` with its page's state made (the fixtures)."""

    def cycle_form() -> Form:
        return Form(
            people.hr,
            "/cycles/",
            {
                "name": "十一月考核",
                "scheme_version": cycle.scheme_version_id,
                "period": "2026-11",
                "teams": [people.team1.pk],
            },
            (Cycle,),
        )

    def rate() -> Form:
        advance(cycle, State.SUPERVISOR_RATING)
        return Form(
            people.sup1,
            f"/team/{cycle.pk}/rate/A001/",
            {"ind_courtesy__supervisor": "80", "ind_patience__supervisor": "90", "note": "复核"},
            (Rating,),
        )

    def self_assess() -> Form:
        advance(cycle, State.SELF_ASSESSMENT)
        return Form(
            people.a1,
            f"/me/{cycle.pk}/self/",
            {"ind_courtesy": "80", "ind_patience": "90", "note": "我的自评"},
            (Rating,),
        )

    def appeal_window() -> Form:
        advance(cycle, State.INTERVIEWS)
        return Form(people.hr, f"/cycles/{cycle.pk}/do/open-appeal-window/", {"days": "7"}, ())

    def agent_new() -> Form:
        return Form(
            people.hr,
            "/org/agents/",
            {"agent_id": "C001", "name": "赵六", "team": people.team1.pk, "hired_on": "2026-03-01"},
            (Agent,),
            within='action="/org/agents/"',
        )

    def agent_edit() -> Form:
        return Form(
            people.hr,
            "/org/agents/A001/",
            {"name": "张三", "team": people.team1.pk, "position": "组长", "hired_on": "2026-03-01"},
            (Agent,),
            within='action="/org/agents/A001/"',
        )

    def supervisors() -> Form:
        pk = people.team1.pk
        return Form(
            people.hr,
            f"/org/teams/{pk}/supervisors/",
            {f"t{pk}-supervisors": [people.sup1.pk], f"t{pk}-indirect_supervisor": ""},
            (Team,),
            within=f'action="/org/teams/{pk}/supervisors/"',
        )

    def entry() -> Form:
        ledger = request.getfixturevalue("opening")
        return Form(
            people.hr,
            "/points/entries/",
            {
                "agent": ledger.agents["A002"].pk,
                "points": "3",
                "on": "2026-05-20",
                "reason": "客户来电表扬",
            },
            (PointsEntry,),
        )

    def redemption() -> Form:
        request.getfixturevalue("opening")
        return Form(
            people.hr,
            "/points/redemptions/confirm/",
            {"month": "2026-05", "this_month_bookings": "1125", "last_month_bookings": "1000"},
            (Redemption, PointsEntry),
        )

    def sample() -> Form:
        got = request.getfixturevalue("qa")
        return Form(
            people.hr,
            "/qa/manage/samples/",
            {
                "period": PERIOD,
                "per_agent": "5",
                "seed": "42",
                "strata": "channel",
                "random_share": "",
                "reviewers": [str(got.q1.pk)],
            },
            (SamplingRun,),
            within='id="sample-form"',
        )

    def rubric() -> Form:
        request.getfixturevalue("qa")
        return Form(
            people.hr,
            "/qa/manage/rubrics/",
            {"scheme_version": cycle.scheme_version_id, "fatal": "", "na_items": "", "seats": ""},
            (Rubric,),
        )

    def calibration() -> Form:
        got = request.getfixturevalue("qa")
        return Form(
            people.hr,
            "/qa/calibration/",
            {
                "name": "十月校准",
                "rubric": got.rubric.pk,
                "conversations": "K-A001-2",
                "reviewers": [str(got.q1.pk)],
            },
            (CalibrationSession,),
        )

    def correct_data() -> Form:
        done = request.getfixturevalue("published")
        return Form(
            people.hr,
            f"/cycles/{done.pk}/agents/A001/correct/",
            {"kind": "metric", "name": "qa_average", "value": "90", "reason": "质检复核后改为 90"},
            (Correction, Result),
        )

    made: dict[str, Scenario] = {
        "correct-data": correct_data,
        "cycle": cycle_form,
        "rate": rate,
        "self": self_assess,
        "appeal-window": appeal_window,
        "agent-new": agent_new,
        "agent-edit": agent_edit,
        "supervisors": supervisors,
        "points-entry": entry,
        "redemption": redemption,
        "qa-sample": sample,
        "qa-rubric": rubric,
        "qa-calibration": calibration,
    }
    yield lambda name: made[name]()


def _twice(first: str, then: str) -> list[str]:
    return [first, then]


# (form, field, typed value): each must be refused beside its field, kept, nothing written.
CASES: list[tuple[str, str, Any]] = [
    *[("cycle", "period", v) for v in [*SPACES, LONG, "2026-13", "2026Q5", "2026-Q5", "abc"]],
    *[("cycle", "period", v) for v in ["2026-13-45", "2026/02/30", "NaN", "-1", "１２"]],
    ("cycle", "period", None),  # missing
    ("cycle", "name", LONG),
    *[("cycle", "scheme_version", v) for v in ["", "abc", "-1", "987654", "1e400"]],
    *[("cycle", "teams", v) for v in ["abc", "987654"]],
    *[("rate", "ind_courtesy__supervisor", v) for v in [*NOT_A_NUMBER, "-1", "101", LONG]],
    ("rate", "ind_courtesy__supervisor", _twice("80", "abc")),  # the last one counts
    *[("self", "ind_patience", v) for v in [*NOT_A_NUMBER, "-1", "150"]],
    *[("appeal-window", "days", v) for v in [*NOT_A_NUMBER, "0", "-1", "91", "7.5", LONG]],
    *[("agent-new", "agent_id", v) for v in [*SPACES, LONG]],
    *[("agent-new", "name", v) for v in SPACES],
    *[("agent-new", "hired_on", v) for v in ["2026-13-45", "2026/02/30", "abc", "NaN"]],
    *[("agent-new", "team", v) for v in ["abc", "987654"]],
    *[("agent-edit", "hired_on", v) for v in ["2026-13-45", "2026/02/30", "2026-02-30"]],
    ("agent-edit", "name", "\u3000"),
    ("agent-edit", "team", "987654"),
    *[("supervisors", "t{team1}-supervisors", v) for v in ["abc", "987654"]],
    ("supervisors", "t{team1}-indirect_supervisor", "987654"),
    *[("points-entry", "points", v) for v in [*NOT_A_NUMBER, ""]],
    *[("points-entry", "on", v) for v in ["2026-13-45", "2026/02/30", ""]],
    ("points-entry", "reason", "\u3000"),
    *[("redemption", "this_month_bookings", v) for v in [*NOT_A_NUMBER, "-1"]],
    *[("redemption", "last_month_bookings", v) for v in [*NOT_A_NUMBER, "0"]],
    *[("redemption", "month", v) for v in ["2026-13", "2026Q5", "2026-05-01", ""]],
    *[("correct-data", "value", v) for v in [*NOT_A_NUMBER, "1e30", "-1e400", "", LONG]],
    *[("correct-data", "name", v) for v in ["abc", "", "\u3000"]],
    ("correct-data", "reason", "\u3000"),
    *[("qa-sample", "per_agent", v) for v in [*NOT_A_NUMBER, "0", "-1", ""]],
    *[("qa-sample", "random_share", v) for v in ["abc", "NaN", "Infinity", "1e400", "0", "-1"]],
    ("qa-sample", "seed", "x" * 65),
    *[("qa-sample", "period", v) for v in ["2026-13", "2026Q5", ""]],
    *[("qa-rubric", "scheme_version", v) for v in ["", "abc", "987654"]],
    *[("qa-calibration", "rubric", v) for v in ["", "abc", "987654"]],
    ("qa-calibration", "conversations", "K-NOPE"),
]


def _label(case: tuple[str, str, Any]) -> str:
    form, name, typed = case
    shown = "<missing>" if typed is None else repr(typed)
    return f"{form}-{name}-{shown[:16]}"


@pytest.mark.parametrize(("form", "name", "typed"), CASES, ids=[_label(c) for c in CASES])
def test_a_bad_value_comes_back_beside_its_field_and_nothing_is_written(
    forms: Any, people: People, form: str, name: str, typed: Any
) -> None:
    sent = forms(form)
    name = name.format(team1=people.team1.pk)
    before = sent.counts()
    response = sent.send({name: typed})
    # 1. no traceback: the form's page again (the scheme editor's 400 is a page too).
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    if sent.within:
        page = page[page.index(sent.within) :]
    assert "<form" in page
    # 2. the reason beside the field, in Chinese (the default language); a list of boxes has
    # it after its last box.
    said = beside(page, name) or _after_the_boxes(page, name)
    assert said and has_chinese(said), said
    # 3. what was typed is still in the input (a list: the last one, as the form read it).
    if isinstance(typed, str) and 'type="checkbox"' not in page.split(f'name="{name}"')[0][-200:]:
        tagged = re.search(rf'<(input|textarea|select)\b[^>]*\bname="{re.escape(name)}"', page)
        assert tagged
        if tagged.group(1) != "select" and 'type="date"' not in tagged.group(0):
            assert value(page, name) == typed
    # 4. nothing half-applied: no row of the form's models, no audit entry.
    assert sent.counts() == before


def _after_the_boxes(page: str, name: str) -> str:
    boxes = list(re.finditer(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page))
    if len(boxes) < 2:
        return ""
    rest = page[boxes[-1].end() :]
    found = re.search(r'<(div|ul) class="errorlist"[^>]*>(.*?)</\1>', rest[:1500], re.S)
    return re.sub(r"<[^>]+>", " ", found.group(2)).strip() if found else ""


# ---------------------------------------------------------------- values read as the same number


def test_full_width_digits_in_a_rating_are_the_number_stored_in_ascii(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    """An input method's １２ is 12: stored as "12", as a file cell would be read."""
    advance(cycle, State.SUPERVISOR_RATING)
    response = client(people.sup1).post(
        f"/team/{cycle.pk}/rate/A001/", {"ind_courtesy__supervisor": "８５"}
    )
    assert response.status_code == 302
    stored = Rating.objects.get(cycle=cycle, agent=people.agent_a1, indicator="courtesy")
    assert stored.value == "85"


@pytest.mark.parametrize("typed", ["   ", "\u3000"])
def test_a_rating_cell_of_spaces_is_left_unrated(
    people: People, cycle: Cycle, advance: Advance, typed: str
) -> None:
    """Spaces (the full-width one too) in a cell are an empty cell: nothing to save, no 0."""
    advance(cycle, State.SUPERVISOR_RATING)
    before = AuditLog.objects.count()
    response = client(people.sup1).post(
        f"/team/{cycle.pk}/rate/A001/", {"ind_courtesy__supervisor": typed}
    )
    assert response.status_code == 302
    assert not Rating.objects.filter(cycle=cycle, indicator="courtesy").exists()
    assert AuditLog.objects.count() == before


def test_full_width_days_open_a_window_of_that_many_days(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    """１２ days are 12 days: the deadline is 12 x 24 hours after now."""
    advance(cycle, State.INTERVIEWS)
    response = client(people.hr).post(
        f"/cycles/{cycle.pk}/do/open-appeal-window/",
        "days=%EF%BC%91%EF%BC%92",  # １２, URL-encoded as a browser sends it
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == State.APPEAL_WINDOW and cycle.appeal_deadline is not None
    left = cycle.appeal_deadline - timezone.now()
    assert timedelta(days=12) - timedelta(minutes=1) < left <= timedelta(days=12)


def test_no_days_typed_is_the_forms_seven(people: People, cycle: Cycle, advance: Advance) -> None:
    advance(cycle, State.INTERVIEWS)
    client(people.hr).post(f"/cycles/{cycle.pk}/do/open-appeal-window/", {"days": ""})
    cycle.refresh_from_db()
    assert cycle.appeal_deadline is not None
    left = cycle.appeal_deadline - timezone.now()
    assert timedelta(days=7) - timedelta(minutes=1) < left <= timedelta(days=7)


# ------------------------------------------------------------------------ text that is not text


@pytest.mark.parametrize("text", ["2026-13-45\n", "id: x\nname: y\nstart: 2026-02-30\n"])
def test_a_date_that_is_no_day_in_a_scheme_is_refused_in_the_editor(
    people: People, text: str
) -> None:
    before = (SchemeVersion.objects.count(), AuditLog.objects.count())
    response = client(people.hr).post("/schemes/new/", {"text": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "不是有效的日期" in page  # "2026-13-45 is not a date", at its line
    assert text.splitlines()[0] in page  # the text is kept in the editor
    assert (SchemeVersion.objects.count(), AuditLog.objects.count()) == before


def test_a_date_that_is_no_day_in_the_builders_yaml_keeps_the_form(people: People) -> None:
    response = client(people.hr).post("/schemes/builder/yaml/", {"text": "a: 2026-13-45\n"})
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"  # the form is left as it was
    assert "不是有效的日期" in response.content.decode()


def test_a_date_that_is_no_day_in_a_draft_rule_is_said_beside_the_draft(
    qa: Any,  # noqa: F811
) -> None:
    response = client(qa.people.hr).post(
        "/qa/rules/test/", {"draft": "2026-13-45", "period": PERIOD, "sample": "5", "seed": "0"}
    )
    assert response.status_code == 200
    assert "不是有效的日期" in response.content.decode()


def test_a_scheme_name_longer_than_its_column_is_refused(people: People) -> None:
    """PostgreSQL refused the 10,000-character name with a 500; the limit is the column's 200."""
    text = S000.read_text(encoding="utf-8")
    text = re.sub(r"^name: .*$", "name: " + "名" * 201, text, count=1, flags=re.M)
    before = (SchemeVersion.objects.count(), AuditLog.objects.count())
    response = client(people.hr).post("/schemes/new/", {"text": text})
    assert response.status_code == 400
    assert "方案名称超过 200 个字符" in response.content.decode()
    assert (SchemeVersion.objects.count(), AuditLog.objects.count()) == before


def test_a_nul_in_a_multipart_form_is_a_400_and_nothing_is_written(
    people: People, cycle: Cycle, advance: Advance
) -> None:
    """The factual basis is sent with its files (multipart): PostgreSQL refused the NUL deep in
    the insert (a 500); now the same 400 page as a URL-encoded form with a NUL."""
    advance(cycle, State.CALIBRATION)
    before = (FactualBasis.objects.count(), AuditLog.objects.count())
    response = client(people.sup1).post(
        f"/team/{cycle.pk}/basis/A002/",
        {"text": "表扬信\x00三封", "files": [SimpleUploadedFile("a.txt", b"x")]},
    )
    assert response.status_code == 400
    assert "取值不能包含空字符（NUL）" in response.content.decode()
    assert (FactualBasis.objects.count(), AuditLog.objects.count()) == before


def test_a_team_not_there_for_a_group_robot_is_said_not_a_404(people: People) -> None:
    for typed in ("", "987654"):
        response = client(people.hr).post(
            "/notify/channels/",
            {"team": typed, "kind": "wecom", "url": "https://qyapi.weixin.qq.com/x", "next": "/"},
            follow=True,
        )
        assert response.status_code == 200
        assert "请选择团队" in response.content.decode() or "987654" in response.content.decode()
    assert not Channel.objects.exists()


# -------------------------------------------------------------------------------- files


def _mapping_preview(people: People, cycle: Cycle, mapping: bytes) -> Any:
    ratings = "agent_id,period,indicator,rater_role,rater_id,value\nA001,2026-10,courtesy,,S01,80\n"
    return client(people.hr).post(
        f"/cycles/{cycle.pk}/import/preview/",
        {
            "files": [SimpleUploadedFile("ratings.csv", ratings.encode())],
            "mapping": SimpleUploadedFile("mapping.yaml", mapping),
        },
        HTTP_HX_REQUEST="true",
    )


@pytest.mark.parametrize("mapping", ["列: 值\n".encode("gbk"), bytes(range(256))])
def test_a_mapping_that_is_not_utf8_is_said_in_the_preview(
    people: People, cycle: Cycle, mapping: bytes
) -> None:
    response = _mapping_preview(people, cycle, mapping)
    assert response.status_code == 200
    page = response.content.decode()
    assert "mapping.yaml" in page and "文件不是 UTF-8 编码的文本" in page


AGENTS_HEADER = "agent_id,name,team\n"


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("agents.csv", b"", "agents.csv"),
        ("agents.csv", bytes(range(256)) * 4, "agents.csv"),
        ("agents.xlsx", (AGENTS_HEADER + "C001,赵六,一组\n").encode(), "agents.xlsx"),
    ],
    ids=["empty", "binary", "xlsx-that-is-csv"],
)
def test_an_agents_file_that_cannot_be_read_is_said_beside_the_file_field(
    people: People, name: str, content: bytes, said: str
) -> None:
    before = (Agent.objects.count(), AuditLog.objects.count())
    response = client(people.hr).post(
        "/org/agents/upload/", {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    reason = beside(response.content.decode(), "file")
    assert said in reason and has_chinese(reason), reason
    assert (Agent.objects.count(), AuditLog.objects.count()) == before


def test_a_gbk_agents_file_is_read_as_the_same_chinese(people: People) -> None:
    """Excel on a Chinese Windows saves CSV as GBK: the names arrive as typed, not as mojibake."""
    content = (AGENTS_HEADER + "C001,赵六,一组\n").encode("gbk")
    response = client(people.hr).post(
        "/org/agents/upload/", {"file": SimpleUploadedFile("agents.csv", content)}
    )
    assert response.status_code == 302
    assert Agent.objects.get(agent_id="C001").name == "赵六"


def test_an_agents_file_of_only_a_header_changes_nothing(people: People) -> None:
    before = (Agent.objects.count(), AuditLog.objects.count())
    response = client(people.hr).post(
        "/org/agents/upload/", {"file": SimpleUploadedFile("agents.csv", AGENTS_HEADER.encode())}
    )
    assert response.status_code in (200, 302)
    assert Agent.objects.count() == before[0]


# ------------------------------------------------------------------------------ numbers shown


def test_a_qa_rating_of_1e400_is_refused_in_the_preview_not_a_500(qa: Any) -> None:  # noqa: F811
    qa.sample(reviewers=[qa.q1])
    a = qa.assignment("K-A001-2")
    response = client(qa.q1).post(
        f"/qa/conversations/{a.conversation_id}/preview/{a.rubric_id}/",
        {"item_expression": "1e400", "item_listening": "6"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1E+400" in page and has_chinese(page)


def test_an_agent_id_typed_in_full_width_is_the_id_a_file_reads(people: People) -> None:
    """Ａ００３ typed with a Chinese input method is stored as A003, as an agents or ratings
    file reads its ids; stored as typed, the file's row A003 made a second agent."""
    response = client(people.hr).post(
        "/org/agents/",
        urlencode({"agent_id": "Ａ００３", "name": "罗敏", "team": people.team1.pk}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert Agent.objects.filter(agent_id="A003").exists()
    content = (AGENTS_HEADER + "A003,罗敏,一组\n").encode()
    client(people.hr).post(
        "/org/agents/upload/", {"file": SimpleUploadedFile("agents.csv", content)}
    )
    assert Agent.objects.filter(name="罗敏").count() == 1


def test_a_nul_written_as_yamls_escape_in_a_scheme_name_is_refused(people: People) -> None:
    """YAML's "\\0" is a NUL character in the loaded name: PostgreSQL refused the version with a
    500; the editor says it as every form does, with the text kept."""
    text = S000.read_text(encoding="utf-8")
    text = re.sub(r"^name: .*$", 'name: "坏\\\\0名"', text, count=1, flags=re.M)
    assert '"坏\\0名"' in text
    before = (SchemeVersion.objects.count(), AuditLog.objects.count())
    response = client(people.hr).post("/schemes/new/", {"text": text})
    assert response.status_code == 400
    assert "取值不能包含空字符（NUL）" in response.content.decode()
    assert (SchemeVersion.objects.count(), AuditLog.objects.count()) == before


def test_a_nul_typed_into_the_scheme_builder_is_a_400(people: People) -> None:
    """The builder's form is multipart (it carries the preview's files): its fields are checked
    for NUL as a URL-encoded form's are."""
    page = client(people.hr).get("/schemes/builder/").content.decode()
    state = re.search(r'name="state" id="builder-state" value="([^"]*)"', page)
    assert state
    before = (SchemeVersion.objects.count(), AuditLog.objects.count())
    response = client(people.hr).post(
        "/schemes/builder/", {"state": html.unescape(state.group(1)), "str:name": "坏\x00名"}
    )
    assert response.status_code == 400
    assert "取值不能包含空字符（NUL）" in response.content.decode()
    assert (SchemeVersion.objects.count(), AuditLog.objects.count()) == before
