"""Per-agent reports as their tools export them: 赤兔/千牛 daily and monthly, Chatwoot agents.

Each file below is laid out as the tool writes it (title rows, merged two-level headers, GBK,
``1分5秒``, ``-``, ``￥``, ``85.3%``, a 合计 row, a footer note); the numbers are worked by hand in
the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from appraise.inputs import load_inputs
from appraise.periods import Period
from appraise.problems import ProblemsError

# The chitu_workbook fixture of tests/conftest.py.
ChituWorkbook = Callable[[Path, str, list[list[object]], str], Path]
MONTHLY_HEADER = (
    "咨询人数,接待人数,询单人数,询单->最终付款人数,询单->最终付款成功率,销售额,客单价,未回复人数,"
    "平均响应(秒),答问比,退款笔数,退款率,客户满意比"
)

OCTOBER = Period.parse("2026-10")

DAILY_ROWS = [
    [
        "2026-10-01",
        "小王",
        50,
        48,
        20,
        8,
        "40.00%",
        "￥1,200.50",
        "150.06",
        0,
        "1分5秒",
        "110%",
        1,
        "12.50%",
        "95.00%",
    ],
    [
        "2026-10-02",
        "小王",
        30,
        30,
        10,
        5,
        "50.00%",
        "800",
        "160",
        "-",
        "35",
        "120%",
        0,
        "0.00%",
        "100.00%",
    ],
    ["2026-10-01", "小李", 12, 12, 0, 0, "-", "-", "-", 2, "2分", "90%", 0, "-", "-"],
    # November is not October: reported, not counted.
    ["2026-11-01", "小王", 9, 9, 3, 1, "33.33%", "100", "100", 0, "30", "100%", 0, "0%", "90%"],
    [
        "合计",
        None,
        101,
        99,
        33,
        14,
        "42.42%",
        "2,100.50",
        "150.04",
        2,
        "44",
        "108%",
        1,
        "7.14%",
        "96%",
    ],
]


def _chitu_daily(folder: Path, chitu_workbook: ChituWorkbook) -> Path:
    path = chitu_workbook(
        folder, "客服绩效_20261001-20261101.xlsx", DAILY_ROWS, "数据更新时间：2026-11-02 08:00"
    )
    (folder / "mapping.yaml").write_text("preset: chitu_daily\n", encoding="utf-8")
    return path


def _values(inputs_values: list, agent: str) -> dict[str, Decimal]:
    return {v.metric: v.value for v in inputs_values if v.agent_id == agent}


def test_chitu_daily_report_rolls_up_to_the_month_by_declared_rules(
    tmp_path: Path, chitu_workbook: ChituWorkbook
) -> None:
    _chitu_daily(tmp_path, chitu_workbook)
    inputs = load_inputs(tmp_path, period=OCTOBER)
    wang = _values(inputs.metric_values, "小王")
    # Counts and amounts are summed over 1 and 2 October (the November row is left out).
    assert wang["inquiries"] == 30  # 20 + 10
    assert wang["inquiry_paid"] == 13  # 8 + 5
    assert wang["sales_amount"] == Decimal("2000.50")  # 1,200.50 + 800
    assert wang["unanswered"] == 0  # 0 + "-" (no value, not zero)
    # The rate is recomputed from its parts: 13 / 30 = 43.33 %, not the mean of 40 % and 50 %.
    assert round(wang["conversion_rate"], 4) == Decimal("43.3333")
    # 客单价 = 销售额 / 付款人数 = 2000.50 / 13 = 153.88
    assert round(wang["average_order_value"], 2) == Decimal("153.88")
    # 平均响应 weighted by 接待人数: (65 × 48 + 35 × 30) / 78 = 4170 / 78 = 53.46 s; 1分5秒 is 65.
    assert round(wang["reply_time_mean"], 2) == Decimal("53.46")
    li = _values(inputs.metric_values, "小李")
    # 小李 had no inquiries: no conversion rate at all, never 0 %.
    assert "conversion_rate" not in li
    assert li["reply_time_mean"] == 120  # 2分
    # Every value is for the period scored, so the scoring context keeps them.
    assert {v.period for v in inputs.metric_values} == {"2026-10"}
    assert {a.agent_id for a in inputs.agents} == {"小王", "小李"}
    warnings = {w.code: w for w in inputs.warnings}
    assert "1 row(s) are not in 2026-10" in warnings["rows_outside_period"].message
    assert "2026-11-01" in warnings["rows_outside_period"].message


def test_chitu_daily_without_a_period_keeps_each_day(
    tmp_path: Path, chitu_workbook: ChituWorkbook
) -> None:
    _chitu_daily(tmp_path, chitu_workbook)
    inputs = load_inputs(tmp_path)
    days = {(v.period, v.metric): v.value for v in inputs.metric_values if v.agent_id == "小王"}
    assert days[("2026-10-01", "conversion_rate")] == Decimal("40.00")
    assert days[("2026-11-01", "inquiries")] == 3


def test_chitu_monthly_gbk_csv_with_a_title_line_reads_unedited(tmp_path: Path) -> None:
    text = (
        f"客服绩效月报,2026年10月\n旺旺,{MONTHLY_HEADER}\n"
        + '小王,80,78,30,13,43.33%,"￥2,000.50",153.88,0,1分23秒,115%,1,7.69%,97.5%\n'
        + "小李,12,12,0,0,-,-,-,2,--,90%,0,-,-\n"
    )
    (tmp_path / "客服绩效_202610.csv").write_bytes(text.encode("gbk"))
    (tmp_path / "mapping.yaml").write_text("preset: chitu_monthly\n", encoding="utf-8")
    inputs = load_inputs(tmp_path, period=OCTOBER)
    wang = _values(inputs.metric_values, "小王")
    # A monthly row is the month's figure as 赤兔 computed it.
    assert wang["conversion_rate"] == Decimal("43.33")
    assert wang["sales_amount"] == Decimal("2000.50")
    assert wang["reply_time_mean"] == 83  # 1分23秒
    li = _values(inputs.metric_values, "小李")
    assert "reply_time_mean" not in li and "sales_amount" not in li  # "--" and "-" are empty
    assert {v.period for v in inputs.metric_values} == {"2026-10"}


def test_chatwoot_agent_report_with_reporting_period_line(tmp_path: Path) -> None:
    (tmp_path / "agent-report.csv").write_text(
        "Reporting period 2026-10-01 to 2026-10-31\n"
        "Agent name,Conversations count,Avg first response time,Avg resolution time,"
        "Resolution Count\n"
        "Alice,42,1 minute 5 seconds,2 hours 3 minutes,40\n"
        "Bob,0,--,--,0\n",
        encoding="utf-8",
    )
    (tmp_path / "mapping.yaml").write_text("preset: chatwoot_agents\n", encoding="utf-8")
    inputs = load_inputs(tmp_path, period=OCTOBER)
    alice = _values(inputs.metric_values, "Alice")
    assert alice["first_response_time_mean"] == 65  # 1 × 60 + 5
    assert alice["resolution_time_mean"] == 7380  # 2 × 3600 + 3 × 60
    assert alice["conversations"] == 42
    bob = _values(inputs.metric_values, "Bob")
    assert bob == {"conversations": 0, "resolutions": 0}


@pytest.mark.parametrize(
    ("metrics", "code", "words"),
    [
        (
            "      rate: {source: 询单->最终付款成功率, unit: percent}\n",
            "report_roll_up_missing",
            "say how its rows add up",
        ),
        (
            "      rate: {source: 询单->最终付款成功率, unit: percent, roll_up: {ratio: [paid, asked]}}\n",
            "report_unknown_metric",
            "ratio reads 'paid'",
        ),
        (
            "      rate: {source: 询单->最终付款成功率, unit: percent, roll_up: median}\n",
            "mapping_invalid",
            "roll_up",
        ),
    ],
)
def test_report_mapping_problems_name_the_line(
    tmp_path: Path, metrics: str, code: str, words: str
) -> None:
    (tmp_path / "mapping.yaml").write_text(
        "reports:\n  daily:\n    agent: 旺旺\n    date: 日期\n    metrics:\n" + metrics,
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as caught:
        load_inputs(tmp_path, period=OCTOBER)
    problem = caught.value.errors[0]
    assert problem.code == code
    assert words in problem.message
    assert problem.file is not None and problem.file.endswith("mapping.yaml")
    assert problem.line == 6


def test_a_report_column_the_file_lacks_is_named(tmp_path: Path) -> None:
    (tmp_path / "客服绩效_202610.csv").write_text("旺旺,询单人数\n小王,3\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text("preset: chitu_monthly\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_inputs(tmp_path, period=OCTOBER)
    missing = [p for p in caught.value.errors if p.code == "column_missing"]
    assert any(p.field == "咨询人数" and p.file == "客服绩效_202610.csv" for p in missing)


def test_a_report_column_of_complaints_becomes_incidents_on_its_days(tmp_path: Path) -> None:
    (tmp_path / "日报.csv").write_text(
        "日期,旺旺,投诉次数,询单人数\n2026-10-01,小王,2,10\n2026-10-02,小王,0,5\n"
        "2026-10-03,小王,-,5\n",
        encoding="utf-8",
    )
    (tmp_path / "mapping.yaml").write_text(
        "reports:\n  daily:\n    file: 日报.csv\n    agent: 旺旺\n    date: 日期\n"
        "    metrics: {inquiries: {source: 询单人数, unit: count}}\n"
        "    incidents: {客户投诉: 投诉次数}\n",
        encoding="utf-8",
    )
    inputs = load_inputs(tmp_path, period=OCTOBER)
    # One incident record for 1 October with a count of 2; 0 and "-" are none.
    assert [(i.agent_id, str(i.date), i.kind, i.count) for i in inputs.incidents] == [
        ("小王", "2026-10-01", "客户投诉", 2)
    ]
    assert _values(inputs.metric_values, "小王") == {"inquiries": 20}


def test_a_report_column_of_scores_becomes_ratings_by_the_declared_role(tmp_path: Path) -> None:
    (tmp_path / "质检月报.csv").write_text(
        "质检月报 2026-10\n客服,质检得分,服务态度\n小王,92.5,A\n小李,-,B\n", encoding="utf-8"
    )
    (tmp_path / "mapping.yaml").write_text(
        "reports:\n  qa:\n    file: 质检月报.csv\n    agent: 客服\n    rater_role: qa\n"
        "    ratings: {质检: 质检得分, 态度: 服务态度}\n",
        encoding="utf-8",
    )
    inputs = load_inputs(tmp_path, period=OCTOBER)
    got = sorted((r.agent_id, r.indicator, r.rater_role, r.value) for r in inputs.ratings)
    # "-" is no rating; a level name stays text.
    assert got == [
        ("小李", "态度", "qa", "B"),
        ("小王", "态度", "qa", "A"),
        ("小王", "质检", "qa", Decimal("92.5")),
    ]
    assert {r.period for r in inputs.ratings} == {"2026-10"}
