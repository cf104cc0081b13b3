"""The mapping file: how another tool's exports map onto what appraise reads.

One YAML file serves everything that comes in. ``tables:`` maps raw exports (chats, calls,
tickets, orders ...) onto the canonical event tables of ``appraise import``; ``reports:`` maps
per-agent reports (a 赤兔 客服绩效 sheet, a Chatwoot agent report) onto the scoring inputs of
``appraise score`` and the web import (``metric_values`` and ``agents``), with the rule by which
daily rows add up to the period. ``preset: NAME`` starts from a shipped mapping for a known tool
(``appraise formats`` lists them) and overrides any part of it. Every problem names the file and
line. docs/data-format.md has full examples.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from appraise.inputs.reading import FileFormat, Layout
from appraise.inputs.reports import ReportMapping
from appraise.messages import message
from appraise.metrics.schema import TABLES
from appraise.problems import Problem, ProblemsError, pydantic_text, unreadable

__all__ = ["ColumnMapping", "ColumnSpec", "FileFormat", "TableMapping", "presets"]


def _as_text(value: Any) -> str:
    """YAML turns ``1``, ``yes`` and ``true`` into int/bool; value maps compare text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ColumnSpec(BaseModel):
    """Where one canonical column comes from.

    ``source`` is a header name, a 1-based position for files without a header, or a list of
    columns joined by ``join`` (a date and a time column; ``vru`` + ``line`` + ``call_id`` as one
    key); ``None`` means the column of the canonical name. ``format`` is one or more strptime
    formats for timestamps and dates. ``values`` translates codes before the value is checked
    (``{"1": agent}``; a code mapped to null is empty). ``constant`` fills the column with one
    value for every row. Derived values: ``plus_seconds`` adds a column of seconds to a time
    (Zendesk Talk's answered_at = created + wait; ``plus_minutes`` minutes, ``plus_milliseconds``
    milliseconds: an ASR transcript's sentence offsets from the call's start), ``present``
    makes a yes/no of "the source is not empty" (``paid`` from a payment time), ``positive`` of
    "the source is more than 0" (``refunded`` from a refund amount).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str | int | list[str | int] | None = None
    join: str = " "
    format: list[str] | None = None
    values: dict[str, str | None] = Field(default_factory=dict)
    constant: str | None = None
    plus_seconds: str | int | None = None
    plus_minutes: str | int | None = None
    plus_milliseconds: str | int | None = None
    present: bool = False
    positive: bool = False

    @field_validator("format", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("values", mode="before")
    @classmethod
    def _text_values(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_as_text(k): None if v is None else _as_text(v) for k, v in value.items()}
        return value

    @field_validator("constant", mode="before")
    @classmethod
    def _text_constant(cls, value: Any) -> Any:
        return None if value is None else _as_text(value)

    @field_validator("source")
    @classmethod
    def _positive_position(
        cls, value: str | int | list[str | int] | None
    ) -> str | int | list[str | int] | None:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, int) and v < 1:
                raise ValueError(
                    message("mapping.position_from_1", "a column position counts from 1")
                )
        if isinstance(value, list) and len(value) < 2:
            raise ValueError(
                message("mapping.two_sources", "a list of source columns needs two or more")
            )
        return value

    def sources(self) -> list[str | int]:
        """Every source column this spec reads."""
        found: list[str | int] = []
        if isinstance(self.source, list):
            found.extend(self.source)
        elif self.source is not None:
            found.append(self.source)
        if self.plus is not None:
            found.append(self.plus[0])
        return found

    @property
    def plus(self) -> tuple[str | int, float] | None:
        """The column added to this time and its seconds per unit."""
        if self.plus_seconds is not None:
            return self.plus_seconds, 1
        if self.plus_minutes is not None:
            return self.plus_minutes, 60
        if self.plus_milliseconds is not None:
            return self.plus_milliseconds, 0.001
        return None


class TableMapping(Layout):
    """How to read the file of one canonical table (its layout) and map its columns."""

    null_values: list[str] | None = None
    # Several rows with one key in a file: an error, or keep the last (an event log of states).
    on_duplicate: Literal["error", "last"] = "error"
    # A row that fails a check: stop the import (error), or leave it out and count it (skip).
    invalid_rows: Literal["error", "skip"] = "error"
    # Rows left out on purpose, counted: those where a canonical column is empty (an unscored
    # survey), or where a source column holds one of the listed values (a cancelled order).
    skip_empty: list[str] = Field(default_factory=list)
    # Times before this are a wrong column or format; an archive that old says so here.
    earliest: dt.date = dt.date(2000, 1, 1)
    skip_values: dict[str, list[str]] = Field(default_factory=dict)
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        # `agent_id: 坐席工号`, `agent_id: 3` and `call_id: [vru, line]` are short for
        # `{source: ...}`.
        if isinstance(value, dict):
            return {
                k: {"source": v}
                if isinstance(v, str | int | list) and not isinstance(v, bool)
                else v
                for k, v in value.items()
            }
        return value

    @field_validator("null_values", mode="before")
    @classmethod
    def _text_nulls(cls, value: Any) -> Any:
        return [_as_text(v) for v in value] if isinstance(value, list) else value

    @field_validator("skip_values", mode="before")
    @classmethod
    def _text_skips(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                str(k): [_as_text(x) for x in (v if isinstance(v, list) else [v])]
                for k, v in value.items()
            }
        return value

    def spec(self, column: str) -> ColumnSpec:
        return self.columns.get(column) or ColumnSpec()

    def expected_sources(self) -> list[str]:
        """Header names this mapping reads, which is how its header row is found."""
        return [s for spec in self.columns.values() for s in spec.sources() if isinstance(s, str)]


class ColumnMapping(BaseModel):
    """A whole mapping file: defaults, one :class:`TableMapping` per canonical table, and the
    per-agent reports that feed the scoring inputs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    preset: str | list[str] | None = None
    # A preset's name and what it reads, in Chinese and in English.
    title: str | None = None
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    # Text that means "no value" in every table (a table's own list replaces it).
    null_values: list[str] = Field(default_factory=list)
    tables: dict[str, TableMapping] = Field(default_factory=dict)
    reports: dict[str, ReportMapping] = Field(default_factory=dict)

    @field_validator("null_values", mode="before")
    @classmethod
    def _text_nulls(cls, value: Any) -> Any:
        return [_as_text(v) for v in value] if isinstance(value, list) else value

    def table(self, name: str) -> TableMapping | None:
        return self.tables.get(name)

    def nulls_for(self, name: str) -> list[str]:
        own = self.tables[name].null_values if name in self.tables else None
        return own if own is not None else self.null_values

    def problems(self, source: str) -> list[Problem]:
        """Names that are not canonical tables or columns (a typo would silently do nothing)."""
        return self._problems(source, None)

    def _problems(self, source: str, lines: Any) -> list[Problem]:
        def line(*path: str | int) -> int | None:
            return lines.line(path) if lines is not None else None

        found: list[Problem] = []
        for tname, tmap in self.tables.items():
            if tname not in TABLES:
                found.append(
                    Problem(
                        "error",
                        "mapping_unknown_table",
                        message(
                            "mapping.unknown_table",
                            "{name} is not a canonical table ({tables})",
                            name=repr(tname),
                            tables=", ".join(TABLES),
                        ),
                        source,
                        line("tables", tname),
                    )
                )
                continue
            names = TABLES[tname].column_names
            for cname in [*tmap.columns, *tmap.skip_empty]:
                if cname not in names:
                    found.append(
                        Problem(
                            "error",
                            "mapping_unknown_column",
                            message(
                                "mapping.unknown_column",
                                "table {table} has no column {column} ({columns})",
                                table=tname,
                                column=repr(cname),
                                columns=", ".join(names),
                            ),
                            source,
                            line("tables", tname, "columns", cname),
                        )
                    )
            for cname, spec in tmap.columns.items():
                if cname not in names:
                    continue
                kind = TABLES[tname].column(cname).type
                if (spec.present or spec.positive) and kind != "bool":
                    found.append(
                        Problem(
                            "error",
                            "mapping_bad_derivation",
                            message(
                                "mapping.present_not_bool",
                                "{table}.{column} is {kind}: present/positive make yes/no values",
                                table=tname,
                                column=cname,
                                kind=kind,
                            ),
                            source,
                            line("tables", tname, "columns", cname),
                        )
                    )
                if spec.plus is not None and kind != "timestamp":
                    found.append(
                        Problem(
                            "error",
                            "mapping_bad_derivation",
                            message(
                                "mapping.plus_not_time",
                                "{table}.{column} is {kind}: plus_seconds / plus_minutes / "
                                "plus_milliseconds add to a time",
                                table=tname,
                                column=cname,
                                kind=kind,
                            ),
                            source,
                            line("tables", tname, "columns", cname),
                        )
                    )
        for rname, report in self.reports.items():
            found.extend(report.problems(source, lambda *p, r=rname: line("reports", r, *p)))
        return found

    @classmethod
    def parse(cls, text: str, file: str) -> ColumnMapping:
        """Read and check mapping text; every problem names the file and line."""
        from appraise.schemes.loader import _loc_path
        from appraise.schemes.yamlload import load_yaml, yaml_problem

        try:
            raw, lines = load_yaml(text)
        except yaml.YAMLError as exc:
            # A bounded loader: an alias bomb or deep nesting is yaml_too_large at its line.
            raise ProblemsError([yaml_problem(exc, file)]) from None
        raw = raw or {}
        if not isinstance(raw, dict):
            raise ProblemsError(
                [
                    Problem(
                        "error",
                        "mapping_invalid",
                        message("mapping.not_a_mapping", "a mapping is a YAML mapping"),
                        file,
                        1,
                    )
                ]
            )
        presets_used = raw.get("preset")
        if presets_used is not None:
            raw = _with_presets(raw, file, lines.line(("preset",)))
        try:
            mapping = cls.model_validate(_plain(raw))
        except ValidationError as exc:
            raise ProblemsError(
                sorted(
                    (
                        Problem(
                            "error",
                            "mapping_invalid",
                            _message(err),
                            file,
                            lines.line(_loc_path(raw, err["loc"])),
                        )
                        for err in exc.errors()
                    ),
                    key=lambda p: p.line or 0,
                )
            ) from None
        problems = mapping._problems(file, lines)
        if problems:
            raise ProblemsError(problems)
        return mapping

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        """Read and check a mapping file; every problem names the file (and line)."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProblemsError(
                [Problem("error", "mapping_unreadable", unreadable(exc), str(path))]
            ) from exc
        return cls.parse(text, str(path))


def _message(err: Any) -> str:
    loc = ".".join(str(x) for x in err["loc"])
    if err["type"] == "extra_forbidden":
        return message(
            "mapping.unknown_field",
            "unknown field {name} at {loc} (see docs/data-format.md)",
            name=repr(err["loc"][-1]),
            loc=loc,
        )
    if err["type"] == "missing":
        return message(
            "mapping.missing_field",
            "missing field {name} at {loc}",
            name=repr(err["loc"][-1]),
            loc=loc,
        )
    return message("mapping.invalid", "{loc}: {problem}", loc=loc, problem=pydantic_text(err))


def _plain(value: Any) -> Any:
    """YAML's exact decimals as text or numbers pydantic takes (a mapping holds no money)."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


# --- presets ------------------------------------------------------------------------------------


def presets() -> dict[str, str]:
    """Shipped preset name -> its YAML text."""
    folder = resources.files("appraise.inputs") / "presets"
    return {
        p.name.removesuffix(".yaml"): p.read_text(encoding="utf-8")
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".yaml")
    }


def preset_info(name: str, lang: str = "zh") -> tuple[str, str]:
    """A shipped preset's title and description in ``lang`` (Chinese unless it is English)."""
    raw = yaml.safe_load(presets()[name]) or {}
    suffix = "_en" if lang.lower().startswith("en") else ""
    title = raw.get(f"title{suffix}") or raw.get("title") or name
    description = raw.get(f"description{suffix}") or raw.get("description") or ""
    return str(title), " ".join(str(description).split())


def _merge(base: Any, over: Any) -> Any:
    """``over`` on top of ``base``: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return over


def _with_presets(raw: dict[str, Any], file: str, line: int | None) -> dict[str, Any]:
    from appraise.schemes.yamlload import load_yaml

    names = raw["preset"] if isinstance(raw["preset"], list) else [raw["preset"]]
    shipped = presets()
    merged: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in names:
        if not isinstance(name, str) or name not in shipped:
            problems.append(
                Problem(
                    "error",
                    "mapping_unknown_preset",
                    message(
                        "mapping.unknown_preset",
                        "no preset {name}; `appraise formats` lists them ({presets})",
                        name=repr(name),
                        presets=", ".join(shipped),
                    ),
                    file,
                    line,
                )
            )
            continue
        preset_raw, _ = load_yaml(shipped[name])
        for key in ("title", "title_en", "description", "description_en"):
            preset_raw.pop(key, None)
        if "preset" in preset_raw:
            preset_raw = _with_presets(preset_raw, file, line)
        merged = _merge(merged, preset_raw)
    if problems:
        raise ProblemsError(problems)
    own = {k: v for k, v in raw.items() if k != "preset"}
    result: dict[str, Any] = _merge(merged, own)
    return result
