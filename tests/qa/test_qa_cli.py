from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from qa_dialogues import BAD, MODEL, NO_CLOSING, Line
from qa_rubrics import GSM
from typer.testing import CliRunner

from appraise.cli import app

runner = CliRunner()


def write_data(folder: Path) -> None:
    """Three chats of 12 October 2026 (local time), as canonical files."""
    folder.mkdir()
    chats: list[tuple[str, str, list[Line]]] = [
        ("C1", "A001", MODEL),
        ("C2", "A001", BAD),
        ("C3", "A002", NO_CLOSING),
    ]
    with open(folder / "conversations.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["conversation_id", "channel", "agent_id", "started_at", "resolved"])
        for cid, agent, _ in chats:
            w.writerow([cid, "chat", agent, "2026-10-12 10:00:00", "true"])
    with open(folder / "messages.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["conversation_id", "sent_at", "sender", "agent_id", "text", "seq"])
        for cid, agent, lines in chats:
            for seq, (sender, text, sec) in enumerate(lines, start=1):
                m, s = divmod(sec, 60)
                when = f"2026-10-12 10:{m:02d}:{s:02d}"
                w.writerow([cid, when, sender, agent if sender == "agent" else "", text, seq])


def test_check_csv_is_a_metric_values_file_that_score_reads(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    res = runner.invoke(
        app,
        ["qa", "check", "--data", str(tmp_path / "data"), "--period", "2026-10", "--format", "csv"],
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    got = {(r["agent_id"], r["metric"]): r["value"] for r in rows}
    # A001: opening 1 of 2 chats; 3 忌语, 2 slow replies, 1 silence (all in BAD)
    assert got[("A001", "qa_opening_rate")] == "50"
    assert got[("A001", "qa_forbidden_count")] == "3"
    assert got[("A001", "qa_response_breaches")] == "2"
    assert got[("A002", "qa_closing_rate")] == "0"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "metric_values.csv").write_text(res.output, encoding="utf-8")
    (inputs / "agents.csv").write_text("agent_id,name\nA001,林晓\nA002,周敏\n", encoding="utf-8")
    scheme = tmp_path / "qa-auto.yaml"
    scheme.write_text(
        """
id: qa-auto
name: 自动质检
metrics:
  - {id: qa_opening_rate, name: 开场白规范率, unit: percent}
  - {id: qa_forbidden_count, name: 服务忌语次数, unit: count}
indicators:
  - {id: opening, name: 开场白, weight: 50, rule: {type: target, metric: qa_opening_rate, target: 100, full: 50}}
  - id: taboo
    name: 服务忌语
    weight: 50
    rule: {type: bands, metric: qa_forbidden_count, bands: [{range: "== 0", score: 50}, {range: "> 0", score: 0}]}
""",
        encoding="utf-8",
    )
    res = runner.invoke(
        app,
        ["score", str(scheme), "--inputs", str(inputs), "--period", "2026-10", "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    totals = {r["agent_id"]: r["total"] for r in json.loads(res.output)["results"]}
    # A001: 50 * 50/100 = 25 for the opening, 3 忌语 -> 0: 25; A002: 50 + 50 = 100
    assert totals == {"A001": 25, "A002": 100}


def test_check_json_lists_failed_findings_with_evidence(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    res = runner.invoke(
        app, ["qa", "check", "--data", str(tmp_path / "data"), "--period", "2026-10"]
    )
    doc = json.loads(res.output)
    taboo = [f for f in doc["findings"] if f["check"] == "forbidden"]
    assert [e["text"] for e in taboo[0]["evidence"]] == ["我不清楚", "不归我管", "我 不 知 道"]
    assert doc["checked"] == 3


def test_a_bad_qa_config_names_file_and_line(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    cfg = tmp_path / "qa.yaml"
    cfg.write_text(
        "opening:\n  scripts: ['您好']\nforbidden:\n  phrases: ['！！']\n  colour: red\n",
        encoding="utf-8",
    )
    res = runner.invoke(
        app,
        [
            "qa",
            "check",
            "--data",
            str(tmp_path / "data"),
            "--period",
            "2026-10",
            "--config",
            str(cfg),
        ],
    )
    assert res.exit_code == 1
    assert f"{cfg}:5: 未知的字段 'colour'(见 docs/qa.md) (错误)" in res.output
    cfg.write_text("forbidden:\n  phrases:\n    - 我不知道\n    - '！！'\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "qa",
            "check",
            "--data",
            str(tmp_path / "data"),
            "--period",
            "2026-10",
            "--config",
            str(cfg),
        ],
    )
    assert f"{cfg}:4: 用语 '！！' 去掉空格和标点后没有任何文字 (错误)" in res.output


def write_reviews(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "gsm.yaml").write_text(GSM, encoding="utf-8")
    cfg = tmp_path / "qa.yaml"
    cfg.write_text(
        "rubrics:\n  - {scheme: gsm.yaml, seats: [GSM综合座席], default: true, fatal: [no_leak]}\n",
        encoding="utf-8",
    )
    rows = ["review_id,conversation_id,agent_id,reviewer_id,reviewed_at,source,item,value"]
    base = {
        "开场白": "规范",
        "倾听理解": "24",
        "表达能力": "12",
        "转接规范": "规范",
        "结束语": "简短",
        "未泄露客户信息": "是",
    }
    for rid, conv, rev, source, listening in [
        ("r1", "C1", "Q1", "internal", "24"),
        ("r2", "C1", "Q2", "internal", "30"),
        ("r3", "C2", "X1", "external", "N/A"),
    ]:
        for item, value in {**base, "倾听理解": listening}.items():
            rows.append(f"{rid},{conv},A001,{rev},2026-10-20,{source},{item},{value}")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return cfg, reviews


def test_calibrate_and_figures_commands(tmp_path: Path) -> None:
    cfg, reviews = write_reviews(tmp_path)
    res = runner.invoke(
        app,
        ["qa", "calibrate", "--config", str(cfg), "--reviews", str(reviews), "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    items = {i["item"]: i for i in json.loads(res.output)["items"]}
    # C1 倾听理解 24 vs 30: range 6, population sd 3
    assert (items["listening"]["max_spread"], items["listening"]["mean_stdev"]) == (6.0, 3.0)
    res = runner.invoke(app, ["qa", "calibrate", "--config", str(cfg), "--reviews", str(reviews)])
    assert "校准" in res.output and "Q1" in res.output
    res = runner.invoke(
        app,
        [
            "qa",
            "figures",
            "--config",
            str(cfg),
            "--reviews",
            str(reviews),
            "--period",
            "2026-10",
            "--format",
            "csv",
        ],
    )
    assert res.exit_code == 0, res.output
    got = {r["metric"]: r["value"] for r in csv.DictReader(io.StringIO(res.output))}
    # internal: 83 and 89 (倾听理解 30: 10+30+24+20+5) -> 86; external: 倾听理解 N/A,
    # 10+24+20+5 = 59 of 70, scaled 59*100/70 = 84.29; qa_average (86 + 84.29) / 2 = 85.145
    assert got["qa_internal_average"] == "86"
    assert got["qa_external_average"] == "84.29"
    assert got["qa_average"] == "85.145"
    # non-fatal errors 3 + 2 + 2 = 7 of 5 + 5 + 4 = 14 opportunities: 50%
    assert got["nonfatal_accuracy"] == "50"
    assert got["fatal_accuracy"] == "100"
    assert got["monitored_calls"] == "3"


def test_sample_command_assigns_reviewers(tmp_path: Path) -> None:
    write_data(tmp_path / "data")
    res = runner.invoke(
        app,
        [
            "qa",
            "sample",
            "--data",
            str(tmp_path / "data"),
            "--period",
            "2026-10",
            "--per-agent",
            "1",
            "--reviewers",
            "A001,Q2",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert [r["agent_id"] for r in rows] == ["A001", "A002"]
    assert all(r["reviewer_id"] != r["agent_id"] for r in rows)
    assert sorted(r["reviewer_id"] for r in rows) == ["A001", "Q2"]


def test_rubric_config_names_unknown_items_by_line(tmp_path: Path) -> None:
    from appraise.problems import ProblemsError
    from appraise.qa.io import load_rubrics

    (tmp_path / "gsm.yaml").write_text(GSM, encoding="utf-8")
    cfg = tmp_path / "qa.yaml"
    cfg.write_text(
        "rubrics:\n  - scheme: gsm.yaml\n    fatal:\n      - no_leak\n      - no_fraud\n",
        encoding="utf-8",
    )
    try:
        load_rubrics(cfg)
    except ProblemsError as exc:
        assert [(p.code, p.message.code) for p in exc.problems] == [
            ("unknown_item", "qa.unknown_item")
        ]
        assert [p.render("en") for p in exc.problems] == [
            f"{cfg}:5: 'no_fraud' is not an item of rubric qa-gsm (error)"
        ]
        assert [str(p) for p in exc.problems] == [
            f"{cfg}:5: 'no_fraud' 不是评分表 qa-gsm 中的项目 (错误)"
        ]
    else:
        raise AssertionError("no_fraud is not an item")


def test_a_bad_rating_in_the_reviews_file_names_its_row(tmp_path: Path) -> None:
    cfg, reviews = write_reviews(tmp_path)
    text = reviews.read_text(encoding="utf-8").replace(
        "r2,C1,A001,Q2,2026-10-20,internal,表达能力,12",
        "r2,C1,A001,Q2,2026-10-20,internal,表达能力,20",
    )
    reviews.write_text(text, encoding="utf-8")
    res = runner.invoke(
        app,
        ["qa", "figures", "--config", str(cfg), "--reviews", str(reviews), "--period", "2026-10"],
    )
    assert res.exit_code == 1
    # r2 starts on row 8 (header, then r1's six rows)
    assert (
        f"{reviews}:第 8 行:表达能力: 评审 r2:“表达能力”的评分范围是 0..15;20 超出范围 (错误)"
        in res.output
    )


AGREE_CONFIG = """
rubrics:
  - {scheme: gsm.yaml, default: true, fatal: [no_leak]}
agreement:
  checks:
    opening: {mirrors: {item: 开场白}, require: {kappa: 0.6}}
"""


def write_agreement(tmp_path: Path) -> tuple[Path, Path]:
    write_data(tmp_path / "data")
    (tmp_path / "gsm.yaml").write_text(GSM, encoding="utf-8")
    cfg = tmp_path / "qa.yaml"
    cfg.write_text(AGREE_CONFIG, encoding="utf-8")
    rows = ["review_id,conversation_id,agent_id,reviewer_id,reviewed_at,item,value"]
    base = {"倾听理解": "24", "表达能力": "12", "转接规范": "规范", "结束语": "简短"}
    for rid, conv, agent, opening in [
        ("r1", "C1", "A001", "规范"),
        ("r2", "C2", "A001", "不规范"),
        ("r3", "C3", "A002", "不规范"),
    ]:
        for item, value in {**base, "开场白": opening, "未泄露客户信息": "是"}.items():
            rows.append(f"{rid},{conv},{agent},Q1,2026-10-20,{item},{value}")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return cfg, reviews


def test_agreement_command_and_the_check_csv_withholds_an_unproven_check(tmp_path: Path) -> None:
    cfg, reviews = write_agreement(tmp_path)
    data = str(tmp_path / "data")
    args = ["--data", data, "--period", "2026-10", "--config", str(cfg)]
    res = runner.invoke(
        app, ["qa", "agreement", *args, "--reviews", str(reviews), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    (opening,) = json.loads(res.stdout)["checks"]
    # The opening check: C1 passed / 规范 (tn), C2 failed / 不规范 (tp), C3 (您好，很高兴为您服务)
    # passed / 不规范 (fn): precision 1/1, recall 1/2; po = 2/3,
    # pe = ((1 + 0)(1 + 1) + (1 + 1)(0 + 1)) / 9 = 4/9, κ = (6/9 − 4/9) / (1 − 4/9) = 2/5
    assert (opening["tp"], opening["fp"], opening["fn"], opening["tn"]) == (1, 0, 1, 1)
    assert (opening["precision"], opening["recall"], opening["kappa"]) == (1.0, 0.5, 0.4)
    assert opening["counts"] is False
    res = runner.invoke(app, ["qa", "check", *args, "--reviews", str(reviews), "--format", "csv"])
    assert res.exit_code == 0, res.output
    metrics = {r["metric"] for r in csv.DictReader(io.StringIO(res.stdout))}
    assert "qa_opening_rate" not in metrics and "qa_closing_rate" in metrics
    assert "qa_opening_rate 暂不计入：kappa 0.40 低于要求的 0.60" in res.stderr
    # Without reviews the check has not been proven at all: withheld too
    res = runner.invoke(app, ["qa", "check", *args, "--format", "csv"])
    assert "qa_opening_rate" not in res.stdout
    assert "仅 0 条会话有人工评分，至少需要 1 条" in res.stderr


def test_sample_command_risk_weighted(tmp_path: Path) -> None:
    write_data(tmp_path / "data")

    # A001 has C1 (clean) and C2 (BAD: failed checks). 2 places, random share 50%:
    # ⌈2 × 0.5⌉ = 1 random of the two, then 1 risk place: C2 when the random draw took C1;
    # when it took C2, no flagged chat is left and C1 fills the place. A002's one chat C3 is
    # all it has: random.
    def sample(seed: str) -> dict[str, tuple[str, str]]:
        res = runner.invoke(
            app,
            [
                *("qa", "sample", "--data", str(tmp_path / "data"), "--period", "2026-10"),
                *("--per-agent", "2", "--random-share", "50%", "--seed", seed),
            ],
        )
        assert res.exit_code == 0, res.output
        rows = csv.DictReader(io.StringIO(res.stdout))
        return {r["conversation_id"]: (r["part"], r["flags"]) for r in rows}

    flags = "check:forbidden check:opening check:response check:silence"
    assert sample("2") == {
        "C1": ("random", ""),
        "C2": ("risk", flags),
        "C3": ("random", "check:closing"),
    }
    assert sample("0") == {
        "C1": ("fill", ""),
        "C2": ("random", flags),
        "C3": ("random", "check:closing"),
    }
    res = runner.invoke(
        app,
        [
            "qa",
            "sample",
            "--data",
            str(tmp_path / "data"),
            "--period",
            "2026-10",
            "--random-share",
            "abc",
        ],
    )
    assert res.exit_code == 2 and "--random-share" in res.output


def test_agreement_and_figures_use_the_random_part_of_a_sample_file(tmp_path: Path) -> None:
    cfg, reviews = write_agreement(tmp_path)
    sample = tmp_path / "sample.csv"
    sample.write_text(
        "conversation_id,agent_id,part\nC1,A001,random\nC2,A001,random\nC3,A002,risk\n",
        encoding="utf-8",
    )
    args = ["--data", str(tmp_path / "data"), "--period", "2026-10", "--config", str(cfg)]
    res = runner.invoke(
        app,
        [
            "qa",
            "agreement",
            *args,
            "--reviews",
            str(reviews),
            "--sample",
            str(sample),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    (opening,) = json.loads(res.stdout)["checks"]
    # C3 (the fn) was drawn for risk and is left out: tp 1 (C2), tn 1 (C1): po = 1,
    # pe = (1 × 1 + 1 × 1) / 4 = 1/2, κ = (1 − 1/2) / (1/2) = 1 ≥ 0.6: the check counts
    assert (opening["tp"], opening["fn"], opening["tn"], opening["kappa"]) == (1, 0, 1, 1.0)
    assert opening["counts"] is True
    res = runner.invoke(
        app,
        [
            "qa",
            "figures",
            "--config",
            str(cfg),
            "--reviews",
            str(reviews),
            "--period",
            "2026-10",
            "--sample",
            str(sample),
            "--format",
            "csv",
        ],
    )
    got = {
        (r["agent_id"], r["metric"]): r["value"] for r in csv.DictReader(io.StringIO(res.stdout))
    }
    # A002's only review is in the risk part: monitored 1, no average to estimate from
    assert got[("A002", "monitored_calls")] == "1"
    assert ("A002", "qa_average") not in got
    sample.write_text("conversation_id,part\nC1,randm\n", encoding="utf-8")
    res = runner.invoke(
        app, ["qa", "agreement", *args, "--reviews", str(reviews), "--sample", str(sample)]
    )
    assert res.exit_code == 1
    assert "sample.csv:第 2 行:part: 抽检部分 'randm' 不是 random, risk, fill 之一" in res.stderr
