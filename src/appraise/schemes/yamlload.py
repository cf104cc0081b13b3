"""YAML loading that remembers the line of every value, so problems can say ``file:line``.

Every YAML the application reads (schemes, QA configuration, center configuration, column
mappings) goes through this module, because a YAML document can be far larger than its text: an
alias repeats the node it names, so nine lines of aliases to aliases ("billion laughs") stand for
10^9 values, and a thousand opening brackets nest deeper than Python's stack. The loaders here
count every value as it is composed, an alias counting as the whole node it repeats, and refuse a
document beyond :data:`MAX_NODES` values or :data:`MAX_DEPTH` levels with a
:class:`YamlTooLarge` that points at the line where the budget ran out. The count is arithmetic on
nodes already composed, so refusing a huge document costs no more than reading its text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from appraise.messages import message
from appraise.problems import Problem

Path_ = tuple[str | int, ...]

# A scheme of the seeds has about 700 values and 11 levels; these leave room for a hundred times
# that while keeping the work a document can ask for small.
MAX_NODES = 100_000
MAX_DEPTH = 64


class YamlTooLarge(ComposerError):
    """A document over the value or depth budget (or an alias inside the node it names)."""


class LineMap:
    """Maps a path into the loaded document (keys and list indexes) to its 1-based line."""

    def __init__(self) -> None:
        self._lines: dict[Path_, int] = {}

    def set(self, path: Path_, line: int) -> None:
        self._lines[path] = line

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return self._lines.get((), None)


class _Bounded:
    """Composer mix-in: count values (an alias as the size of what it repeats) and depth.

    ``compose_node`` is PyYAML's recursive step; it is wrapped, not rewritten, so the parsing
    rules stay PyYAML's own.
    """

    anchors: dict[str, Node]

    def __init__(self, stream: str) -> None:
        super().__init__(stream)  # type: ignore[call-arg]
        self._count = 0
        self._depth = 0
        # Per composed node (by id; the nodes live as long as the loader): the values it stands
        # for and how many levels it spans, aliases inside it expanded.
        self._sizes: dict[int, int] = {}
        self._heights: dict[int, int] = {}

    def _refuse(self, what: str, mark: Any) -> YamlTooLarge:
        return YamlTooLarge(None, None, what, mark)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, AliasEvent):
            target = self.anchors.get(event.anchor or "")
            if target is not None:
                size = self._sizes.get(id(target))
                if size is None:
                    raise self._refuse(
                        message(
                            "yaml.alias_inside",
                            "alias *{anchor} is inside the node it names",
                            anchor=event.anchor,
                        ),
                        event.start_mark,
                    )
                self._add(size, event.start_mark)
                if self._depth + self._heights[id(target)] > MAX_DEPTH:
                    raise self._too_deep(event.start_mark)
            node: Node = super().compose_node(parent, index)  # type: ignore[misc]
            return node
        if self._depth >= MAX_DEPTH:
            raise self._too_deep(event.start_mark)
        before = self._count
        self._add(1, event.start_mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        self._heights[id(node)] = 1 + max((self._heights[id(c)] for c in children), default=0)
        self._sizes[id(node)] = self._count - before
        return node

    def _add(self, n: int, mark: Any) -> None:
        self._count += n
        if self._count > MAX_NODES:
            raise self._refuse(
                message(
                    "yaml.too_large",
                    "document too large: more than {n} values once aliases are expanded",
                    n=f"{MAX_NODES:,}",
                ),
                mark,
            )

    def _too_deep(self, mark: Any) -> YamlTooLarge:
        return self._refuse(
            message("yaml.too_deep", "document nested deeper than {n} levels", n=MAX_DEPTH), mark
        )


class BoundedSafeLoader(_Bounded, yaml.SafeLoader):
    """PyYAML's safe loader (``yes`` is true, as in ``yaml.safe_load``) within the budget."""


class _Loader(_Bounded, yaml.SafeLoader):
    """Bounded safe loader in which a boolean is only true/false (``no``, ``on`` stay text)."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date or time as PyYAML reads it; one that is not a day of the calendar (2026-13-45,
    2026-02-30) is refused at its line instead of escaping as Python's ``ValueError``."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            message("yaml.bad_date", "{value} is not a date", value=node.value),
            node.start_mark,
        ) from None


for _cls in (BoundedSafeLoader, _Loader):
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` within the value and depth budget; raises ``yaml.YAMLError``."""
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse YAML into plain Python values (floats as exact ``Decimal``) and their lines.

    Raises ``yaml.YAMLError`` (with its own mark) for text that is not YAML, and
    :class:`YamlTooLarge` for a document over the budget.
    """
    composer = _Loader(text)
    try:
        node = composer.get_single_node()
    finally:
        composer.dispose()
    lines = LineMap()
    if node is None:
        return None, lines
    constructor = _Loader(text)
    try:
        return _convert(node, (), lines, constructor), lines
    finally:
        constructor.dispose()


def _convert(node: yaml.Node, path: Path_, lines: LineMap, c: _Loader) -> Any:
    lines.set(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = c.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                key = str(key)
            if key in out:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    message("yaml.duplicate_key", "duplicate key {key}", key=repr(key)),
                    key_node.start_mark,
                )
            lines.set((*path, key), key_node.start_mark.line + 1)
            out[key] = _convert(value_node, (*path, key), lines, c)
            lines.set((*path, key), key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), lines, c) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    value = c.construct_object(node, deep=True)
    if isinstance(value, float) and node.tag == "tag:yaml.org,2002:float":
        # Keep the number exactly as written: 0.1 stays 0.1, never 0.1000000000000000055.
        try:
            return Decimal(node.value.replace("_", ""))
        except ArithmeticError:
            return value
    return value


def yaml_problem(exc: yaml.YAMLError, file: str) -> Problem:
    """The problem a YAML error becomes: where it is, and why (over budget, or not YAML)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, YamlTooLarge):
        return Problem("error", "yaml_too_large", reason, file, line)
    return Problem(
        "error",
        "yaml_syntax",
        message("yaml.syntax", "not valid YAML: {reason}", reason=reason),
        file,
        line,
    )
