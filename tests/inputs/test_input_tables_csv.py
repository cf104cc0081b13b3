from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from appraise.inputs import (
    Agent,
    HistoryEntry,
    Incident,
    MetricValue,
    Rating,
    Source,
    load_inputs,
)
from appraise.problems import Problem, ProblemsError

WriteTable = Callable[[str, str], Path]


def test_long_metric_values_keep_names_as_written_and_numbers_exact(
    inputs_dir: Path, write: WriteTable
) -> None:
    write(
        "metric_values.csv",
        "agent_id,period,metric,value\n"
        "A1,2026-10,csat,0.1\n"
        "A1,2026-10,2.耐心细心，以客户利益为先,A\n"
        "A2,2026-10,csat,0.2\n",
    )
    loaded = load_inputs(inputs_dir)
    assert loaded.metric_values == [
        MetricValue("A1", "2026-10", "csat", Decimal("0.1"), Source("metric_values.csv", 2)),
        MetricValue(
            "A1", "2026-10", "2.耐心细心，以客户利益为先", "A", Source("metric_values.csv", 3)
        ),
        MetricValue("A2", "2026-10", "csat", Decimal("0.2"), Source("metric_values.csv", 4)),
    ]
    csat = [v.value for v in loaded.metric_values if v.metric == "csat"]
    # Read through float, 0.1 + 0.2 would be 0.30000000000000004.
    assert sum(csat, Decimal(0)) == Decimal("0.3")
    assert loaded.files == ["metric_values.csv"]
    assert loaded.warnings == []


def test_wide_metric_values_give_one_record_per_filled_cell_with_its_column(
    inputs_dir: Path, write: WriteTable
) -> None:
    write(
        "metric_values.csv",
        "agent_id,name,period,客户满意度,流失率,服务态度\n"
        "A1,张三,2026-10,92.5,35%,较好完成\n"
        "A2,李四,2026-10,,28%,\n",
    )
    loaded = load_inputs(inputs_dir)
    file = "metric_values.csv"
    assert loaded.metric_values == [
        MetricValue("A1", "2026-10", "客户满意度", Decimal("92.5"), Source(file, 2, "客户满意度")),
        MetricValue("A1", "2026-10", "流失率", Decimal("35"), Source(file, 2, "流失率")),
        MetricValue("A1", "2026-10", "服务态度", "较好完成", Source(file, 2, "服务态度")),
        # Empty cells are missing values, not zeros: A2 has only 流失率.
        MetricValue("A2", "2026-10", "流失率", Decimal("28"), Source(file, 3, "流失率")),
    ]


def test_an_empty_agent_id_is_a_value_for_the_whole_center(
    inputs_dir: Path, write: WriteTable
) -> None:
    write(
        "metric_values.csv",
        "agent_id,period,metric,value\n,2026-10,总销售额,1234567.89\nA1,2026-10,销售额,1000\n",
    )
    values = load_inputs(inputs_dir).metric_values
    assert [(v.agent_id, v.metric) for v in values] == [(None, "总销售额"), ("A1", "销售额")]


def test_a_byte_order_mark_does_not_become_part_of_the_first_header(
    inputs_dir: Path, write: WriteTable
) -> None:
    write("agents.csv", "\ufeffagent_id,name\nA1,张三\n")
    assert load_inputs(inputs_dir).agents == [Agent("A1", "张三", None, None, None, None, {})]


def test_percent_values_are_in_percent_units(inputs_dir: Path, write: WriteTable) -> None:
    write(
        "metric_values.csv",
        "agent_id,metric,value\nA1,a,85%\nA1,b,12.5 %\nA1,c,９５％\nA1,d,0.85\n",
    )
    values = {v.metric: v.value for v in load_inputs(inputs_dir).metric_values}
    # "85%" is 85, not 0.85; a number without a sign is taken as written.
    assert values == {
        "a": Decimal("85"),
        "b": Decimal("12.5"),
        "c": Decimal("95"),
        "d": Decimal("0.85"),
    }


def test_full_width_digits_signs_and_grouped_thousands_read_as_numbers(
    inputs_dir: Path, write: WriteTable
) -> None:
    write(
        "metric_values.csv",
        'agent_id,metric,value\nA1,a,１２３．５\nA1,b,−3\nA1,c,"12,345.60"\nA1,d,+7\nA1,e,.5\n',
    )
    values = {v.metric: v.value for v in load_inputs(inputs_dir).metric_values}
    assert values == {
        "a": Decimal("123.5"),
        "b": Decimal("-3"),
        "c": Decimal("12345.60"),
        "d": Decimal("7"),
        "e": Decimal("0.5"),
    }


def test_text_that_is_not_a_number_is_kept_as_a_level_name(
    inputs_dir: Path, write: WriteTable
) -> None:
    write(
        "ratings.csv",
        "agent_id,indicator,rater_role,rater_id,value\n"
        "A1,工作态度,supervisor,S1, 较好完成 \n"
        "A1,纪律,supervisor,S1,B\n"
        "A1,出勤,,,1e3\n",
    )
    values = [r.value for r in load_inputs(inputs_dir).ratings]
    # An exponent is not how a manager writes a number, so 1e3 stays text.
    assert values == ["较好完成", "B", "1e3"]


def test_a_clock_time_value_is_read_as_seconds(inputs_dir: Path, write: WriteTable) -> None:
    write("metric_values.csv", "agent_id,metric,value\nA1,平均通话时长,0:03:25\n")
    # 3 minutes 25 seconds = 3 * 60 + 25 = 205 seconds.
    assert load_inputs(inputs_dir).metric_values[0].value == Decimal(205)


def test_long_ratings_carry_role_and_rater(inputs_dir: Path, write: WriteTable) -> None:
    write(
        "ratings.csv",
        "agent_id,period,indicator,rater_role,rater_id,value\n"
        "A1,2026-Q4,服务质量,self,A1,90\n"
        "A1,2026-Q4,服务质量,supervisor,S1,80\n"
        "A1,2026-Q4,服务质量,,,\n",
    )
    assert load_inputs(inputs_dir).ratings == [
        Rating("A1", "2026-Q4", "服务质量", "self", "A1", Decimal(90), Source("ratings.csv", 2)),
        Rating(
            "A1", "2026-Q4", "服务质量", "supervisor", "S1", Decimal(80), Source("ratings.csv", 3)
        ),
    ]


def test_wide_ratings_have_one_row_per_agent_and_rater(inputs_dir: Path, write: WriteTable) -> None:
    write(
        "ratings.csv",
        "agent_id,rater_role,rater_id,1.业务熟练度,2.沟通能力\n"
        "A1,直接上级,S1,80,90\n"
        "A1,办公室,O1,,A\n",
    )
    file = "ratings.csv"
    assert load_inputs(inputs_dir).ratings == [
        Rating(
            "A1",
            None,
            "1.业务熟练度",
            "直接上级",
            "S1",
            Decimal(80),
            Source(file, 2, "1.业务熟练度"),
        ),
        Rating(
            "A1", None, "2.沟通能力", "直接上级", "S1", Decimal(90), Source(file, 2, "2.沟通能力")
        ),
        Rating("A1", None, "2.沟通能力", "办公室", "O1", "A", Source(file, 3, "2.沟通能力")),
    ]


def test_incidents_default_to_one_occurrence_and_accept_three_date_spellings(
    inputs_dir: Path, write: WriteTable
) -> None:
    write(
        "incidents.csv",
        "agent_id,date,kind,count,points,amount,note\n"
        "A1,2026-10-05,complaint,,,,\n"
        "A1,2026/10/6,violation,2,15,¥100,迟到\n"
        "A2,2026年10月7日,praise,1,,,表扬信\n",
    )
    file = "incidents.csv"
    assert load_inputs(inputs_dir).incidents == [
        Incident("A1", date(2026, 10, 5), "complaint", Decimal(1), None, None, "", Source(file, 2)),
        Incident(
            "A1",
            date(2026, 10, 6),
            "violation",
            Decimal(2),
            Decimal(15),
            Decimal(100),
            "迟到",
            Source(file, 3),
        ),
        Incident(
            "A2", date(2026, 10, 7), "praise", Decimal(1), None, None, "表扬信", Source(file, 4)
        ),
    ]


def test_periods_are_kept_in_their_canonical_spelling(inputs_dir: Path, write: WriteTable) -> None:
    write(
        "history.csv",
        "agent_id,period,total,grade,rank\n"
        "A1,2026-7,68.5,待改进,3\n"
        "A1,2026/08,69,,\n"
        "A1,2026-q3,,,\n"
        "A1,2026-w41,,,\n"
        "A1,2025,,,\n",
    )
    history = load_inputs(inputs_dir).history
    assert [h.period for h in history] == ["2026-07", "2026-08", "2026-Q3", "2026-W41", "2025"]
    assert history[0] == HistoryEntry(
        "A1", "2026-07", Decimal("68.5"), "待改进", 3, Source("history.csv", 2)
    )


def test_agents_keep_other_columns_as_extra(inputs_dir: Path, write: WriteTable) -> None:
    write(
        "agents.csv",
        "agent_id,name,team,position,supervisor_id,hired_on,工号,备注\n"
        "A1,张三,售后,客服专员,S1,2026-08-12,0017,\n",
    )
    assert load_inputs(inputs_dir).agents == [
        Agent("A1", "张三", "售后", "客服专员", "S1", date(2026, 8, 12), {"工号": "0017"})
    ]


def test_full_width_agent_ids_match_ascii_ones(inputs_dir: Path, write: WriteTable) -> None:
    write("agents.csv", "agent_id,name\n1001,张三\n")
    write("metric_values.csv", "agent_id,metric,value\n１００１,csat,90\n")
    loaded = load_inputs(inputs_dir)
    assert loaded.metric_values[0].agent_id == "1001"
    assert loaded.warnings == []


def test_a_quoted_line_break_does_not_shift_row_numbers(
    inputs_dir: Path, write: WriteTable
) -> None:
    write(
        "incidents.csv", 'agent_id,date,kind,note\nA1,2026-10-05,complaint,"two\nlines"\nA2,x,y,\n'
    )
    problems = _problems(inputs_dir)
    # The bad date is on the third spreadsheet row even though it is the fourth line of text.
    assert [(p.row, p.field) for p in problems] == [(3, "date")]


def test_files_that_are_not_tables_are_ignored_or_reported(
    inputs_dir: Path, write: WriteTable
) -> None:
    write("agents.csv", "agent_id,name\nA1,张三\n")
    write("notes.txt", "not a table")
    write("expected.json", "{}")
    write("summary.csv", "x\n1\n")
    write("ratings.xls", "old excel")
    loaded = load_inputs(inputs_dir)
    assert [(w.code, w.file) for w in loaded.warnings] == [
        ("unknown_file", "ratings.xls"),
        ("unknown_file", "summary.csv"),
    ]
    assert loaded.files == ["agents.csv"]


def _problems(folder: Path) -> list[Problem]:
    try:
        load_inputs(folder)
    except ProblemsError as exc:
        return exc.problems
    raise AssertionError("expected load_inputs to report problems")
