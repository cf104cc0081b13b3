"""A small, safe arithmetic language for formulas and conditions in schemes.

Expressions are parsed with Python's own grammar (``ast.parse(mode="eval")``) and then walked
by this module: only numbers, strings, names, ``+ - * / // %``, comparisons (chains too),
``and or not``, ``x if cond else y`` and a fixed set of functions are accepted. Nothing is ever
passed to ``eval``. Numbers are exact ``Decimal``.

A name that has no value (missing data, or not in the environment at all) is ``None``;
arithmetic on ``None`` gives ``None`` and a comparison with ``None`` is false, so
``csat >= 90`` is false for an agent with no surveys.
"""

from __future__ import annotations

import ast
import copy
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Decimal,
    DivisionByZero,
    InvalidOperation,
)

from appraise.messages import message

Value = Decimal | str | bool | None


class ExprError(ValueError):
    """An expression that cannot be parsed, or a name or function it may not use."""


def _round(x: Decimal, n: Decimal = Decimal(0)) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP)


def _clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return max(lo, min(hi, x))


_NUMERIC_FUNCS: dict[str, tuple[Callable[..., Decimal], int, int]] = {
    # name: (function, fewest arguments, most arguments)
    "min": (lambda *a: min(a), 1, 99),
    "max": (lambda *a: max(a), 1, 99),
    "abs": (lambda x: abs(x), 1, 1),
    "round": (_round, 1, 2),
    "floor": (lambda x: x.to_integral_value(rounding=ROUND_FLOOR), 1, 1),
    "ceil": (lambda x: x.to_integral_value(rounding=ROUND_CEILING), 1, 1),
    "clamp": (_clamp, 3, 3),
}
FUNCTIONS = frozenset([*_NUMERIC_FUNCS, "coalesce", "exists"])

_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Tuple,
    ast.List,
)


_OPERATORS = (
    ("≥", ">="),
    ("≤", "<="),
    ("＞", ">"),
    ("＜", "<"),
    ("＝", "=="),
    ("×", "*"),
    ("÷", "/"),
)


_NEVER_CLOSED = re.compile(r"^'(.)' was never closed$")
_UNMATCHED = re.compile(r"^unmatched '(.)'$")


def _syntax_reason(msg: str) -> str:
    """Python's reason for a syntax error, in the reader's language for the common ones."""
    if msg == "invalid syntax":
        return message("expr.invalid_syntax", "it is not a complete formula")
    if m := _NEVER_CLOSED.match(msg):
        return message("expr.never_closed", "a {bracket!r} is not closed", bracket=m.group(1))
    if m := _UNMATCHED.match(msg):
        return message("expr.unmatched", "a {bracket!r} has no opening", bracket=m.group(1))
    if msg.startswith("unterminated string"):
        return message("expr.unterminated_string", "a quotation mark is not closed")
    return msg


@dataclass(frozen=True)
class Expr:
    """A parsed expression with the names it reads."""

    text: str
    tree: ast.Expression = field(repr=False, compare=False)
    names: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Expr:
        source = str(text).strip()
        # Managers write the full-width operators of Chinese input methods; accept them.
        for a, b in (
            ("≥", ">="),
            ("≤", "<="),
            ("＞", ">"),
            ("＜", "<"),
            ("＝", "=="),
            ("×", "*"),
            ("÷", "/"),
        ):
            source = source.replace(a, b)
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as exc:
            raise ExprError(
                message(
                    "expr.syntax",
                    "formula {text!r} is not valid: {reason}",
                    text=str(text),
                    reason=_syntax_reason(exc.msg),
                )
            ) from None
        names: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise ExprError(
                    message(
                        "expr.not_allowed",
                        "formula {text!r} uses {what}, which formulas may not use",
                        text=str(text),
                        what=type(node).__name__,
                    )
                )
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                    raise ExprError(
                        message(
                            "expr.unknown_function",
                            "formula {text!r} calls an unknown function; known: {known}",
                            text=str(text),
                            known=", ".join(sorted(FUNCTIONS)),
                        )
                    )
                if node.keywords:
                    raise ExprError(
                        message(
                            "expr.keyword_arguments",
                            "formula {text!r}: functions take no keyword arguments",
                            text=str(text),
                        )
                    )
            elif isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str):
                raise ExprError(
                    message(
                        "expr.constant",
                        "formula {text!r}: constant {value!r} is not allowed",
                        text=str(text),
                        value=node.value,
                    )
                )
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                names.discard(node.func.id)
        return cls(str(text), tree, frozenset(names))

    def renamed(self, mapping: Mapping[str, str]) -> Expr:
        """The same expression reading ``mapping[name]`` wherever it read ``name`` (a name
        written as the metric's Chinese name becomes its id); the text stays as written."""
        tree = copy.deepcopy(self.tree)
        funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and id(node) not in funcs and node.id in mapping:
                node.id = mapping[node.id]
        return Expr(self.text, tree, frozenset(mapping.get(n, n) for n in self.names))

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        try:
            return _compiled(self.tree)(env)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            return None

    def __str__(self) -> str:
        return self.text


Compiled = Callable[[Mapping[str, Value]], Value]
# Per tree (by identity, the tree kept beside its function): an expression is compiled once
# and then run for every agent. A scheme's expressions live as long as the scheme.
_COMPILED: dict[int, tuple[ast.Expression, Compiled]] = {}


def _compiled(tree: ast.Expression) -> Compiled:
    found = _COMPILED.get(id(tree))
    if found is not None and found[0] is tree:
        return found[1]
    fn = _compile(tree.body)
    if len(_COMPILED) > 10_000:  # a long-running server previews many draft schemes
        _COMPILED.clear()
    _COMPILED[id(tree)] = (tree, fn)
    return fn


def _raises(error: ExprError) -> Compiled:
    def run(env: Mapping[str, Value]) -> Value:
        raise error

    return run


def _compile(node: ast.expr) -> Compiled:
    """``node`` as a function of the environment: what :func:`_eval` does, with the tree walked
    once (the walk per agent was most of the time of a condition's 10,000 evaluations).

    Every step, its order and its errors are :func:`_eval`'s, which stays the reference."""
    if isinstance(node, ast.Constant | ast.Tuple | ast.List) or (
        isinstance(node, ast.Name) and node.id in ("True", "False")
    ):
        try:
            const = _eval(node, {})
        except ExprError as exc:
            return _raises(exc)
        return lambda env: const
    if isinstance(node, ast.Name):
        name = node.id
        return lambda env: env.get(name)
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda env: not _truth(operand(env))
        negate = isinstance(node.op, ast.USub)

        def unary(env: Mapping[str, Value]) -> Value:
            x = _num(operand(env))
            if x is None:
                return None
            return -x if negate else x

        return unary
    if isinstance(node, ast.BinOp):
        return _compile_binop(node)
    if isinstance(node, ast.BoolOp):
        values = tuple(_compile(v) for v in node.values)
        if isinstance(node.op, ast.And):
            return lambda env: all(_truth(v(env)) for v in values)
        return lambda env: any(_truth(v(env)) for v in values)
    if isinstance(node, ast.Compare):
        return _compile_compare(node)
    if isinstance(node, ast.IfExp):
        test, body, orelse = _compile(node.test), _compile(node.body), _compile(node.orelse)
        return lambda env: body(env) if _truth(test(env)) else orelse(env)
    if isinstance(node, ast.Call):
        return _compile_call(node)
    return lambda env: _eval(node, env)


def _compile_binop(node: ast.BinOp) -> Compiled:
    left, right = _compile(node.left), _compile(node.right)
    bop = node.op
    if isinstance(bop, ast.Add | ast.Sub | ast.Mult):
        ops: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
            ast.Add: operator.add,
            ast.Sub: operator.sub,
            ast.Mult: operator.mul,
        }
        op = ops[type(bop)]

        def ring(env: Mapping[str, Value]) -> Value:
            a = _num(left(env))
            b = _num(right(env))
            if a is None or b is None:
                return None
            return op(a, b)

        return ring
    kind = type(bop)

    def division(env: Mapping[str, Value]) -> Value:
        a = _num(left(env))
        b = _num(right(env))
        if a is None or b is None:
            return None
        if b == 0:
            return None
        if kind is ast.Div:
            return a / b
        if kind is ast.FloorDiv:
            return (a / b).to_integral_value(rounding=ROUND_FLOOR)
        return a - b * (a / b).to_integral_value(rounding=ROUND_FLOOR)

    return division


def _compile_compare(node: ast.Compare) -> Compiled:
    first = _compile(node.left)
    steps: list[tuple[ast.cmpop, Compiled | None, tuple[Compiled, ...]]] = []
    for op, comp in zip(node.ops, node.comparators, strict=True):
        if isinstance(op, ast.In | ast.NotIn) and isinstance(comp, ast.Tuple | ast.List):
            steps.append((op, None, tuple(_compile(e) for e in comp.elts)))
        else:
            steps.append((op, _compile(comp), ()))
    if len(steps) == 1 and steps[0][1] is not None:
        op0, right0, _ = steps[0]
        assert right0 is not None
        return lambda env: _compare(op0, first(env), right0(env))

    def compare(env: Mapping[str, Value]) -> Value:
        left = first(env)
        for op, right, members in steps:
            if right is None:
                if (left in [m(env) for m in members]) != isinstance(op, ast.In):
                    return False
                continue
            value = right(env)
            if not _compare(op, left, value):
                return False
            left = value
        return True

    return compare


def _compile_call(node: ast.Call) -> Compiled:
    assert isinstance(node.func, ast.Name)
    name = node.func.id
    args = tuple(_compile(a) for a in node.args)
    if name == "exists":
        return lambda env: all(a is not None for a in [f(env) for f in args])
    if name == "coalesce":
        return lambda env: next((a for a in [f(env) for f in args] if a is not None), None)
    func, lo, hi = _NUMERIC_FUNCS[name]

    def call(env: Mapping[str, Value]) -> Value:
        values = [f(env) for f in args]
        if not lo <= len(values) <= hi:
            raise ExprError(
                message(
                    "expr.arity",
                    "{name}() takes {lo}..{hi} arguments, got {n}",
                    name=name,
                    lo=lo,
                    hi=hi,
                    n=len(values),
                )
            )
        nums = [_num(a) for a in values]
        if any(n is None for n in nums):
            return None
        return func(*nums)

    return call


def _num(v: Value) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, Decimal):
        return v
    raise ExprError(
        message("expr.text_not_number", "{value!r} is text where a number is needed", value=v)
    )


def _eval(node: ast.expr, env: Mapping[str, Value]) -> Value:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, float):
            return Decimal(repr(node.value))
        if isinstance(node.value, int):
            return Decimal(node.value)
        raise ExprError(
            message("expr.bare_constant", "constant {value!r} is not allowed", value=node.value)
        )
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            return node.id == "True"
        # validate has already rejected names a scheme may not use; a name with no value here
        # is missing data (an agent with no surveys has no csat), which is null.
        return env.get(node.id)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return not _truth(_eval(node.operand, env))
        x = _num(_eval(node.operand, env))
        if x is None:
            return None
        return -x if isinstance(node.op, ast.USub) else x
    if isinstance(node, ast.BinOp):
        a = _num(_eval(node.left, env))
        b = _num(_eval(node.right, env))
        if a is None or b is None:
            return None
        bop = node.op
        if isinstance(bop, ast.Add):
            return a + b
        if isinstance(bop, ast.Sub):
            return a - b
        if isinstance(bop, ast.Mult):
            return a * b
        if b == 0:
            return None
        if isinstance(bop, ast.Div):
            return a / b
        if isinstance(bop, ast.FloorDiv):
            return (a / b).to_integral_value(rounding=ROUND_FLOOR)
        return a - b * (a / b).to_integral_value(rounding=ROUND_FLOOR)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_truth(_eval(v, env)) for v in node.values)
        return any(_truth(_eval(v, env)) for v in node.values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        for op, comp in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn) and isinstance(comp, ast.Tuple | ast.List):
                members = [_eval(e, env) for e in comp.elts]
                if (left in members) != isinstance(op, ast.In):
                    return False
                continue
            right = _eval(comp, env)
            if not _compare(op, left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _truth(_eval(node.test, env)) else node.orelse, env)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        args = [_eval(a, env) for a in node.args]
        if name == "exists":
            return all(a is not None for a in args)
        if name == "coalesce":
            return next((a for a in args if a is not None), None)
        func, lo, hi = _NUMERIC_FUNCS[name]
        if not lo <= len(args) <= hi:
            raise ExprError(
                message(
                    "expr.arity",
                    "{name}() takes {lo}..{hi} arguments, got {n}",
                    name=name,
                    lo=lo,
                    hi=hi,
                    n=len(args),
                )
            )
        nums = [_num(a) for a in args]
        if any(n is None for n in nums):
            return None
        return func(*nums)
    if isinstance(node, ast.Tuple | ast.List):
        raise ExprError(message("expr.list_outside_in", "a list is only allowed after 'in'"))
    raise ExprError(
        message("expr.node_not_allowed", "{what} is not allowed", what=type(node).__name__)
    )


def _truth(v: Value) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, Decimal):
        return v != 0
    return v != ""


def _compare(op: ast.cmpop, a: Value, b: Value) -> bool:
    if isinstance(op, ast.In | ast.NotIn):
        raise ExprError(
            message("expr.in_needs_list", "use 'in' with a literal list: grade in ['优秀', '称职']")
        )
    if a is None or b is None:
        return False
    if isinstance(op, ast.Eq):
        return a == b
    if isinstance(op, ast.NotEq):
        return a != b
    x, y = _num(a), _num(b)
    assert x is not None and y is not None
    if isinstance(op, ast.Lt):
        return x < y
    if isinstance(op, ast.LtE):
        return x <= y
    if isinstance(op, ast.Gt):
        return x > y
    return x >= y
