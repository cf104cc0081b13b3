"""Sentence end times from an import to the interruption (抢话) and speech-speed rules.

A hotline call R1 of A001, 2026-10-12 10:00:00 in Shanghai (02:00 UTC), transcribed one row per
sentence with its begin and end in milliseconds from the call's start (the `asr_sentences`
preset), in our own words:

    0 客服  0.0 -  3.0 s  您好，工号 1024 为您服务。       12 characters (您好 工号 1024 为您服务)
    1 客户  3.5 -  9.5 s  我 上个月 的话费，多扣了 五十块 钱！
    2 客服  8.0 - 10.0 s  您别急，我帮您查一下。            9 characters (您别急 我帮您查一下)
    3 客户 10.5 - 12.5 s  好的，谢谢。
    4 客服 13.0 - 15.0 s  查到了，是流量包的费用，下个月退还给您。  17 characters (3 + 7 + 7)

Speech speed counts the folded characters, spaces and punctuation left out, per minute:
0: 12 ÷ 3 s × 60 = 240; 2: 9 ÷ 2 s × 60 = 270; 4: 17 ÷ 2 s × 60 = 510, the only one over 300.
Interruption of the agent (the rule's default role): sentence 2 starts at 8.0 s while the
customer's sentence 1 runs to 9.5 s, 1.5 s of overlap (≥ 1: a hit); sentence 4 starts at
13.0 s, 0.5 s after the customer's 3 ended (no overlap); sentence 0 follows nobody.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from appraise.cli import app

runner = CliRunner()

HEADER = "录音编号,通话开始时间,坐席工号,角色,开始时间,结束时间,文本\n"
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


def transcript_csv(rows: list[tuple[str, str, str, str]] = R1) -> str:
    return HEADER + "".join(
        f"R1,2026-10-12 10:00:00,A001,{who},{a},{b},{text}\n" for who, a, b, text in rows
    )


def asr_folder(folder: Path, rows: list[tuple[str, str, str, str]] = R1) -> Path:
    folder.mkdir()
    (folder / "通话转写_2026-10.csv").write_text(transcript_csv(rows), encoding="utf-8")
    (folder / "mapping.yaml").write_text("preset: asr_sentences\n", encoding="utf-8")
    return folder


def qa_check(data: Path, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    config = tmp_path / "qa.yaml"
    config.write_text(QA_YAML, encoding="utf-8")
    res = runner.invoke(
        app,
        ["qa", "check", "--data", str(data), "--period", "2026-10", "--config", str(config)],
    )
    assert res.exit_code == 0, res.output
    doc: dict = json.loads(res.stdout)  # type: ignore[type-arg]
    return doc


def hits(doc: dict) -> list[tuple[str, str, list[int], list[str]]]:  # type: ignore[type-arg]
    return [
        (
            f["conversation_id"],
            f["rule"],
            [e["message_index"] for e in f["evidence"]],
            [e["note"] for e in f["evidence"]],
        )
        for f in doc["rule_findings"]
    ]


EXPECTED = [
    ("R1", "cut_in", [2], ["对方说完前 1.5 秒开口"]),
    ("R1", "too_fast", [4], ["每分钟 510 字"]),
]


def test_an_asr_export_imported_by_the_cli_makes_interruption_and_speed_computable(
    tmp_path: Path,
) -> None:
    store = tmp_path / "events.duckdb"
    res = runner.invoke(app, ["import", str(asr_folder(tmp_path / "asr")), "--store", str(store)])
    assert res.exit_code == 0, res.output
    doc = qa_check(store, tmp_path)
    assert hits(doc) == EXPECTED
    assert doc["rules_not_computable"] == 0
    # The evidence is the whole sentence, as said.
    texts = [e["text"] for f in doc["rule_findings"] for e in f["evidence"]]
    assert texts == ["您别急，我帮您查一下。", "查到了，是流量包的费用，下个月退还给您。"]


def test_canonical_files_with_absolute_end_times_give_the_same_findings(tmp_path: Path) -> None:
    # The same call as canonical files: sent_at and ended_at are local times (Shanghai).
    data = tmp_path / "data"
    data.mkdir()
    (data / "conversations.csv").write_text(
        "conversation_id,channel,agent_id,started_at\nR1,phone,A001,2026-10-12 10:00:00\n",
        encoding="utf-8",
    )
    lines = ["conversation_id,sent_at,ended_at,sender,text"]
    for who, a, b, text in R1:
        sender = "agent" if who == "客服" else "customer"
        start, end = int(a) / 1000, int(b) / 1000
        lines.append(
            f"R1,2026-10-12 10:00:{start:06.3f},2026-10-12 10:00:{end:06.3f},{sender},{text}"
        )
    (data / "messages.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert hits(qa_check(data, tmp_path)) == EXPECTED


def test_a_file_without_end_times_imports_and_the_rules_say_not_computable(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "conversations.csv").write_text(
        "conversation_id,channel,agent_id,started_at\nR1,phone,A001,2026-10-12 10:00:00\n",
        encoding="utf-8",
    )
    (data / "messages.csv").write_text(
        "conversation_id,sent_at,sender,text\n"
        "R1,2026-10-12 10:00:00,agent,您好，工号 1024 为您服务。\n"
        "R1,2026-10-12 10:00:03,customer,我 上个月 的话费，多扣了 五十块 钱！\n",
        encoding="utf-8",
    )
    doc = qa_check(data, tmp_path)
    # Both rules on the one conversation: no finding, two not computable.
    assert doc["rule_findings"] == [] and doc["rules_not_computable"] == 2


def _import_fails(folder: Path, tmp_path: Path) -> str:
    res = runner.invoke(app, ["import", str(folder), "--store", str(tmp_path / "events.duckdb")])
    assert res.exit_code == 1, res.output
    return res.output


def test_an_end_before_its_start_names_file_row_and_column_in_chinese(tmp_path: Path) -> None:
    # Row 4 of the file (header = row 1): sentence 2 ends at 7000 ms, before it began (8000 ms).
    rows = list(R1)
    rows[2] = ("客服", "8000", "7000", "您别急，我帮您查一下。")
    out = _import_fails(asr_folder(tmp_path / "asr", rows), tmp_path)
    # 10:00:00 + 7000 ms < 10:00:00 + 8000 ms, shown in the center's time zone.
    assert (
        "通话转写_2026-10.csv:第 4 行:结束时间: ended_at 早于 sent_at"
        "(2026-10-12 10:00:07+08 < 2026-10-12 10:00:08+08):这一行不可能正确 (错误)"
    ) in out
    assert "未导入任何数据:1 个错误" in out


def test_an_unreadable_offset_names_its_column(tmp_path: Path) -> None:
    # "3秒" is no count of milliseconds: row 2, column 结束时间.
    rows = list(R1)
    rows[0] = ("客服", "0", "3秒", "您好，工号 1024 为您服务。")
    out = _import_fails(asr_folder(tmp_path / "asr", rows), tmp_path)
    assert (
        "通话转写_2026-10.csv:第 2 行:结束时间: '3秒'(要加到 ended_at 上的毫秒数)"
        "不是大于等于 0 的毫秒数 (错误)"
    ) in out


def test_an_unparsable_absolute_end_time_names_the_ended_at_column(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "conversations.csv").write_text(
        "conversation_id,channel,agent_id,started_at\nR1,phone,A001,2026-10-12 10:00:00\n",
        encoding="utf-8",
    )
    (data / "messages.csv").write_text(
        "conversation_id,sent_at,ended_at,sender,text\n"
        "R1,2026-10-12 10:00:00,2026-10-12 10:00:03,agent,您好。\n"
        "R1,2026-10-12 10:00:04,下午三点,customer,我 要 投诉！\n",
        encoding="utf-8",
    )
    out = _import_fails(data, tmp_path)
    assert "messages.csv:第 3 行:ended_at: '下午三点' 不是" in out


def test_a_store_written_before_the_column_reads_as_without_end_times(tmp_path: Path) -> None:
    # A store of an older version: messages without ended_at, opened read-only by qa check
    # (which adds no column): the rules are not computable, nothing fails.
    import duckdb

    store = tmp_path / "old.duckdb"
    res = runner.invoke(app, ["import", str(asr_folder(tmp_path / "asr")), "--store", str(store)])
    assert res.exit_code == 0, res.output
    with duckdb.connect(str(store)) as conn:
        conn.execute("ALTER TABLE messages DROP COLUMN ended_at")
    doc = qa_check(store, tmp_path)
    assert doc["rule_findings"] == [] and doc["rules_not_computable"] == 2


def test_the_spark_dataset_keeps_the_sentence_ends(tmp_path: Path) -> None:
    # `appraise import --engine spark` writes the store's tables as Parquet by month: the five
    # sentences of October with their ends, 10:00:03 local = 02:00:03 UTC for the first.
    import pyarrow.dataset as ds

    dataset = tmp_path / "dataset"
    res = runner.invoke(
        app,
        ["import", str(asr_folder(tmp_path / "asr")), "--store", str(dataset), "--engine", "spark"],
    )
    assert res.exit_code == 0, res.output
    table = ds.dataset(dataset / "messages", format="parquet", partitioning="hive").to_table()
    ends = sorted(v.isoformat() for v in table.column("ended_at").to_pylist())
    assert len(ends) == 5 and ends[0] == "2026-10-12T02:00:03+00:00"
