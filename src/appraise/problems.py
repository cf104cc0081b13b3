"""Problems found in user input (schemes, data files), reported all at once.

Every problem names where it came from (file, and line or row and field) and has a level: an
``error`` stops the run, a ``warning`` is reported and the run goes on. Code that checks input
collects problems into a list and raises :class:`ProblemsError` once, at the end, so that the user
sees every problem in one run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from appraise.messages import Lang, Message, current_lang, message, text

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
            parts.append(text(self.field, lang))
        return ":".join(parts)

    @property
    def place(self) -> str:
        """:meth:`where_in` the reader's language of the moment (what a page shows)."""
        return self.where_in()

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
        # What print(), an f-string or a template writes: in the reader's language, like a
        # Message (``render("en")`` for the English).
        return self.render()

    def as_dict(self, lang: Lang | None = None) -> dict[str, str]:
        """For the API: the code, the message in ``lang`` (the reader's), where and the level.
        ``where`` stays as a program reads it (``file:row 3:field``), like the code."""
        return {
            "code": self.code,
            "message": text(self.message, lang),
            "where": self.where,
            "level": self.level,
        }


_ROW_IN_WHERE = re.compile(r"(?:(?<=:)|^)row (\d+)(?=:|$)")


def place_of(where: str, lang: Lang | None = None) -> str:
    """A :attr:`Problem.where` as a program reads it (``file:row 3:field``, what the API and a
    stored problem keep) in the reader's language (``file:第 3 行:field``): the row is its only
    English part."""
    if (lang or current_lang()) == "en" or "row " not in where:
        return where
    return _ROW_IN_WHERE.sub(
        lambda m: text(message("where.row", "row {n}", n=int(m[1])), lang), where
    )


_LEVELS = {
    "error": message("level.error", "error"),
    "warning": message("level.warning", "warning"),
}


def _pydantic_messages(ctx: Mapping[str, Any]) -> dict[str, Message]:
    """Pydantic's sentences for the errors a hand-written YAML file makes, as core messages;
    the English template is pydantic's own (checked against its text before use)."""
    c = {k: str(v) for k, v in ctx.items()}
    return {
        "missing": message("pydantic.missing", "Field required"),
        "extra_forbidden": message("pydantic.extra_forbidden", "Extra inputs are not permitted"),
        "int_parsing": message(
            "pydantic.int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        "int_from_float": message(
            "pydantic.int_from_float",
            "Input should be a valid integer, got a number with a fractional part",
        ),
        "int_type": message("pydantic.int_type", "Input should be a valid integer"),
        "float_parsing": message(
            "pydantic.float_parsing",
            "Input should be a valid number, unable to parse string as a number",
        ),
        "float_type": message("pydantic.float_type", "Input should be a valid number"),
        "decimal_parsing": message("pydantic.decimal_parsing", "Input should be a valid decimal"),
        "bool_parsing": message(
            "pydantic.bool_parsing", "Input should be a valid boolean, unable to interpret input"
        ),
        "bool_type": message("pydantic.bool_type", "Input should be a valid boolean"),
        "string_type": message("pydantic.string_type", "Input should be a valid string"),
        "list_type": message("pydantic.list_type", "Input should be a valid list"),
        "dict_type": message("pydantic.dict_type", "Input should be a valid dictionary"),
        "literal_error": message(
            "pydantic.literal_error", "Input should be {expected}", expected=c.get("expected", "")
        ),
        "enum": message(
            "pydantic.enum", "Input should be {expected}", expected=c.get("expected", "")
        ),
        "greater_than": message(
            "pydantic.greater_than", "Input should be greater than {gt}", gt=c.get("gt", "")
        ),
        "greater_than_equal": message(
            "pydantic.greater_than_equal",
            "Input should be greater than or equal to {ge}",
            ge=c.get("ge", ""),
        ),
        "less_than": message(
            "pydantic.less_than", "Input should be less than {lt}", lt=c.get("lt", "")
        ),
        "less_than_equal": message(
            "pydantic.less_than_equal",
            "Input should be less than or equal to {le}",
            le=c.get("le", ""),
        ),
        "string_too_short": message(
            "pydantic.string_too_short",
            "String should have at least {min_length} character",
            min_length=c.get("min_length", ""),
        ),
        "date_from_datetime_parsing": message(
            "pydantic.date_parsing",
            "Input should be a valid date or datetime, {error}",
            error=c.get("error", ""),
        ),
        "date_parsing": message(
            "pydantic.date_parsing",
            "Input should be a valid date or datetime, {error}",
            error=c.get("error", ""),
        ),
        "time_parsing": message(
            "pydantic.time_parsing",
            "Input should be in a valid time format, {error}",
            error=c.get("error", ""),
        ),
    }


def pydantic_sentences() -> list[Message]:
    """pydantic's common sentences that take no value (``Input should be a valid integer, ...``),
    as core messages: what a command line's invalid value says (appraise.clihelp)."""
    return [m for m in _pydantic_messages({}).values() if not m.params]


def pydantic_text(err: Mapping[str, Any]) -> str:
    """What a pydantic error says, in the reader's language: the :class:`Message` a validator
    raised (``ValueError(message(...))``), else pydantic's own sentence as a core message when
    it is one of the common ones, else pydantic's English (``Value error, `` dropped)."""
    ctx = err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, BaseException) and error.args and isinstance(error.args[0], Message):
        return error.args[0]
    english = str(err["msg"])
    known = _pydantic_messages(ctx).get(str(err.get("type")))
    if known is not None and known == english:
        return known
    return english.removeprefix("Value error, ")


def unreadable(exc: Exception) -> str:
    """Why a file could not be read, for a person: missing, not UTF-8 text, not YAML, or the
    system's reason (a permission, a folder given for a file)."""
    import yaml

    if isinstance(exc, yaml.YAMLError):
        reason = getattr(exc, "problem", None) or str(exc)
        return message("yaml.syntax", "not valid YAML: {reason}", reason=reason)
    if isinstance(exc, FileNotFoundError):
        return message("file.not_found", "no such file")
    if isinstance(exc, UnicodeDecodeError):
        return message(
            "file.not_utf8",
            "the file is not UTF-8 text ({error}); save it as UTF-8",
            error=str(exc),
        )
    return message("file.unreadable", "cannot read the file: {error}", error=str(exc))


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
