"""`appraise metrics --define`, `explain` and `rows` on a small store file.

The store is in the default zone (Asia/Shanghai): 2026-10-05 00:00:00 UTC is 08:00:00 local.
Agent a1: c1 first message 08:00:00 local, reply after 180 s; c2 10:00:00, reply after 200 s;
c3 07:59:59, reply after 20 s; c4 2026-10-06 11:00:00, never answered.
"""

from __future__ import annotations

import json
from pathlib import Path

from events import chat, new_db
from typer.testing import CliRunner

from appraise.cli import app

DEFINED = """\
metrics:
  - id: reply_within_200s
    name: 200秒回复率
    name_en: Reply within 200 s
    unit: percent
    description: Share of conversations with a first reply within 200 s, 08:00-24:00.
    from: conversations
    where:
      - {column: has_customer, is: true}
    window: {on: first_customer_at, daily: ["08:00-24:00"]}
    aggregate: share
    test: {duration: {from: first_customer_at, to: first_reply_at}, le: 200}
"""


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    conn = new_db(str(path))
    chat(conn, "c1", "a1", "2026-10-05 00:00:00", [(0, "customer"), (180, "agent")])
    chat(conn, "c2", "a1", "2026-10-05 02:00:00", [(0, "customer"), (200, "agent")])
    chat(conn, "c3", "a1", "2026-10-04 23:59:59", [(0, "customer"), (20, "agent")])
    chat(conn, "c4", "a1", "2026-10-06 03:00:00", [(0, "customer")])
    conn.close()
    return path


def test_define_computes_a_managers_metric_beside_a_preset(tmp_path: Path) -> None:
    store = _store(tmp_path)
    defs = tmp_path / "kpis.yaml"
    defs.write_text(DEFINED, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["metrics", "--data", str(store), "--period", "2026-10", "--define", str(defs),
         "--metric", "reply_within_200s", "--metric", "taobao_response_3min_rate"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # c3 (07:59:59) is outside the window; of c1 (180 s), c2 (200 s), c4 (none): within 200 s
    # 2 / 3; within 180 s 1 / 3
    values = json.loads(result.stdout)["metrics"]["a1"]
    assert values["reply_within_200s"] == 200 / 3
    assert values["taobao_response_3min_rate"] == 100 / 3


def test_center_yaml_metrics_are_computed_with_the_catalog(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (tmp_path / "center.yaml").write_text("timezone: Asia/Shanghai\n" + DEFINED, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["metrics", "--data", str(store), "--period", "2026-10", "--format", "csv",
         "--metric", "reply_within_200s"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"agent_id,reply_within_200s\na1,{200 / 3!r}\n"


def test_a_bad_definition_file_names_every_problem_with_its_line(tmp_path: Path) -> None:
    defs = tmp_path / "bad.yaml"
    defs.write_text(
        DEFINED.replace("to: first_reply_at}", "to: first_reply}").replace(
            'daily: ["08:00-24:00"]', 'daily: ["8-24"]'
        ),
        encoding="utf-8",
    )
    # In English (--lang en); the level reads (错误) in the default Chinese.
    args = ["metrics", "--data", str(_store(tmp_path)), "--period", "2026-10", "--define"]
    result = CliRunner().invoke(app, ["--lang", "en", *args, str(defs)])
    assert result.exit_code == 1
    assert f"{defs}:10: '8' is not a time of day like 08:00 (error)" in result.stderr
    assert f"{defs}:12: duration to 'first_reply' is not a column of conversations" in result.stderr


def test_daily_variant_as_csv_has_a_period_column(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["metrics", "--data", str(_store(tmp_path)), "--period", "2026-10", "--by", "day",
         "--format", "csv", "--metric", "conversations_owned"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # local days: c1, c2, c3 on 10-05 (c3 at 07:59:59), c4 on 10-06; other days have no rows
    assert lines[0] == "period,agent_id,conversations_owned"
    assert lines[1:] == ["2026-10-05,a1,3.0", "2026-10-06,a1,1.0"]


def test_explain_prints_the_definition_in_chinese_and_the_sql(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["metrics", "explain", "jd_response_30s_rate"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "jd_response_30s_rate — 30秒应答率（京东）" in out
    assert "时间窗口：started_at 不在 23:00-09:00 内" in out
    assert (
        "计算：满足「first_customer_at 到 first_reply_at 的时长（自然时间） ≤ 30 秒」的占比 × 100"
        in out
    )
    assert "-- SQL（DuckDB）" in out and "-- SQL (Spark)" in out
    assert "<= 30000000" in out and "UNIX_MICROS(FROM_UTC_TIMESTAMP(" in out


def test_explain_in_english_fills_in_the_period(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["metrics", "explain", "reopen_rate", "--lang", "en", "--period", "2026-10"]
    )
    assert result.exit_code == 0, result.output
    assert "Credited to: the agent who ended with it" in result.stdout
    assert "Computed: share of rows where reopened is true, × 100" in result.stdout
    # October in Shanghai starts at 09-30 16:00 UTC
    assert "TIMESTAMPTZ '2026-09-30 16:00:00+00:00'" in result.stdout


def test_rows_lists_what_counted_and_why_the_rest_did_not(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["metrics", "rows", "taobao_response_3min_rate", "--agent", "a1",
         "--data", str(_store(tmp_path)), "--period", "2026-10"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "部分,行,时间,取值,计入,未计入原因,通过检验",
        "taobao_response_3min_rate,c3,2026-10-05 07:59:59,,否,"
        "不在时间窗口：first_customer_at 在每天 08:00-24:00 内,是",
        "taobao_response_3min_rate,c1,2026-10-05 08:00:00,,是,,是",
        "taobao_response_3min_rate,c2,2026-10-05 10:00:00,,是,,否",
        "taobao_response_3min_rate,c4,2026-10-06 11:00:00,,是,,否",
    ]


def test_rows_of_a_mean_give_each_value_and_the_empty_ones(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["metrics", "rows", "first_response_time_mean", "--agent", "a1", "--lang", "en",
         "--data", str(_store(tmp_path)), "--period", "2026-10"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "first_response_time_mean,c3,2026-10-05 07:59:59,20.0,yes,,"
    assert lines[4] == (
        "first_response_time_mean,c4,2026-10-06 11:00:00,,no,no value: first_response is empty,"
    )


def test_list_names_every_metric_and_the_defined_ones(tmp_path: Path) -> None:
    defs = tmp_path / "kpis.yaml"
    defs.write_text(DEFINED, encoding="utf-8")
    result = CliRunner().invoke(app, ["metrics", "list", "--define", str(defs)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "id,名称,unit"
    assert "csat,满意度,percent" in lines
    assert "taobao_response_3min_rate,3分钟人工响应率（淘宝/天猫）,percent" in lines
    assert lines[-1] == "reply_within_200s,200秒回复率,percent"
    english = CliRunner().invoke(app, ["metrics", "list", "--lang", "en"]).stdout.splitlines()
    assert "csat,CSAT,percent" in english
