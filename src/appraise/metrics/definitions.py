"""The metric language: a KPI (指标口径) as a YAML definition, validated with pydantic.

A definition says which rows it reads (``from``: the per-conversation facts, the replies, or a
canonical table), who gets credit for each row (``credit``), which rows count (``where``, and the
time ``window``), what each row measures (``measure``) and how the rows add up (``aggregate``).
:mod:`appraise.metrics.compile` turns definitions into SQL for DuckDB (and through sqlglot for
Spark); the built-in library (``library/*.yaml``) holds the catalog and the platform presets.
docs/metrics.md is the user's reference for the format and lists every definition.

Loading reports every problem at once, each at ``file:line`` (the scheme loader's line-tracking
YAML): pydantic checks the shape, :func:`check_definitions` the meaning (columns that exist for
the rows read, tests on the right types, metrics referred to that exist).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from appraise.messages import message, said
from appraise.metrics.config import CenterConfig
from appraise.metrics.schema import TABLES
from appraise.problems import Problem, ProblemsError, pydantic_text, unreadable
from appraise.schemes.yamlload import LineMap, load_yaml

Unit = Literal["seconds", "percent", "count", "money", "ratio", "nps", "per_hour", "hours"]
Aggregate = Literal[
    "count", "sum", "mean", "median", "percentile", "share", "distinct", "ratio", "change"
]
ColumnKind = Literal["instant", "duration", "int", "float", "money", "bool", "string", "date"]
Scalar = bool | int | Decimal | str
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]

# Condition operators on a column or a duration, with the SQL they compile to.
COMPARISONS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "equals": "=", "not_equals": "<>"}
_OPERATORS = (
    *COMPARISONS,
    "in_",
    "not_in",
    "between",
    "is_",
    "is_null",
    *("has_any", "has_all", "has_none"),
)
# Tag lists (a ``tags`` column): tags are separated by commas, semicolons or spaces, and may come
# as a JSON list (``["vip","refund"]``); a tag named in a filter holds none of these characters.
TAG_SEPARATORS = ' ,;[]"'
TAG_OPERATORS = ("has_any", "has_all", "has_none")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ColumnRef(_Model):
    """The value of another column of the same row: ``ge: {column: answered_at}``."""

    column: str


class ConfigRef(_Model):
    """A number from the center's configuration: ``le: {config: service_level_seconds}``."""

    config: Literal["service_level_seconds"]


Value = ColumnRef | ConfigRef | Scalar


class Duration(_Model):
    """Time from one instant of the row to another, in wall-clock or business time."""

    start: str = Field(alias="from")
    end: str = Field(alias="to")
    # business: only the center's business hours count (every hour without a calendar).
    time: Literal["wall", "business"] = "wall"


class Exists(_Model):
    """The row has a match in another table: ``match`` maps their column to ours."""

    table: str
    match: dict[str, str] = Field(min_length=1)
    # Their ``agent_id`` must also be the agent credited with our row.
    same_agent: bool = False
    # Their row must fall in the period too (by the table's period column).
    in_period: bool = False


class Condition(_Model):
    """A test on one row: a column or a duration against a value, or conditions combined."""

    column: str | None = None
    duration: Duration | None = None
    equals: Value | None = None
    not_equals: Value | None = None
    in_: list[Scalar] | None = Field(None, alias="in", min_length=1)
    not_in: list[Scalar] | None = Field(None, min_length=1)
    lt: Value | None = None
    le: Value | None = None
    gt: Value | None = None
    ge: Value | None = None
    between: tuple[Scalar, Scalar] | None = None
    is_: bool | None = Field(None, alias="is")
    is_null: bool | None = None
    # On a tag list: the row carries at least one / every one / none of the tags.
    has_any: list[str] | None = Field(None, min_length=1)
    has_all: list[str] | None = Field(None, min_length=1)
    has_none: list[str] | None = Field(None, min_length=1)
    ignore_case: bool = False
    all: list[Condition] | None = Field(None, min_length=1)
    any: list[Condition] | None = Field(None, min_length=1)
    not_: Condition | None = Field(None, alias="not")
    exists: Exists | None = None
    # The instant in this column falls while the center is open (its calendar's business hours;
    # always, without a calendar).
    open: str | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        subjects = [
            k
            for k in ("column", "duration", "all", "any", "not_", "exists", "open")
            if getattr(self, k) is not None
        ]
        if len(subjects) != 1:
            raise ValueError(
                message(
                    "define.condition_shape",
                    "a condition has exactly one of column, duration, all, any, not, exists, "
                    "open; got {got}",
                    got=_names(subjects) or _NONE,
                )
            )
        ops = [k for k in _OPERATORS if getattr(self, k) is not None]
        if subjects[0] in ("column", "duration"):
            if len(ops) != 1:
                raise ValueError(
                    message(
                        "define.one_operator",
                        "a test on a {subject} has exactly one operator (equals, not_equals, "
                        "in, not_in, lt, le, gt, ge, between, is, is_null, has_any, has_all, "
                        "has_none); got {got}",
                        subject=subjects[0],
                        got=_names(ops) or _NONE,
                    )
                )
        elif ops:
            raise ValueError(
                message(
                    "define.operator_alone",
                    "{ops} needs a column or a duration to test",
                    ops=_names(ops),
                )
            )
        return self

    @property
    def operator(self) -> str | None:
        for k in _OPERATORS:
            if getattr(self, k) is not None:
                return k
        return None


def _names(keys: list[str]) -> str:
    return ", ".join(k.rstrip("_") for k in keys)


_NONE = message("define.none", "none")
_COLUMN = message("define.column", "column")


def _kind(kind: str) -> str:
    """A column kind as a sentence names it (``string`` is 文本 to a Chinese reader)."""
    words = {
        "instant": message("define.kind.instant", "instant"),
        "duration": message("define.kind.duration", "duration"),
        "int": message("define.kind.int", "int"),
        "float": message("define.kind.float", "float"),
        "money": message("define.kind.money", "money"),
        "bool": message("define.kind.bool", "bool"),
        "string": message("define.kind.string", "string"),
        "date": message("define.kind.date", "date"),
    }
    return words.get(kind, kind)


class Case(_Model):
    when: Condition
    value: Decimal


class Measure(_Model):
    """What one row contributes: a column, a duration, or a value chosen by cases."""

    column: str | None = None
    duration: Duration | None = None
    cases: list[Case] | None = Field(None, min_length=1)
    # The value when no case applies.
    else_: Decimal = Field(Decimal(0), alias="else")
    # The value of a row whose column is empty (default: the row has no value).
    missing: Decimal | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Measure:
        given = [k for k in ("column", "duration", "cases") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                message(
                    "define.measure_shape",
                    "a measure is exactly one of column, duration, cases; got {got}",
                    got=_names(given) or _NONE,
                )
            )
        return self


class Window(_Model):
    """When, in the center's local time, an instant of the row must fall for the row to count.

    ``daily``: kept only inside these hours each day (``08:00-24:00``; ``23:00-09:00`` runs over
    midnight); ``exclude``: hours left out; ``business_hours``: only while the center's calendar
    is open; ``holidays``: the calendar's holidays left out; ``exempt``: dates left out
    (``2027-02-05..2027-02-12`` for a range).
    """

    on: str | None = None
    daily: list[str] = []
    exclude: list[str] = []
    business_hours: bool = False
    holidays: Literal["count", "exclude"] = "count"
    exempt: list[str] = []


class Part(_Model):
    """One side of a ratio: another metric, or a count or sum over the definition's own rows."""

    metric: str | None = None
    aggregate: Literal["count", "sum", "distinct"] | None = None
    measure: Measure | None = None
    distinct: str | None = None
    where: list[Condition] = []
    # Subtracted instead of added when a side has several parts.
    subtract: bool = False

    @model_validator(mode="after")
    def _one_shape(self) -> Part:
        if (self.metric is None) == (self.aggregate is None):
            raise ValueError(
                message("define.part_shape", "a ratio part has exactly one of metric or aggregate")
            )
        if self.metric is not None and (self.measure or self.where or self.distinct):
            raise ValueError(
                message(
                    "define.part_metric_alone",
                    "a part naming a metric takes no measure, distinct or where",
                )
            )
        return self


class MetricDefinition(_Model):
    """One KPI. See docs/metrics.md, "The metric language"."""

    id: Id
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    unit: Unit
    description: str = Field(min_length=1)
    description_zh: str | None = None
    # Where the rule comes from (a platform's published rule, a help-center page).
    source: str | None = None
    from_: str | None = Field(None, alias="from")
    credit: str | None = None
    period_by: str | None = None
    where: list[Condition] = []
    window: Window | None = None
    measure: Measure | None = None
    aggregate: Aggregate
    percentile: Decimal | None = Field(None, gt=0, lt=100)
    test: Condition | None = None
    distinct: str | None = None
    numerator: list[Part] | None = Field(None, min_length=1)
    denominator: list[Part] | None = Field(None, min_length=1)
    of: str | None = None
    scale: Decimal | None = None
    # Columns without which the figure means nothing (calls without answered_at would all be
    # abandoned): when no imported file gave one of them, the metric is not computable.
    requires: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _parts_as_lists(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for side in ("numerator", "denominator"):
                if isinstance(data.get(side), dict | str):
                    data[side] = [data[side]]
                if isinstance(data.get(side), list):
                    data[side] = [{"metric": p} if isinstance(p, str) else p for p in data[side]]
        return data

    @model_validator(mode="after")
    def _fields_fit_the_aggregate(self) -> MetricDefinition:
        a = self.aggregate
        needs: dict[str, tuple[str, ...]] = {
            "count": (),
            "sum": ("measure",),
            "mean": ("measure",),
            "median": ("measure",),
            "percentile": ("measure", "percentile"),
            "share": ("test",),
            "distinct": ("distinct",),
            "ratio": ("numerator", "denominator"),
            "change": ("of",),
        }
        allowed = {
            "count": {"measure"},
            "share": {"test", "distinct"},
            "ratio": {"numerator", "denominator"},
            "change": {"of"},
        }.get(a, set(needs[a]))
        missing = [k for k in needs[a] if getattr(self, k) is None]
        if missing:
            raise ValueError(
                message(
                    "define.aggregate_needs",
                    "aggregate {aggregate} needs {fields}",
                    aggregate=a,
                    fields=_names(missing),
                )
            )
        extra = [
            k
            for k in ("measure", "percentile", "test", "distinct", "numerator", "denominator", "of")
            if getattr(self, k) is not None and k not in allowed
        ]
        if extra:
            raise ValueError(
                message(
                    "define.aggregate_takes_no",
                    "aggregate {aggregate} takes no {fields}",
                    aggregate=a,
                    fields=_names(extra),
                )
            )
        if a == "change":
            rows = [k for k in ("from_", "credit", "period_by", "window") if getattr(self, k)]
            if rows or self.where:
                raise ValueError(
                    message(
                        "define.change_rows",
                        "aggregate change reads its metric's rows; it takes no {fields}",
                        fields=_names(rows + (["where"] if self.where else [])),
                    )
                )
        elif self.from_ is None and not (a == "ratio" and self._only_metric_parts()):
            raise ValueError(
                message("define.missing_from", "missing field 'from' (the rows the metric reads)")
            )
        return self

    def _only_metric_parts(self) -> bool:
        parts = (self.numerator or []) + (self.denominator or [])
        return all(p.metric is not None for p in parts)

    @property
    def name_zh(self) -> str:
        return self.name

    @property
    def tables(self) -> tuple[str, ...]:
        """The canonical tables the definition reads (through the metrics it refers to too)."""
        out: dict[str, None] = {}
        if self.from_ is not None:
            out.update(dict.fromkeys(ROW_SOURCES[self.from_].tables))
            for c in _conditions(self):
                if c.exists is not None:
                    out[c.exists.table] = None
        known = library_definitions()
        for name in [p.metric for p in (self.numerator or []) + (self.denominator or [])] + [
            self.of
        ]:
            if name is not None and name in known:
                out.update(dict.fromkeys(known[name].tables))
        return tuple(out)

    @property
    def sources(self) -> tuple[str, ...]:
        """For a catalog metric: the grouped queries it reads (``catalog.SOURCES``)."""
        from appraise.metrics.catalog import sources_of

        return sources_of(self)

    @property
    def is_count(self) -> bool:
        """Counts and sums are 0, not unknown, for an agent with no rows."""
        return self.aggregate in ("count", "distinct", "sum")

    @property
    def effective_scale(self) -> Decimal:
        if self.scale is not None:
            return self.scale
        return Decimal(100) if self.aggregate == "share" else Decimal(1)


class DefinitionFile(_Model):
    """A file of definitions (its JSON Schema is generated from this; see metrics/jsonschema.py)."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    metrics: list[MetricDefinition] = Field(min_length=1)


def _conditions(d: MetricDefinition) -> list[Condition]:
    """Every condition of a definition, nested ones included."""
    roots: list[Condition] = [*d.where, *([d.test] if d.test else [])]
    for p in (d.numerator or []) + (d.denominator or []):
        roots.extend(p.where)
    for m in [d.measure, *[p.measure for p in (d.numerator or []) + (d.denominator or [])]]:
        if m is not None and m.cases:
            roots.extend(c.when for c in m.cases)
    out: list[Condition] = []
    while roots:
        c = roots.pop()
        out.append(c)
        roots.extend(c.all or [])
        roots.extend(c.any or [])
        if c.not_ is not None:
            roots.append(c.not_)
    return out


# --- what a definition can read -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowColumn:
    name: str
    kind: ColumnKind
    sql: str
    doc: str = ""


@dataclass(frozen=True, slots=True)
class RowSource:
    """Rows a definition reads: their SQL, columns, who can get credit, how they fall in a period.

    ``period_kind``: ``instant`` (a timestamp in ``[start, end)``), ``date`` (a local date in the
    period), ``label`` (a period string such as ``2026-10``).
    """

    name: str
    tables: tuple[str, ...]
    from_sql: str
    columns: dict[str, RowColumn]
    credits: dict[str, str]
    default_credit: str
    period_by: str
    needs_facts: bool = False
    key: tuple[str, ...] = ()
    doc: str = ""
    credit_docs: dict[str, str] = field(default_factory=dict)

    def period_kind(self, column: str) -> str:
        kind = self.columns[column].kind
        return "instant" if kind == "instant" else "date" if kind == "date" else "label"


_KINDS: dict[str, ColumnKind] = {
    "string": "string",
    "timestamp": "instant",
    "bool": "bool",
    "int": "int",
    "float": "float",
    "money": "money",
    "date": "date",
}


def _conversation_columns(alias: str) -> list[RowColumn]:
    a = alias
    return [
        RowColumn("conversation_id", "string", f"{a}.conversation_id"),
        RowColumn("owner", "string", f"{a}.owner_id", "the agent who first owned it"),
        RowColumn("final_agent", "string", f"{a}.final_id", "transferred_to, else the owner"),
        RowColumn("customer_id", "string", f"{a}.customer_id"),
        RowColumn("channel", "string", f"{a}.channel"),
        RowColumn("queue", "string", f"{a}.queue"),
        RowColumn("started_at", "instant", f"{a}.started_at"),
        RowColumn("first_customer_at", "instant", f"{a}.first_customer_at"),
        RowColumn("first_reply_at", "instant", f"{a}.first_reply_at"),
    ]


def _row_sources() -> dict[str, RowSource]:
    conv_cols = [
        *_conversation_columns("f"),
        RowColumn("resolved", "bool", "f.resolved"),
        RowColumn("reopened", "bool", "f.reopened"),
        RowColumn("transferred", "bool", "f.transferred", "transferred_to is not empty"),
        RowColumn("messages", "int", "f.n_messages", "customer and agent messages"),
        RowColumn("has_customer", "bool", "f.has_customer", "the customer wrote"),
        RowColumn(
            "first_response",
            "duration",
            "f.first_response_us",
            "business time from the first customer message to the first agent reply",
        ),
        RowColumn(
            "resolution_time",
            "duration",
            "f.resolution_us",
            "business time from start to end of a resolved conversation",
        ),
    ]
    sources = [
        RowSource(
            "conversations",
            ("conversations", "messages"),
            "conversation_facts AS f",
            {c.name: c for c in conv_cols},
            {"owner": "f.owner_id", "final_agent": "f.final_id"},
            "owner",
            "started_at",
            needs_facts=True,
            key=("conversation_id",),
            doc="per-conversation facts (one row per conversation)",
            credit_docs={"owner": "the owner", "final_agent": "the agent who ended with it"},
        ),
        RowSource(
            "replies",
            ("conversations", "messages"),
            "reply_facts AS r\n"
            "JOIN conversation_facts AS f ON f.conversation_id = r.conversation_id",
            {
                c.name: c
                for c in [
                    *_conversation_columns("f"),
                    RowColumn("replier", "string", "coalesce(r.agent_id, f.owner_id)"),
                    RowColumn("runs", "int", "r.runs", "answered runs of customer messages"),
                    RowColumn("reply_time", "duration", "r.reply_us", "business time summed"),
                ]
            },
            {"replier": "coalesce(r.agent_id, f.owner_id)", "owner": "f.owner_id"},
            "replier",
            "started_at",
            needs_facts=True,
            key=("conversation_id", "replier"),
            doc="replies: one row per conversation and replying agent",
            credit_docs={"replier": "the agent who sent the reply", "owner": "the owner"},
        ),
    ]
    periods = {
        "messages": "sent_at",
        "calls": "offered_at",
        "tickets": "created_at",
        "surveys": "submitted_at",
        "orders": "created_at",
        "reviews": "created_at",
        "attendance": "date",
        "qa_reviews": "reviewed_at",
        "targets": "period",
    }
    for name, period_by in periods.items():
        table = TABLES[name]
        cols = {
            c.name: RowColumn(
                c.name,
                _KINDS[c.type],
                f"nullif(t.{c.name}, '')" if c.type == "string" else f"t.{c.name}",
                c.doc,
            )
            for c in table.columns
        }
        credit = "sender" if name == "messages" else "agent"
        if name == "targets":
            cols["period"] = RowColumn("period", "string", "t.period")
        sources.append(
            RowSource(
                name,
                (name,),
                f"{name} AS t",
                cols,
                {credit: "nullif(t.agent_id, '')"},
                credit,
                period_by,
                key=table.key,
                doc=table.doc,
                credit_docs={credit: f"{name}.agent_id"},
            )
        )
    return {s.name: s for s in sources}


ROW_SOURCES: dict[str, RowSource] = _row_sources()


# --- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Located:
    """A definition with where it was written."""

    definition: MetricDefinition
    file: str
    line: int | None
    # Position in the file's list of metrics.
    index: int = 0


def _loc_path(raw: Any, loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    path: list[str | int] = []
    cur = raw
    for part in loc:
        key: int | str = part
        if isinstance(cur, dict) and key not in cur and isinstance(key, str):
            key = {"from_": "from", "in_": "in", "is_": "is", "not_": "not", "else_": "else"}.get(
                key, key
            )
        in_list = isinstance(cur, list) and isinstance(key, int) and 0 <= key < len(cur)
        if in_list or (isinstance(cur, dict) and key in cur):
            cur = cur[int(key)] if in_list else cur[key]
            path.append(key)
    return tuple(path)


def _message(err: Any) -> str:
    def shown(x: Any) -> str:
        return str(x).rstrip("_") if isinstance(x, str) else str(x)

    loc = ".".join(shown(x) for x in err["loc"] if not isinstance(x, str) or not x[:1].isupper())
    if err["type"] == "extra_forbidden":
        return message(
            "define.unknown_field",
            "unknown field {name} (see docs/metrics.md)",
            name=repr(shown(err["loc"][-1])),
        )
    if err["type"] == "missing":
        return message(
            "define.missing_field",
            "missing field {name} at {loc}",
            name=repr(shown(err["loc"][-1])),
            loc=loc,
        )
    msg = pydantic_text(err)
    return message("define.invalid", "{loc}: {problem}", loc=loc, problem=msg) if loc else msg


def _raw_definitions(raw: Any, file: str, lines: LineMap, only_metrics: bool) -> list[Any]:
    if isinstance(raw, dict) and "metrics" in raw:
        items = raw["metrics"]
        # Other top-level keys hold shared YAML anchors and must say so (``x-calls:``); in a
        # center configuration they are its settings.
        stray = (
            []
            if only_metrics
            else [k for k in raw if k != "metrics" and not str(k).startswith("x-")]
        )
        if stray:
            raise ProblemsError(
                Problem(
                    "error",
                    "unknown_field",
                    message(
                        "define.top_level_field",
                        "unknown top-level field {name}: a definitions file has `metrics:` and "
                        "`x-...:` keys holding shared anchors",
                        name=repr(k),
                    ),
                    file,
                    lines.line((k,)),
                )
                for k in stray
            )
    else:
        items = raw
    if not isinstance(items, list):
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "not_definitions",
                    message(
                        "define.not_definitions",
                        "a definitions file is a YAML list of metrics, or a mapping with "
                        "`metrics:`",
                    ),
                    file,
                    1,
                )
            ]
        )
    return items


def parse_definitions(
    text: str,
    file: str,
    *,
    library: dict[str, MetricDefinition] | None = None,
    only_metrics: bool = False,
) -> list[Located]:
    """Definitions in YAML text; every problem at once, at ``file:line``.

    ``library``: definitions the file may refer to (``of:``, ratio parts) and must not redefine;
    by default the built-in library.
    """
    try:
        raw, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "yaml_syntax",
                    message("define.not_yaml", "not valid YAML: {reason}", reason=reason),
                    file,
                    None if mark is None else mark.line + 1,
                )
            ]
        ) from None
    items = _raw_definitions(raw, file, lines, only_metrics)
    prefix: tuple[str | int, ...] = ("metrics",) if isinstance(raw, dict) else ()
    return located_definitions(enumerate(items), file, lines, prefix, library=library)


def located_definitions(
    items: Iterable[tuple[int, Any]],
    file: str,
    lines: LineMap,
    prefix: tuple[str | int, ...],
    *,
    library: dict[str, MetricDefinition] | None = None,
) -> list[Located]:
    """The definitions among a loaded document's entries (index in its list under ``prefix``,
    raw entry), checked for shape and meaning; every problem at once, at ``file:line``."""
    problems: list[Problem] = []
    located: list[Located] = []
    for i, item in items:
        path = (*prefix, i)
        try:
            d = MetricDefinition.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                where = _loc_path(item, err["loc"])
                problems.append(
                    Problem("error", "invalid", _message(err), file, lines.line((*path, *where)))
                )
            continue
        located.append(Located(d, file, lines.line(path), i))
    known = library_definitions() if library is None else library
    problems.extend(check_definitions(located, lines, prefix, library=known))
    if any(p.level == "error" for p in problems):
        raise ProblemsError(sorted(problems, key=lambda p: (p.file or "", p.line or 0)))
    return located


def load_center_definitions(
    path: Path, library: dict[str, MetricDefinition] | None = None
) -> list[MetricDefinition]:
    """The definitions under ``metrics:`` in a center configuration file (none: no key)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([Problem("error", "unreadable", unreadable(exc), str(path))]) from None
    return center_definitions(text, str(path), library)


def center_definitions(
    text: str, name: str, library: dict[str, MetricDefinition] | None = None
) -> list[MetricDefinition]:
    """The definitions under ``metrics:`` in the text of a center configuration file named
    ``name`` (a stored upload has no path; :func:`load_center_definitions` reads a file)."""
    try:
        raw, _ = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ProblemsError([Problem("error", "unreadable", unreadable(exc), name)]) from None
    if not isinstance(raw, dict) or not raw.get("metrics"):
        return []
    located = parse_definitions(text, name, library=library, only_metrics=True)
    return [x.definition for x in located]


def load_definitions(
    path: Path | str, *, library: dict[str, MetricDefinition] | None = None
) -> list[MetricDefinition]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([Problem("error", "unreadable", unreadable(exc), str(p))]) from None
    return [x.definition for x in parse_definitions(text, str(p), library=library)]


# --- meaning ---------------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_HOURS = re.compile(r"^\s*(\S+)\s*-\s*(\S+)\s*$")


def parse_clock(text: str, *, allow_24: bool) -> time | None:
    """``08:00`` or ``22:59:59`` as a time; ``24:00`` (end of day) as None. Raises ValueError."""
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(
            message("define.not_clock", "{text} is not a time of day like 08:00", text=repr(text))
        )
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    if (h, mi, s) == (24, 0, 0) and allow_24:
        return None
    if h > 23 or mi > 59 or s > 59:
        raise ValueError(
            message(
                "define.clock_range",
                "{text} is not a time of day (00:00 to 24:00)",
                text=repr(text),
            )
        )
    return time(h, mi, s)


def parse_hours(text: str) -> tuple[time, time | None]:
    """``08:00-24:00`` as (start, end); end None is midnight at the end of the day."""
    m = _HOURS.match(text)
    if not m:
        raise ValueError(
            message(
                "define.not_hours",
                "{text} is not a range of hours like 08:00-24:00",
                text=repr(text),
            )
        )
    start = parse_clock(m[1], allow_24=False)
    assert start is not None
    end = parse_clock(m[2], allow_24=True)
    if end == start:
        raise ValueError(
            message(
                "define.empty_hours",
                "{text} is empty: it starts and ends at the same time",
                text=repr(text),
            )
        )
    return start, end


def parse_dates(text: str) -> tuple[date, date]:
    """``2027-02-05`` or ``2027-02-05..2027-02-12`` (both included)."""
    first, _, last = str(text).partition("..")
    try:
        a = date.fromisoformat(first.strip())
        b = date.fromisoformat(last.strip()) if last else a
    except ValueError:
        raise ValueError(
            message(
                "define.not_dates",
                "{text} is not a date or a range like 2027-02-05..2027-02-12",
                text=repr(text),
            )
        ) from None
    if b < a:
        raise ValueError(
            message("define.dates_reversed", "{text} ends before it starts", text=repr(text))
        )
    return a, b


_NUMERIC = ("int", "float", "money", "duration")


@dataclass
class _Checker:
    file: str
    lines: LineMap
    library: dict[str, MetricDefinition]
    defined: dict[str, MetricDefinition]
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: tuple[str | int, ...], code: str, said: str) -> None:
        self.problems.append(Problem("error", code, said, self.file, self.lines.line(path)))

    def column(
        self, src: RowSource, name: str, path: tuple[str | int, ...], what: str
    ) -> RowColumn | None:
        col = src.columns.get(name)
        if col is None:
            known = ", ".join(src.columns)
            self.error(
                path,
                "unknown_column",
                message(
                    "define.unknown_column",
                    "{what} {name} is not a column of {source}; {known}",
                    what=what,
                    name=repr(name),
                    source=src.name,
                    known=known,
                ),
            )
        return col

    def mismatch(self, path: tuple[str | int, ...], said: str) -> None:
        self.error(path, "type_mismatch", said)

    def duration(self, src: RowSource, d: Duration, path: tuple[str | int, ...]) -> None:
        for key, name in (("from", d.start), ("to", d.end)):
            col = self.column(src, name, (*path, key), "duration " + key)
            if col is not None and col.kind != "instant":
                self.error(
                    (*path, key),
                    "not_an_instant",
                    message(
                        "define.duration_instants",
                        "a duration runs between instants; {name} is a {kind}",
                        name=repr(name),
                        kind=_kind(col.kind),
                    ),
                )

    def value(
        self, src: RowSource, kind: str, v: Any, path: tuple[str | int, ...], op: str
    ) -> None:
        if isinstance(v, ColumnRef):
            other = self.column(
                src,
                v.column,
                (*path, "column"),
                message("define.compared_column", "compared column"),
            )
            if (other is not None and (other.kind in _NUMERIC) != (kind in _NUMERIC)) or (
                other is not None and kind not in _NUMERIC and other.kind != kind
            ):
                assert other is not None
                self.mismatch(
                    path,
                    message(
                        "define.cannot_compare",
                        "cannot compare a {kind} with the {other} {column}",
                        kind=_kind(kind),
                        other=_kind(other.kind),
                        column=repr(v.column),
                    ),
                )
            return
        if isinstance(v, ConfigRef):
            if kind not in _NUMERIC:
                self.mismatch(
                    path,
                    message(
                        "define.not_with_number",
                        "a {kind} is not compared with a number",
                        kind=_kind(kind),
                    ),
                )
            return
        if kind == "instant":
            self.mismatch(
                path,
                message(
                    "define.instant_compared",
                    "{op}: an instant is compared with another column ({{column: ...}}) "
                    "or tested in a window",
                    op=op,
                ),
            )
        elif isinstance(v, bool):
            self.mismatch(
                path,
                message(
                    "define.use_is", "{op}: use `is: true/false` to test a yes/no column", op=op
                ),
            )
        elif isinstance(v, int | Decimal):
            if kind not in _NUMERIC:
                self.mismatch(
                    path,
                    message(
                        "define.not_number_column",
                        "{op}: a {kind} column is not compared with the number {v}",
                        op=op,
                        kind=_kind(kind),
                        v=v,
                    ),
                )
        elif kind in _NUMERIC:
            self.mismatch(
                path,
                message(
                    "define.number_column",
                    "{op}: a {kind} column is compared with a number, not {v}",
                    op=op,
                    kind=_kind(kind),
                    v=repr(v),
                ),
            )
        elif kind == "date":
            try:
                date.fromisoformat(v)
            except ValueError:
                self.mismatch(
                    path,
                    message(
                        "define.not_a_date",
                        "{op}: {v} is not a date (2026-10-01)",
                        op=op,
                        v=repr(v),
                    ),
                )
        elif kind == "bool":
            self.mismatch(
                path,
                message("define.use_is_on", "{op}: use `is: true/false` on a yes/no column", op=op),
            )

    def condition(self, src: RowSource, c: Condition, path: tuple[str | int, ...]) -> None:
        if c.all is not None or c.any is not None:
            key = "all" if c.all is not None else "any"
            for i, sub in enumerate(c.all or c.any or []):
                self.condition(src, sub, (*path, key, i))
            return
        if c.not_ is not None:
            self.condition(src, c.not_, (*path, "not"))
            return
        if c.exists is not None:
            self.exists(src, c.exists, (*path, "exists"))
            return
        if c.open is not None:
            col = self.column(src, c.open, (*path, "open"), "open")
            if col is not None and col.kind != "instant":
                self.error(
                    (*path, "open"),
                    "not_an_instant",
                    message(
                        "define.open_instant",
                        "open: {name} is a {kind}",
                        name=repr(c.open),
                        kind=_kind(col.kind),
                    ),
                )
            return
        if c.duration is not None:
            self.duration(src, c.duration, (*path, "duration"))
            kind = "duration"
        else:
            assert c.column is not None
            col = self.column(src, c.column, (*path, "column"), _COLUMN)
            if col is None:
                return
            kind = col.kind
        op = c.operator
        assert op is not None
        shown = op.rstrip("_")
        opath = (*path, shown)
        if op == "is_":
            if kind != "bool":
                self.mismatch(
                    opath,
                    message(
                        "define.is_yes_no",
                        "`is` tests a yes/no column; {column} is a {kind}",
                        column=repr(c.column),
                        kind=_kind(kind),
                    ),
                )
            return
        if op == "is_null":
            return
        if kind == "bool":
            self.mismatch(
                opath,
                message(
                    "define.use_is_on_column",
                    "{op}: use `is: true/false` on yes/no column {column}",
                    op=shown,
                    column=repr(c.column),
                ),
            )
            return
        if c.ignore_case and kind != "string":
            self.mismatch(
                (*path, "ignore_case"),
                message("define.ignore_case", "ignore_case applies to text columns"),
            )
        if op in TAG_OPERATORS:
            if kind != "string":
                subject = repr(c.column) if c.column else message("define.a_duration", "a duration")
                self.mismatch(
                    opath,
                    message(
                        "define.tags_text",
                        "{op} tests a list of tags (text); {subject} is a {kind}",
                        op=shown,
                        subject=subject,
                        kind=_kind(kind),
                    ),
                )
            for i, tag in enumerate(getattr(c, op)):
                if not tag.strip() or any(ch in TAG_SEPARATORS for ch in tag):
                    self.error(
                        (*opath, i),
                        "bad_tag",
                        message(
                            "define.bad_tag",
                            "{op}: {tag} is not one tag (a tag has no spaces, commas, "
                            "semicolons, brackets or quotes)",
                            op=shown,
                            tag=repr(tag),
                        ),
                    )
            return
        many = op in ("in_", "not_in", "between")
        values: list[Any] = list(getattr(c, op)) if many else [getattr(c, op)]
        if op in ("equals", "not_equals", "in_", "not_in") and kind == "duration":
            self.mismatch(
                opath,
                message(
                    "define.duration_compare",
                    "{op}: compare durations with lt, le, gt, ge or between",
                    op=shown,
                ),
            )
            return
        for v in values:
            self.value(src, kind, v, opath, shown)

    def exists(self, src: RowSource, e: Exists, path: tuple[str | int, ...]) -> None:
        other = ROW_SOURCES.get(e.table)
        if other is None or other.needs_facts:
            names = [n for n, s in ROW_SOURCES.items() if not s.needs_facts]
            self.error(
                (*path, "table"),
                "unknown_table",
                message(
                    "define.exists_table",
                    "exists: {table} is not one of {tables}",
                    table=repr(e.table),
                    tables=", ".join(names),
                ),
            )
            return
        for theirs, ours in e.match.items():
            self.column(
                other,
                theirs,
                (*path, "match", theirs),
                message("define.table_column", "{table} column", table=e.table),
            )
            self.column(src, ours, (*path, "match", theirs), _COLUMN)
        if e.same_agent and "agent_id" not in other.columns:
            self.error(
                (*path, "same_agent"),
                "unknown_column",
                message("define.no_agent_id", "{table} has no agent_id", table=e.table),
            )

    def measure(
        self, src: RowSource, m: Measure, path: tuple[str | int, ...], aggregate: str
    ) -> None:
        if m.duration is not None:
            self.duration(src, m.duration, (*path, "duration"))
        elif m.cases is not None:
            for i, case in enumerate(m.cases):
                self.condition(src, case.when, (*path, "cases", i, "when"))
        elif m.column is not None:
            col = self.column(
                src, m.column, (*path, "column"), message("define.measure_column", "measure column")
            )
            if col is not None and col.kind not in _NUMERIC and aggregate != "count":
                self.error(
                    (*path, "column"),
                    "not_a_number",
                    message(
                        "define.needs_number",
                        "aggregate {aggregate} needs a number; {column} is a {kind}",
                        aggregate=aggregate,
                        column=repr(m.column),
                        kind=_kind(col.kind),
                    ),
                )

    def window(self, src: RowSource, d: MetricDefinition, path: tuple[str | int, ...]) -> None:
        w = d.window
        assert w is not None
        on = w.on or d.period_by or src.period_by
        col = self.column(src, on, (*path, "on"), message("define.window_column", "window column"))
        if col is not None and col.kind != "instant":
            self.error(
                (*path, "on"),
                "not_an_instant",
                message(
                    "define.window_instant",
                    "a window applies to an instant; {name} is a {kind}",
                    name=repr(on),
                    kind=_kind(col.kind),
                ),
            )
        for key in ("daily", "exclude"):
            for i, text in enumerate(getattr(w, key)):
                try:
                    parse_hours(text)
                except ValueError as exc:
                    self.error((*path, key, i), "bad_hours", said(exc))
        for i, text in enumerate(w.exempt):
            try:
                parse_dates(text)
            except ValueError as exc:
                self.error((*path, "exempt", i), "bad_date", said(exc))

    def reference(self, name: str, path: tuple[str | int, ...], *, part: bool) -> None:
        target = self.defined.get(name) or self.library.get(name)
        if target is None:
            self.error(
                path,
                "unknown_metric",
                message("define.unknown_metric", "unknown metric {name}", name=repr(name)),
            )
        elif target.aggregate == "change":
            self.error(
                path,
                "bad_reference",
                message(
                    "define.change_of_change",
                    "{name} is itself a change; refer to its metric",
                    name=repr(name),
                ),
            )
        elif part and target.aggregate not in ("count", "sum", "distinct"):
            self.error(
                path,
                "bad_reference",
                message(
                    "define.ratio_part_kind",
                    "a ratio part must be a count, sum or distinct metric; {name} is a "
                    "{aggregate} (a ratio of ratios or of means is not a ratio)",
                    name=repr(name),
                    aggregate=target.aggregate,
                ),
            )

    def definition(self, d: MetricDefinition, path: tuple[str | int, ...]) -> None:
        src: RowSource | None = None
        if d.from_ is not None:
            src = ROW_SOURCES.get(d.from_)
            if src is None:
                self.error(
                    (*path, "from"),
                    "unknown_source",
                    message(
                        "define.unknown_source",
                        "from: {name} is not one of {sources}",
                        name=repr(d.from_),
                        sources=", ".join(ROW_SOURCES),
                    ),
                )
                return
        if d.aggregate == "change":
            assert d.of is not None
            self.reference(d.of, (*path, "of"), part=False)
            return
        if src is None:
            for side in ("numerator", "denominator"):
                for i, p in enumerate(getattr(d, side) or []):
                    assert p.metric is not None
                    self.reference(p.metric, (*path, side, i), part=True)
            return
        if d.credit is not None and d.credit not in src.credits:
            self.error(
                (*path, "credit"),
                "unknown_credit",
                message(
                    "define.unknown_credit",
                    "credit: rows of {source} are credited to {credits}, not {credit}",
                    source=src.name,
                    credits=", ".join(src.credits),
                    credit=repr(d.credit),
                ),
            )
        if d.period_by is not None:
            col = self.column(src, d.period_by, (*path, "period_by"), "period_by")
            if col is not None and col.kind != src.columns[src.period_by].kind:
                self.error(
                    (*path, "period_by"),
                    "not_an_instant",
                    message(
                        "define.period_by_kind",
                        "period_by: {source} falls in periods by a {want}; {name} is a {kind}",
                        source=src.name,
                        want=_kind(src.columns[src.period_by].kind),
                        name=repr(d.period_by),
                        kind=_kind(col.kind),
                    ),
                )
        for i, c in enumerate(d.where):
            self.condition(src, c, (*path, "where", i))
        if d.window is not None:
            self.window(src, d, (*path, "window"))
        if d.measure is not None:
            self.measure(src, d.measure, (*path, "measure"), d.aggregate)
        if d.test is not None:
            self.condition(src, d.test, (*path, "test"))
        if d.distinct is not None:
            self.column(src, d.distinct, (*path, "distinct"), "distinct")
        for i, name in enumerate(d.requires):
            self.column(src, name, (*path, "requires", i), "requires")
        for side in ("numerator", "denominator"):
            for i, p in enumerate(getattr(d, side) or []):
                ppath = (*path, side, i)
                if p.metric is not None:
                    self.reference(p.metric, ppath, part=True)
                    continue
                for j, c in enumerate(p.where):
                    self.condition(src, c, (*ppath, "where", j))
                if p.aggregate == "sum" and p.measure is None:
                    self.error(
                        ppath, "invalid", message("define.sum_part", "a sum part needs a measure")
                    )
                if p.aggregate == "distinct" and p.distinct is None:
                    self.error(
                        ppath,
                        "invalid",
                        message("define.distinct_part", "a distinct part needs distinct: <column>"),
                    )
                if p.measure is not None:
                    self.measure(src, p.measure, (*ppath, "measure"), p.aggregate or "sum")
                if p.distinct is not None:
                    self.column(src, p.distinct, (*ppath, "distinct"), "distinct")


def check_definitions(
    located: list[Located],
    lines: LineMap,
    prefix: tuple[str | int, ...] = (),
    *,
    library: dict[str, MetricDefinition],
) -> list[Problem]:
    """Every problem of meaning in definitions that passed the shape check."""
    if not located:
        return []
    file = located[0].file
    defined: dict[str, MetricDefinition] = {}
    checker = _Checker(file, lines, library, defined)
    for x in located:
        d = x.definition
        if d.id in defined:
            checker.problems.append(
                Problem(
                    "error",
                    "duplicate_id",
                    message("define.defined_twice", "metric {id} is defined twice", id=repr(d.id)),
                    file,
                    x.line,
                )
            )
        elif d.id in library:
            checker.problems.append(
                Problem(
                    "error",
                    "duplicate_id",
                    message(
                        "define.in_library",
                        "metric {id} is already in the built-in library; choose another id",
                        id=repr(d.id),
                    ),
                    file,
                    x.line,
                )
            )
        defined[d.id] = d
    for x in located:
        checker.definition(x.definition, (*prefix, x.index))
    return checker.problems


# --- the built-in library --------------------------------------------------------------------

LIBRARY_FILES = ("counts.yaml", "catalog.yaml", "platforms.yaml")


@cache
def _library() -> tuple[tuple[str, MetricDefinition], ...]:
    out: list[tuple[str, MetricDefinition]] = []
    known: dict[str, MetricDefinition] = {}
    folder = resources.files("appraise.metrics") / "library"
    for name in LIBRARY_FILES:
        text = (folder / name).read_text(encoding="utf-8")
        for x in parse_definitions(text, f"library/{name}", library=dict(known)):
            out.append((name, x.definition))
            known[x.definition.id] = x.definition
    return tuple(out)


def library_definitions() -> dict[str, MetricDefinition]:
    """Every built-in definition by id: the catalog first, then the platform presets."""
    return {d.id: d for _, d in _library()}


def catalog_definitions() -> dict[str, MetricDefinition]:
    """The catalog: what ``appraise metrics`` computes when no metric is named."""
    return {d.id: d for f, d in _library() if f == "catalog.yaml"}


def list_definitions(extra: list[MetricDefinition] | None = None) -> list[dict[str, str]]:
    """Id, Chinese name, unit and description of every definition, for pickers and listings."""
    defs = list(library_definitions().values()) + list(extra or [])
    return [
        {
            "id": d.id,
            "name": d.name,
            "name_en": d.name_en,
            "unit": d.unit,
            "description": d.description_zh or d.description,
            "description_en": d.description,
        }
        for d in defs
    ]


def together(*groups: Iterable[MetricDefinition]) -> list[MetricDefinition]:
    """Definitions from several places by id, a later group's replacing an earlier one's (a
    scheme's own over the center's)."""
    out: dict[str, MetricDefinition] = {}
    for group in groups:
        out.update({d.id: d for d in group})
    return list(out.values())


def center_for(data: Path) -> tuple[CenterConfig, list[MetricDefinition]]:
    """The center's configuration and its own metric definitions for an event store or a folder
    of events: ``center.yaml`` in the folder (or beside the store file), else the defaults and
    none. Every problem of the file at once, at its line."""
    folder = data if data.is_dir() else data.parent
    path = folder / "center.yaml"
    if not path.is_file():
        return CenterConfig(), []
    return CenterConfig.load(path), load_center_definitions(path, dict(library_definitions()))
