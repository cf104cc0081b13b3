"""The canonical event tables: what `appraise import` stores and the metric SQL reads.

One :class:`Table` per kind of raw export. Column types are logical; each engine maps them
(DuckDB: VARCHAR, TIMESTAMPTZ, BOOLEAN, BIGINT, DOUBLE, DECIMAL(18,2), DATE). Timestamps are
stored in UTC; naive input timestamps are read in the company's time zone. docs/data-format.md
describes every column for users.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "timestamp", "bool", "int", "float", "money", "date"]

DUCKDB_TYPES: dict[ColumnType, str] = {
    "string": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "bool": "BOOLEAN",
    "int": "BIGINT",
    "float": "DOUBLE",
    "money": "DECIMAL(18,2)",
    "date": "DATE",
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    required: bool = True
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}")  # internal: a bug


def _c(name: str, type_: ColumnType, required: bool = True, doc: str = "") -> Column:
    return Column(name, type_, required, doc)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "conversations",
            ("conversation_id",),
            (
                _c("conversation_id", "string"),
                _c("channel", "string", False, "chat, phone, email, ..."),
                _c("customer_id", "string", False),
                _c("agent_id", "string", False, "the agent who owns (handled) it; empty if none"),
                _c("queue", "string", False),
                _c("started_at", "timestamp"),
                _c("ended_at", "timestamp", False),
                _c("resolved", "bool", False),
                _c("reopened", "bool", False),
                _c("transferred_to", "string", False, "agent it was transferred to, or empty"),
            ),
            "One customer contact handled in chat or messaging.",
        ),
        Table(
            "messages",
            ("conversation_id", "sent_at", "sender", "seq"),
            (
                _c("conversation_id", "string"),
                _c("sent_at", "timestamp"),
                _c("sender", "string", True, "customer | agent | bot | system"),
                _c("agent_id", "string", False, "for agent messages, who sent it"),
                _c("text", "string", False),
                _c("seq", "int", False, "order within the conversation when sent_at ties"),
                _c(
                    "ended_at",
                    "timestamp",
                    False,
                    "when the sentence ended (a call's ASR transcript); sent_at is its start",
                ),
            ),
            "Every message of a conversation.",
        ),
        Table(
            "calls",
            ("call_id",),
            (
                _c("call_id", "string"),
                _c("agent_id", "string", False),
                _c("queue", "string", False),
                _c("offered_at", "timestamp"),
                _c("answered_at", "timestamp", False),
                _c("ended_at", "timestamp", False),
                _c("abandoned", "bool", False),
                _c("hold_seconds", "float", False),
                _c("wrap_seconds", "float", False),
                _c("hung_up_by", "string", False, "agent | customer"),
            ),
            "Inbound phone calls.",
        ),
        Table(
            "tickets",
            ("ticket_id",),
            (
                _c("ticket_id", "string"),
                _c("agent_id", "string", False),
                _c("created_at", "timestamp"),
                _c("first_response_at", "timestamp", False),
                _c("resolved_at", "timestamp", False),
                _c("reopened", "bool", False),
                _c("category", "string", False),
                _c("priority", "string", False),
                _c("sla_due_at", "timestamp", False),
                _c("tags", "string", False, "tags, separated by commas or spaces"),
            ),
            "Work orders (工单).",
        ),
        Table(
            "surveys",
            ("survey_id",),
            (
                _c("survey_id", "string"),
                _c("conversation_id", "string", False),
                _c("agent_id", "string", False),
                _c("submitted_at", "timestamp"),
                _c("csat", "int", False, "1..5"),
                _c("nps", "int", False, "0..10"),
            ),
            "Customer satisfaction surveys.",
        ),
        Table(
            "orders",
            ("order_id",),
            (
                _c("order_id", "string"),
                _c("conversation_id", "string", False),
                _c("customer_id", "string", False),
                _c("agent_id", "string", False),
                _c("created_at", "timestamp"),
                _c("amount", "money"),
                _c("paid", "bool", False),
                _c("refunded", "bool", False),
            ),
            "Orders attributed to an agent.",
        ),
        Table(
            "reviews",
            ("review_id",),
            (
                _c("review_id", "string"),
                _c("order_id", "string", False),
                _c("agent_id", "string", False),
                _c("created_at", "timestamp"),
                _c("rating", "string", True, "good | medium | bad"),
                _c("mentions_agent", "bool", False),
            ),
            "Buyer reviews (好评/中评/差评).",
        ),
        Table(
            "attendance",
            ("agent_id", "date"),
            (
                _c("agent_id", "string"),
                _c("date", "date"),
                _c("scheduled_hours", "float", False),
                _c("worked_hours", "float", False),
                _c("late_minutes", "float", False),
                _c("left_early", "bool", False),
                _c("absent", "bool", False),
            ),
            "One row per agent per scheduled day.",
        ),
        Table(
            "qa_reviews",
            ("review_id",),
            (
                _c("review_id", "string"),
                _c("conversation_id", "string", False),
                _c("agent_id", "string"),
                _c("reviewer_id", "string", False),
                _c("reviewed_at", "timestamp"),
                _c("source", "string", False, "internal | external"),
                _c("score", "float", False),
                _c("fatal_errors", "int", False),
                _c("nonfatal_errors", "int", False),
                _c("opportunities", "int", False),
            ),
            "Quality-assurance reviews (质检) of single conversations or calls.",
        ),
        Table(
            "targets",
            ("agent_id", "period", "metric"),
            (
                _c("agent_id", "string"),
                _c("period", "string"),
                _c("metric", "string"),
                _c("target", "float"),
            ),
            "Per-agent targets (目标值), e.g. sales for sales_target_completion.",
        ),
    ]
}
