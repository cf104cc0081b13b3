"""The command line's help in the reader's language: ``appraise score --help`` in Chinese by
default, in English with ``--lang en`` (or ``APPRAISE_LANG=en``), like everything else the CLI
says.

The help texts stay written in English where each option is declared (``typer.Option(...,
help="...")`` and the commands' docstrings); they are the ``msgid`` of an entry with context
``cli`` in the core's catalog (``appraise/locale/.../appraise.po``). Typer's own words (the
panels' titles, ``[default: ...]``, ``[required]``) are a :func:`appraise.messages.table`.
:class:`LocalizedGroup`, the class of the ``appraise`` group, writes every text of the command
tree in the language before the command line is parsed: the help is printed while parsing, so
the language comes from the arguments as given (``--lang X`` anywhere, the last one winning),
then ``APPRAISE_LANG``, then Chinese. ``tests/test_cli_help.py`` fails on a help text without a
Chinese entry.

A wrong command line is told in the same language: the ``Usage:`` line, and what Typer's vendored
click says (``Missing argument 'scheme'.``, ``No such option: --x``), which has no gettext of its
own: its English sentences are templates of a table (:data:`CLICK_ENGLISH`), matched against the
whole message and written again in the reader's language; a sentence no template matches is
printed as click wrote it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.text import Text
from typer import rich_utils
from typer._click import formatting
from typer.core import TyperGroup

from appraise.messages import Lang, lang_of, table, translate
from appraise.problems import pydantic_sentences

CONTEXT = "cli"

# typer.rich_utils' module constant -> its English, as typer writes it.
TYPER_WORDS = table(
    "cli.typer",
    {
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commands",
        "ERRORS_PANEL_TITLE": "Error",
        "DEFAULT_STRING": "[default: {}]",
        "ENVVAR_STRING": "[env var: {}]",
        "REQUIRED_LONG_STRING": "[required]",
        "DEPRECATED_STRING": "(deprecated) ",
        "ABORTED_TEXT": "Aborted.",
        "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
    },
)


# What Typer's vendored click says when a command line is wrong, as it writes it (its own code
# has no gettext): the English templates are matched against the whole message, the most
# specific first, and written again in the reader's language with what they captured.
CLICK_ENGLISH = {
    "missing_argument": "Missing argument {name}.",
    "missing_option": "Missing option {name}.",
    "missing_parameter": "Missing parameter: {name}",
    "missing_command": "Missing command.",
    "no_such_option_suggest": "No such option: {name} Did you mean {suggestion}?",
    "no_such_option_possible": "No such option: {name} (Possible options: {options})",
    "no_such_option": "No such option: {name}",
    "no_such_command_suggest": "No such command {name}. Did you mean {suggestion}?",
    "no_such_command": "No such command {name}.",
    "extra_arguments": "Got unexpected extra argument(s) ({arguments})",
    "requires_argument": "Option {name} requires an argument.",
    "requires_arguments": "Option {name} requires {n} arguments.",
    "takes_no_value": "Option {name} does not take a value.",
    "invalid_value_for": "Invalid value for {name}: {reason}",
    "invalid_value": "Invalid value: {reason}",
    # The reasons of an invalid value (a choice, a path, a type).
    "not_one_of": "{value} is not one of {choices}.",
    "path_missing": "Path {value} does not exist.",
    "file_missing": "File {value} does not exist.",
    "directory_missing": "Directory {value} does not exist.",
    "is_a_file": "{label} {value} is a file.",
    "is_a_directory": "{label} {value} is a directory.",
    "not_valid": "Value {value} is not a valid {kind}.",
}
CLICK_WORDS = table("cli.click", CLICK_ENGLISH)
USAGE = table("cli.usage", {"prefix": "Usage: "})
_CLICK_PATTERNS = [
    (
        key,
        re.compile(
            "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(english)) + "$",
            re.DOTALL,
        ),
    )
    for key, english in CLICK_ENGLISH.items()
]


def click_said(english: str, lang: Lang) -> str:
    """A message of click's in ``lang``: itself when no template matches; a reason inside it
    (``Invalid value for '--agents': ...``) is said too, pydantic's sentences as the core's
    validation messages say them."""
    if lang == "en":
        return english
    for key, pattern in _CLICK_PATTERNS:
        found = pattern.match(english)
        if found:
            values = dict(found.groupdict())
            if "reason" in values:
                values["reason"] = _reason(values["reason"], lang)
            return CLICK_WORDS[lang][key].format_map(values)
    return english


def _reason(english: str, lang: Lang) -> str:
    said = click_said(english, lang)
    if said != english:
        return said
    for sentence in pydantic_sentences():
        if english == sentence.render("en"):
            return sentence.render(lang)
    return english


def lang_from(argv: Sequence[str], environ: dict[str, str] | None = None) -> Lang:
    """The language the command line asks for: the last ``--lang X`` / ``--lang=X`` of
    ``argv``, else ``APPRAISE_LANG``, else Chinese."""
    env = os.environ if environ is None else environ
    chosen: str | None = env.get("APPRAISE_LANG")
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            chosen = argv[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    return lang_of(chosen)


def helps(command: Any) -> Iterator[tuple[str, Any, str]]:
    """(where, object, attribute) of every help text of ``command`` and its subcommands, the
    ``--help`` option's included (``where`` is the command path, for a test to name)."""
    yield from _helps(command, "appraise")


def _helps(command: Any, path: str) -> Iterator[tuple[str, Any, str]]:
    for attr in ("help", "short_help", "epilog"):
        if getattr(command, attr, None):
            yield path, command, attr
    context = command.context_class(command, **command.context_settings)
    params = [*command.params, command.get_help_option(context)]
    for param in params:
        if param is not None and getattr(param, "help", None):
            yield f"{path} {param.opts[0] if param.opts else param.name}", param, "help"
    for name, sub in getattr(command, "commands", {}).items():
        yield from _helps(sub, f"{path} {name}")


def localize(command: Any, lang: Lang) -> None:
    """Write every help text of the tree in ``lang`` (in place: typer builds a new tree for each
    run)."""
    if lang == "en":
        return
    for _where, obj, attr in helps(command):
        setattr(obj, attr, translate(CONTEXT, getattr(obj, attr), lang))


@contextmanager
def typer_words(lang: Lang) -> Iterator[None]:
    """Typer's own words in ``lang`` for the block (they are module constants of
    ``typer.rich_utils``, read when the help or an error is printed); put back after.

    In Chinese the help texts also fold at the edge of their column: Rich wraps at spaces and
    cuts a longer run with "…", and Chinese has no spaces, so at 80 columns an option's help
    lost its middle. Typer makes each help text in ``rich_utils._make_rich_text``, which has no
    overflow setting; the wrapper below gives its Text ``overflow="fold"`` (tests/test_cli_help.py
    fails if a Typer release renames it, rather than letting the help be cut again).
    """
    names = {name: getattr(rich_utils, name) for name in TYPER_WORDS[lang]}
    make = rich_utils._make_rich_text
    format_error = rich_utils.rich_format_error
    write_usage = formatting.HelpFormatter.write_usage
    for name, words in TYPER_WORDS[lang].items():
        setattr(rich_utils, name, words)
    if lang != "en":
        prefix = USAGE[lang]["prefix"]

        def usage(self: Any, prog: str, args: str = "", prefix_: str | None = None) -> None:
            write_usage(self, prog, args, prefix if prefix_ is None else prefix_)

        def said_error(exc: Any) -> None:
            said = click_said(exc.format_message(), lang)
            exc.format_message = lambda: said  # this exception's message, as printed next
            format_error(exc)

        formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign,assignment]
        rich_utils.rich_format_error = said_error  # type: ignore[assignment]
    if lang == "zh":

        def folding(**kwargs: Any) -> Any:
            made = make(**kwargs)
            if isinstance(made, Text):
                made.overflow = "fold"
            return made

        rich_utils._make_rich_text = folding
    try:
        yield
    finally:
        for name, words in names.items():
            setattr(rich_utils, name, words)
        rich_utils._make_rich_text = make
        rich_utils.rich_format_error = format_error
        formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


class LocalizedGroup(TyperGroup):
    """The ``appraise`` group: its help, its commands' and Typer's words in the language the
    command line asks for."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        lang = lang_from(sys.argv[1:] if args is None else list(args))
        localize(self, lang)
        with typer_words(lang):
            return super().main(args, *rest, **kwargs)
