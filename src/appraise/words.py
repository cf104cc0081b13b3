"""Text said in no language yet: an explanation kept as message codes and parameters.

A score's explanation is read by the agent in Chinese and by an admin in English, long after it
was computed, so it is kept as what was said rather than as one language's sentence:

- :class:`Say` is one sentence of a table of the core (``explain.band``, ``unit.seconds``,
  ``range.between``) with its parameters, each a text that reads alike in every language (a
  number already written, a name from the scheme) or itself a :class:`Say` / :class:`Words`;
- :class:`Words` is a run of such pieces, e.g. ``"45 秒 落在 …"`` then ``";"`` then
  ``"100 分 ÷ 满分 100 × 权重 10 = 10"``.

``Words`` is a ``str`` whose value is the text in the language it was said in (the scheme's), so
the code that joins, compares or stores it as text keeps working; :meth:`Words.render` writes it
in any language and :meth:`Words.data` is its JSON form (lists, strings and
``{"say": code, "with": {...}}``), which :func:`render_data` writes again in the reader's
language. The templates are the core catalog's (:mod:`appraise.messages`): the English ones are
registered here by the modules that declare their tables (:func:`register`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appraise.messages import Lang, current_lang, lang_of, table, translate

# code -> English template, for every table whose sentences may be said (explain, unit, range).
_ENGLISH: dict[str, str] = {}
_TEMPLATES: dict[tuple[str, str], str] = {}


def register(prefix: str, english: Mapping[str, str]) -> None:
    """Make the entries of ``table(prefix, english)`` sayable as ``prefix.key``."""
    for key, template in english.items():
        _ENGLISH[f"{prefix}.{key}"] = template


def _template(code: str, lang: Lang) -> str | None:
    key = (code, lang)
    found = _TEMPLATES.get(key)
    if found is None:
        english = _ENGLISH.get(code)
        if english is None:
            return None
        found = _TEMPLATES[key] = translate(code, english, lang)
    return found


class Say:
    """One sentence of the catalog, ``code``, with its parameters."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, params: Mapping[str, Any]) -> None:
        self.code = code
        self.params = params

    def render(self, lang: Lang) -> str:
        return _fill(self.code, {k: _render(v, lang) for k, v in self.params.items()}, lang)

    def data(self) -> dict[str, Any]:
        return {"say": self.code, "with": {k: _data(v) for k, v in self.params.items()}}

    def __repr__(self) -> str:
        return f"Say({self.code!r}, {self.params!r})"


def _fill(code: str, values: dict[str, str], lang: Lang) -> str:
    for want in (lang, "en"):
        template = _template(code, want)
        if template is None:
            break
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            continue  # a translation with a broken placeholder (the catalog test catches it)
    # A code no table declares any more (a result stored by an older version): its values.
    return " ".join(values.values())


def _render(piece: Any, lang: Lang) -> str:
    if isinstance(piece, Words | Say):
        return piece.render(lang)
    return str.__str__(piece) if isinstance(piece, str) else str(piece)


def _data(piece: Any) -> Any:
    if isinstance(piece, Words | Say):
        return piece.data()
    return str.__str__(piece) if isinstance(piece, str) else str(piece)


class Words(str):
    """Pieces of an explanation; as a ``str``, the text in the language it was said in."""

    parts: tuple[Any, ...]
    lang: Lang

    def __new__(cls, parts: tuple[Any, ...], lang: str) -> Words:
        said = lang_of(lang)
        self = super().__new__(cls, "".join(_render(p, said) for p in parts))
        self.parts = parts
        self.lang = said
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Words, (self.parts, self.lang))

    def __str__(self) -> str:
        # What a template, an f-string or print() writes: the reader's language.
        return self.render()

    def render(self, lang: str | None = None) -> str:
        """The explanation in ``lang`` (the reader's language when not given)."""
        want = lang_of(lang) if lang else current_lang()
        if want == self.lang:
            return str.__str__(self)
        return "".join(_render(p, want) for p in self.parts)

    def data(self) -> list[Any]:
        """The JSON form: a list of strings and ``{"say": code, "with": {...}}``."""
        return [_data(p) for p in self.parts]

    def __add__(self, other: str) -> Words:
        if isinstance(other, Words) and other.lang == self.lang:
            return _joined((*self.parts, *other.parts), self.lang, str.__str__(self) + other)
        if isinstance(other, Say | Words):
            return Words((*self.parts, other), self.lang)
        return _joined((*self.parts, other), self.lang, str.__str__(self) + other)

    def __radd__(self, other: str) -> Words:
        return _joined((other, *self.parts), self.lang, other + str.__str__(self))


def _joined(parts: tuple[Any, ...], lang: Lang, text: str) -> Words:
    # The text of both halves is already written in ``lang``: no need to render it again.
    self = str.__new__(Words, text)
    self.parts = parts
    self.lang = lang
    return self


def say(lang: str, code: str, /, **params: Any) -> Words:
    """The sentence ``code`` with ``params``, said (for now) in ``lang``."""
    return Words((Say(code, params),), lang)


def words(lang: str, *parts: Any) -> Words:
    """Pieces (text, :class:`Say`, :class:`Words`) said one after the other."""
    return Words(parts, lang)


def joined(lang: str, items: list[Any], sep_code: str = "words.comma") -> Words:
    """``items`` with the language's list separator between them (``、`` / ``, ``)."""
    parts: list[Any] = []
    sep = Say(sep_code, {})
    for i, item in enumerate(items):
        if i:
            parts.append(sep)
        parts.append(item)
    return Words(tuple(parts), lang)


def in_lang(value: str | None, lang: str | None = None) -> str:
    """Any explanation text in ``lang``: :class:`Words` written again, other text as it is."""
    if isinstance(value, Words):
        return value.render(lang)
    return "" if value is None else str.__str__(value)


def render_data(data: Any, lang: str | None = None) -> str:
    """Stored :meth:`Words.data` (or :meth:`Say.data`) in ``lang``; text as it is."""
    return _render_data(data, lang_of(lang) if lang else current_lang())


def _render_data(data: Any, lang: Lang) -> str:
    if isinstance(data, list):
        return "".join(_render_data(d, lang) for d in data)
    if isinstance(data, dict) and "say" in data:
        code = str(data["say"])
        values = {k: _render_data(v, lang) for k, v in (data.get("with") or {}).items()}
        return _fill(code, values, lang)
    return "" if data is None else str(data)


# The pieces between sentences: a list's separator and the break between two explanations.
SEPARATORS_EN: dict[str, str] = {
    "comma": ", ",
    "then": "; ",
}
SEPARATORS = table("words", SEPARATORS_EN)
register("words", SEPARATORS_EN)
