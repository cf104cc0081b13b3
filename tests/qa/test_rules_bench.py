"""`appraise qa rules test` (the rule test bench) and the rules in `appraise qa check`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rules_dialogues import SHOP
from typer.testing import CliRunner

from appraise.cli import app

runner = CliRunner()

QA_YAML = """\
builtin_rules: [offsite_contact, praise_request, privacy_leak]
rules:
  - id: off_platform
    name: 私下处理
    severity: 严重
    points: 3
    conditions:
      wx: {pack: offsite_contact}
      private: {keywords: [私下]}
    when: "wx && private"
"""


def write_data(folder: Path) -> None:
    """SHOP twice for A001 (12 and 13 October, local time) and once for A002 with a phone
    number in it; one message a minute."""
    folder.mkdir()
    chats = [
        ("C1", "A001", "2026-10-12", SHOP),
        ("C2", "A001", "2026-10-13", SHOP),
        (
            "C3",
            "A002",
            "2026-10-13",
            [("customer", "在吗"), ("agent", "已为您登记手机13812345678")],
        ),
    ]
    with open(folder / "conversations.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["conversation_id", "channel", "agent_id", "started_at", "resolved"])
        for cid, agent, day, _ in chats:
            w.writerow([cid, "chat", agent, f"{day} 10:00:00", "true"])
    with open(folder / "messages.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["conversation_id", "sent_at", "sender", "agent_id", "text", "seq"])
        for cid, agent, day, lines in chats:
            for seq, (sender, text) in enumerate(lines, start=1):
                w.writerow(
                    [
                        cid,
                        f"{day} 10:{seq:02d}:00",
                        sender,
                        agent if sender == "agent" else "",
                        text,
                        seq,
                    ]
                )


def test_the_bench_prints_every_hit_with_its_evidence_in_chinese(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    (tmp_path / "qa.yaml").write_text(QA_YAML, encoding="utf-8")
    args = [
        "qa",
        "rules",
        "test",
        "--config",
        str(tmp_path / "qa.yaml"),
        "--data",
        str(tmp_path / "data"),
    ]
    res = runner.invoke(app, [*args, "--rule", "私下处理"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "检查 3 个会话，命中 2 个" in out
    # C1 and C2 each: 加我 微信 (message 2), 微信号 abc_shop88 (message 4), 私下 (message 2)
    assert out.count("条件 wx：第 2 条消息（客服）[8:13]") == 2
    assert "这个问题您可以 【加我 微信】 ，我私下给您换一个哈" in out
    res = runner.invoke(app, [*args, "--rule", "off_platform", "--lang", "en"])
    assert "3 conversation(s) checked, 2 hit" in res.output


def test_the_bench_masks_personal_data_and_samples(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    (tmp_path / "qa.yaml").write_text(QA_YAML, encoding="utf-8")
    args = [
        "qa",
        "rules",
        "test",
        "--config",
        str(tmp_path / "qa.yaml"),
        "--data",
        str(tmp_path / "data"),
    ]
    res = runner.invoke(app, [*args, "--rule", "privacy_leak"])
    assert "已为您登记手机【138****5678】" in res.output
    assert "13812345678" not in res.output
    res = runner.invoke(app, [*args, "--rule", "privacy_leak", "--sample", "1", "--seed", "3"])
    assert "检查 1 个会话" in res.output
    res = runner.invoke(app, [*args, "--rule", "nope"])
    assert res.exit_code == 2 and "off_platform" in res.output


def test_check_adds_the_rules_metrics_by_period_and_by_day(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    (tmp_path / "qa.yaml").write_text(QA_YAML, encoding="utf-8")
    base = [
        "qa",
        "check",
        "--data",
        str(tmp_path / "data"),
        "--period",
        "2026-10",
        "--config",
        str(tmp_path / "qa.yaml"),
    ]
    res = runner.invoke(app, [*base, "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    got = {(r["agent_id"], r["period"], r["metric"]): r["value"] for r in rows}
    # A001 per chat: offsite_contact (红线, no points), praise_request (escalate 5, 10, 20) and
    # off_platform (3 points x 3 occurrences: 加我 微信, 微信号 abc_shop88, 私下 = 9):
    # 12 Oct 9 + 5 = 14, 13 Oct 9 + 10 = 19, the month 33
    assert got[("A001", "2026-10", "autoqa_hits")] == "6"
    assert got[("A001", "2026-10", "autoqa_points")] == "33"
    assert got[("A001", "2026-10", "autoqa_redline_count")] == "2"
    assert got[("A001", "2026-10-12", "autoqa_points")] == "14"
    assert got[("A001", "2026-10-13", "autoqa_points")] == "19"
    assert got[("A002", "2026-10-13", "autoqa_privacy_leak")] == "1"
    assert got[("A001", "2026-10", "qa_checked")] == "2"  # the six checks are still there
    doc = json.loads(runner.invoke(app, base).output)
    ev = next(f for f in doc["rule_findings"] if f["rule"] == "privacy_leak")["evidence"][0]
    assert (ev["message_index"], ev["text"]) == (1, "138****5678")


def test_a_scheme_reads_the_red_line_count(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    (tmp_path / "qa.yaml").write_text(QA_YAML, encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "qa", "check", "--data", str(tmp_path / "data"), "--period", "2026-10",
            "--config", str(tmp_path / "qa.yaml"), "--format", "csv",
        ],
    )  # fmt: skip
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "metric_values.csv").write_text(res.output, encoding="utf-8")
    (inputs / "agents.csv").write_text("agent_id,name\nA001,林晓\nA002,周敏\n", encoding="utf-8")
    doc = Path(__file__).resolve().parents[2] / "docs" / "qa.md"
    text = doc.read_text(encoding="utf-8")
    # the scheme of docs/qa.md ("Findings and metrics"), as written there
    start = text.index("metrics:\n  - {id: autoqa_redline_count")
    block = text[start : text.index("```", start)]
    scheme = tmp_path / "s.yaml"
    scheme.write_text("id: s\nname: 红线\n" + block, encoding="utf-8")
    res = runner.invoke(
        app,
        ["score", str(scheme), "--inputs", str(inputs), "--period", "2026-10", "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    totals = {r["agent_id"]: r["total"] for r in json.loads(res.output)["results"]}
    # A001 crossed the 站外联系 red line in both chats -> 0; A002 none -> 100
    assert totals == {"A001": 0, "A002": 100}


def test_the_config_example_of_the_docs_is_valid() -> None:
    from appraise.qa.config import parse_qa_config

    text = (Path(__file__).resolve().parents[2] / "docs" / "qa.md").read_text(encoding="utf-8")
    sec = text.index("## The rule language")
    start = text.index("```yaml\n", sec) + len("```yaml\n")
    cfg, _ = parse_qa_config(text[start : text.index("```", start)], "docs/qa.md")
    assert [r.id for r in cfg.rules] == ["off_platform"] and cfg.builtin_rules is True


def test_a_rule_under_the_agreement_gate_is_withheld_until_it_is_proven(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    gated = QA_YAML + (
        "agreement:\n  checks:\n    off_platform:\n"
        "      mirrors: {item: 开场白}\n      require: {kappa: 0.6, min_pairs: 20}\n"
    )
    (tmp_path / "qa.yaml").write_text(gated, encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "qa", "check", "--data", str(tmp_path / "data"), "--period", "2026-10",
            "--config", str(tmp_path / "qa.yaml"), "--format", "csv",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    metrics = {r["metric"] for r in csv.DictReader(io.StringIO(res.stdout))}
    # no reviews: no pairs, so the rule's own metric is withheld (the others stay)
    assert "autoqa_off_platform" not in metrics and "autoqa_praise_request" in metrics
    assert "off_platform" in res.stderr
