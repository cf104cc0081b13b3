"""A rule's condition as its reader reads it: ``total >= 90 and grade != 'C'`` in English, as the
scheme wrote it, and ``总分 ≥ 90 且 等级 ≠ “C”`` in Chinese.

A consequence's explanation (``连续 3 期``), a pay line that did not apply and a rule's
``after`` chain say the condition that held or failed. The condition is an expression of the
scheme language (:mod:`appraise.schemes.expr`); shown as written, an agent reading their
scorecard in Chinese read ``total``, ``rank`` and ``and``. :func:`said_condition` turns the
expression's tree into pieces said in no language yet (:mod:`appraise.words`): the result's own
names (``total``, ``grade``, ``rank``...), the connectives and the comparisons are entries of
the core catalog (``condition.*``), and so are the agent's own (``position``, ``tenure_months``...);
an indicator's or a declared metric's id reads as its name (the scheme's words, as the scorecard
shows it), a catalog metric's as its name in the reader's language (:class:`~appraise.words.Named`),
numbers, functions and any other name as written. The explanation stays what was
said, so a stored result reads it in either language.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from appraise.messages import table
from appraise.schemes.expr import Expr
from appraise.schemes.model import Indicator, Scheme
from appraise.words import Named, Pending, Say, register, words

CONDITION_EN: dict[str, str] = {
    # The names a condition reads of the period's own result (scoring.history._RESULT).
    "total": "total",
    "grade": "grade",
    "rank": "rank",
    "count": "count",
    "last_rank": "last_rank",
    "level": "level",
    # The agent's own names a pay condition or an eligibility rule reads
    # (scoring.variables.eligibility_env).
    "position": "position",
    "team": "team",
    "tenure_months": "tenure_months",
    "tenure_days": "tenure_days",
    "hired_in_period": "hired_in_period",
    "hired_day": "hired_day",
    "and": " and ",
    "or": " or ",
    "not": "not ",
    "eq": " == ",
    "ne": " != ",
    "lt": " < ",
    "le": " <= ",
    "gt": " > ",
    "ge": " >= ",
    "in": " in ",
    "not_in": " not in ",
    "add": " + ",
    "sub": " - ",
    "mult": " * ",
    "div": " / ",
    "floordiv": " // ",
    "mod": " % ",
    "if": " if ",
    "else": " else ",
    # A text in quotes.
    "text": "'{v}'",
}
CONDITION = table("condition", CONDITION_EN)
register("condition", CONDITION_EN)

_RESULT_NAMES = frozenset({"total", "grade", "rank", "count", "last_rank", "level"})
_AGENT_NAMES = frozenset(
    {"position", "team", "tenure_months", "tenure_days", "hired_in_period", "hired_day"}
)
_COMPARE = {
    ast.Eq: "eq",
    ast.NotEq: "ne",
    ast.Lt: "lt",
    ast.LtE: "le",
    ast.Gt: "gt",
    ast.GtE: "ge",
    ast.In: "in",
    ast.NotIn: "not_in",
}
_ARITHMETIC = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mult",
    ast.Div: "div",
    ast.FloorDiv: "floordiv",
    ast.Mod: "mod",
}
# Python's precedence, lowest first: a child that binds less tightly than its parent is put in
# brackets (the tree has lost the author's own).
_IF, _OR, _AND, _NOT, _CMP, _SUM, _PRODUCT, _UNARY, _ATOM = range(9)


def _sep(key: str) -> Say:
    return Say(f"condition.{key}", {})


def scheme_labels(scheme: Scheme) -> dict[str, str]:
    """The names a condition may read that the scheme names: each metric it declares and each
    indicator, id -> name (an indicator's score wins over a metric of its id, as in a formula)."""
    labels: dict[str, str] = {m.id: m.name for m in scheme.metrics}

    def walk(items: list[Indicator]) -> None:
        for ind in items:
            labels[ind.id] = ind.name
            walk(ind.children)

    walk(scheme.indicators)
    return labels


def said_condition(expr: Expr, lang: str, labels: Mapping[str, str]) -> Pending:
    """``expr`` as pieces said in ``lang`` (see the module's documentation)."""
    parts: list[Any] = []
    _say(expr.tree.body, parts, labels, _IF)
    return words(lang, *parts)


def _level(node: ast.expr) -> int:
    if isinstance(node, ast.IfExp):
        return _IF
    if isinstance(node, ast.BoolOp):
        return _OR if isinstance(node.op, ast.Or) else _AND
    if isinstance(node, ast.UnaryOp):
        return _NOT if isinstance(node.op, ast.Not) else _UNARY
    if isinstance(node, ast.Compare):
        return _CMP
    if isinstance(node, ast.BinOp):
        return _SUM if isinstance(node.op, ast.Add | ast.Sub) else _PRODUCT
    return _ATOM


def _say(node: ast.expr, out: list[Any], labels: Mapping[str, str], within: int) -> None:
    level = _level(node)
    bracket = level < within
    if bracket:
        out.append("(")
    if isinstance(node, ast.BoolOp):
        key = "or" if isinstance(node.op, ast.Or) else "and"
        for i, value in enumerate(node.values):
            if i:
                out.append(_sep(key))
            _say(value, out, labels, level + 1)
    elif isinstance(node, ast.Compare):
        _say(node.left, out, labels, _CMP + 1)
        for op, right in zip(node.ops, node.comparators, strict=True):
            out.append(_sep(_COMPARE[type(op)]))
            _say(right, out, labels, _CMP + 1)
    elif isinstance(node, ast.BinOp):
        # Left-associative: a - (b - c) keeps its brackets, (a - b) - c needs none.
        _say(node.left, out, labels, level)
        out.append(_sep(_ARITHMETIC[type(node.op)]))
        _say(node.right, out, labels, level + 1)
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            out.append(_sep("not"))
        else:
            out.append("-" if isinstance(node.op, ast.USub) else "+")
        _say(node.operand, out, labels, level)
    elif isinstance(node, ast.IfExp):
        _say(node.body, out, labels, _OR)
        out.append(_sep("if"))
        _say(node.test, out, labels, _OR)
        out.append(_sep("else"))
        _say(node.orelse, out, labels, _IF)
    elif isinstance(node, ast.Call):
        out.append(f"{ast.unparse(node.func)}(")
        for i, arg in enumerate(node.args):
            if i:
                out.append(", ")
            _say(arg, out, labels, _IF)
        out.append(")")
    elif isinstance(node, ast.Tuple | ast.List):
        opening, closing = ("(", ")") if isinstance(node, ast.Tuple) else ("[", "]")
        out.append(opening)
        for i, item in enumerate(node.elts):
            if i:
                out.append(", ")
            _say(item, out, labels, _IF)
        out.append(closing)
    elif isinstance(node, ast.Name):
        out.append(_name(node.id, labels))
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        out.append(Say("condition.text", {"v": node.value}))
    else:
        out.append(ast.unparse(node))
    if bracket:
        out.append(")")


def _name(name: str, labels: Mapping[str, str]) -> Any:
    """A name the condition reads, as its reader knows it."""
    if name in _RESULT_NAMES:
        return _sep(name)
    if name in labels:
        # An indicator or a declared metric by its name, in the scheme's words as everywhere
        # else it is shown.
        return labels[name]
    if name in _AGENT_NAMES:
        return _sep(name)
    from appraise.metrics.catalog import LIBRARY

    found = LIBRARY.get(name)
    if found is not None:
        return Named(found.name, found.name_en)
    return name
