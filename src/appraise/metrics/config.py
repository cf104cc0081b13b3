"""A center's configuration for importing and computing metrics.

Read from ``center.yaml`` beside the data (optional) or a file named with ``--config``. Every
field has a default, so a folder of exports with no configuration works as it is: times in
Asia/Shanghai, every hour a business hour, service level answered within 20 seconds.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appraise.messages import message
from appraise.problems import Problem, ProblemsError, pydantic_text, unreadable

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Interval(BaseModel):
    """Business hours on one weekday: ``[start, end)`` local time."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: time
    end: time


class Calendar(BaseModel):
    """When the center is open. Time outside it does not count against response times.

    ``hours`` maps a weekday (``mon`` .. ``sun``) to its open intervals; a weekday that is not
    listed is closed. ``holidays`` are closed all day; ``workdays`` are open on the hours of
    ``workday_hours`` although their weekday is closed (调休 make-up days).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    hours: dict[str, list[Interval]] = Field(default_factory=dict)
    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)
    workday_hours: list[Interval] = Field(default_factory=list)


class CenterConfig(BaseModel):
    """Settings of one customer-service center."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: str = "Asia/Shanghai"
    # None: every hour is a business hour.
    calendar: Calendar | None = None
    # service_level: share of calls answered within this many seconds.
    service_level_seconds: float = 20.0
    # The center's own metric definitions (docs/metrics.md, "The metric language"), checked with
    # their lines by appraise.metrics.definitions.load_center_definitions.
    metrics: list[dict[str, Any]] = Field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> CenterConfig:
        """Load a YAML file; every problem is reported with the file name."""
        try:
            from appraise.schemes.yamlload import safe_load  # bounded: aliases, depth

            raw = safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = None if mark is None else mark.line + 1
            raise ProblemsError(
                [Problem("error", "config_unreadable", unreadable(exc), str(path), line)]
            ) from exc
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise ProblemsError(
                Problem(
                    "error",
                    "config_invalid",
                    message(
                        "config.invalid",
                        "{loc}: {problem}",
                        loc=".".join(str(x) for x in err["loc"]),
                        problem=pydantic_text(err),
                    ),
                    str(path),
                )
                for err in exc.errors()
            ) from exc

    @classmethod
    def for_folder(cls, folder: Path) -> CenterConfig:
        """``center.yaml`` in the folder if there is one, else the defaults."""
        path = folder / "center.yaml"
        return cls.load(path) if path.is_file() else cls()
