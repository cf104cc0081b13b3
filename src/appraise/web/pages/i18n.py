"""Compile the pages' translations (.po -> .mo) without GNU gettext.

The page templates are written in English and translated to Chinese (``zh_Hans``), the default
language. Django reads compiled ``.mo`` files, and ``compilemessages`` needs GNU ``msgfmt``,
which a fresh machine may not have; so the ``.mo`` files are committed next to their ``.po``
and this module rebuilds them exactly. ``tests/web/pages/test_i18n.py`` fails when a committed
``.mo`` is not the compilation of its ``.po``, or when a string of a template has no translation.

    python -m appraise.web.pages.i18n          # rewrite every .mo from its .po
    python -m appraise.web.pages.i18n --check  # exit 1 if any .mo is out of date
"""

from __future__ import annotations

import argparse
import ast
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


def catalogs(root: Path = WEB) -> list[Path]:
    """Every catalog of the web app: the pages' own (``web/locale``) and each app's."""
    return sorted(root.glob("**/locale/*/LC_MESSAGES/*.po"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report out-of-date .mo files")
    args = parser.parse_args(argv)
    stale = 0
    for po in catalogs():
        mo = po.with_suffix(".mo")
        data = compile_mo(parse_po(po.read_text(encoding="utf-8")))
        if mo.exists() and mo.read_bytes() == data:
            continue
        if args.check:
            print(f"{mo} is out of date: run python -m appraise.web.pages.i18n", file=sys.stderr)
            stale += 1
        else:
            mo.write_bytes(data)
            print(f"wrote {mo}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
