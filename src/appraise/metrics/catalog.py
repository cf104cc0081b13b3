"""The metric catalog: every KPI as a SQL expression over per-agent aggregates.

Each *source* is one grouped query (DuckDB dialect, transpiled for Spark) that scans one table
(or the derived conversation facts) once and returns one row per agent with counts and exact
sums: integer microseconds, exact decimals. Each *metric* is a SQL expression over the columns
of the sources it names, evaluated in a final query joined on the agent. Keeping the sums exact
and doing the one division at the end is what makes DuckDB and Spark agree to the last bit.

docs/metrics.md is the user-facing definition of every metric here; keep the two in step.

Placeholders in source SQL: ``{start}``/``{end}`` (the period as UTC TIMESTAMPTZ literals),
``{prev_start}``/``{prev_end}`` (the previous period), ``{start_date}``/``{end_date}`` (DATE
literals), ``{period}`` (the period string literal) and ``{sl_us}`` (the service-level
threshold in microseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["seconds", "percent", "count", "money", "ratio", "nps", "per_hour"]

COMPLAINT_CATEGORIES = ("complaint", "投诉")
CALLBACK_CATEGORIES = ("callback", "回电", "回访")
SALES_TARGET_METRIC = "sales"


@dataclass(frozen=True, slots=True)
class Source:
    """One grouped query: ``agent_id`` plus aggregate columns, one row per agent."""

    name: str
    tables: tuple[str, ...]
    sql: str
    # Reads conversation_facts / reply_facts, which must be derived first.
    needs_facts: bool = False


@dataclass(frozen=True, slots=True)
class MetricDef:
    id: str
    name: str
    name_zh: str
    unit: Unit
    description: str
    sources: tuple[str, ...]
    # SQL over ``<source>.<column>``; NULL when there is nothing to compute it from.
    expr: str
    # Count metrics are 0, not NULL, for an agent with no rows.
    is_count: bool = False

    @property
    def tables(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.sources:
            for t in SOURCES[s].tables:
                seen[t] = None
        return tuple(seen)


_IN_PERIOD = "{col} >= {{start}} AND {col} < {{end}}"


def _in_period(col: str) -> str:
    return _IN_PERIOD.format(col=col)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


_SOURCES: list[Source] = [
    Source(
        "conv_owner",
        ("conversations", "messages"),
        f"""
SELECT f.owner_id AS agent_id,
    count(*) AS conversations,
    count(f.first_response_us) AS fr_n,
    sum(f.first_response_us) AS fr_us,
    quantile_cont(f.first_response_us, 0.5) AS fr_median_us,
    quantile_cont(f.first_response_us, 0.9) AS fr_p90_us,
    count(*) FILTER (WHERE f.resolved AND NOT f.reopened AND NOT f.transferred) AS fcr_n,
    count(*) FILTER (WHERE f.transferred) AS transferred_n,
    sum(f.n_messages) AS messages,
    count(*) FILTER (WHERE f.has_customer) AS asked_n,
    count(*) FILTER (WHERE f.has_customer AND f.first_response_us IS NOT NULL) AS answered_n
FROM conversation_facts AS f
WHERE {_in_period("f.started_at")} AND f.owner_id IS NOT NULL
GROUP BY f.owner_id
""",
        needs_facts=True,
    ),
    Source(
        "conv_final",
        ("conversations", "messages"),
        f"""
SELECT f.final_id AS agent_id,
    count(*) AS conversations,
    count(*) FILTER (WHERE f.resolved) AS resolved_n,
    count(f.resolution_us) AS res_n,
    sum(f.resolution_us) AS res_us,
    count(*) FILTER (WHERE f.resolved AND f.reopened) AS reopened_n
FROM conversation_facts AS f
WHERE {_in_period("f.started_at")} AND f.final_id IS NOT NULL
GROUP BY f.final_id
""",
        needs_facts=True,
    ),
    Source(
        "replies",
        ("conversations", "messages"),
        f"""
SELECT coalesce(r.agent_id, f.owner_id) AS agent_id,
    sum(r.runs) AS runs,
    sum(r.reply_us) AS reply_us
FROM reply_facts AS r
JOIN conversation_facts AS f ON f.conversation_id = r.conversation_id
WHERE {_in_period("f.started_at")} AND coalesce(r.agent_id, f.owner_id) IS NOT NULL
GROUP BY coalesce(r.agent_id, f.owner_id)
""",
        needs_facts=True,
    ),
    Source(
        "survey_response",
        ("conversations", "surveys"),
        f"""
SELECT f.owner_id AS agent_id,
    count(*) AS conversations,
    count(s.conversation_id) AS surveyed_n
FROM conversation_facts AS f
LEFT JOIN (
    SELECT DISTINCT conversation_id FROM surveys WHERE conversation_id IS NOT NULL
) AS s ON s.conversation_id = f.conversation_id
WHERE {_in_period("f.started_at")} AND f.owner_id IS NOT NULL
GROUP BY f.owner_id
""",
        needs_facts=True,
    ),
    Source(
        "conversion",
        ("conversations", "orders"),
        f"""
SELECT c.agent_id,
    count(*) AS chatted_n,
    count(b.customer_id) AS converted_n
FROM (
    SELECT DISTINCT f.owner_id AS agent_id, f.customer_id
    FROM conversation_facts AS f
    WHERE {_in_period("f.started_at")} AND f.owner_id IS NOT NULL AND f.customer_id IS NOT NULL
) AS c
LEFT JOIN (
    SELECT DISTINCT nullif(o.agent_id, '') AS agent_id, nullif(o.customer_id, '') AS customer_id
    FROM orders AS o
    WHERE {_in_period("o.created_at")}
) AS b ON b.agent_id = c.agent_id AND b.customer_id = c.customer_id
GROUP BY c.agent_id
""",
        needs_facts=True,
    ),
    Source(
        "orders",
        ("orders",),
        f"""
SELECT nullif(o.agent_id, '') AS agent_id,
    count(*) AS orders_n,
    count(*) FILTER (WHERE coalesce(o.paid, false)) AS paid_n,
    sum(o.amount) FILTER (WHERE coalesce(o.paid, false)) AS paid_amount,
    count(*) FILTER (WHERE coalesce(o.paid, false) AND coalesce(o.refunded, false)) AS refunded_n,
    sum(o.amount) FILTER (
        WHERE coalesce(o.paid, false) AND NOT coalesce(o.refunded, false)
    ) AS net_sales
FROM orders AS o
WHERE {_in_period("o.created_at")} AND nullif(o.agent_id, '') IS NOT NULL
GROUP BY nullif(o.agent_id, '')
""",
    ),
    Source(
        "targets",
        ("targets",),
        f"""
SELECT t.agent_id, sum(t.target) AS sales_target
FROM targets AS t
WHERE t.period = {{period}} AND t.metric = '{SALES_TARGET_METRIC}'
    AND nullif(t.agent_id, '') IS NOT NULL
GROUP BY t.agent_id
""",
    ),
    Source(
        "calls",
        ("calls",),
        f"""
SELECT c.agent_id,
    count(*) AS offered_n,
    count(*) FILTER (WHERE c.answered) AS answered_n,
    sum(c.wait_us) FILTER (WHERE c.answered) AS wait_us,
    count(*) FILTER (WHERE c.answered AND c.wait_us <= {{sl_us}}) AS within_sl_n,
    count(*) FILTER (WHERE c.handled) AS handled_n,
    sum(c.talk_us) FILTER (WHERE c.handled) AS talk_us,
    sum(coalesce(c.wrap_seconds, 0)) FILTER (WHERE c.handled) AS wrap_s
FROM (
    SELECT nullif(agent_id, '') AS agent_id,
        answered_at IS NOT NULL AND NOT coalesce(abandoned, false) AS answered,
        answered_at IS NOT NULL AND NOT coalesce(abandoned, false)
            AND ended_at IS NOT NULL AND ended_at >= answered_at AS handled,
        date_diff('microsecond', offered_at, answered_at) AS wait_us,
        date_diff('microsecond', answered_at, ended_at) AS talk_us,
        wrap_seconds
    FROM calls
    WHERE {_in_period("offered_at")} AND nullif(agent_id, '') IS NOT NULL
) AS c
GROUP BY c.agent_id
""",
    ),
    Source(
        "surveys",
        ("surveys",),
        f"""
SELECT nullif(s.agent_id, '') AS agent_id,
    count(*) FILTER (WHERE s.csat BETWEEN 1 AND 5) AS csat_n,
    count(*) FILTER (WHERE s.csat BETWEEN 4 AND 5) AS csat_good_n,
    count(*) FILTER (WHERE s.nps BETWEEN 0 AND 10) AS nps_n,
    count(*) FILTER (WHERE s.nps BETWEEN 9 AND 10) AS promoters_n,
    count(*) FILTER (WHERE s.nps BETWEEN 0 AND 6) AS detractors_n
FROM surveys AS s
WHERE {_in_period("s.submitted_at")} AND nullif(s.agent_id, '') IS NOT NULL
GROUP BY nullif(s.agent_id, '')
""",
    ),
    Source(
        "tickets",
        ("tickets",),
        f"""
SELECT nullif(t.agent_id, '') AS agent_id,
    count(*) AS tickets_n,
    count(*) FILTER (
        WHERE lower(t.category) IN ({_sql_list(COMPLAINT_CATEGORIES)})
    ) AS complaints_n,
    count(*) FILTER (WHERE lower(t.category) IN ({_sql_list(CALLBACK_CATEGORIES)})) AS callbacks_n,
    count(*) FILTER (
        WHERE lower(t.category) IN ({_sql_list(CALLBACK_CATEGORIES)}) AND t.resolved_at IS NOT NULL
    ) AS callbacks_done_n,
    count(t.sla_due_at) AS sla_n,
    count(*) FILTER (
        WHERE t.sla_due_at IS NOT NULL AND t.resolved_at IS NOT NULL
            AND t.resolved_at <= t.sla_due_at
    ) AS sla_met_n
FROM tickets AS t
WHERE {_in_period("t.created_at")} AND nullif(t.agent_id, '') IS NOT NULL
GROUP BY nullif(t.agent_id, '')
""",
    ),
    Source(
        "reviews",
        ("reviews",),
        f"""
SELECT nullif(r.agent_id, '') AS agent_id,
    count(*) AS reviews_n,
    count(*) FILTER (WHERE r.rating IN ('medium', 'bad')) AS bad_n
FROM reviews AS r
WHERE {_in_period("r.created_at")} AND nullif(r.agent_id, '') IS NOT NULL
GROUP BY nullif(r.agent_id, '')
""",
    ),
    Source(
        "reviews_prev",
        ("reviews",),
        """
SELECT nullif(r.agent_id, '') AS agent_id,
    count(*) AS reviews_n,
    count(*) FILTER (WHERE r.rating IN ('medium', 'bad')) AS bad_n
FROM reviews AS r
WHERE r.created_at >= {prev_start} AND r.created_at < {prev_end}
    AND nullif(r.agent_id, '') IS NOT NULL
GROUP BY nullif(r.agent_id, '')
""",
    ),
    Source(
        "attendance",
        ("attendance",),
        """
SELECT a.agent_id,
    count(*) FILTER (WHERE a.scheduled) AS scheduled_days,
    count(*) FILTER (WHERE a.scheduled AND NOT a.absent) AS present_days,
    count(*) FILTER (WHERE NOT a.absent AND a.late_minutes > 0) AS late_n,
    count(*) FILTER (WHERE a.absent) AS absent_n,
    sum(a.worked_hours) AS worked_hours
FROM (
    SELECT nullif(agent_id, '') AS agent_id,
        coalesce(absent, false) AS absent,
        coalesce(scheduled_hours, 0) > 0 OR coalesce(absent, false) AS scheduled,
        coalesce(late_minutes, 0) AS late_minutes,
        coalesce(worked_hours, 0) AS worked_hours
    FROM attendance
    WHERE date >= {start_date} AND date < {end_date}
) AS a
WHERE a.agent_id IS NOT NULL
GROUP BY a.agent_id
""",
    ),
    Source(
        "qa",
        ("qa_reviews",),
        f"""
SELECT nullif(q.agent_id, '') AS agent_id,
    count(q.score) AS scored_n,
    sum(q.score) AS score_sum,
    count(q.fatal_errors) AS monitored_n,
    count(*) FILTER (WHERE q.fatal_errors > 0) AS fatal_n,
    sum(q.opportunities) FILTER (WHERE q.opportunities > 0) AS opportunities,
    sum(coalesce(q.nonfatal_errors, 0)) FILTER (WHERE q.opportunities > 0) AS nonfatal_n
FROM qa_reviews AS q
WHERE {_in_period("q.reviewed_at")} AND nullif(q.agent_id, '') IS NOT NULL
GROUP BY nullif(q.agent_id, '')
""",
    ),
]

SOURCES: dict[str, Source] = {s.name: s for s in _SOURCES}


def _dbl(x: str) -> str:
    return f"CAST({x} AS DOUBLE)"


def _pct(num: str, den: str) -> str:
    """``num / den`` as a percentage; NULL when the denominator is 0 or missing."""
    return f"{_dbl(num)} * 100 / NULLIF({_dbl(den)}, 0)"


def _secs(us_sum: str, n: str) -> str:
    """Mean seconds from an exact microsecond sum and a count."""
    return f"{_dbl(us_sum)} / NULLIF({_dbl(n)}, 0) / 1000000"


def _m(
    id: str,
    name: str,
    name_zh: str,
    unit: Unit,
    description: str,
    sources: tuple[str, ...],
    expr: str,
    *,
    is_count: bool = False,
) -> MetricDef:
    return MetricDef(id, name, name_zh, unit, description, sources, expr, is_count)


_METRICS: list[MetricDef] = [
    _m(
        "first_response_time_mean",
        "First response time (mean)",
        "平均首次响应时长",
        "seconds",
        "Mean business seconds from the first customer message to the first agent message after "
        "it, over the agent's answered conversations.",
        ("conv_owner",),
        _secs("conv_owner.fr_us", "conv_owner.fr_n"),
    ),
    _m(
        "first_response_time_median",
        "First response time (median)",
        "首次响应时长中位数",
        "seconds",
        "Median (linear interpolation) of the first response times.",
        ("conv_owner",),
        "conv_owner.fr_median_us / 1000000",
    ),
    _m(
        "first_response_time_p90",
        "First response time (90th percentile)",
        "首次响应时长P90",
        "seconds",
        "90th percentile (linear interpolation) of the first response times.",
        ("conv_owner",),
        "conv_owner.fr_p90_us / 1000000",
    ),
    _m(
        "reply_time_mean",
        "Average reply time",
        "平均回复时长",
        "seconds",
        "Mean business seconds from the first message of each run of customer messages to the "
        "next agent message, credited to the agent who replied.",
        ("replies",),
        _secs("replies.reply_us", "replies.runs"),
    ),
    _m(
        "resolution_time_mean",
        "Resolution time (mean)",
        "平均解决时长",
        "seconds",
        "Mean business seconds from start to end of resolved conversations.",
        ("conv_final",),
        _secs("conv_final.res_us", "conv_final.res_n"),
    ),
    _m(
        "resolution_rate",
        "Resolution rate",
        "解决率",
        "percent",
        "Resolved conversations / conversations, credited to the agent who ended with them.",
        ("conv_final",),
        _pct("conv_final.resolved_n", "conv_final.conversations"),
    ),
    _m(
        "fcr_rate",
        "First-contact resolution",
        "首次解决率",
        "percent",
        "Conversations resolved, not reopened and not transferred / conversations.",
        ("conv_owner",),
        _pct("conv_owner.fcr_n", "conv_owner.conversations"),
    ),
    _m(
        "reopen_rate",
        "Reopen rate",
        "重开率",
        "percent",
        "Resolved conversations that were reopened / resolved conversations.",
        ("conv_final",),
        _pct("conv_final.reopened_n", "conv_final.resolved_n"),
    ),
    _m(
        "transfer_rate",
        "Transfer rate",
        "转接率",
        "percent",
        "Conversations the agent transferred / conversations the agent owned.",
        ("conv_owner",),
        _pct("conv_owner.transferred_n", "conv_owner.conversations"),
    ),
    _m(
        "messages_per_conversation",
        "Messages per conversation",
        "平均对话消息数",
        "ratio",
        "Customer and agent messages (no bot or system messages) / conversations.",
        ("conv_owner",),
        f"{_dbl('conv_owner.messages')} / NULLIF({_dbl('conv_owner.conversations')}, 0)",
    ),
    _m(
        "reply_rate",
        "Reply rate",
        "回复率",
        "percent",
        "Conversations in which the customer wrote and an agent answered / conversations in "
        "which the customer wrote.",
        ("conv_owner",),
        _pct("conv_owner.answered_n", "conv_owner.asked_n"),
    ),
    _m(
        "conversations_per_hour",
        "Conversations per worked hour",
        "每小时接待量",
        "per_hour",
        "Conversations owned / hours worked (attendance).",
        ("conv_owner", "attendance"),
        f"{_dbl('coalesce(conv_owner.conversations, 0)')}"
        f" / NULLIF({_dbl('attendance.worked_hours')}, 0)",
    ),
    _m(
        "aht",
        "Average handle time",
        "平均处理时长",
        "seconds",
        "(Connected time, hold included, + wrap-up time) / handled calls.",
        ("calls",),
        f"({_dbl('calls.talk_us')} / 1000000 + {_dbl('calls.wrap_s')})"
        f" / NULLIF({_dbl('calls.handled_n')}, 0)",
    ),
    _m(
        "asa",
        "Average speed of answer",
        "平均应答速度",
        "seconds",
        "Mean seconds from offer to answer over answered calls.",
        ("calls",),
        _secs("calls.wait_us", "calls.answered_n"),
    ),
    _m(
        "service_level",
        "Service level",
        "服务水平",
        "percent",
        "Calls answered within the service-level threshold / calls offered.",
        ("calls",),
        _pct("calls.within_sl_n", "calls.offered_n"),
    ),
    _m(
        "abandonment_rate",
        "Abandonment rate",
        "放弃率",
        "percent",
        "Offered calls not answered / calls offered.",
        ("calls",),
        _pct("calls.offered_n - calls.answered_n", "calls.offered_n"),
    ),
    _m(
        "csat",
        "CSAT",
        "满意度",
        "percent",
        "Surveys scoring 4 or 5 (of 5) / surveys with a CSAT score.",
        ("surveys",),
        _pct("surveys.csat_good_n", "surveys.csat_n"),
    ),
    _m(
        "nps",
        "Net promoter score",
        "净推荐值",
        "nps",
        "(Promoters 9-10 − detractors 0-6) / surveys with an NPS score × 100.",
        ("surveys",),
        _pct("surveys.promoters_n - surveys.detractors_n", "surveys.nps_n"),
    ),
    _m(
        "survey_response_rate",
        "Survey response rate",
        "评价率",
        "percent",
        "Conversations with at least one survey / conversations owned.",
        ("survey_response",),
        _pct("survey_response.surveyed_n", "survey_response.conversations"),
    ),
    _m(
        "conversion_rate",
        "Inquiry to order conversion",
        "询单转化率",
        "percent",
        "Customers who chatted with the agent and got an order from the agent in the period / "
        "customers who chatted with the agent.",
        ("conversion",),
        _pct("conversion.converted_n", "conversion.chatted_n"),
    ),
    _m(
        "order_success_rate",
        "Order success rate",
        "下单成功率",
        "percent",
        "Paid orders / orders created.",
        ("orders",),
        _pct("orders.paid_n", "orders.orders_n"),
    ),
    _m(
        "average_order_value",
        "Average order value",
        "客单价",
        "money",
        "Amount of paid orders / paid orders.",
        ("orders",),
        f"{_dbl('orders.paid_amount')} / NULLIF({_dbl('orders.paid_n')}, 0)",
    ),
    _m(
        "sales_target_completion",
        "Sales vs target",
        "销售目标完成率",
        "percent",
        "Net sales (paid, not refunded) / the agent's sales target for the period.",
        ("orders", "targets"),
        f"{_dbl('coalesce(orders.net_sales, 0)')} * 100"
        " / CASE WHEN targets.sales_target > 0 THEN CAST(targets.sales_target AS DOUBLE) END",
    ),
    _m(
        "refund_rate",
        "Refund rate",
        "退款率",
        "percent",
        "Paid orders refunded / paid orders.",
        ("orders",),
        _pct("orders.refunded_n", "orders.paid_n"),
    ),
    _m(
        "complaint_rate",
        "Complaint rate",
        "投诉率",
        "percent",
        "Complaint tickets / contacts handled (conversations owned + calls answered).",
        ("tickets", "conv_owner", "calls"),
        _pct(
            "coalesce(tickets.complaints_n, 0)",
            "coalesce(conv_owner.conversations, 0) + coalesce(calls.answered_n, 0)",
        ),
    ),
    _m(
        "bad_review_rate",
        "Bad and medium review rate",
        "中差评率",
        "percent",
        "Medium and bad reviews / reviews.",
        ("reviews",),
        _pct("reviews.bad_n", "reviews.reviews_n"),
    ),
    _m(
        "bad_review_rate_change",
        "Change in bad and medium review rate",
        "中差评率变化",
        "percent",
        "bad_review_rate of the period minus that of the previous period, in percentage points.",
        ("reviews", "reviews_prev"),
        f"{_pct('reviews.bad_n', 'reviews.reviews_n')}"
        f" - {_pct('reviews_prev.bad_n', 'reviews_prev.reviews_n')}",
    ),
    _m(
        "callback_completion",
        "Callback completion",
        "回访完成率",
        "percent",
        "Callback tickets resolved / callback tickets.",
        ("tickets",),
        _pct("tickets.callbacks_done_n", "tickets.callbacks_n"),
    ),
    _m(
        "ticket_sla_compliance",
        "Ticket SLA compliance",
        "工单SLA达成率",
        "percent",
        "Tickets resolved by their SLA due time / tickets with an SLA due time.",
        ("tickets",),
        _pct("tickets.sla_met_n", "tickets.sla_n"),
    ),
    _m(
        "attendance_rate",
        "Attendance rate",
        "出勤率",
        "percent",
        "Scheduled days not absent / scheduled days.",
        ("attendance",),
        _pct("attendance.present_days", "attendance.scheduled_days"),
    ),
    _m(
        "late_count",
        "Late arrivals",
        "迟到次数",
        "count",
        "Days the agent came in late (late minutes > 0, not absent).",
        ("attendance",),
        "coalesce(attendance.late_n, 0)",
        is_count=True,
    ),
    _m(
        "absences",
        "Absences",
        "缺勤次数",
        "count",
        "Days marked absent.",
        ("attendance",),
        "coalesce(attendance.absent_n, 0)",
        is_count=True,
    ),
    _m(
        "qa_average",
        "QA average score",
        "质检平均分",
        "ratio",
        "Mean QA score over the agent's QA reviews with a score.",
        ("qa",),
        f"{_dbl('qa.score_sum')} / NULLIF({_dbl('qa.scored_n')}, 0)",
    ),
    _m(
        "fatal_accuracy",
        "Fatal-error accuracy",
        "致命错误准确率",
        "percent",
        "(1 − reviews with a fatal error / reviews) × 100.",
        ("qa",),
        _pct("qa.monitored_n - qa.fatal_n", "qa.monitored_n"),
    ),
    _m(
        "nonfatal_accuracy",
        "Non-fatal accuracy",
        "非致命错误准确率",
        "percent",
        "(1 − non-fatal errors / opportunities summed over reviews) × 100.",
        ("qa",),
        _pct("qa.opportunities - qa.nonfatal_n", "qa.opportunities"),
    ),
]

METRICS: dict[str, MetricDef] = {m.id: m for m in _METRICS}
