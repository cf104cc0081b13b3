"""The metric language: every kind of mistake is reported with its line and a clear message,
and the built-in library loads, lists and compiles as the engine needs it."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal

import pytest
from events import add, chat, new_db

from appraise.metrics.catalog import LIBRARY, METRICS
from appraise.metrics.compile import compile_metrics
from appraise.metrics.config import Calendar, CenterConfig, Interval
from appraise.metrics.definitions import (
    ROW_SOURCES,
    list_definitions,
    parse_definitions,
)
from appraise.metrics.engine import drilldown_rows
from appraise.metrics.explain import describe
from appraise.periods import Period
from appraise.problems import ProblemsError

# Lines 1-6 of every case; the case's own lines start at line 7.
HEAD = """\
metrics:
  - id: m
    name: 指标
    name_en: Metric
    unit: percent
    description: A metric.
"""


def _problems(body: str) -> list[str]:
    with pytest.raises(ProblemsError) as err:
        parse_definitions(HEAD + body, "kpis.yaml")
    # The English rendering: the rules' wording is checked once, in the language it is written
    # in; test_a_mistake_reads_in_chinese_by_default checks that the reader gets Chinese.
    return [p.render("en") for p in err.value.problems]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "    from: chats\n    aggregate: count\n",
            "kpis.yaml:7: from: 'chats' is not one of conversations, replies, messages, calls, "
            "tickets, surveys, orders, reviews, attendance, qa_reviews, targets (error)",
            id="unknown-source",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: count\n    colour: red\n",
            "kpis.yaml:9: unknown field 'colour' (see docs/metrics.md) (error)",
            id="unknown-field",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: average\n",
            "kpis.yaml:8: aggregate: Input should be 'count', 'sum', 'mean', 'median', "
            "'percentile', 'share', 'distinct', 'ratio' or 'change' (error)",
            id="unknown-aggregate",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: share\n",
            "kpis.yaml:2: aggregate share needs test (error)",
            id="share-without-test",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: count\n    test: {column: resolved, is: true}\n",
            "kpis.yaml:2: aggregate count takes no test (error)",
            id="test-without-share",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: percentile\n"
            "    measure: {column: first_response}\n",
            "kpis.yaml:2: aggregate percentile needs percentile (error)",
            id="percentile-without-p",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: percentile\n    percentile: 100\n"
            "    measure: {column: first_response}\n",
            "kpis.yaml:9: percentile: Input should be less than 100 (error)",
            id="percentile-out-of-range",
        ),
        pytest.param(
            "    aggregate: count\n",
            "kpis.yaml:2: missing field 'from' (the rows the metric reads) (error)",
            id="missing-from",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: share\n"
            "    test: {column: first_respons, le: 180}\n",
            "kpis.yaml:9: column 'first_respons' is not a column of conversations; "
            "conversation_id, owner, final_agent, customer_id, channel, queue, started_at, "
            "first_customer_at, first_reply_at, resolved, reopened, transferred, messages, "
            "has_customer, first_response, resolution_time (error)",
            id="unknown-column",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: share\n"
            "    test: {column: first_response, le: 180, gt: 3}\n",
            "kpis.yaml:9: test: a test on a column has exactly one operator (equals, not_equals, "
            "in, not_in, lt, le, gt, ge, between, is, is_null, has_any, has_all, has_none); got le, "
            "gt (error)",
            id="two-operators",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: share\n    test: {le: 180}\n",
            "kpis.yaml:9: test: a condition has exactly one of column, duration, all, any, not, "
            "exists, open; got none (error)",
            id="condition-without-subject",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n      - {column: category, gt: 3}\n",
            "kpis.yaml:10: gt: a string column is not compared with the number 3 (error)",
            id="text-compared-with-number",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n"
            "      - {column: reopened, equals: true}\n",
            "kpis.yaml:10: equals: use `is: true/false` on yes/no column 'reopened' (error)",
            id="bool-with-equals",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n      - {column: category, is: true}\n",
            "kpis.yaml:10: `is` tests a yes/no column; 'category' is a string (error)",
            id="is-on-text",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n"
            "      - {column: created_at, le: 3}\n",
            "kpis.yaml:10: le: an instant is compared with another column ({column: ...}) or "
            "tested in a window (error)",
            id="instant-compared-with-number",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n"
            "      - {column: created_at, has_any: [vip]}\n",
            "kpis.yaml:10: has_any tests a list of tags (text); 'created_at' is a instant (error)",
            id="tags-test-on-an-instant",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n"
            "      - {column: tags, has_all: [vip, 'vip customer']}\n",
            "kpis.yaml:10: has_all: 'vip customer' is not one tag (a tag has no spaces, commas, "
            "semicolons, brackets or quotes) (error)",
            id="tag-with-a-space",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n"
            "      - {column: tags, has_any: ['']}\n",
            "kpis.yaml:10: has_any: '' is not one tag (a tag has no spaces, commas, semicolons, "
            "brackets or quotes) (error)",
            id="empty-tag",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: count\n    where:\n"
            "      - {column: tags, has_none: []}\n",
            "kpis.yaml:10: where.0.has_none: List should have at least 1 item after validation, not 0 "
            "(error)",
            id="tags-empty-list",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: mean\n    measure: {column: category}\n",
            "kpis.yaml:9: aggregate mean needs a number; 'category' is a string (error)",
            id="mean-of-text",
        ),
        pytest.param(
            "    from: tickets\n    aggregate: mean\n"
            "    measure: {duration: {from: created_at, to: category}}\n",
            "kpis.yaml:9: a duration runs between instants; 'category' is a string (error)",
            id="duration-to-text",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: share\n"
            "    test: {duration: {from: started_at, to: first_reply_at}, equals: 30}\n",
            "kpis.yaml:9: equals: compare durations with lt, le, gt, ge or between (error)",
            id="duration-equals",
        ),
        pytest.param(
            "    from: conversations\n    credit: replier\n    aggregate: count\n",
            "kpis.yaml:8: credit: rows of conversations are credited to owner, final_agent, "
            "not 'replier' (error)",
            id="credit-not-for-these-rows",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: count\n"
            '    window: {on: first_customer_at, daily: ["08:00-25:00"]}\n',
            "kpis.yaml:9: '25:00' is not a time of day (00:00 to 24:00) (error)",
            id="hour-out-of-range",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: count\n"
            '    window: {exempt: ["2027-02-12..2027-02-05"]}\n',
            "kpis.yaml:9: '2027-02-12..2027-02-05' ends before it starts (error)",
            id="exempt-range-backwards",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: count\n    window: {on: resolved}\n",
            "kpis.yaml:9: a window applies to an instant; 'resolved' is a bool (error)",
            id="window-on-non-instant",
        ),
        pytest.param(
            "    aggregate: ratio\n    numerator: csat\n    denominator: conversations_owned\n",
            "kpis.yaml:8: a ratio part must be a count, sum or distinct metric; 'csat' is a share "
            "(a ratio of ratios or of means is not a ratio) (error)",
            id="ratio-of-a-share",
        ),
        pytest.param(
            "    aggregate: ratio\n    numerator: conversations_owned\n    denominator: calls\n",
            "kpis.yaml:9: unknown metric 'calls' (error)",
            id="ratio-of-unknown-metric",
        ),
        pytest.param(
            "    aggregate: change\n    of: bad_review_rate_change\n",
            "kpis.yaml:8: 'bad_review_rate_change' is itself a change; refer to its metric (error)",
            id="change-of-a-change",
        ),
        pytest.param(
            "    from: conversations\n    aggregate: share\n"
            "    test: {exists: {table: refunds, match: {order_id: conversation_id}}}\n",
            "kpis.yaml:9: exists: 'refunds' is not one of messages, calls, tickets, surveys, "
            "orders, reviews, attendance, qa_reviews, targets (error)",
            id="exists-in-unknown-table",
        ),
    ],
)
def test_a_mistake_is_reported_at_its_line_with_a_clear_message(body: str, expected: str) -> None:
    assert expected in _problems(body)


def test_a_mistake_reads_in_chinese_by_default() -> None:
    # A shape error (pydantic, a validator's message) and a meaning error (the checker).
    with pytest.raises(ProblemsError) as err:
        parse_definitions(
            HEAD + "    from: tickets\n    aggregate: sum\n    measure: {column: category}\n",
            "kpis.yaml",
        )
    (p,) = err.value.problems
    assert p.code == "not_a_number" and p.message.code == "define.needs_number"
    assert str(p) == "kpis.yaml:9: aggregate sum 需要数字;'category' 是文本 (错误)"
    with pytest.raises(ProblemsError) as err:
        parse_definitions(HEAD + "    from: tickets\n    aggregate: sum\n", "kpis.yaml")
    (p,) = err.value.problems
    assert str(p) == "kpis.yaml:2: aggregate sum 需要 measure (错误)"


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = (
        HEAD
        + "    from: tickets\n    aggregate: count\n    where:\n"
        + ("      - {column: category, gt: 3}\n      - {column: nothing, is_null: true}\n")
    )
    problems = _problems(text.removeprefix(HEAD))
    assert [p.split(":")[1] for p in problems] == ["10", "11"]


def test_an_id_of_the_library_cannot_be_redefined() -> None:
    text = HEAD.replace("id: m", "id: csat") + "    from: surveys\n    aggregate: count\n"
    with pytest.raises(ProblemsError) as err:
        parse_definitions(text, "kpis.yaml")
    assert err.value.problems[0].render("en") == (
        "kpis.yaml:2: metric 'csat' is already in the built-in library; choose another id (error)"
    )
    assert str(err.value.problems[0]) == (
        "kpis.yaml:2: 指标 'csat' 已在内置指标库中;请换一个 id (错误)"
    )


def test_yaml_that_is_not_yaml_names_its_line() -> None:
    with pytest.raises(ProblemsError) as err:
        parse_definitions(HEAD + "    from: [conversations\n", "kpis.yaml")
    (p,) = err.value.problems
    assert p.code == "yaml_syntax" and p.line is not None and p.line >= 7


def test_top_level_keys_other_than_metrics_must_be_anchors() -> None:
    with pytest.raises(ProblemsError) as err:
        parse_definitions("shared: {}\n" + HEAD + "    from: calls\n    aggregate: count\n", "k")
    assert "unknown top-level field 'shared'" in err.value.problems[0].render("en")
    assert "未知的顶层字段 'shared'" in str(err.value.problems[0])


def test_the_library_lists_every_definition_with_chinese_name_and_unit() -> None:
    listed = list_definitions()
    assert [x["id"] for x in listed] == list(LIBRARY)
    assert len(METRICS) == 35 and set(METRICS) < set(LIBRARY)
    presets = {
        "taobao_response_3min_rate", "jd_response_30s_rate", "jd_response_time_mean",
        "feige_first_response_mean", "feige_reply_time_mean", "message_leave_rate",
        "inquiry_customers", "sales_amount", "ticket_first_response_time_mean",
        "ticket_resolution_time_mean", "ticket_reopen_rate",
    }  # fmt: skip
    assert presets < set(LIBRARY)
    by_id = {x["id"]: x for x in listed}
    assert by_id["csat"] == {
        "id": "csat",
        "name": "满意度",
        "name_en": "CSAT",
        "unit": "percent",
        "description": "评分4或5（满分5）的评价 ÷ 有满意度评分的评价。",
        "description_en": "Surveys scoring 4 or 5 (of 5) / surveys with a CSAT score.",
    }
    assert all(x["name"] and x["description"] for x in listed)


def test_the_catalog_reads_each_table_once_per_way_of_crediting() -> None:
    # the hand-written catalog had 14 grouped queries; the definitions compile to the same ones
    sources = compile_metrics(list(METRICS.values()), CenterConfig()).sources
    assert sorted(s.name for s in sources) == sorted(
        [
            "conversations_owner", "conversations_final_agent", "replies_replier",
            "conversations_owner_2", "conversations_owner_distinct", "orders_agent", "targets_agent",
            "calls_agent", "surveys_agent", "tickets_agent", "reviews_agent",
            "reviews_agent_prev", "attendance_agent", "qa_reviews_agent",
        ]
    )  # fmt: skip


def test_every_row_source_names_its_credit_and_period_columns() -> None:
    for src in ROW_SOURCES.values():
        assert src.default_credit in src.credits
        assert src.period_by in src.columns


DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_the_docs_example_definition_is_valid_and_every_definition_is_listed() -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = text.split("cat > kpis.yaml <<'EOF'\n", 1)[1].split("\nEOF\n", 1)[0]
    (x,) = parse_definitions(example, "docs/metrics.md")
    assert x.definition.id == "chat_first_response_180s"
    listed = text.split("## Every definition\n", 1)[1].split("\n## ", 1)[0]
    for metric_id, d in LIBRARY.items():
        assert f"| `{metric_id}` | {d.name} | {d.unit} |" in listed, metric_id


@pytest.mark.parametrize(("lang", "with_calendar"), [("zh", False), ("en", True)])
def test_every_definition_explains_itself_and_lists_its_rows(
    lang: Literal["zh", "en"], with_calendar: bool
) -> None:
    # with a calendar, business time on tickets and open hours need the minute table
    hours = {"mon": [Interval(start=time(9), end=time(18))]}
    config = CenterConfig(timezone="UTC", calendar=Calendar(hours=hours) if with_calendar else None)
    conn = new_db()
    chat(conn, "c1", "a1", "2026-10-05 10:00:00", [(0, "customer"), (30, "agent")],
         customer_id="u1", resolved=True)  # fmt: skip
    add(conn, "tickets", {"ticket_id": "t1", "agent_id": "a1", "created_at": "2026-10-05 10:00:00",
                          "first_response_at": "2026-10-05 10:01:00"})  # fmt: skip
    for d in LIBRARY.values():
        assert describe(d, lang)[0].startswith(f"{d.id} — ")
        parts = drilldown_rows(conn, Period.parse("2026-10"), d, "a1", config=config, lang=lang)
        assert parts, d.id
    # the ticket's first response in rows: 60 s, counted
    ((_, rows),) = drilldown_rows(
        conn, Period.parse("2026-10"), LIBRARY["ticket_first_response_time_mean"], "a1",
        config=config, lang=lang,
    )  # fmt: skip
    assert [(r.key, r.value, r.left_out) for r in rows] == [("t1", 60.0, None)]


def test_the_committed_json_schema_is_the_one_the_models_generate() -> None:
    from appraise.metrics.jsonschema import PATH, render

    # regenerate with `python -m appraise.metrics.jsonschema` after changing the models
    assert PATH.read_text(encoding="utf-8") == render()
