"""Every QA form refused for what was typed comes back as its page (200, never a redirect that
loses the input, a 405 or a blank page) with the reason beside the field and what was typed
still in the form. Each test sends one bad value the way a person types it into the page's form:
text in a number field, an empty required field, a score out of range."""

from __future__ import annotations

from django.test import Client

from appraise.web.qa import services as qs
from appraise.web.qa.models import (
    CalibrationSession,
    Conversation,
    Dispute,
    Review,
    Rubric,
    SamplingRun,
)
from appraise.web.schemes.services import scheme_version_create

from ..forms import beside, refused_page, tag, value
from .conftest import C002, PERIOD, S003_CALL_RUBRIC, Qa


def client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def form(ratings: dict[str, str]) -> dict[str, str]:
    return {f"item_{k}": v for k, v in ratings.items()}


def test_a_rating_typed_as_words_comes_back_beside_its_item(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])
    a = qa.assignment("K-A001-2")
    page = refused_page(
        client(qa.q1).post(
            f"/qa/assignments/{a.pk}/",
            {**form({**C002, "expression": "十五"}), "comment": "未安抚客户", "source": "internal"},
        )
    )
    # 表达能力 takes a number: the words stay in the cell, the reason beside it.
    assert value(page, "item_expression") == "十五"
    assert 'aria-invalid="true"' in tag(page, "item_expression")
    assert "十五" in beside(page, "item_expression")
    # The other items and the comment as they were typed; no reason beside them.
    assert value(page, "item_listening") == "6" and beside(page, "item_listening") == ""
    assert value(page, "item_closing") == "只说再见"
    assert value(page, "comment") == "未安抚客户"
    assert not Review.objects.exists()


def test_a_rating_out_of_range_comes_back_beside_its_item(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])
    a = qa.assignment("K-A001-2")
    page = refused_page(
        client(qa.q1).post(f"/qa/assignments/{a.pk}/", form({**C002, "expression": "16"}))
    )
    # 表达能力 is rated 0..15 (seed 003's call rubric).
    assert value(page, "item_expression") == "16"
    assert "16" in beside(page, "item_expression") and "15" in beside(page, "item_expression")
    assert not Review.objects.exists()


def test_a_dispute_of_only_spaces_comes_back_beside_the_reason(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])
    review = qs.review_submit(assignment=qa.assignment("K-A001-2"), by=qa.q1, ratings=C002)
    page = refused_page(
        client(qa.people.a1).post(f"/qa/reviews/{review.pk}/dispute/", {"reason": "   "})
    )
    assert 'id="dispute-form"' in page
    assert beside(page, "reason") != ""
    assert 'aria-invalid="true"' in tag(page, "reason")
    assert not Dispute.objects.exists()


def _dispute(qa: Qa) -> Dispute:
    qa.sample(reviewers=[qa.q1])
    review = qs.review_submit(assignment=qa.assignment("K-A001-2"), by=qa.q1, ratings=C002)
    return qs.dispute_open(review=review, by=qa.people.a1, reason="我没有说忌语")


def test_an_upheld_dispute_without_a_note_keeps_the_changed_ratings(qa: Qa) -> None:
    d = _dispute(qa)
    page = refused_page(
        client(qa.q2).post(
            f"/qa/disputes/{d.pk}/decide/",
            {"decision": "uphold", "note": "", **form({**C002, "listening": "9"})},
        )
    )
    assert beside(page, "note") != ""
    # The rating the second reviewer changed (6 -> 9) is still 9, not the first review's 6.
    assert value(page, "item_listening") == "9"
    d.refresh_from_db()
    assert d.state == "open"


def test_a_decision_with_a_rating_out_of_range_comes_back_beside_the_item(qa: Qa) -> None:
    d = _dispute(qa)
    page = refused_page(
        client(qa.q2).post(
            f"/qa/disputes/{d.pk}/decide/",
            {"decision": "uphold", "note": "倾听满分", **form({**C002, "listening": "11"})},
        )
    )
    # 倾听 is rated 0..10.
    assert value(page, "item_listening") == "11" and "11" in beside(page, "item_listening")
    assert value(page, "note") == "倾听满分"


def test_a_second_reviewer_not_chosen_is_said_beside_the_list(qa: Qa) -> None:
    d = _dispute(qa)
    page = refused_page(client(qa.people.hr).post(f"/qa/disputes/{d.pk}/assign/", {}))
    assert beside(page, "reviewer") == "请选择复核质检员"


def test_a_calibration_of_an_unknown_conversation_keeps_the_name_and_reviewers(qa: Qa) -> None:
    page = refused_page(
        client(qa.people.hr).post(
            "/qa/calibration/",
            {
                "name": "十月校准",
                "rubric": str(qa.rubric.pk),
                "conversations": "K-B001-1, K-NOPE-9",
                "reviewers": [str(qa.q1.pk), str(qa.q2.pk)],
            },
        )
    )
    assert beside(page, "conversations") == "没有会话 K-NOPE-9"
    assert value(page, "conversations") == "K-B001-1, K-NOPE-9"
    assert value(page, "name") == "十月校准"
    boxes = [tag(page, "reviewers", n) for n in range(3)]  # q1, q2, q3
    assert ["checked" in b for b in boxes] == [True, True, False]
    assert not CalibrationSession.objects.exists()


def test_a_calibration_with_one_reviewer_is_said_beside_the_reviewers(qa: Qa) -> None:
    page = refused_page(
        client(qa.people.hr).post(
            "/qa/calibration/",
            {
                "name": "十月校准",
                "rubric": str(qa.rubric.pk),
                "conversations": "K-B001-1",
                "reviewers": [str(qa.q1.pk)],
            },
        )
    )
    assert "校准至少需要两名质检员" in page
    assert value(page, "name") == "十月校准"


def test_a_calibration_score_out_of_range_comes_back_beside_its_item(qa: Qa) -> None:
    conv = Conversation.objects.get(conversation_id="K-B001-1")
    s = qs.calibration_create(
        name="校准",
        rubric=qa.rubric,
        conversations=[conv],
        reviewers=[qa.q1, qa.q2],
        by=qa.people.hr,
    )
    page = refused_page(
        client(qa.q1).post(
            f"/qa/calibration/{s.pk}/conversations/{conv.pk}/",
            {**form({**C002, "attitude_rated": "20"}), "comment": "态度好"},
        )
    )
    # 服务态度 is rated 0..15.
    assert value(page, "item_attitude_rated") == "20"
    assert "20" in beside(page, "item_attitude_rated")
    assert value(page, "comment") == "态度好"
    assert not s.reviews.exists()


def test_closing_a_closed_calibration_says_so_on_the_session(qa: Qa) -> None:
    conv = Conversation.objects.get(conversation_id="K-B001-1")
    s = qs.calibration_create(
        name="校准",
        rubric=qa.rubric,
        conversations=[conv],
        reviewers=[qa.q1, qa.q2],
        by=qa.people.hr,
    )
    hr = client(qa.people.hr)
    hr.post(f"/qa/calibration/{s.pk}/close/")
    again = hr.post(f"/qa/calibration/{s.pk}/close/")
    assert again.status_code == 200
    # The session's page, with the reason (the service's words) where the button was.
    body = again.content.decode()
    assert 'data-test="refused"' in body and "质检校准已经结束" in body
    assert f"<h1>{s.name}" in body


def test_a_sample_of_three_in_words_comes_back_beside_the_number(qa: Qa) -> None:
    page = refused_page(
        client(qa.people.hr).post(
            "/qa/manage/samples/",
            {
                "period": PERIOD,
                "per_agent": "三",
                "seed": "42",
                "strata": "channel",
                "reviewers": [str(qa.q1.pk)],
            },
        )
    )
    page = page.split('id="sample-form"', 1)[1]  # the import form has a period too
    assert beside(page, "per_agent") == "每名客服抽取的会话数须为 1 或以上的整数"
    assert value(page, "per_agent") == "三"
    assert value(page, "seed") == "42" and value(page, "strata") == "channel"
    assert value(page, "period") == PERIOD
    boxes = [tag(page, "reviewers", n) for n in range(3)]
    assert ["checked" in b for b in boxes] == [True, False, False]
    assert not SamplingRun.objects.exists()


def test_a_sample_of_unknown_strata_comes_back_beside_the_strata(qa: Qa) -> None:
    page = refused_page(
        client(qa.people.hr).post(
            "/qa/manage/samples/",
            {
                "period": PERIOD,
                "per_agent": "5",
                "seed": "1",
                "strata": "渠道",
                "reviewers": [str(qa.q1.pk)],
            },
        )
    )
    assert "渠道" in beside(page, "strata") and value(page, "per_agent") == "5"


def test_a_rubric_with_an_unknown_fatal_item_keeps_the_seats(qa: Qa) -> None:
    version = scheme_version_create(
        by=qa.people.hr,
        text=S003_CALL_RUBRIC.read_text(encoding="utf-8").replace(
            "id: s003-call-rubric", "id: s003-call-rubric-2", 1
        ),
        file="rubric2.yaml",
    )
    page = refused_page(
        client(qa.people.hr).post(
            "/qa/manage/rubrics/",
            {
                "scheme_version": str(version.pk),
                "seats": "热线",
                "fatal": "不存在的项",
                "na_items": "*",
                "default": "1",
            },
        )
    )
    assert "不存在的项" in beside(page, "fatal")
    assert value(page, "fatal") == "不存在的项" and value(page, "seats") == "热线"
    assert value(page, "scheme_version") == str(version.pk)
    assert "checked" in tag(page, "default")
    assert Rubric.objects.count() == 1


def test_an_import_for_a_month_in_words_comes_back_beside_the_period(qa: Qa) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = refused_page(
        client(qa.people.hr).post(
            "/qa/manage/imports/",
            {
                "period": "十月",
                "files": [SimpleUploadedFile("conversations.csv", b"conversation_id\n")],
            },
        )
    )
    assert "十月" in beside(page, "period") and value(page, "period") == "十月"


def test_a_random_share_in_words_comes_back_beside_the_share(qa: Qa) -> None:
    page = refused_page(
        client(qa.people.hr).post(
            "/qa/manage/samples/",
            {
                "period": PERIOD,
                "per_agent": "5",
                "seed": "1",
                "strata": "channel",
                "random_share": "一半",
                "reviewers": [str(qa.q1.pk)],
            },
        )
    )
    assert "一半" in beside(page, "random_share") and value(page, "random_share") == "一半"
    assert not SamplingRun.objects.exists()
