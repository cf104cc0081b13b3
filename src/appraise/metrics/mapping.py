"""Column mapping: how another tool's export maps onto the canonical tables.

A center's chat or ticket system rarely writes our column names, our time format or our codes.
The mapping file (YAML) says, per canonical table, which file to read, how to read it, and for
each canonical column where its values come from, so the export is loaded as it is, without
editing. docs/data-format.md has a full example.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from appraise.metrics.schema import TABLES
from appraise.problems import Problem, ProblemsError

FileFormat = Literal["csv", "xlsx", "jsonl", "parquet"]


def _as_text(value: Any) -> str:
    """YAML turns ``1``, ``yes`` and ``true`` into int/bool; value maps compare text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ColumnSpec(BaseModel):
    """Where one canonical column comes from.

    ``source`` is a header name, or a 1-based position for files without a header; ``None``
    means the column of the canonical name. ``format`` is one or more strptime formats for
    timestamps and dates (ISO text is accepted as well). ``values`` translates codes before the
    value is checked (``{"1": agent}``). ``constant`` fills the column with one value for every
    row, for an export that lacks it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str | int | None = None
    format: list[str] | None = None
    values: dict[str, str] = Field(default_factory=dict)
    constant: str | None = None

    @field_validator("format", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("values", mode="before")
    @classmethod
    def _text_values(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_as_text(k): _as_text(v) for k, v in value.items()}
        return value

    @field_validator("constant", mode="before")
    @classmethod
    def _text_constant(cls, value: Any) -> Any:
        return None if value is None else _as_text(value)

    @field_validator("source")
    @classmethod
    def _positive_position(cls, value: str | int | None) -> str | int | None:
        if isinstance(value, int) and value < 1:
            raise ValueError("a column position counts from 1")
        return value


class TableMapping(BaseModel):
    """How to read the file of one canonical table."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str | None = None
    format: FileFormat | None = None
    delimiter: str | None = None
    # None: the format's usual quote ("); "" reads without quote handling.
    quote: str | None = None
    encoding: str = "utf-8"
    header: bool = True
    sheet: str | None = None
    null_values: list[str] | None = None
    # Several rows with one key in a file: an error, or keep the last (an event log of states).
    on_duplicate: Literal["error", "last"] = "error"
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        # `agent_id: 坐席工号` and `agent_id: 3` are short for `agent_id: {source: ...}`.
        if isinstance(value, dict):
            return {
                k: {"source": v} if isinstance(v, str | int) and not isinstance(v, bool) else v
                for k, v in value.items()
            }
        return value

    @field_validator("null_values", mode="before")
    @classmethod
    def _text_nulls(cls, value: Any) -> Any:
        return [_as_text(v) for v in value] if isinstance(value, list) else value

    def spec(self, column: str) -> ColumnSpec:
        return self.columns.get(column) or ColumnSpec()


class ColumnMapping(BaseModel):
    """A whole mapping file: defaults and one :class:`TableMapping` per canonical table."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # Text that means "no value" in every table (a table's own list replaces it).
    null_values: list[str] = Field(default_factory=list)
    tables: dict[str, TableMapping] = Field(default_factory=dict)

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
        found: list[Problem] = []
        for tname, tmap in self.tables.items():
            if tname not in TABLES:
                found.append(
                    Problem(
                        "error",
                        "mapping_unknown_table",
                        f"{tname!r} is not a canonical table ({', '.join(TABLES)})",
                        source,
                    )
                )
                continue
            names = TABLES[tname].column_names
            for cname in tmap.columns:
                if cname not in names:
                    found.append(
                        Problem(
                            "error",
                            "mapping_unknown_column",
                            f"table {tname} has no column {cname!r} ({', '.join(names)})",
                            source,
                        )
                    )
        return found

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        """Read and check a mapping file; every problem names the file."""
        try:
            from appraise.schemes.yamlload import safe_load  # bounded: aliases, depth

            raw = safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ProblemsError(
                [Problem("error", "mapping_unreadable", str(exc), str(path))]
            ) from exc
        try:
            mapping = cls.model_validate(raw)
        except ValidationError as exc:
            raise ProblemsError(
                Problem(
                    "error",
                    "mapping_invalid",
                    f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}",
                    str(path),
                )
                for err in exc.errors()
            ) from exc
        problems = mapping.problems(str(path))
        if problems:
            raise ProblemsError(problems)
        return mapping
