from __future__ import annotations

from datetime import UTC, datetime

from qa_dialogues import BAD, MODEL, NO_CLOSING, transcript

from appraise.metrics.config import Calendar, CenterConfig, Interval
from appraise.qa.checks import (
    Evidence,
    Finding,
    Message,
    Transcript,
    agent_metrics,
    check_transcript,
    forbidden_occurrences,
)
from appraise.qa.config import QaConfig, ScriptCheck

CFG = QaConfig()


def by_check(findings: list[Finding]) -> dict[str, Finding]:
    out: dict[str, Finding] = {f.check: f for f in findings}
    assert len(out) == len(findings), "one finding per check for a single-agent contact"
    return out


def test_model_call_passes_every_check_and_quotes_the_scripts() -> None:
    f = by_check(check_transcript(transcript(MODEL), CFG))
    assert set(f) == {"opening", "closing", "forbidden", "response", "silence"}
    assert all(x.passed for x in f.values())
    # "您好…请问有什么可以帮您": both parts are in message 0, with the agent's number between them
    assert [(e.message_index, e.text) for e in f["opening"].evidence] == [
        (0, "您好"),
        (0, "请问有什么可以帮您"),
    ]
    # the first closing script of the list found in the last two agent messages (5 and 7)
    assert [(e.message_index, e.text) for e in f["closing"].evidence] == [(7, "感谢您的来电")]


def test_bad_call_findings_are_exactly_what_an_inspector_finds() -> None:
    f = by_check(check_transcript(transcript(BAD), CFG))
    assert not f["opening"].passed
    # it shows what it looked at: the first two agent messages, 0 and 2
    assert [e.message_index for e in f["opening"].evidence] == [0, 2]
    assert f["closing"].passed and f["closing"].evidence[0].text == "再见"
    assert [(e.message_index, e.text) for e in f["forbidden"].evidence] == [
        (2, "我不清楚"),
        (2, "不归我管"),
        (4, "我 不 知 道"),
    ]
    # customer at 5 s answered at 155 s (150 s), customer at 160 s answered at 460 s (300 s);
    # the last run, 470 -> 475, is 5 s
    resp = f["response"].evidence
    assert [e.message_index for e in resp] == [2, 4]
    assert "150" in resp[0].note and "300" in resp[1].note
    # gaps 5, 150, 5, 300, 10, 5 s: only 300 is over the default 180
    assert [e.message_index for e in f["silence"].evidence] == [4]


def test_a_sentence_boundary_is_not_read_as_a_forbidden_phrase() -> None:
    # "有问题随时找我。不知道怎么操作…" holds 我 and 不知道 on two sides of a full stop
    f = by_check(check_transcript(transcript(NO_CLOSING), CFG))
    assert f["forbidden"].passed and f["forbidden"].evidence == ()
    assert f["opening"].passed  # the second default script, 您好…很高兴为您服务
    assert not f["closing"].passed


def test_a_stricter_closing_list_fails_a_call_that_only_says_goodbye() -> None:
    # the seed's 结束语: "只说了'再见'" earns nothing
    cfg = QaConfig(closing=ScriptCheck(scripts=["感谢您的来电…再见", "祝您生活愉快…再见"]))
    f = by_check(check_transcript(transcript(BAD), cfg))
    assert not f["closing"].passed
    f = by_check(check_transcript(transcript(MODEL), cfg))
    assert [e.text for e in f["closing"].evidence] == ["感谢您的来电", "再见"]


def test_overlapping_phrases_count_once_and_exceptions_do_not_count() -> None:
    hits = forbidden_occurrences("这个我也没办法，真的没办法。", ["没办法", "我也没办法"])
    # 我也没办法 (longest at its place) and the second 没办法: 2, not 3
    assert hits == [("我也没办法", "我也没办法"), ("没办法", "没办法")]
    text = "请问您急什么时候用呢？急什么急！"
    assert forbidden_occurrences(text, ["急什么"], ["急什么时候"]) == [("急什么", "急什么")]


def test_script_parts_may_fall_in_two_messages() -> None:
    lines = [
        ("agent", "您好！", 0),
        ("agent", "请问有什么可以帮您？", 2),
        ("customer", "查话费", 5),
    ]
    f = by_check(check_transcript(transcript(lines), CFG))
    assert [(e.message_index, e.text) for e in f["opening"].evidence] == [
        (0, "您好"),
        (1, "请问有什么可以帮您"),
    ]


def test_response_time_counts_business_hours_when_the_center_has_a_calendar() -> None:
    hours = [Interval.model_validate({"start": "09:00", "end": "18:00"})]
    center = CenterConfig(calendar=Calendar(hours={"mon": hours, "tue": hours}))
    # customer Monday 17:59 local, reply Tuesday 09:01 local: 60 s + 60 s of business time
    c = datetime(2026, 10, 12, 9, 59, tzinfo=UTC)
    r = datetime(2026, 10, 13, 1, 1, tzinfo=UTC)
    t = Transcript(
        "C9", "A001", (Message("customer", "在吗", c), Message("agent", "您好，在的", r))
    )
    cfg = QaConfig.model_validate({"response": {"max_seconds": 100}})
    f = by_check(check_transcript(t, cfg, center))
    assert not f["response"].passed and "120 business s" in f["response"].evidence[0].note
    cfg = QaConfig.model_validate({"response": {"max_seconds": 180}})
    assert by_check(check_transcript(t, cfg, center))["response"].passed
    # wall clock: 15 h 2 min = 54120 s
    cfg = QaConfig.model_validate({"response": {"max_seconds": 180, "business_hours": False}})
    f = by_check(check_transcript(t, cfg, center))
    assert "54120 wall-clock s" in f["response"].evidence[0].note


def test_untimed_transcripts_skip_the_time_checks() -> None:
    f = by_check(check_transcript(transcript(BAD, timed=False), CFG))
    assert set(f) == {"opening", "closing", "forbidden"}


def test_agent_hung_up_first_on_a_call() -> None:
    call = Transcript("K1", "A002", hung_up_by="Agent", is_call=True)
    (f,) = check_transcript(call, CFG)
    assert f.check == "hangup" and not f.passed
    assert f.evidence == (Evidence(None, "hung_up_by=Agent"),)
    (g,) = check_transcript(Transcript("K2", "A002", hung_up_by="customer", is_call=True), CFG)
    assert g.passed


def test_transferred_chat_credits_each_agent_with_what_they_wrote() -> None:
    msgs = (
        Message("agent", "您好，请问有什么可以帮您？", agent_id="A001"),
        Message("customer", "我要投诉"),
        Message("agent", "投诉不归我管，给您转接。", agent_id="A001"),
        Message("agent", "您好，我是投诉专席，感谢您的耐心，祝您生活愉快。", agent_id="A003"),
    )
    t = Transcript("C5", "A001", msgs, transferred_to="A003")
    found = {(f.check, f.agent_id): f for f in check_transcript(t, CFG)}
    assert found[("opening", "A001")].passed
    assert found[("closing", "A003")].passed
    assert [e.text for e in found[("forbidden", "A001")].evidence] == ["不归我管"]
    assert found[("forbidden", "A003")].passed


def test_agent_metrics_from_findings() -> None:
    findings = [
        *check_transcript(transcript(MODEL, "C1", "A001"), CFG),
        *check_transcript(transcript(BAD, "C2", "A001"), CFG),
        *check_transcript(transcript(NO_CLOSING, "C3", "A002"), CFG),
        *check_transcript(Transcript("K1", "A002", hung_up_by="agent", is_call=True), CFG),
    ]
    m = agent_metrics(findings)
    # A001: opening passed in C1, failed in C2: 1 of 2 = 50%; closing 2 of 2; the 3 忌语,
    # 2 slow replies and 1 silence of BAD
    assert m["A001"] == {
        "qa_checked": 2.0,
        "qa_opening_rate": 50.0,
        "qa_closing_rate": 100.0,
        "qa_forbidden_count": 3.0,
        "qa_response_breaches": 2.0,
        "qa_hangup_first_count": 0.0,
        "qa_long_silences": 1.0,
    }
    # A002: C3 opening 1/1, closing 0/1; the call K1 counts as a contact with 1 agent hang-up
    assert m["A002"]["qa_checked"] == 2.0
    assert m["A002"]["qa_opening_rate"] == 100.0
    assert m["A002"]["qa_closing_rate"] == 0.0
    assert m["A002"]["qa_hangup_first_count"] == 1.0


def test_default_phrases_catch_who_does_not_know_but_not_unclear_screens() -> None:
    phrases = CFG.forbidden.phrases
    # an agent speaking for the team or as 小妹 still says 我不知道
    assert [p for p, _ in forbidden_occurrences("这个我们也不清楚哦", phrases)] == ["也不清楚"]
    assert [p for p, _ in forbidden_occurrences("小妹这边不知道呢", phrases)] == ["这边不知道"]
    # "看不清楚" is about a screen, and a polite limit is not 忌语
    assert forbidden_occurrences("屏幕太亮会看不清楚的", phrases) == []
    assert forbidden_occurrences("很抱歉，没办法通过手机号查询订单", phrases) == []
    assert forbidden_occurrences("暂时不知道您的问题是否已解决，可随时联系我", phrases) == []
