"""The QA services on the hand-written month of tests/web/qa/conftest.py, with seed 003's call
rubric (45 points: 表达能力 15, 倾听与理解 10, 服务态度 15 capped at 8 by a 忌语, 开场白 1,
结束语 2, 后挂机 2). Every number is worked by hand in the comment beside it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from appraise.problems import ProblemsError
from appraise.web.audit.models import AuditLog
from appraise.web.errors import Conflict, Forbidden, Invalid
from appraise.web.qa import selectors as sel
from appraise.web.qa import services as qs
from appraise.web.qa.models import (
    Assignment,
    Conversation,
    DisputeState,
    Review,
)

from .conftest import C002, PERFECT, PERIOD, Qa, qa_files


def failed_checks(conversation_id: str) -> dict[str, list[str]]:
    c = Conversation.objects.get(conversation_id=conversation_id)
    return {f["check"]: [e["text"] for e in f["evidence"]] for f in c.findings if not f["passed"]}


def test_import_runs_the_checks_and_skips_unknown_agents_and_known_conversations(qa: Qa) -> None:
    # 8 contacts, X999's chat skipped: 7 stored.
    assert (qa.batch.created, qa.batch.unknown_agents) == (7, ["X999"])
    # The bad call: no opening in the first two agent messages, 我不知道 once, agent hung up.
    assert failed_checks("K-A001-2") == {
        "opening": ["喂，您说。", "这个我不知道，您打宽带专线问问吧。"],
        "forbidden": ["我不知道"],
        "hangup": ["hung_up_by=agent"],
    }
    assert failed_checks("K-A001-1") == {}
    assert failed_checks("W-A002-2") == {"forbidden": ["我不清楚"]}
    call = Conversation.objects.get(conversation_id="K-A001-2")
    assert (call.is_call, call.outcome, call.channel) == (True, "not_resolved", "phone")
    again = qs.conversation_import(period=PERIOD, by=qa.people.hr, files=qa_files())
    assert (again.created, again.skipped_existing) == (0, 7)
    assert AuditLog.objects.filter(action="qa.import").count() == 2


def test_only_hr_imports_and_a_bad_file_name_is_refused(qa: Qa) -> None:
    with pytest.raises(Forbidden):
        qs.conversation_import(period=PERIOD, by=qa.q1, files=qa_files())
    with pytest.raises(Invalid):
        qs.conversation_import(period=PERIOD, by=qa.people.hr, files={"../x.csv": b""})


def _sampled(qa: Qa, seed: str) -> set[str]:
    """The conversations a run draws, without keeping it."""
    with transaction.atomic():
        run = qa.sample(per_agent=1, seed=seed)
        got = set(run.assignments.values_list("conversation__conversation_id", flat=True))
        transaction.set_rollback(True)
    return got


def test_a_sample_is_reproducible_balanced_and_never_takes_a_conversation_twice(qa: Qa) -> None:
    # One per agent: A001, A002, B001 -> 3 conversations, the same for the same seed.
    first = _sampled(qa, "7")
    assert len(first) == 3 and first == _sampled(qa, "7")
    assert {c.split("-")[1] for c in first} == {"A001", "A002", "B001"}
    run = qa.sample(per_agent=1, seed="7")
    loads = sorted(run.assignments.values_list("reviewer__username", flat=True))
    assert loads in (["q1", "q1", "q2"], ["q1", "q2", "q2"])  # 3 over 2: loads 2 and 1
    # Later runs draw only what is left: A001 has 2 more, A002 1, B001 1 -> 3, then A001's last.
    second = qa.sample(per_agent=1, seed="7")
    third = qa.sample(per_agent=1, seed="7")
    assert (second.sampled, third.sampled) == (3, 1)
    assert (
        Assignment.objects.count()
        == 7
        == len(set(Assignment.objects.values_list("conversation", flat=True)))
    )
    with pytest.raises(Conflict):
        qa.sample(per_agent=1, seed="7")


def test_a_reviewer_who_is_an_agent_never_gets_their_own_conversations(qa: Qa) -> None:
    # a1 is A001 and a QA reviewer too: A001's three conversations all go to q1.
    from django.contrib.auth.models import Group

    qa.people.a1.groups.add(Group.objects.get(name="qa"))
    run = qa.sample(reviewers=[qa.people.a1, qa.q1])
    mine = run.assignments.filter(reviewer=qa.people.a1)
    assert not mine.filter(conversation__agent__agent_id="A001").exists()
    # 7 over 2 reviewers: 4 and 3.
    assert sorted([mine.count(), run.sampled - mine.count()]) == [3, 4]


def test_only_qa_reviewers_are_given_samples(qa: Qa) -> None:
    with pytest.raises(Invalid):
        qa.sample(reviewers=[qa.people.sup1])
    with pytest.raises(Forbidden):
        qs.sampling_run_create(period=PERIOD, by=qa.q1, reviewers=[qa.q1])


def review(qa: Qa, conversation_id: str, ratings: dict[str, str], **kw: object) -> Review:
    a = qa.assignment(conversation_id)
    return qs.review_submit(assignment=a, by=a.reviewer, ratings=ratings, **kw)  # type: ignore[arg-type]


def test_the_seed_call_c002_scores_26_with_the_taboo_the_check_found(qa: Qa) -> None:
    qa.sample()
    bad = review(qa, "K-A001-2", C002)
    # The check found one 忌语, so attitude 12 is capped at 8: 12 + 6 + 8 + 0 + 0 + 0 = 26.
    assert bad.score == Decimal(26) and bad.maximum == Decimal(45)
    assert bad.metrics == {"taboo_phrases": "1.0"}
    # The same form on A002's call without a 忌语: the 12 counts, 12 + 6 + 12 = 30.
    assert review(qa, "K-A002-1", C002).score == Decimal(30)
    # A chat rates 后挂机 不适用: 26 of the 43 applicable points, scaled to 45:
    # 26 x 45 / 43 = 27.209... -> 27.21.
    chat = review(qa, "W-A002-2", {**C002, "hang_up": "不适用"})
    assert chat.score == Decimal("27.21") and chat.applicable == Decimal(43)
    assert chat.na == ["hang_up"]
    assert Assignment.objects.get(conversation__conversation_id="K-A001-2").state == "reviewed"
    entry = AuditLog.objects.get(action="qa.review.submit", object_id=str(bad.pk))
    assert entry.after["score"] == "26" and entry.actor == bad.reviewer


def test_a_review_is_refused_to_others_twice_incomplete_or_out_of_range(qa: Qa) -> None:
    qa.sample()
    a = qa.assignment("K-A001-1")
    with pytest.raises(Forbidden):
        qs.review_submit(assignment=a, by=qa.other_reviewer(a.reviewer), ratings=PERFECT)
    with pytest.raises(Invalid, match="倾听与理解"):
        qs.review_submit(
            assignment=a,
            by=a.reviewer,
            ratings={k: v for k, v in PERFECT.items() if k != "listening"},
        )
    with pytest.raises(ProblemsError):
        qs.review_submit(assignment=a, by=a.reviewer, ratings={**PERFECT, "expression": "16"})
    qs.review_submit(assignment=a, by=a.reviewer, ratings=PERFECT)
    with pytest.raises(Conflict):
        qs.review_submit(assignment=a, by=a.reviewer, ratings=PERFECT)


def test_an_upheld_dispute_rescores_as_a_new_version_and_keeps_the_old_one(qa: Qa) -> None:
    qa.sample()
    first = review(qa, "K-A001-2", C002)
    with pytest.raises(Forbidden):  # not A002's conversation
        qs.dispute_open(review=first, by=qa.people.agent_a2.user, reason="不对")
    with pytest.raises(Invalid):
        qs.dispute_open(review=first, by=qa.people.a1, reason="  ")
    d = qs.dispute_open(review=first, by=qa.people.a1, reason="我已经安抚过客户，倾听没有问题")
    with pytest.raises(Conflict):
        qs.dispute_open(review=first, by=qa.people.a1, reason="再来一次")
    # The first reviewer may not decide their own review's dispute; nor may HR or the agent.
    for who in (first.reviewer, qa.people.hr, qa.people.a1):
        with pytest.raises(Forbidden):
            qs.dispute_decide(dispute=d, by=who, decision="reject", note="x")
    second = qa.other_reviewer(first.reviewer)
    with pytest.raises(Invalid):  # upholding without changing anything
        qs.dispute_decide(dispute=d, by=second, decision="uphold", note="x", ratings=C002)
    d = qs.dispute_decide(
        dispute=d,
        by=second,
        decision="uphold",
        note="倾听与理解应为 9 分",
        ratings={**C002, "listening": "9"},
    )
    assert d.state == DisputeState.UPHELD and d.second_reviewer == second
    new = d.new_review
    assert new is not None
    # 12 + 9 + 8 (the same 忌语 cap) + 0 + 0 + 0 = 29, version 2 by the second reviewer.
    assert (new.score, new.version, new.reviewer, new.supersedes_id) == (
        Decimal(29),
        2,
        second,
        first.pk,
    )
    first.refresh_from_db()
    assert first.is_current is False and first.score == Decimal(26)
    # The decision is final: version 2 is not disputed again.
    with pytest.raises(Conflict):
        qs.dispute_open(review=new, by=qa.people.a1, reason="还是不对")
    actions = list(
        AuditLog.objects.filter(action__startswith="qa.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "qa.dispute.open",
        "qa.dispute.assign",
        "qa.review.rescore",
        "qa.dispute.uphold",
    ]


def test_a_rejected_dispute_keeps_the_review(qa: Qa) -> None:
    qa.sample()
    first = review(qa, "K-A001-2", C002)
    d = qs.dispute_open(review=first, by=qa.people.a1, reason="不服")
    # HR gives it to q3, who was not the first reviewer.
    with pytest.raises(Invalid):
        qs.dispute_assign(dispute=d, reviewer=first.reviewer, by=qa.people.hr)
    d = qs.dispute_assign(dispute=d, reviewer=qa.q3, by=qa.people.hr)
    with pytest.raises(Forbidden):  # assigned to q3: the other reviewer may not decide
        qs.dispute_decide(
            dispute=d, by=qa.other_reviewer(first.reviewer), decision="reject", note="x"
        )
    d = qs.dispute_decide(dispute=d, by=qa.q3, decision="reject", note="录音中确有忌语")
    first.refresh_from_db()
    assert d.state == DisputeState.REJECTED and d.new_review is None
    assert first.is_current and first.score == Decimal(26)
    with pytest.raises(Conflict):
        qs.dispute_decide(dispute=d, by=qa.q3, decision="reject", note="again")


def test_figures_per_agent_item_and_reviewer_count_the_decided_version(qa: Qa) -> None:
    qa.sample(reviewers=[qa.q1])  # every conversation to q1
    review(qa, "K-A001-1", PERFECT)  # 45
    bad = review(qa, "K-A001-2", C002)  # 26, upheld below as 29
    review(qa, "W-A001-3", {**PERFECT, "hang_up": "N/A"})  # 43 of 43 -> 45
    review(qa, "K-A002-1", C002)  # 30 (no 忌语)
    review(qa, "W-A002-2", {**C002, "hang_up": "N/A"})  # 27.21
    d = qs.dispute_open(review=bad, by=qa.people.a1, reason="倾听没有问题")
    qs.dispute_decide(
        dispute=d, by=qa.q2, decision="uphold", note="改为 9", ratings={**C002, "listening": "9"}
    )
    got = sel.figures(user=qa.people.hr, period=PERIOD).figures
    agents = {a.agent_id: a for a in got.agents}
    a1, a2 = agents["A001"], agents["A002"]
    # A001: 45, 29 (not 26), 45 -> 119 / 3 = 39.6667; no fatal item in s003 -> 100.
    assert a1.monitored == 3 and round(a1.qa_average, 4) == Decimal("39.6667")
    assert a1.fatal_accuracy == 100
    # Opportunities: 6 counted items per call (服务态度评分 counts: false), 5 on the chat (后挂机
    # N/A). Errors: 0 + 6 (every item of version 2 below full) + 0 = 6 of 17:
    # (1 - 6/17) x 100 = 64.7059.
    assert round(a1.nonfatal_accuracy, 4) == Decimal("64.7059")
    # A002: (30 + 27.21) / 2 = 28.605; every counted item below full: 11 of 11 -> 0.
    assert (a2.monitored, a2.qa_average, a2.nonfatal_accuracy) == (2, Decimal("28.605"), 0)
    assert "B001" not in agents
    items = {i.item_id: i for i in got.items}
    # 倾听与理解: 10, 9, 10, 6, 6 -> mean 41 / 5 = 8.2, 82% of 10; 3 below full.
    listening = items["listening"]
    assert (listening.rated, listening.mean, listening.percent, listening.errors) == (
        5,
        Decimal("8.2"),
        Decimal(82),
        3,
    )
    # 后挂机: rated on the three calls, N/A on the two chats.
    assert (items["hang_up"].rated, items["hang_up"].not_applicable) == (3, 2)
    reviewers = {r.reviewer_id: r for r in got.reviewers}
    # q1: 45, 45, 30, 27.21 -> 147.21 / 4 = 36.8025; q2 wrote version 2 only: 29.
    assert (reviewers["q1"].reviews, reviewers["q1"].mean) == (4, Decimal("36.8025"))
    assert (reviewers["q2"].reviews, reviewers["q2"].mean) == (1, Decimal(29))
    # The agent's own figures: their row only; sup1 sees 一组 (A001, A002); sup2 nothing yet.
    assert [a.agent_id for a in sel.figures(user=qa.people.a1, period=PERIOD).figures.agents] == [
        "A001"
    ]
    assert [a.agent_id for a in sel.figures(user=qa.people.sup1, period=PERIOD).figures.agents] == [
        "A001",
        "A002",
    ]
    assert sel.figures(user=qa.people.sup2, period=PERIOD).figures.agents == []


def test_calibration_reports_the_spread_per_item_and_reviewer(qa: Qa) -> None:
    convs = list(Conversation.objects.filter(conversation_id__in=["K-A001-2", "W-A001-3"]))
    s = qs.calibration_create(
        name="十月校准",
        rubric=qa.rubric,
        conversations=convs,
        reviewers=[qa.q1, qa.q2, qa.q3],
        by=qa.people.hr,
    )
    bad, chat = sorted(convs, key=lambda c: c.conversation_id)
    forms = {
        # K-A001-2 has one 忌语: attitude capped at 8.
        qa.q1: {**C002},  # 12 + 6 + 8 = 26
        qa.q2: {**C002, "expression": "10"},  # 10 + 6 + 8 = 24
        qa.q3: {**C002, "expression": "8", "attitude_rated": "6"},  # 8 + 6 + 6 = 20
    }
    for who, form in forms.items():
        qs.calibration_review_submit(session=s, conversation=bad, by=who, ratings=form)
        # The chat: everyone gives full marks, 后挂机 N/A -> 45.
        qs.calibration_review_submit(
            session=s, conversation=chat, by=who, ratings={**PERFECT, "hang_up": "N/A"}
        )
    with pytest.raises(Conflict):
        qs.calibration_review_submit(session=s, conversation=chat, by=qa.q1, ratings=PERFECT)
    with pytest.raises(Forbidden):
        qs.calibration_review_submit(
            session=s, conversation=chat, by=qa.people.sup1, ratings=PERFECT
        )
    rep = sel.calibration_report(user=qa.q1, session=s)
    items = {i.item_id: i for i in rep.items}
    # 表达能力: 12, 10, 8 on the call (sd sqrt(8/3) = 1.63299, range 4) and 15 x 3 on the chat
    # (sd 0): mean (30 + 45) / 6 = 12.5, mean sd 0.8165, largest range 4.
    e = items["expression"]
    assert (e.ratings, e.cells, e.mean, e.max_spread) == (6, 2, Decimal("12.5"), 4)
    assert round(e.mean_stdev, 4) == Decimal("0.8165")
    # Totals 26, 24, 20 (range 6) and 45 x 3.
    assert items["total"].max_spread == 6
    by = {r.reviewer_id: r for r in rep.reviewers}
    # Against the others' mean, over the 13 item cells (7 on the call, 6 on the chat):
    # q1: 表达能力 12 - 9 = +3, 服务态度评分 12 - 9 = +3, 服务态度得分 8 - 7 = +1 -> 7 / 13;
    # q3: 8 - 11 = -3, 6 - 12 = -6, 6 - 8 = -2 -> -11 / 13; totals 26 - 22 = +4 and 0 -> +2,
    # 20 - 25 = -5 and 0 -> -2.5.
    assert round(by["q1"].mean_deviation, 4) == round(Decimal(7) / 13, 4)
    assert round(by["q3"].mean_deviation, 4) == round(Decimal(-11) / 13, 4)
    assert (by["q1"].score_deviation, by["q3"].score_deviation) == (2, Decimal("-2.5"))
    # Calibration reviews never count in the month's figures, and are not disputed.
    assert sel.figures(user=qa.people.hr, period=PERIOD).reviews == 0
    one = Review.objects.filter(calibration=s, agent=qa.people.agent_a1).first()
    assert one is not None
    with pytest.raises(Conflict):
        qs.dispute_open(review=one, by=qa.people.a1, reason="x")
    qs.calibration_close(session=s, by=qa.people.hr)
    with pytest.raises(Conflict):
        qs.calibration_review_submit(session=s, conversation=bad, by=qa.q1, ratings=C002)


def test_a_fatal_item_zeroes_the_review_and_counts_in_the_fatal_accuracy(qa: Qa) -> None:
    from appraise.web.schemes.services import scheme_version_create

    from .conftest import S003_CALL_RUBRIC

    # Version 2 of the call rubric for the hotline (queue 热线), with 后挂机 fatal; chats keep
    # the default rubric.
    v2 = scheme_version_create(
        by=qa.people.hr,
        text=S003_CALL_RUBRIC.read_text(encoding="utf-8") + "# hotline\n",
        file="hotline.yaml",
    )
    hotline = qs.rubric_create(
        scheme_version=v2, by=qa.people.hr, fatal=["hang_up"], seats=["热线"]
    )
    qa.sample(reviewers=[qa.q1])
    assert qa.assignment("K-A001-2").rubric == hotline
    assert qa.assignment("W-A001-3").rubric == qa.rubric
    review(qa, "K-A001-1", PERFECT)  # 45
    bad = review(qa, "K-A001-2", C002)  # 先挂机 fails the fatal item: 0 (earned 26)
    assert (bad.score, bad.earned, bad.fatal, bad.fatal_failed) == (
        Decimal(0),
        Decimal(26),
        True,
        ["hang_up"],
    )
    review(qa, "W-A001-3", {**PERFECT, "hang_up": "N/A"})  # default rubric: 45
    a1 = sel.figures(user=qa.people.hr, period=PERIOD).figures.agents[0]
    # (45 + 0 + 45) / 3 = 30; one fatal failure in 3: (1 - 1/3) x 100 = 66.67.
    assert a1.qa_average == 30 and round(a1.fatal_accuracy, 2) == Decimal("66.67")
    # The fatal 后挂机 is no non-fatal opportunity: 5 per call, 5 on the chat; the bad call's
    # 5 items are below full: 5 of 15 -> 66.67.
    assert round(a1.nonfatal_accuracy, 2) == Decimal("66.67")


def test_the_import_command_reads_a_data_folder(qa: Qa, tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from .conftest import next_month

    for name, content in qa_files(next_month()).items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "qa.yaml").write_text("forbidden: {phrases: [宽带专线]}\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "qa_import",
        "--period=2026-11",
        f"--data={tmp_path}",
        f"--config={tmp_path / 'qa.yaml'}",
        "--as=hr",
        stdout=out,
    )
    # The command's own line is in the default language too (English with --lang en below).
    assert out.getvalue().strip() == (
        "2026-11: 已导入 7 条会话，0 条已存在。 已跳过：组织中没有这些客服：X999"
    )
    # The config's own 忌语 list: only 宽带专线 counts now, 我不知道 no more.
    assert failed_checks("K-A001-2-11")["forbidden"] == ["宽带专线"]
    # The command speaks the default language (Chinese), English when asked.
    with pytest.raises(CommandError, match="只有人事可以导入质检会话"):
        call_command("qa_import", "--period=2026-11", f"--data={tmp_path}", "--as=q1")
    with translation.override("en"), pytest.raises(CommandError, match="only HR may import"):
        call_command("qa_import", "--period=2026-11", f"--data={tmp_path}", "--as=q1")
