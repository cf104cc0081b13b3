"""The pages' translations: compile the catalogs (.po -> .mo) with Babel, and find the strings
left untranslated.

The page templates are written in English and translated to Chinese (``zh_Hans``), the default
language. Django reads compiled ``.mo`` files; ``compilemessages`` needs GNU ``msgfmt``, which a
fresh machine may not have, so the ``.mo`` files are committed next to their ``.po`` and compiled
by Babel's reader and writer (``babel.messages.pofile`` / ``mofile``, what ``pybabel compile``
runs). ``tests/web/pages/test_i18n.py`` fails when a committed ``.mo`` does not hold exactly the
translations of its ``.po``, or when a string of a template has no translation.

The strings to translate are found the way ``makemessages`` finds them, without GNU xgettext:
templates (``trans``, ``blocktrans``, ``_("...")``) through Django's own ``templatize``, Python
files (``gettext``, ``_``, ``gettext_lazy``, ``ngettext``, ``pgettext``...) through their syntax
tree. A string counts as translated when any catalog of the language translates it.

    python -m appraise.web.pages.i18n            # rewrite every .mo from its .po
    python -m appraise.web.pages.i18n --check    # exit 1 if any .mo is out of date
    python -m appraise.web.pages.i18n --missing  # print untranslated strings as .po entries
"""

from __future__ import annotations

import argparse
import ast
import gettext
import io
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[1]
LOCALE = WEB / "locale"


@dataclass
class Entry:
    msgid: str
    msgstr: list[str] = field(default_factory=list)
    msgid_plural: str | None = None
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and "fuzzy" not in self.flags


def _unquote(text: str) -> str:
    # A string literal of templatize's output; Python's reads the escapes the same way.
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"not a string: {text}")  # internal
    return value


# Babel stamps a header without these dates with the time of compilation; a fixed date keeps
# the compiled .mo the same from one run to the next.
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def _catalog(text: str) -> Catalog:
    # abort_invalid: a broken .po is an error to fix, not a catalog with entries missing.
    catalog = read_po(io.StringIO(text), abort_invalid=True)
    if "POT-Creation-Date:" not in text:
        catalog.creation_date = _FIXED_DATE
    if "PO-Revision-Date:" not in text:
        catalog.revision_date = _FIXED_DATE
    return catalog


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file, as Babel reads them (obsolete ``#~`` entries are dropped)."""
    entries = []
    for m in _catalog(text):
        plural = isinstance(m.id, list | tuple)
        msgid = m.id[0] if plural else m.id
        strings = list(m.string) if isinstance(m.string, list | tuple) else [m.string]
        entries.append(
            Entry(
                msgid=str(msgid),
                msgstr=[str(x or "") for x in strings] if (m.string or not msgid) else [],
                msgid_plural=str(m.id[1]) if plural else None,
                msgctxt=m.context,
                flags=set(m.flags),
                comments=[*m.user_comments, *m.auto_comments],
            )
        )
    return entries


def compile_po(text: str) -> bytes:
    """The .mo of a .po's text: the header and every translated, non-fuzzy entry (Babel)."""
    out = io.BytesIO()
    write_mo(out, _catalog(text), use_fuzzy=False)
    return out.getvalue()


def mo_messages(data: bytes) -> dict[tuple[str | None, str], str]:
    """What a .mo gives gettext: (context, msgid) -> translation (plural forms NUL-joined), with
    the Plural-Forms header, which decides the plural a count takes."""
    t = gettext.GNUTranslations(io.BytesIO(data))
    found: dict[tuple[str | None, str], str] = {(None, ""): t.info().get("plural-forms", "")}
    for key, value in t._catalog.items():  # type: ignore[attr-defined]
        msgid, index = (key[0], key[1]) if isinstance(key, tuple) else (key, None)
        context, _, msgid = msgid.rpartition("\x04") if "\x04" in msgid else (None, "", msgid)
        if msgid == "":
            continue  # the header, compared by its Plural-Forms above
        name = msgid if index is None else f"{msgid}[{index}]"
        found[(context, name)] = value
    return found


def catalogs(root: Path = WEB, language: str | None = None) -> list[Path]:
    """Every catalog of the web app: the pages' own (``web/locale``) and each app's; only the
    ones of ``language`` (a locale folder name, ``zh_Hans``) when it is given."""
    pattern = f"**/locale/{language or '*'}/LC_MESSAGES/*.po"
    return sorted(root.glob(pattern))


def stale_catalogs(root: Path = WEB) -> list[Path]:
    """The ``.mo`` files that are missing or that do not give gettext exactly the translations
    of their ``.po`` (compared as gettext reads them, not byte for byte, so a .mo compiled by
    GNU msgfmt or an earlier writer with the same content counts as up to date)."""
    stale = []
    for po in catalogs(root):
        mo = po.with_suffix(".mo")
        wanted = mo_messages(compile_po(po.read_text("utf-8")))
        if not mo.exists() or mo_messages(mo.read_bytes()) != wanted:
            stale.append(mo)
    return stale


# --- the strings the sources ask to translate ---------------------------------------------

Key = tuple[str | None, str, str | None]  # (context, msgid, msgid_plural)


@dataclass(frozen=True)
class Message:
    """A string a template or a Python file asks to translate, and where it asks."""

    msgid: str
    plural: str | None = None
    context: str | None = None
    where: str = ""

    @property
    def key(self) -> Key:
        return (self.context, self.msgid, self.plural)

    def as_po(self) -> str:
        """An empty .po entry for it, ready to be translated."""
        lines = [f"#: {self.where}"] if self.where else []
        if self.context is not None:
            lines.append(f"msgctxt {_quote(self.context)}")
        lines.append(f"msgid {_quote(self.msgid)}")
        if self.plural is None:
            lines.append('msgstr ""')
        else:
            lines += [f"msgid_plural {_quote(self.plural)}", 'msgstr[0] ""']
        return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    for plain, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\t", "\\t")):
        text = text.replace(plain, escaped)
    return f'"{text}"'


# The gettext functions and the order of their string arguments.
_ARGS: dict[str, tuple[str, ...]] = {
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}

# templatize writes each translation as a call with Python string literals, e.g.
# `` ngettext(u'%(n)s error', u'%(n)s errors', count) `` (and `` _("None") `` for a constant in a
# variable or a tag), and blanks out everything else.
_LITERAL = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_TEMPLATE_CALL = re.compile(
    rf"\b(n?p?gettext|_)\(\s*((?:{_LITERAL}\s*,?\s*)+)(?:count\s*)?\)", re.DOTALL
)


def _message(func: str, strings: list[str], where: str) -> Message | None:
    names = _ARGS["gettext" if func == "_" else func]
    if len(strings) < len(names):
        return None
    values = dict(zip(names, strings, strict=False))
    return Message(values["msgid"], values.get("plural"), values.get("context"), where)


def template_messages(path: Path, root: Path = WEB) -> list[Message]:
    """The strings of a template's ``trans`` and ``blocktrans`` tags (and ``_("...")``), as
    Django looks them up when it renders the template."""
    from django.utils.translation.template import templatize

    source = path.read_text(encoding="utf-8")
    code = templatize(source, origin=str(path))
    found = []
    for m in _TEMPLATE_CALL.finditer(code):
        strings = [_unquote(s.lstrip("u")) for s in re.findall(_LITERAL, m[2])]
        line = code.count("\n", 0, m.start()) + 1
        msg = _message(m[1], strings, f"{_rel(path, root)}:{line}")
        if msg is not None:
            found.append(msg)
    return found


def python_messages(path: Path, root: Path = WEB) -> list[Message]:
    """The string literals given to gettext functions in a Python file, under any name they are
    imported as (``from django.utils.translation import gettext as _``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in _ARGS:
                    names[alias.asname or alias.name] = alias.name
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func: str | None = None
        if isinstance(node.func, ast.Name):
            func = names.get(node.func.id)
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in _ARGS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "translation"
        ):
            func = node.func.attr
        if func is None:
            continue
        strings = []
        for arg in node.args[: len(_ARGS[func])]:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break  # a variable: translated where its text was marked
            strings.append(arg.value)
        msg = _message(func, strings, f"{_rel(path, root)}:{node.lineno}")
        if msg is not None:
            found.append(msg)
    return found


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def source_messages(root: Path = WEB) -> list[Message]:
    """Every string to translate in the web app: its templates (``**/templates/**``) and its
    Python files."""
    found: list[Message] = []
    for path in sorted(root.glob("**/templates/**/*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            found += template_messages(path, root)
    for path in sorted(root.glob("**/*.py")):
        found += python_messages(path, root)
    return found


def translations(language: str = "zh_Hans", root: Path = WEB) -> dict[Key, Entry]:
    """The translated entries of every catalog of ``language``, by key."""
    out: dict[Key, Entry] = {}
    for po in catalogs(root, language):
        for e in parse_po(po.read_text(encoding="utf-8")):
            if e.msgid and e.translated:
                out.setdefault((e.msgctxt, e.msgid, e.msgid_plural), e)
    return out


def untranslated(language: str = "zh_Hans", root: Path = WEB) -> list[Message]:
    """The strings of the sources no catalog of ``language`` translates (each key once)."""
    known = translations(language, root)
    seen: set[Key] = set()
    missing = []
    for msg in source_messages(root):
        if msg.key not in known and msg.key not in seen:
            seen.add(msg.key)
            missing.append(msg)
    return missing


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def placeholders(text: str) -> list[str]:
    """The ``%(name)s`` / ``%d`` placeholders of a string, sorted (``%%`` is not one)."""
    return sorted(m[0] for m in _PLACEHOLDER.finditer(text) if m[0] != "%%")


def placeholder_mismatches(language: str = "zh_Hans", root: Path = WEB) -> list[str]:
    """Translations whose placeholders differ from the English: one would fail at rendering
    (a misspelled name) or drop a number the person needs."""
    bad = []
    for (_, msgid, plural), e in translations(language, root).items():
        for i, text in enumerate(e.msgstr):
            english = msgid if i == 0 or plural is None else plural
            # Chinese has one plural form: it takes the placeholders of either English form.
            wanted = (
                [placeholders(msgid)]
                if plural is None
                else [placeholders(msgid), placeholders(plural)]
            )
            if placeholders(text) not in wanted:
                bad.append(f"{msgid!r} -> {text!r}: {placeholders(english)} expected")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report out-of-date .mo files")
    parser.add_argument(
        "--missing",
        metavar="LANG",
        nargs="?",
        const="zh_Hans",
        help="print the strings no catalog of LANG (zh_Hans) translates, as .po entries",
    )
    args = parser.parse_args(argv)
    if args.missing:
        _setup_django()
        missing = untranslated(args.missing)
        for msg in missing:
            print(msg.as_po())
        return 1 if missing else 0
    if args.check:
        for mo in stale_catalogs():
            print(f"{mo} is out of date: run python -m appraise.web.pages.i18n", file=sys.stderr)
        return 1 if stale_catalogs() else 0
    for po in catalogs():
        mo = po.with_suffix(".mo")
        data = compile_po(po.read_text(encoding="utf-8"))
        if not (mo.exists() and mo.read_bytes() == data):
            mo.write_bytes(data)
            print(f"wrote {mo}")
    return 0


def _setup_django() -> None:
    # templatize reads no settings, but Django's lazy modules want them configured.
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appraise.web.settings_dev")
    django.setup()


if __name__ == "__main__":
    raise SystemExit(main())
