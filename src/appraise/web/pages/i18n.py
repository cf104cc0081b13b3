"""Compile the pages' translations (.po -> .mo) without GNU gettext.

The page templates are written in English and translated to Chinese (``zh_Hans``), the default
language. Django reads compiled ``.mo`` files, and ``compilemessages`` needs GNU ``msgfmt``,
which a fresh machine may not have; so the ``.mo`` files are committed next to their ``.po``
and this module rebuilds them exactly. ``tests/web/pages/test_i18n.py`` fails when a committed
``.mo`` is not the compilation of its ``.po``, or when a string of a template has no translation.

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
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
LOCALE = WEB / "locale"
MAGIC = 0x950412DE


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
    # A .po string is a C string literal; Python's reads the escapes the same way.
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"not a string: {text}")
    return value


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries are dropped)."""
    entries: list[Entry] = []
    cur: Entry | None = None
    key: str | None = None
    comments: list[str] = []
    flags: set[str] = set()
    seen: set[str] = set()

    def close() -> None:
        nonlocal cur
        if cur is not None:
            entries.append(cur)
        cur = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close()
            key = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            comments.append(raw)
            continue
        if line.startswith('"'):
            if cur is None or key is None:
                raise ValueError(f"a continued string outside an entry: {raw}")
            _append(cur, key, _unquote(line))
            continue
        word, _, rest = line.partition(" ")
        # Entries are separated by blank lines; a second msgid (or a msgctxt) starts one too.
        if cur is not None and (word == "msgctxt" or (word == "msgid" and "msgid" in seen)):
            close()
        if cur is None:
            cur = Entry("", flags=flags, comments=comments)
            flags, comments, seen = set(), [], set()
        seen.add(word)
        key = word
        _append(cur, key, _unquote(rest), start=True)
    close()
    return entries


def _append(entry: Entry, key: str, value: str, start: bool = False) -> None:
    if key == "msgid":
        entry.msgid = value if start else entry.msgid + value
    elif key == "msgid_plural":
        entry.msgid_plural = value if start else (entry.msgid_plural or "") + value
    elif key == "msgctxt":
        entry.msgctxt = value if start else (entry.msgctxt or "") + value
    elif key == "msgstr" or key.startswith("msgstr["):
        index = 0 if key == "msgstr" else int(key[7:-1])
        while len(entry.msgstr) <= index:
            entry.msgstr.append("")
        entry.msgstr[index] = value if start else entry.msgstr[index] + value
    else:
        raise ValueError(f"unknown .po keyword {key}")


def compile_mo(entries: list[Entry]) -> bytes:
    """GNU .mo bytes: the header and every translated, non-fuzzy entry, sorted by key."""
    pairs: dict[bytes, bytes] = {}
    for e in entries:
        if e.msgid != "" and not e.translated:
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        pairs[key.encode("utf-8")] = "\0".join(e.msgstr).encode("utf-8")
    keys = sorted(pairs)
    n = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + n * 8
    data_at = translations_at + n * 8
    originals: list[tuple[int, int]] = []
    translations: list[tuple[int, int]] = []
    blob = bytearray()
    for k in keys:
        originals.append((len(k), data_at + len(blob)))
        blob += k + b"\0"
    for k in keys:
        v = pairs[k]
        translations.append((len(v), data_at + len(blob)))
        blob += v + b"\0"
    out = bytearray(struct.pack("<7I", MAGIC, 0, n, originals_at, translations_at, 0, data_at))
    for length, offset in (*originals, *translations):
        out += struct.pack("<2I", length, offset)
    return bytes(out + blob)


def catalogs(root: Path = WEB, language: str | None = None) -> list[Path]:
    """Every catalog of the web app: the pages' own (``web/locale``) and each app's; only the
    ones of ``language`` (a locale folder name, ``zh_Hans``) when it is given."""
    pattern = f"**/locale/{language or '*'}/LC_MESSAGES/*.po"
    return sorted(root.glob(pattern))


def stale_catalogs(root: Path = WEB) -> list[Path]:
    """The ``.mo`` files that are missing or differ from the compilation of their ``.po``."""
    stale = []
    for po in catalogs(root):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compile_mo(parse_po(po.read_text("utf-8"))):
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
        data = compile_mo(parse_po(po.read_text(encoding="utf-8")))
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
