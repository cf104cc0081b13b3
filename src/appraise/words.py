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
        params = self.params
        if not params:  # a separator
            return _TEMPLATES.get((self.code, lang)) or _template(self.code, lang) or ""
        values = {k: (v if type(v) is str else _render(v, lang)) for k, v in params.items()}
        return _fill(self.code, values, lang)

    def data(self) -> dict[str, Any]:
        return {"say": self.code, "with": {k: _data(v) for k, v in self.params.items()}}

    def __repr__(self) -> str:
        return f"Say({self.code!r}, {self.params!r})"


class Later(Say):
    """A sentence whose parameters are worked out when it is first written or stored:
    ``make(*args)`` gives them (the texts of its numbers). Scoring says a few dozen numbers per
    agent, and a 10,000-agent period is mostly read an agent at a time, if at all: writing every
    number as text up front was a quarter of the scoring time. Reads as the :class:`Say` of
    those parameters would, in every language and in :meth:`data`."""

    __slots__ = ("_params", "args", "make")

    def __init__(self, code: str, make: Any, args: tuple[Any, ...]) -> None:
        self.code = code
        self.make = make
        self.args = args
        self._params: Mapping[str, Any] | None = None

    @property
    def params(self) -> Mapping[str, Any]:  # type: ignore[override]
        found = self._params
        if found is None:
            found = self._params = self.make(*self.args)
            self.args = ()
        return found

    def __repr__(self) -> str:
        return f"Say({self.code!r}, {self.params!r})"


class Named:
    """A name given in every language (a catalog metric's name and ``name_en``): written in the
    reader's, Chinese where it has none."""

    __slots__ = ("names",)

    def __init__(self, zh: str, en: str | None = None) -> None:
        self.names: dict[str, str] = {"zh": zh, "en": en or zh}

    def render(self, lang: Lang) -> str:
        return self.names.get(lang) or self.names["zh"]

    def data(self) -> dict[str, Any]:
        return {"named": dict(self.names)}

    def __repr__(self) -> str:
        return f"Named({self.names['zh']!r}, {self.names['en']!r})"


def _fill(code: str, values: Mapping[str, str], lang: Lang) -> str:
    template = _TEMPLATES.get((code, lang)) or _template(code, lang)
    if template is not None:
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder (the catalog test catches it): English.
            english = _template(code, "en")
            if english is not None and english != template:
                try:
                    return english.format_map(values)
                except (KeyError, IndexError, ValueError):
                    pass
    # A code no table declares any more (a result stored by an older version): its values.
    return " ".join(values.values())


def _render(piece: Any, lang: Lang) -> str:
    # An explanation has a few dozen pieces: the common cases first, by exact type.
    kind = type(piece)
    if kind is str:
        return piece  # type: ignore[no-any-return]
    if kind is Say or kind is Later:
        return piece.render(lang)  # type: ignore[no-any-return]
    if kind is Pending or kind is Made:
        return "".join([_render(p, lang) for p in piece.parts])
    if kind is Words:
        return str.__str__(piece) if piece.lang == lang else piece.render(lang)
    if kind is Named:
        return piece.render(lang)  # type: ignore[no-any-return]
    return str.__str__(piece) if isinstance(piece, str) else str(piece)


def _data(piece: Any) -> Any:
    if isinstance(piece, Words | Say | Pending | Named):
        return piece.data()
    return str.__str__(piece) if isinstance(piece, str) else str(piece)


class Pending:
    """Pieces said and not yet written: what scoring builds (nothing is formatted until a
    reader's text is wanted, :meth:`words` or :meth:`render`)."""

    __slots__ = ("lang", "parts")

    def __init__(self, parts: tuple[Any, ...], lang: Lang) -> None:
        self.parts = parts
        self.lang = lang

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __add__(self, other: Any) -> Pending:
        return words(self.lang, self, other)

    def __radd__(self, other: Any) -> Pending:
        return words(self.lang, other, self)

    def render(self, lang: str | None = None) -> str:
        want = lang_of(lang) if lang else current_lang()
        return "".join([_render(p, want) for p in self.parts])

    def words(self) -> Words:
        """The text in the language it was said in, remembering what was said."""
        return Words(self.parts, self.lang)

    def data(self) -> list[Any]:
        return [_data(p) for p in self.parts]

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Pending({self.parts!r}, {self.lang!r})"


class Made(Pending):
    """A :class:`Pending` whose pieces are worked out when first read: ``make(*args)`` gives
    them. Scoring says a sentence or two per indicator and agent, most never read; making the
    pieces (each sentence a :class:`Later`) for every one of them was a tenth of the scoring
    time. Reads as the :class:`Pending` of those pieces would, in every language and in
    :meth:`data`; ``words()`` splices it as one."""

    __slots__ = ("_made", "args", "make")

    def __init__(self, make: Any, args: tuple[Any, ...], lang: Lang) -> None:
        self.make = make
        self.args = args
        self.lang = lang
        self._made: tuple[Any, ...] | None = None

    @property
    def parts(self) -> tuple[Any, ...]:  # type: ignore[override]
        found = self._made
        if found is None:
            found = self._made = self.make(*self.args)
            self.args = ()
        return found

    def __repr__(self) -> str:
        return f"Pending({self.parts!r}, {self.lang!r})"


class Words(str):
    """Pieces of an explanation; as a ``str``, the text in the language it was said in."""

    parts: tuple[Any, ...]
    lang: Lang

    def __new__(cls, parts: tuple[Any, ...], lang: str) -> Words:
        said = lang_of(lang)
        self = str.__new__(cls, "".join([_render(p, said) for p in parts]))
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
        return "".join([_render(p, want) for p in self.parts])

    def data(self) -> list[Any]:
        """The JSON form: a list of strings and ``{"say": code, "with": {...}}``."""
        return [_data(p) for p in self.parts]

    def __add__(self, other: str) -> Words:
        return words(self.lang, self, other).words()

    def __radd__(self, other: str) -> Words:
        return words(self.lang, other, self).words()


def written(value: Any) -> Any:
    """What scoring said, as text: :class:`Pending` written (a :class:`Words`), the rest as it
    is."""
    kind = type(value)
    return value.words() if kind is Pending or kind is Made else value


def say(lang: str, code: str, /, **params: Any) -> Pending:
    """The sentence ``code`` with ``params`` (text that reads alike in every language, or
    pieces said), said in ``lang``."""
    return Pending((Say(code, params),), "en" if lang == "en" else "zh")


def words(lang: str, *pieces: Any) -> Pending:
    """Pieces (text, :class:`Say`, :class:`Pending`, :class:`Words`) said one after the other;
    pending pieces in the same language are spliced in."""
    said: Lang = "en" if lang == "en" else "zh"
    parts: list[Any] = []
    for p in pieces:
        kind = type(p)
        if (kind is Pending or kind is Words or kind is Made) and p.lang == said:
            parts.extend(p.parts)
        elif kind is not str or p:
            parts.append(p)
    return Pending(tuple(parts), said)


def joined(lang: str, items: list[Any], sep_code: str = "words.comma") -> Pending:
    """``items`` with the language's list separator between them (``、`` / ``, ``)."""
    parts: list[Any] = []
    sep = Say(sep_code, {})
    for i, item in enumerate(items):
        if i:
            parts.append(sep)
        parts.append(item)
    return Pending(tuple(parts), "en" if lang == "en" else "zh")


def in_lang(value: object, lang: str | None = None) -> str:
    """Any explanation text in ``lang``: :class:`Words` written again, other text as it is."""
    if isinstance(value, Words | Pending):
        return value.render(lang)
    if value is None:
        return ""
    return str.__str__(value) if isinstance(value, str) else str(value)


def render_data(data: Any, lang: str | None = None) -> str:
    """Stored :meth:`Words.data` (or :meth:`Say.data`) in ``lang``; text as it is."""
    return _render_data(data, lang_of(lang) if lang else current_lang())


def _render_data(data: Any, lang: Lang) -> str:
    if isinstance(data, list):
        return "".join(_render_data(d, lang) for d in data)
    if isinstance(data, dict) and isinstance(data.get("named"), dict):
        names = data["named"]
        return Named(str(names.get("zh") or ""), names.get("en")).render(lang)
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
