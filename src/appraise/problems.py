"""Problems found in user input (schemes, data files), reported all at once.

Every problem names where it came from (file, and line or row and field) and has a level: an
``error`` stops the run, a ``warning`` is reported and the run goes on. Code that checks input
collects problems into a list and raises :class:`ProblemsError` once, at the end, so that the user
sees every problem in one run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input.

    ``code`` is a stable machine-readable name (``weights_sum``, ``unknown_metric``), ``message``
    the sentence a manager reads. ``file`` with ``line`` points into a YAML file; ``file`` with
    ``row`` and ``field`` points into a table (row 1 is the header, so the first data row is 2).
    """

    level: Level
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    row: int | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        """``file:line``, ``file:row N:field`` or ``""`` where nothing is known."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(str(self.line))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(self.field)
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.where
        return (
            f"{where}: {self.message} ({self.level})" if where else f"{self.message} ({self.level})"
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.message,
            "where": self.where,
            "level": self.level,
        }


class AppraiseError(Exception):
    """The one application error type; the CLI and the web app turn it into a message."""


class ProblemsError(AppraiseError):
    """Raised with every problem found, once checking is complete."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def raise_if_errors(problems: Iterable[Problem]) -> None:
    """Raise :class:`ProblemsError` with all problems if any of them is an error."""
    problems = list(problems)
    if any(p.level == "error" for p in problems):
        raise ProblemsError(problems)
