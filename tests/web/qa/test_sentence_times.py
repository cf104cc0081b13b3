"""Sentence end times through the web QA import: an ASR export uploaded with its mapping and a QA
config, the interruption (抢话) and speech-speed rules judged on import and again on the rule
test bench, from what the import stored.

The call is R1 of tests/qa/test_sentence_times.py (A001, 2026-10-12 10:00 Shanghai), worked by
hand there: sentence 2 starts 1.5 s before the customer's sentence 1 ends (8.0 < 9.5 s), and
sentence 4 says 17 characters in 2 s, 17 ÷ 2 × 60 = 510 a minute, over 300; no other agent
sentence overlaps or is that fast (240 and 270 a minute).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from appraise.messages import reading
from appraise.problems import ProblemsError
from appraise.web.qa import bench
from appraise.web.qa import services as qs
from appraise.web.qa.models import Conversation

from .conftest import Qa

R1 = [
    ("客服", "0", "3000", "您好，工号 1024 为您服务。"),
    ("客户", "3500", "9500", "我 上个月 的话费，多扣了 五十块 钱！"),
    ("客服", "8000", "10000", "您别急，我帮您查一下。"),
    ("客户", "10500", "12500", "好的，谢谢。"),
    ("客服", "13000", "15000", "查到了，是流量包的费用，下个月退还给您。"),
]
QA_YAML = """\
rules:
  - id: cut_in
    name: 抢话
    conditions:
      c: {interrupt: {min_overlap: 1}}
  - id: too_fast
    name: 语速过快
    conditions:
      c: {speed: {over: 300}}
"""


def transcript_csv(rows: list[tuple[str, str, str, str]]) -> str:
    """One row per sentence, begin and end in ms from the call's start (asr_sentences)."""
    return "录音编号,通话开始时间,坐席工号,角色,开始时间,结束时间,文本\n" + "".join(
        f"R1,2026-10-12 10:00:00,A001,{who},{a},{b},{text}\n" for who, a, b, text in rows
    )


def upload(rows: list[tuple[str, str, str, str]] = R1) -> dict[str, bytes]:
    return {
        "通话转写_2026-10.csv": transcript_csv(rows).encode("utf-8"),
        "mapping.yaml": b"preset: asr_sentences\n",
        "qa.yaml": QA_YAML.encode("utf-8"),
    }


def test_an_uploaded_asr_export_gives_interruption_and_speed_findings(qa: Qa) -> None:
    batch = qs.conversation_import(period="2026-10", by=qa.people.hr, files=upload())
    assert batch.created == 1
    call = Conversation.objects.get(conversation_id="R1")
    got = [
        (f["rule"], [e["message_index"] for e in f["evidence"]], [e["note"] for e in f["evidence"]])
        for f in call.rule_findings
    ]
    assert got == [
        ("cut_in", [2], ["对方说完前 1.5 秒开口"]),
        ("too_fast", [4], ["每分钟 510 字"]),
    ]
    # The sentence ends are stored with the messages: 10:00:03 local is 02:00:03 UTC.
    assert [m["ended_at"] for m in call.messages][:1] == ["2026-10-12T02:00:03+00:00"]


def test_the_bench_judges_the_stored_sentence_times_alike(qa: Qa) -> None:
    qs.conversation_import(period="2026-10", by=qa.people.hr, files=upload())
    # On the month's conversations: the fixture's 7 have no end times (not computable), R1
    # is the one hit of each rule.
    result = bench.rule_bench(
        user=qa.people.hr, draft=QA_YAML, period="2026-10", sample="50", seed="0"
    )
    hits = sorted(
        (f.rule, c.conversation_id, [m.message_index for m in f.evidence]) for f, c in result.hits
    )
    assert hits == [("cut_in", "R1", [2]), ("too_fast", "R1", [4])]
    assert result.not_computable == 2 * 7


def test_an_end_before_its_start_is_refused_naming_file_row_and_column(qa: Qa) -> None:
    rows = list(R1)
    rows[2] = ("客服", "8000", "7000", "您别急，我帮您查一下。")  # row 4: ends before it began
    with pytest.raises(ProblemsError) as caught:
        qs.conversation_import(period="2026-10", by=qa.people.hr, files=upload(rows))
    (problem,) = caught.value.errors
    assert (Path(problem.file or "").name, problem.row, problem.field) == (
        "通话转写_2026-10.csv",
        4,
        "结束时间",
    )
    with reading("zh"):
        assert str(problem.message) == (
            "ended_at 早于 sent_at(2026-10-12 10:00:07+08 < 2026-10-12 10:00:08+08)"
            ":这一行不可能正确"
        )
    assert not Conversation.objects.filter(conversation_id="R1").exists()
