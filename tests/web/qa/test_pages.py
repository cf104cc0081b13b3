"""What the QA pages show: the checks' findings marked in the transcript, the rubric form and
its live score, the agent's reviews with the dispute form, the decision form prefilled with the
first review, the figures and the calibration report."""

from __future__ import annotations

from django.test import Client

from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation, Dispute

from .conftest import C002, PERFECT, PERIOD, Qa, qa_files


def signed_in(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def form(ratings: dict[str, str]) -> dict[str, str]:
    return {f"item_{k}": v for k, v in ratings.items()}


def test_the_review_page_marks_what_the_checks_found_beside_the_rubric(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])
    a = qa.assignment("K-A001-2")
    html = signed_in(qa.q1).get(f"/qa/assignments/{a.pk}/").content.decode()
    # The 忌语 in the agent's message, marked where it stands.
    assert '这个<mark class="hit-bad"' in html and ">我不知道</mark>，您打宽带专线问问吧。" in html
    # Failed checks: the opening, the 忌语 and the agent hanging up first.
    for check in ("opening", "forbidden", "hangup"):
        assert f'data-check="{check}" data-passed="no"' in html
    # The form: 结束语 as levels with their scores, 后挂机 with an N/A choice, the capped
    # 服务态度得分 computed, not entered.
    assert '<option value="完整结束语" title="' in html and ">完整结束语 (2)</option>" in html
    assert 'name="item_hang_up"' in html and '<option value="N/A">' in html
    assert 'name="item_attitude_score"' not in html
    # The model call: the scripts found are marked as passed.
    ok = qa.assignment("K-A001-1")
    html = signed_in(qa.q1).get(f"/qa/assignments/{ok.pk}/").content.decode()
    assert '<mark class="hit-ok"' in html and 'data-passed="no"' not in html


def test_the_live_score_and_the_submitted_review(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])
    a = qa.assignment("K-A001-2")
    q1 = signed_in(qa.q1)
    url = f"/qa/conversations/{a.conversation_id}/preview/{a.rubric_id}/"
    fragment = q1.post(url, form(C002), HTTP_HX_REQUEST="true").content.decode()
    # 12 + 6 + min(12, 8) = 26, a fragment without the page around it.
    assert 'data-test="preview-score">26<' in fragment and "<html" not in fragment
    # A value out of range is answered in the fragment, not by an error page.
    fragment = q1.post(url, form({**C002, "expression": "16"}), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "表达能力" in fragment.content.decode()
    done = q1.post(f"/qa/assignments/{a.pk}/", {**form(C002), "comment": "未安抚客户"})
    review = a.reviews.get()
    assert done["Location"] == f"/qa/reviews/{review.pk}/"
    page = q1.get(done["Location"]).content.decode()
    assert 'data-test="score">26<' in page and "未安抚客户" in page
    # The assignment now opens its review; a second submission is refused with a message.
    assert q1.get(f"/qa/assignments/{a.pk}/")["Location"] == f"/qa/reviews/{review.pk}/"
    again = q1.post(f"/qa/assignments/{a.pk}/", form(C002), follow=True)
    assert "此会话已质检过" in again.content.decode()


def test_the_agent_reads_their_reviews_disputes_and_sees_the_new_score(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])
    review = qs.review_submit(assignment=qa.assignment("K-A001-2"), by=qa.q1, ratings=C002)
    qs.review_submit(assignment=qa.assignment("K-A002-1"), by=qa.q1, ratings=PERFECT)
    a1 = signed_in(qa.people.a1)
    mine = a1.get("/qa/reviews/").content.decode()
    assert "K-A001-2" in mine and "K-A002-1" not in mine
    assert f'href="/qa/reviews/{review.pk}/#dispute-form"' in mine
    page = a1.get(f"/qa/reviews/{review.pk}/").content.decode()
    assert 'id="dispute-form"' in page
    a1.post(f"/qa/reviews/{review.pk}/dispute/", {"reason": "我没有说忌语"})
    d = Dispute.objects.get(review=review)
    # q2 decides: the form holds q1's ratings; the rejection keeps 26.
    q2 = signed_in(qa.q2)
    html = q2.get(f"/qa/disputes/{d.pk}/").content.decode()
    assert 'value="12"' in html and '<option value="只说再见" selected title=' in html
    assert "我没有说忌语" in html
    q2.post(f"/qa/disputes/{d.pk}/decide/", {"decision": "uphold", "note": "x", **form(C002)})
    d.refresh_from_db()
    assert d.state == "open"  # nothing changed: upholding needs a changed rating
    q2.post(
        f"/qa/disputes/{d.pk}/decide/",
        {"decision": "uphold", "note": "倾听 9 分", **form({**C002, "listening": "9"})},
    )
    d.refresh_from_db()
    assert d.state == "upheld"
    mine = a1.get("/qa/reviews/").content.decode()
    # Both versions listed, the new one current: 29.
    assert mine.count("K-A001-2") == 2 and ">29 <" in mine
    new = a1.get(f"/qa/reviews/{d.new_review_id}/").content.decode()
    assert 'data-test="score">29<' in new and "v2" in new


def test_the_figures_and_calibration_pages_show_the_core_numbers(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])
    qs.review_submit(assignment=qa.assignment("K-A001-1"), by=qa.q1, ratings=PERFECT)
    qs.review_submit(assignment=qa.assignment("K-A001-2"), by=qa.q1, ratings=C002)
    html = signed_in(qa.people.sup1).get("/qa/figures/?period=2026-10").content.decode()
    # A001: (45 + 26) / 2 = 35.50; no fatal item: 100.00.
    assert 'data-agent="A001"' in html and 'data-test="qa-average">35.50<' in html
    convs = list(Conversation.objects.filter(conversation_id="K-B001-1"))
    s = qs.calibration_create(
        name="校准",
        rubric=qa.rubric,
        conversations=convs,
        reviewers=[qa.q1, qa.q2],
        by=qa.people.hr,
    )
    q1 = signed_in(qa.q1)
    url = f"/qa/calibration/{s.pk}/conversations/{convs[0].pk}/"
    q1.post(url, form(PERFECT))
    signed_in(qa.q2).post(url, form({**PERFECT, "expression": "11"}))
    html = q1.get(f"/qa/calibration/{s.pk}/").content.decode()
    # 表达能力 15 and 11: mean 13.00, sd 2.00, range 4; q1 is 4 above q2 on the total.
    assert '<tr data-item="expression"><td>表达能力</td><td class="num">2</td>' in html
    assert '<td class="num">13.00</td><td class="num">2.00</td><td class="num">4</td>' in html
    assert '<tr data-reviewer="q1">' in html


def test_rule_hits_are_marked_at_their_span_and_personal_data_is_masked(qa: Qa) -> None:
    lines = [
        ("customer", "耳机坏了，我手机13812345678", 0),
        ("agent", "您好，加我 微信 私下给您换，号码13812345678已记下", 20),
    ]
    files = qa_files(
        [("W-A002-9", "A002", "chat", "在线", True, None, "2026-10-15 09:00:00", lines)]
    )
    files["qa.yaml"] = b"builtin_rules: [offsite_contact, privacy_leak]\n"
    qs.conversation_import(period=PERIOD, by=qa.people.hr, files=files)
    c = Conversation.objects.get(conversation_id="W-A002-9")
    assert [f["rule"] for f in c.rule_findings] == ["offsite_contact", "privacy_leak"]
    html = signed_in(qa.people.hr).get(f"/qa/conversations/{c.pk}/").content.decode()
    # "您好，加我 微信 私下…": 加我 微信 at 3-8 marked; the number masked in both messages
    assert '您好，<mark class="hit-rule" title="站外联系: “加我微信”">加我 微信</mark>' in html
    assert "13812345678" not in html
    assert "我手机138****5678" in html and ">138****5678</mark>已记下" in html
    assert 'data-rule="offsite_contact" data-severity="红线"' in html and "红线（一票否决）" in html
