"""YAML loading that remembers the line of every value, so problems can say ``file:line``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


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


class _Loader(yaml.SafeLoader):
    """Safe loader in which a YAML 1.1 boolean is only true/false (``no``, ``on`` stay text)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse YAML into plain Python values (floats as exact ``Decimal``) and their lines.

    Raises ``yaml.YAMLError`` (with its own mark) for text that is not YAML.
    """
    node = yaml.compose(text, Loader=_Loader)
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
                    None, None, f"duplicate key {key!r}", key_node.start_mark
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
