"""Time operators: response time, silence between roles, interruption (抢话), speech speed.

ASR_CALL (start-end seconds): 0 agent 0-2, 1 customer 3-9, 2 agent 10-12, 3 customer 12.5-15.5,
4 agent 14-16, 5 customer 40-41.
"""

from __future__ import annotations

from rules_dialogues import ASR_CALL, SHOP, call, chat, run

from appraise.qa.checks import Message, Transcript


def rule(cond: str) -> str:
    return f"rules:\n  - id: r\n    conditions:\n      c: {cond}\n"


def test_response_time_from_the_first_unanswered_customer_message() -> None:
    # customer 1 at 3 s -> agent 2 at 10 s: 7 s; customer 3 at 12.5 -> agent 4 at 14: 1.5 s
    (f,) = run(rule("{response: {over: 5}}"), call(ASR_CALL))
    assert [m.message_index for m in f.evidence] == [2]
    assert "7 s" in str(f.evidence[0].note) or "7 秒" in str(f.evidence[0].note)
    (f,) = run(rule("{response: {over: 7}}"), call(ASR_CALL))
    assert not f.hit and f.computable


def test_silence_counts_from_the_end_of_the_previous_sentence() -> None:
    # before customer 5: 40 - 16 (agent 4 ended) = 24 s; every other gap is under 2 s
    (f,) = run(rule("{silence: {over: 20, after: agent}, role: customer}"), call(ASR_CALL))
    assert [m.message_index for m in f.evidence] == [5]
    # the agent never waited 20 s after the customer
    (f,) = run(rule("{silence: {over: 20, after: customer}}"), call(ASR_CALL))
    assert not f.hit


def test_the_agent_cutting_in_is_an_interruption_of_its_overlap() -> None:
    # agent 4 starts at 14.0 while customer 3 speaks until 15.5: 1.5 s of overlap
    (f,) = run(rule("{interrupt: {min_overlap: 1}}"), call(ASR_CALL))
    assert [m.message_index for m in f.evidence] == [4]
    (f,) = run(rule("{interrupt: {min_overlap: 2}}"), call(ASR_CALL))
    assert not f.hit
    (f,) = run(rule("{interrupt: true, role: customer}"), call(ASR_CALL))
    assert not f.hit  # the customer starts after the agent finished every time


def test_speech_speed_in_characters_a_minute() -> None:
    # agent 0: 您好很高兴为您服务 9 chars in 2 s = 270/min; agent 2: 这个不规我管你找营业厅吧
    # 12 chars in 2 s = 360/min; agent 4: 你加我为信我帮你看看 10 in 2 s = 300/min (not over)
    (f,) = run(rule("{speed: {over: 300}}"), call(ASR_CALL))
    assert [m.message_index for m in f.evidence] == [2]
    assert "360" in str(f.evidence[0].note)
    (f,) = run(rule("{speed: {under: 280}}"), call(ASR_CALL))
    assert [m.message_index for m in f.evidence] == [0]


def test_without_times_a_time_rule_is_not_computable_rather_than_passed() -> None:
    (f,) = run(rule("{response: {over: 5}}"), chat(SHOP))
    assert (f.hit, f.computable) == (False, False)
    assert f.message


def test_without_end_times_interruption_and_speed_are_not_computable() -> None:
    t0 = call(ASR_CALL)
    no_ends = Transcript(
        "K2", "A001", tuple(Message(m.sender, m.text, m.sent_at) for m in t0.messages)
    )
    for op in ("{interrupt: true}", "{speed: {over: 300}}"):
        (f,) = run(rule(op), no_ends)
        assert (f.hit, f.computable) == (False, False)
    # silence falls back to the start times: before customer 5, 40 - 14 (agent 4 started) = 26 s
    (f,) = run(rule("{silence: {over: 25, after: agent}, role: customer}"), no_ends)
    assert [m.message_index for m in f.evidence] == [5]
