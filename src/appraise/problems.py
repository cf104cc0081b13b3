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

from appraise.messages import Lang, current_lang, message, text

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input.

    ``code`` is a stable machine-readable name (``weights_sum``, ``unknown_metric``), ``message``
    the sentence a manager reads: an :func:`appraise.messages.message` (its English text, written
    in the reader's language by :meth:`render` and :attr:`text`) or, for older code, plain text.
    ``file`` with ``line`` points into a YAML file; ``file`` with
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

    def where_in(self, lang: Lang | None = None) -> str:
        """:attr:`where` in the reader's language (``file:第 3 行:field``)."""
        if self.row is None or (lang or current_lang()) == "en":
            return self.where
        parts = [p for p in (self.file, None if self.line is None else str(self.line)) if p]
        parts.append(text(message("where.row", "row {n}", n=self.row), lang))
        if self.field:
            parts.append(self.field)
        return ":".join(parts)

    @property
    def text(self) -> str:
        """The message in the reader's language (what a page shows)."""
        return text(self.message)

    def render(self, lang: Lang | None = None) -> str:
        """``where: message (level)`` in ``lang`` (the reader's language when not given)."""
        where = self.where_in(lang)
        level = text(_LEVELS[self.level], lang)
        said = text(self.message, lang)
        return f"{where}: {said} ({level})" if where else f"{said} ({level})"

    def __str__(self) -> str:
        where = self.where
        return (
            f"{where}: {self.message} ({self.level})" if where else f"{self.message} ({self.level})"
        )

    def as_dict(self, lang: Lang | None = None) -> dict[str, str]:
        """For the API: the code, the message in ``lang`` (the reader's), where and the level.
        ``where`` stays as a program reads it (``file:row 3:field``), like the code."""
        return {
            "code": self.code,
            "message": text(self.message, lang),
            "where": self.where,
            "level": self.level,
        }


_LEVELS = {
    "error": message("level.error", "error"),
    "warning": message("level.warning", "warning"),
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
