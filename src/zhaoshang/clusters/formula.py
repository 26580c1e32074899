"""Formulas of derived indicators: read, check, compute exactly, and show to a person.

A formula is arithmetic over indicator codes: ``sei_output / sei_share * 100`` (the
above-scale output implied by the SEI output and its share), ``(x / prev(x) - 1) * 100``
(year-on-year growth). Only ``+ - * /``, parentheses, numbers, codes and ``prev(code)``
(the same period a year earlier) are allowed; anything else is refused with a message.

Values are ``Decimal`` and keep their qualifier: ``≥2400 ÷ 41.0 × 100`` is ``≥5853.66``.
Bounds are carried on the assumption that the inputs are positive, as outputs, shares
and counts are: dividing by an at-least figure gives an at-most one, and two bounds
pointing different ways give an approximate result.

Pure Python, no Django.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

EXACT, AT_LEAST, AT_MOST, APPROX = "exact", "at_least", "at_most", "approx"
PREV = "prev"
SYMBOLS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
QUALIFIER_SIGNS = {EXACT: "", AT_LEAST: "≥", AT_MOST: "≤", APPROX: "≈"}
_CONTEXT = decimal.Context(prec=28)


class FormulaError(ValueError):
    """A formula that cannot be read or uses something not allowed; the message says what."""


@dataclass(frozen=True)
class Value:
    amount: Decimal
    qualifier: str = EXACT

    def __str__(self) -> str:
        return f"{QUALIFIER_SIGNS[self.qualifier]}{plain(self.amount)}"


def plain(value: Decimal, places: int = 2) -> str:
    """`5853.658536…` -> `5853.66`, `2400.000000` -> `2400`, `41.0` -> `41`."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def combine(a: str, b: str) -> str:
    if APPROX in (a, b):
        return APPROX
    if a == EXACT:
        return b
    if b == EXACT or a == b:
        return a
    return APPROX


def flip(q: str) -> str:
    return {AT_LEAST: AT_MOST, AT_MOST: AT_LEAST}.get(q, q)


Lookup = Callable[[str, int], "Value | None"]


class Formula:
    """A checked formula. `names` are the codes it reads; `lagged` those read through prev()."""

    def __init__(self, text: str):
        self.text = " ".join(str(text).split())
        if not self.text:
            raise FormulaError("公式为空 / The formula is empty.")
        try:
            self.tree = ast.parse(self.text, mode="eval").body
        except SyntaxError:
            raise FormulaError(
                f"无法读取公式“{self.text}” / Cannot read the formula “{self.text}”."
            ) from None
        self.names: set[str] = set()
        self.lagged: set[str] = set()
        self._check(self.tree, lag=0)

    def _check(self, node: ast.AST, *, lag: int) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in SYMBOLS:
            self._check(node.left, lag=lag)
            self._check(node.right, lag=lag)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            self._check(node.operand, lag=lag)
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return
        elif isinstance(node, ast.Name):
            self.names.add(node.id)
            if lag:
                self.lagged.add(node.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == PREV
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Name)
        ):
            self._check(node.args[0], lag=lag + 1)
        else:
            part = ast.get_source_segment(self.text, node) or type(node).__name__
            raise FormulaError(
                f"公式中不允许“{part}”：只能用指标代码、数字、+ - * /、括号和 prev(代码) / "
                f"“{part}” is not allowed in a formula: use indicator codes, numbers, "
                "+ - * /, parentheses and prev(code)."
            )

    def _number(self, node: ast.Constant) -> Decimal:
        # the literal as written, so 41.0 stays exact and is never a binary float
        return Decimal(ast.get_source_segment(self.text, node) or str(node.value))

    def evaluate(self, lookup: Lookup) -> tuple[Value, str] | None:
        """The value and the worked sum (`2400 ÷ 41 × 100`), or None if an input is missing.

        `lookup(code, lag)` gives the input for the same scope, `lag` years earlier.
        Division by zero also gives None: the figure does not exist.
        """
        try:
            with decimal.localcontext(_CONTEXT):
                value, shown = self._eval(self.tree, lookup, lag=0)
        except _Missing:
            return None
        return value, shown

    def _eval(self, node: ast.AST, lookup: Lookup, *, lag: int) -> tuple[Value, str]:
        if isinstance(node, ast.Constant):
            number = self._number(node)
            return Value(number), plain(number, 6)
        if isinstance(node, ast.Name):
            found = lookup(node.id, lag)
            if found is None:
                raise _Missing(node.id)
            return found, str(found)
        if isinstance(node, ast.Call):
            return self._eval(node.args[0], lookup, lag=lag + 1)
        if isinstance(node, ast.UnaryOp):
            inner, shown = self._eval(node.operand, lookup, lag=lag)
            return Value(-inner.amount, flip(inner.qualifier)), f"−{_wrap(node.operand, shown, 3)}"
        assert isinstance(node, ast.BinOp)
        left, left_shown = self._eval(node.left, lookup, lag=lag)
        right, right_shown = self._eval(node.right, lookup, lag=lag)
        op = type(node.op)
        a, b = left.amount, right.amount
        qa, qb = left.qualifier, right.qualifier
        if op is ast.Add:
            amount, q = a + b, combine(qa, qb)
        elif op is ast.Sub:
            amount, q = a - b, combine(qa, flip(qb))
        elif op is ast.Mult:
            amount = a * b
            q = combine(qa if b >= 0 else flip(qa), qb if a >= 0 else flip(qb))
        else:
            if b == 0:
                raise _Missing("0")
            amount = a / b
            q = combine(qa if b >= 0 else flip(qa), flip(qb) if a >= 0 else qb)
        prec = PRECEDENCE[op]
        shown = (
            f"{_wrap(node.left, left_shown, prec)} {SYMBOLS[op]} "
            f"{_wrap(node.right, right_shown, prec, right=True, op=op)}"
        )
        return Value(amount, q), shown

    def render(self, namer: Callable[[str], str], previous: str = "{}（上年）") -> str:
        """The formula for people: `战略性新兴产业产值 ÷ 战略性新兴产业产值占比 × 100`;
        `previous` shows `prev(x)` around the rendered `x` (the caller's language)."""
        self._previous = previous
        return self._render(self.tree, namer)

    def _render(self, node: ast.AST, namer: Callable[[str], str]) -> str:
        if isinstance(node, ast.Constant):
            return plain(self._number(node), 6)
        if isinstance(node, ast.Name):
            return namer(node.id)
        if isinstance(node, ast.Call):
            inner = self._render(node.args[0], namer)
            return self._previous.format(inner)
        if isinstance(node, ast.UnaryOp):
            return f"−{_wrap(node.operand, self._render(node.operand, namer), 3)}"
        assert isinstance(node, ast.BinOp)
        op = type(node.op)
        prec = PRECEDENCE[op]
        left = _wrap(node.left, self._render(node.left, namer), prec)
        right = _wrap(node.right, self._render(node.right, namer), prec, right=True, op=op)
        return f"{left} {SYMBOLS[op]} {right}"


class _Missing(Exception):
    pass


def _wrap(node: ast.AST, shown: str, prec: int, *, right: bool = False, op=None) -> str:
    """Parenthesise a sub-expression that binds looser than its parent."""
    if isinstance(node, ast.BinOp):
        inner = PRECEDENCE[type(node.op)]
        if inner < prec or (right and inner == prec and op in (ast.Sub, ast.Div)):
            return f"({shown})"
    return shown
