"""A rule's ``when:`` expression: condition names combined with and / or / not.

Grammar (``!`` binds tightest, then ``&&``, then ``||``; parentheses group)::

    expr   := term ("||" term)*          "or" is the same as "||"
    term   := factor ("&&" factor)*      "and" is the same as "&&"
    factor := "!" factor | "(" expr ")" | NAME        "not" is the same as "!"

A name is any run of letters, digits, ``_`` or ``-`` (``1``, ``said``, ``客户不满``).
Evaluation is three-valued (Kleene): a condition that cannot be computed (a time operator on a
transcript without times) is ``None``; ``None && False`` is False, ``None || True`` is True, and
otherwise unknown stays unknown, so a rule never hits on what was not measured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from appraise.messages import message

_TOKEN = re.compile(r"\s*(?:(&&|\|\||!|\(|\))|([\w\-]+))", re.UNICODE)
_WORDS = {"and": "&&", "or": "||", "not": "!"}


class ExprError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Not:
    arg: Node


@dataclass(frozen=True, slots=True)
class And:
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    args: tuple[Node, ...]


Node = Name | Not | And | Or


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExprError(_unexpected(text[pos:].strip()[:10]))
        op, name = m.groups()
        out.append(op or _WORDS.get(name.lower(), name))
        pos = m.end()
    return out


def parse(text: str) -> Node:
    """Parse a ``when:`` expression; :class:`ExprError` says what is wrong."""
    toks = _tokens(text)
    if not toks:
        raise ExprError(message("qa.expr.empty", "empty expression"))
    pos = 0

    def peek() -> str | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def expr() -> Node:
        args = [term()]
        while peek() == "||":
            take()
            args.append(term())
        return args[0] if len(args) == 1 else Or(tuple(args))

    def term() -> Node:
        args = [factor()]
        while peek() == "&&":
            take()
            args.append(factor())
        return args[0] if len(args) == 1 else And(tuple(args))

    def factor() -> Node:
        tok = peek()
        if tok is None:
            raise ExprError(message("qa.expr.ends_early", "the expression ends too early"))
        if tok == "!":
            take()
            return Not(factor())
        if tok == "(":
            take()
            inner = expr()
            if peek() != ")":
                raise ExprError(message("qa.expr.not_closed", "a '(' is not closed"))
            take()
            return inner
        if tok in ("&&", "||", ")"):
            raise ExprError(_unexpected(tok))
        return Name(take())

    node = expr()
    if pos != len(toks):
        raise ExprError(_unexpected(toks[pos]))
    return node


def _unexpected(token: str) -> str:
    return message("qa.expr.unexpected", "unexpected {token}", token=repr(token))


def names(node: Node) -> list[str]:
    """Every name used, in order of appearance."""
    if isinstance(node, Name):
        return [node.name]
    if isinstance(node, Not):
        return names(node.arg)
    return [n for a in node.args for n in names(a)]


def positive(node: Node, negated: bool = False) -> set[str]:
    """Names whose truth makes the expression true (under an even number of nots): their
    matches are the evidence of a hit."""
    if isinstance(node, Name):
        return set() if negated else {node.name}
    if isinstance(node, Not):
        return positive(node.arg, not negated)
    return set().union(*(positive(a, negated) for a in node.args))


def evaluate(node: Node, values: Mapping[str, bool | None]) -> bool | None:
    if isinstance(node, Name):
        return values[node.name]
    if isinstance(node, Not):
        v = evaluate(node.arg, values)
        return None if v is None else not v
    got = [evaluate(a, values) for a in node.args]
    if isinstance(node, And):
        if False in got:
            return False
        return None if None in got else True
    if True in got:
        return True
    return None if None in got else False
