"""The functional core's messages: a stable code, parameters, and text in the reader's language.

Every sentence the core says to a person (a scheme problem, an engine warning, an explanation, a
QA finding, a points term, a workbook header) is written once, in English, where it is said::

    from appraise.messages import message

    Problem("error", "weights_sum",
            message("weights_sum", "weights add up to {total}, not {full}", total=t, full=f), ...)

``message(code, template, **params)`` is a :class:`Message`: a ``str`` whose value is the English
text (so code that compares it keeps working) that remembers its code, its template and its
parameters; ``str()``, an f-string or a Django template write it in the reader's language, and
:meth:`Message.render` in a given one. The Chinese text lives in
the core's gettext catalog, ``src/appraise/locale/zh_Hans/LC_MESSAGES/appraise.po``, one entry
per message with the code as its context (``msgctxt``) and the English template as its ``msgid``;
Babel compiles it to the ``.mo`` that :mod:`gettext` reads (``python -m appraise.messages``).

Tables of short labels (the workbook's headers, the explanations' sentences) are written as a
dict of English templates and turned into one dict per language by :func:`table`.

The language is the reader's: ``zh`` (the default) or ``en``. The CLI sets it from ``--lang``,
the web app from the request (Django's language); :func:`text` and :meth:`Message.render` without
a language use it. Parameters are formatted with ``str.format``; a parameter that is itself a
:class:`Message` is written in the same language, a list of them joined as the language joins
a list (``、`` in Chinese, ``, `` in English); numbers are given already written
(``appraise.scoring.text.fmt``), so that ``80`` never prints as ``8E+1``.

``tests/test_messages.py`` fails when a ``message(...)`` or ``table(...)`` of the core has no
Chinese translation, when a translation drops or misspells a placeholder, when a call passes
parameters its template does not use (or the reverse), when the ``.mo`` is stale, and when a
package of :data:`PLAIN_CHECKED` writes English straight into a problem or an exception
(:func:`plain_messages`).

    python -m appraise.messages            # compile the .po into the .mo (Babel)
    python -m appraise.messages --check    # exit 1 when the .mo is out of date
    python -m appraise.messages --missing  # print the untranslated messages as .po entries
"""

from __future__ import annotations

import argparse
import ast
import gettext
import io
import string
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"

ROOT = Path(__file__).resolve().parent
LOCALE = ROOT / "locale"
DOMAIN = "appraise"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")

_current: ContextVar[Lang] = ContextVar("appraise_lang", default=DEFAULT_LANG)


def lang_of(code: str | None) -> Lang:
    """``en``, ``en-us`` -> ``en``; anything else (``zh-hans``, ``zh``, none) -> ``zh``."""
    return "en" if code and code.lower().startswith("en") else "zh"


def current_lang() -> Lang:
    """The reader's language of this thread or request (``zh`` unless told otherwise)."""
    return _current.get()


def set_lang(lang: str | None) -> Callable[[], None]:
    """Set the reader's language for what follows (the CLI's ``--lang``); returns the function
    that puts back the language before."""
    token = _current.set(lang_of(lang))
    return lambda: _current.reset(token)


@contextmanager
def reading(lang: str | None) -> Iterator[Lang]:
    """Within the block the reader's language is ``lang`` (a web request, a test)."""
    token = _current.set(lang_of(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@cache
def _translations() -> gettext.NullTranslations:
    try:
        with MO.open("rb") as f:
            return gettext.GNUTranslations(f)
    except FileNotFoundError:  # a checkout whose catalog was never compiled: English
        return gettext.NullTranslations()


def translate(code: str, template: str, lang: Lang | None = None) -> str:
    """The template of message ``code`` in ``lang`` (the English one when untranslated)."""
    if (lang or current_lang()) == "en":
        return template
    return _translations().pgettext(code, template)


def _value(v: Any, lang: Lang) -> Any:
    if isinstance(v, Message):
        return v.render(lang)
    if isinstance(v, list | tuple):
        # A list of phrases: each in the language, joined as the language joins a list.
        return ("、" if lang == "zh" else ", ").join(str(_value(x, lang)) for x in v)
    return v


def _fill(template: str, params: Mapping[str, Any], lang: Lang) -> str:
    values = {k: _value(v, lang) for k, v in params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation with a broken placeholder (the test catches it): say it in English
        # rather than fail the whole page.
        return template


class Message(str):
    """One message of the core: its English text as a ``str``, and its code and parameters."""

    code: str
    template: str
    params: dict[str, Any]

    def __new__(cls, code: str, template: str, params: Mapping[str, Any]) -> Message:
        self = super().__new__(cls, _fill(template, params, "en"))
        self.code = code
        self.template = template
        self.params = dict(params)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.code, self.template, self.params))

    def __str__(self) -> str:
        # What a template, an f-string or print() writes: the message in the reader's language.
        # Comparison, ``+`` and ``join`` see the English text (the ``str`` value).
        return self.render()

    def render(self, lang: Lang | None = None) -> str:
        """The message in ``lang`` (the reader's language when not given)."""
        lang = lang or current_lang()
        if lang == "en":
            return str.__str__(self)
        return _fill(translate(self.code, self.template, lang), self.params, lang)

    def as_dict(self) -> dict[str, Any]:
        """Code and parameters, for a client that writes the sentence itself."""
        return {
            "code": self.code,
            "params": {k: str(_value(v, current_lang())) for k, v in self.params.items()},
        }


def message(code: str, template: str, /, **params: Any) -> Message:
    """The message ``code`` with these parameters (see the module's documentation)."""
    return Message(code, template, params)


def text(value: str, lang: Lang | None = None) -> str:
    """Any text of the core in ``lang``: a :class:`Message` rendered, other text as it is."""
    return value.render(lang) if isinstance(value, Message) else str(value)


def said(exc: BaseException) -> str:
    """What an exception says, keeping its :class:`Message` (``str(exc)`` would write it in the
    language of the moment and lose its code)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Message):
        return exc.args[0]
    return str(exc)


def table(prefix: str, english: Mapping[str, str]) -> dict[Lang, dict[str, str]]:
    """A table of templates (key -> English) in every language: ``{"zh": {...}, "en": {...}}``.

    Entry ``key`` is the message ``prefix.key`` of the catalog. ``english`` must be a literal
    dict of literal strings where it is written, so that the catalog test finds it.
    """
    out: dict[Lang, dict[str, str]] = {}
    for lang in LANGS:
        out[lang] = {k: translate(f"{prefix}.{k}", v, lang) for k, v in english.items()}
    return out


# --- the catalog: finding the messages of the sources, compiling, checking ---------------------

# The core's packages (no Django); web/ has its own catalogs (appraise.web.pages.i18n).
SOURCES = ROOT
EXCLUDE = ("web",)


@dataclass(frozen=True)
class Source:
    """A message a source file says, and where."""

    code: str
    template: str
    where: str
    params: frozenset[str] | None = None  # the keyword names passed, when all are literal

    def as_po(self) -> str:
        return f"#: {self.where}\nmsgctxt {_quote(self.code)}\nmsgid {_quote(self.template)}\n"


@dataclass(frozen=True)
class Bad:
    """A ``message(...)``/``table(...)`` call the catalog cannot hold (code or text not literal)."""

    where: str
    why: str


def _quote(s: str) -> str:
    for plain, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\t", "\\t")):
        s = s.replace(plain, escaped)
    return f'"{s}"'


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] in EXCLUDE:
            continue
        yield path


def scan(root: Path = SOURCES) -> tuple[list[Source], list[Bad]]:
    """Every message of the core's sources, and the calls that are not literal enough."""
    found: list[Source] = []
    bad: list[Bad] = []
    for path in _files(root):
        rel = path.relative_to(root.parent).as_posix()
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in {"message", "table"}:
                continue
            where = f"{rel}:{node.lineno}"
            if _name(node.func) == "message":
                if len(node.args) < 2:
                    continue  # not ours (another function called message)
                code, template = _literal(node.args[0]), _literal(node.args[1])
                if code is None or template is None:
                    bad.append(Bad(where, "code and template must be string literals"))
                    continue
                names = None
                if all(k.arg is not None for k in node.keywords):
                    names = frozenset(k.arg for k in node.keywords if k.arg is not None)
                found.append(Source(code, template, where, names))
            else:
                if len(node.args) != 2:
                    continue
                prefix = _literal(node.args[0])
                entries = node.args[1]
                if isinstance(entries, ast.Name):
                    entries = _assigned_dict(tree, entries.id) or entries
                if prefix is None or not isinstance(entries, ast.Dict):
                    bad.append(Bad(where, "table(prefix, {...}) needs a literal prefix and dict"))
                    continue
                for k, v in zip(entries.keys, entries.values, strict=True):
                    key = _literal(k) if k is not None else None
                    value = _literal(v)
                    if key is None or value is None:
                        bad.append(Bad(f"{rel}:{v.lineno}", "table entries must be literals"))
                        continue
                    found.append(Source(f"{prefix}.{key}", value, f"{rel}:{v.lineno}"))
    return found, bad


def _assigned_dict(tree: ast.Module, name: str) -> ast.Dict | None:
    for node in tree.body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.Dict):
            return value
    return None


# --- English-only messages: a sentence said to a person without message(...) ------------------

# The packages that speak only through message(...): each sentence has a code and Chinese.
PLAIN_CHECKED = (
    "inputs",
    "metrics",
    "points",
    "qa",
    "schemes",
    "scoring",
    "periods.py",
    "problems.py",
)
# Calls that carry a sentence to a person: a problem and the helpers that make one.
SINKS = frozenset(
    {
        "Problem",
        "ProblemsError",
        "_BadCell",
        "_bad",
        "_err",
        "_error",
        "_no",
        "_problem",
        "add",
        "error",
        "mismatch",
        "problem",
        "BadParameter",
    }
)
# Exceptions that report a bug, not a user's mistake (never shown as a message).
INTERNAL_ERRORS = frozenset({"AssertionError", "NotImplementedError", "TypeError"})
INTERNAL_MARK = "# internal"


def _is_sentence(node: ast.expr) -> bool:
    """Text a person reads, written in place: a literal with words, an f-string, ``+``/``%``
    of them, ``"...".format(...)`` or a conditional choosing one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " " in node.value.strip() and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value.strip(" :")
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_sentence(node.left) or _is_sentence(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and isinstance(node.func.value, ast.Constant)
    if isinstance(node, ast.IfExp):
        return _is_sentence(node.body) or _is_sentence(node.orelse)
    return False


def _said_by(node: ast.Call) -> list[ast.expr]:
    if _name(node.func) == "Problem":
        return node.args[2:3] + [k.value for k in node.keywords if k.arg == "message"]
    return [*node.args, *(k.value for k in node.keywords)]


def plain_messages(root: Path = SOURCES, checked: tuple[str, ...] = PLAIN_CHECKED) -> list[str]:
    """Sentences of the checked packages said to a person without ``message(...)``, as
    ``file:line: why``: a :class:`~appraise.problems.Problem` (or a helper that makes one) or
    a raised exception given English text. A raise that reports a bug says so with a
    ``# internal`` comment on its line."""
    out: list[str] = []
    for name in checked:
        base = root / name
        paths = sorted(base.rglob("*.py")) if base.is_dir() else [base]
        for path in paths:
            source = path.read_text("utf-8")
            lines = source.splitlines()
            rel = path.relative_to(root.parent).as_posix()
            for node in ast.walk(ast.parse(source, str(path))):
                if (
                    isinstance(node, ast.Call)
                    and _name(node.func) in SINKS
                    # rich's Tree.add and set.add are not the helper ``add`` of a checker.
                    and not (_name(node.func) == "add" and isinstance(node.func, ast.Attribute))
                ):
                    if any(_is_sentence(a) for a in _said_by(node)):
                        out.append(f"{rel}:{node.lineno}: {_name(node.func)}(...) says English")
                elif (
                    isinstance(node, ast.Raise)
                    and isinstance(node.exc, ast.Call)
                    and _name(node.exc.func) not in INTERNAL_ERRORS | SINKS
                    and any(_is_sentence(a) for a in node.exc.args)
                    and INTERNAL_MARK not in lines[node.lineno - 1]
                ):
                    out.append(f"{rel}:{node.lineno}: raise {_name(node.exc.func)} says English")
    return out


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` fields of a template."""
    return frozenset(
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    )


_FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def _read_po(text_: str) -> Any:
    from babel.messages.pofile import read_po

    catalog = read_po(io.StringIO(text_), abort_invalid=True)
    if "POT-Creation-Date:" not in text_:
        catalog.creation_date = _FIXED_DATE
    if "PO-Revision-Date:" not in text_:
        catalog.revision_date = _FIXED_DATE
    return catalog


def compile_catalog(po: Path = PO) -> bytes:
    """The .mo of the catalog, written by Babel (translated, non-fuzzy entries only)."""
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, _read_po(po.read_text("utf-8")), use_fuzzy=False)
    return out.getvalue()


def _mo_entries(data: bytes) -> dict[str, str]:
    t = gettext.GNUTranslations(io.BytesIO(data))
    return dict(cast(dict[str, str], t._catalog))  # type: ignore[attr-defined]


def stale(po: Path = PO) -> bool:
    """True when the committed .mo does not hold exactly the .po's translations."""
    mo = po.with_suffix(".mo")
    return not mo.exists() or _mo_entries(mo.read_bytes()) != _mo_entries(compile_catalog(po))


def translations(po: Path = PO) -> dict[tuple[str, str], str]:
    """(code, English template) -> Chinese template, for every translated entry of the .po."""
    out = {}
    for m in _read_po(po.read_text("utf-8")):
        if m.id and m.string and not m.fuzzy:
            out[(m.context or "", str(m.id))] = str(m.string)
    return out


def problems(root: Path = SOURCES, po: Path = PO) -> list[str]:
    """Everything wrong with the core's messages, one line each (empty when all is well)."""
    found, bad = scan(root)
    done = translations(po)
    out = [f"{b.where}: {b.why}" for b in bad]
    if root == SOURCES:
        out += [f"{p}: write it with message(code, template, ...)" for p in plain_messages(root)]
    templates: dict[str, tuple[str, str]] = {}
    for s in found:
        first = templates.setdefault(s.code, (s.template, s.where))
        if first[0] != s.template:
            out.append(f"{s.where}: code {s.code!r} has another text at {first[1]}")
        if s.params is not None and s.params != placeholders(s.template):
            out.append(
                f"{s.where}: {s.code!r} passes {sorted(s.params)} for the placeholders "
                f"{sorted(placeholders(s.template))}"
            )
        zh = done.get((s.code, s.template))
        if zh is None:
            out.append(f"{s.where}: {s.code!r} has no Chinese translation")
        elif placeholders(zh) != placeholders(s.template):
            out.append(
                f"{s.where}: the Chinese of {s.code!r} has the placeholders "
                f"{sorted(placeholders(zh))}, the English {sorted(placeholders(s.template))}"
            )
    return out


def missing(root: Path = SOURCES, po: Path = PO) -> list[Source]:
    found, _ = scan(root)
    done = translations(po)
    seen: set[tuple[str, str]] = set()
    out = []
    for s in found:
        key = (s.code, s.template)
        if key not in done and key not in seen:
            seen.add(key)
            out.append(s)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appraise.messages")
    parser.add_argument("--check", action="store_true", help="exit 1 if the .mo is stale")
    parser.add_argument("--missing", action="store_true", help="print untranslated messages")
    args = parser.parse_args(argv)
    if args.missing:
        for s in missing():
            sys.stdout.write(s.as_po() + 'msgstr ""\n\n')
        return 0
    if args.check:
        bad = problems()
        for line in bad:
            sys.stdout.write(line + "\n")
        if stale():
            sys.stdout.write(f"{MO} is out of date: run python -m appraise.messages\n")
            return 1
        return 1 if bad else 0
    MO.write_bytes(compile_catalog())
    _translations.cache_clear()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
