"""The QA API used as a client would: import, sample, review, dispute, decide, figures and
calibration over JSON, each person seeing only their own, scores as strings."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appraise.web.schemes.services import scheme_version_create

from .conftest import C002, PERFECT, PERIOD, S003_CALL_RUBRIC, Qa, next_month, qa_files

Q = "/api/qa"


def client(user: Any) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def test_a_review_its_dispute_and_the_figures_over_the_api(qa: Qa) -> None:
    hr = client(qa.people.hr)
    run = hr.post(
        f"{Q}/runs/",
        {"period": PERIOD, "reviewers": ["q1"], "per_agent": 15, "seed": "7"},
        format="json",
    )
    assert run.status_code == 201 and run.json()["sampled"] == 7
    q1 = client(qa.q1)
    todo = {a["conversation"]["conversation_id"]: a for a in q1.get(f"{Q}/assignments/").json()}
    assert len(todo) == 7
    bad = todo["K-A001-2"]
    # The form to fill in: s003's six entered items and the computed 服务态度得分.
    one = q1.get(f"{Q}/assignments/{bad['id']}/").json()
    kinds = {i["id"]: i["kind"] for i in one["rubric"]["items"]}
    assert kinds["attitude_score"] == "computed" and kinds["closing"] == "levels"
    assert "forbidden" in one["conversation"]["failed_checks"]
    # The preview scores without storing: 26 (the 忌语 caps attitude 12 at 8).
    preview = q1.post(
        f"{Q}/conversations/{one['conversation']['id']}/preview/",
        {"rubric": one["rubric"]["id"], "ratings": C002},
        format="json",
    )
    assert preview.json()["score"] == "26"
    made = q1.post(f"{Q}/assignments/{bad['id']}/review/", {"ratings": C002}, format="json")
    assert made.status_code == 201 and made.json()["score"] == "26"
    review_id = made.json()["id"]
    # The agent sees it among their own reviews, and disputes it.
    a1 = client(qa.people.a1)
    assert [r["id"] for r in a1.get(f"{Q}/reviews/").json()] == [review_id]
    assert client(qa.people.b1).get(f"{Q}/reviews/").json() == []
    d = a1.post(f"{Q}/reviews/{review_id}/dispute/", {"reason": "倾听没有问题"}, format="json")
    assert d.status_code == 201 and d.json()["state"] == "open"
    # q2 sees it in the second-review queue and upholds: 12 + 9 + 8 = 29.
    q2 = client(qa.q2)
    assert [x["id"] for x in q2.get(f"{Q}/disputes/?state=open").json()] == [d.json()["id"]]
    decided = q2.post(
        f"{Q}/disputes/{d.json()['id']}/decide/",
        {"decision": "uphold", "note": "倾听 9 分", "ratings": {**C002, "listening": "9"}},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    assert (
        decided.json()["state"],
        decided.json()["score_before"],
        decided.json()["score_after"],
    ) == (
        "upheld",
        "26",
        "29",
    )
    versions = a1.get(f"{Q}/reviews/").json()
    assert sorted((r["version"], r["score"], r["is_current"]) for r in versions) == [
        (1, "26", False),
        (2, "29", True),
    ]
    # Figures count version 2: A001 has one review, 29.
    figures = hr.get(f"{Q}/figures/?period={PERIOD}").json()
    assert figures["agents"] == [
        {
            "agent_id": "A001",
            "monitored": 1,
            "internal_average": "29",
            "external_average": None,
            "qa_average": "29",
            "fatal_accuracy": "100",
            # every counted item of version 2 is below full: 6 of 6 -> 0
            "nonfatal_accuracy": "0",
        }
    ]
    # A supervisor of the other team sees no agent in the figures.
    assert client(qa.people.sup2).get(f"{Q}/figures/?period={PERIOD}").json()["agents"] == []


def test_hr_imports_defines_rubrics_and_holds_calibration_with_a_token(qa: Qa) -> None:
    token = Token.objects.create(user=qa.people.hr)
    hr = APIClient()
    hr.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    files = [SimpleUploadedFile(n, c) for n, c in qa_files(next_month()).items()]
    got = hr.post(f"{Q}/imports/", {"period": "2026-11", "files": files}, format="multipart")
    assert got.status_code == 201 and (got.json()["created"], got.json()["unknown_agents"]) == (
        7,
        ["X999"],
    )
    # A second rubric from the same seed text is the same scheme version: refused (409).
    same = scheme_version_create(
        by=qa.people.hr, text=S003_CALL_RUBRIC.read_text(encoding="utf-8"), file="x.yaml"
    )
    again = hr.post(f"{Q}/rubrics/", {"scheme_version": same.pk}, format="json")
    assert again.status_code == 409
    # Version 2 of the text (one comment more) names a fatal item it does not have: 400.
    v2 = scheme_version_create(
        by=qa.people.hr,
        text=S003_CALL_RUBRIC.read_text(encoding="utf-8") + "# v2\n",
        file="x.yaml",
    )
    bad = hr.post(f"{Q}/rubrics/", {"scheme_version": v2.pk, "fatal": ["no_leak"]}, format="json")
    assert bad.status_code == 400
    # In the default language, like every problem the API gives (Accept-Language picks another).
    assert bad.json()["problems"][0]["message"] == "'no_leak' 不是 s003-call-rubric 的评分项"
    ok = hr.post(
        f"{Q}/rubrics/",
        {"scheme_version": v2.pk, "fatal": ["hang_up"], "seats": ["热线"]},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["fatal"] == ["hang_up"]
    # A fatal item cannot be N/A: 后挂机 offers no N/A on this rubric's form.
    hang_up = next(i for i in ok.json()["items"] if i["id"] == "hang_up")
    assert (hang_up["fatal"], hang_up["na_allowed"]) == (True, False)
    s = hr.post(
        f"{Q}/calibrations/",
        {
            "name": "十一月校准",
            "rubric": qa.rubric.pk,
            "conversations": ["K-A001-1-11"],
            "reviewers": ["q1", "q2"],
        },
        format="json",
    )
    assert s.status_code == 201
    sid = s.json()["id"]
    for who, listening in ((qa.q1, "10"), (qa.q2, "6")):
        r = client(who).post(
            f"{Q}/calibrations/{sid}/reviews/",
            {"conversation": "K-A001-1-11", "ratings": {**PERFECT, "listening": listening}},
            format="json",
        )
        assert r.status_code == 201
    report = client(qa.q1).get(f"{Q}/calibrations/{sid}/").json()["report"]
    listening = next(i for i in report["items"] if i["item"] == "listening")
    # 10 and 6: mean 8, population sd 2, range 4.
    assert (listening["mean"], listening["mean_stdev"], listening["max_spread"]) == ("8", "2", "4")
    q1 = next(r for r in report["reviewers"] if r["reviewer"] == "q1")
    # Totals 45 and 41: q1 is 4 above q2 on the total and on 倾听与理解.
    assert (q1["score_deviation"], q1["mean_score"]) == ("4", "45")
    assert client(qa.q3).get(f"{Q}/calibrations/").json() == []


def test_the_schema_names_the_qa_operations(qa: Qa) -> None:
    schema = client(qa.people.hr).get("/api/schema/?format=json").json()
    ops = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"qa_assignment_review", "qa_dispute_decide", "qa_figures", "qa_runs_create"} <= ops
