"""Walk a syntax tree of mel's XPath subset and compute its value (never Python's `eval`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from mel.surveys.expr.functions import FUNCTIONS
from mel.surveys.expr.parser import Attribute, Binary, Call, Current, Literal, Node, Ref, Unary
from mel.surveys.expr.values import (
    NAN,
    Value,
    from_answer,
    is_date,
    to_bool,
    to_number,
    to_string,
)

NO_ROWS: Mapping[str, str] = {}
# The key under which a row's rules find the number of their row (from 1) for position(..);
# question names never hold "__", so no answer can take it.
ROW = "__row"


def evaluate(
    node: Node,
    answers: Mapping[str, Any],
    current: Any = None,
    choice: Mapping[str, Any] | None = None,
    rows: Mapping[str, str] = NO_ROWS,
) -> Value:
    """Compute the value of `node` given the answers so far, the answer being checked
    (`.`) and, in a choice filter, the attributes of the choice being considered.

    `rows` names the repeat group of each question asked in its rows (and of each group
    itself), which a node-set argument (count(), sum(), …) reads row by row.
    """

    def value(item: Node) -> Value:
        return evaluate(item, answers, current, choice, rows)

    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return from_answer(answers.get(node.name))
    if isinstance(node, Attribute):
        return from_answer((choice or {}).get(node.name))
    if isinstance(node, Current):
        return from_answer(current)
    if isinstance(node, Unary):
        return -to_number(value(node.operand))
    if isinstance(node, Binary):
        return _binary(node, value)
    if isinstance(node, Call):
        spec = FUNCTIONS[node.name]
        if node.name == "position":  # the row of a repeat group the rule is decided in
            return from_answer(answers.get(ROW)) if ROW in answers else NAN
        if node.name == "if":  # only the branch taken is computed
            return value(node.args[1 if to_bool(value(node.args[0])) else 2])
        if spec.nodes is None:
            return spec.run(*(value(arg) for arg in node.args))
        plain = [value(arg) for arg in node.args[: spec.nodes]]
        sets = [
            nodes(arg, answers, rows) if isinstance(arg, Ref) else [value(arg)]
            for arg in node.args[spec.nodes :]
        ]
        if node.name == "indexed-repeat":  # the value in row i (1-based) of the group
            index = to_number(value(node.args[2]))
            ok = math.isfinite(index) and 1 <= int(index) <= len(sets[0])
            return sets[0][int(index) - 1] if ok else ""
        return spec.run(*plain, *(item for found in sets for item in found))
    raise TypeError(f"not an expression node: {node!r}")


def nodes(ref: Ref, answers: Mapping[str, Any], rows: Mapping[str, str]) -> list[Value]:
    """Return the node-set `${name}` stands for: its value in every row of its repeat
    group (a group: one empty node per row), or its one value."""
    group = rows.get(ref.name)
    if group is None:
        return [from_answer(answers.get(ref.name))]
    stored = answers.get(group)
    found = stored if isinstance(stored, list) else []
    return [from_answer(row.get(ref.name)) if isinstance(row, dict) else "" for row in found]


def _binary(node: Binary, value: Callable[[Node], Value]) -> Value:
    op = node.op
    left = value(node.left)
    if op == "and":
        return to_bool(left) and to_bool(value(node.right))
    if op == "or":
        return to_bool(left) or to_bool(value(node.right))
    right = value(node.right)
    if op in ("=", "!="):
        same = equal(left, right)
        return same if op == "=" else not same
    if op in ("<", "<=", ">", ">="):
        a, b = to_number(left), to_number(right)
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    return arithmetic(op, to_number(left), to_number(right))


def equal(left: Value, right: Value) -> bool:
    """XPath `=`: as booleans if either is one, else as numbers if either is a number or a
    date, else as texts."""
    if isinstance(left, bool) or isinstance(right, bool):
        return to_bool(left) == to_bool(right)
    if isinstance(left, float) or isinstance(right, float) or is_date(left) or is_date(right):
        return to_number(left) == to_number(right)
    return to_string(left) == to_string(right)


def arithmetic(op: str, a: float, b: float) -> float:
    """+ - * div mod on numbers, with XPath's results for division by zero (±Infinity, NaN)."""
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            return (
                NAN
                if a == 0 or math.isnan(a)
                else math.copysign(math.inf, a) * (math.copysign(1, b))
            )
        return a / b
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return NAN
    return math.fmod(a, b)  # the sign of the dividend, as Java's % and XPath's mod
