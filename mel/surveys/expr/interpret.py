"""Walk a syntax tree of mel's XPath subset and compute its value (never Python's `eval`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
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


def evaluate(
    node: Node,
    answers: Mapping[str, Any],
    current: Any = None,
    choice: Mapping[str, Any] | None = None,
) -> Value:
    """Compute the value of `node` given the answers so far, the answer being checked
    (`.`) and, in a choice filter, the attributes of the choice being considered."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return from_answer(answers.get(node.name))
    if isinstance(node, Attribute):
        return from_answer((choice or {}).get(node.name))
    if isinstance(node, Current):
        return from_answer(current)
    if isinstance(node, Unary):
        return -to_number(evaluate(node.operand, answers, current, choice))
    if isinstance(node, Binary):
        return _binary(node, answers, current, choice)
    if isinstance(node, Call):
        if node.name == "if":  # only the branch taken is computed
            test = to_bool(evaluate(node.args[0], answers, current, choice))
            return evaluate(node.args[1 if test else 2], answers, current, choice)
        args = [evaluate(arg, answers, current, choice) for arg in node.args]
        return FUNCTIONS[node.name].run(*args)
    raise TypeError(f"not an expression node: {node!r}")


def _binary(
    node: Binary, answers: Mapping[str, Any], current: Any, choice: Mapping[str, Any] | None
) -> Value:
    op = node.op
    left = evaluate(node.left, answers, current, choice)
    if op == "and":
        return to_bool(left) and to_bool(evaluate(node.right, answers, current, choice))
    if op == "or":
        return to_bool(left) or to_bool(evaluate(node.right, answers, current, choice))
    right = evaluate(node.right, answers, current, choice)
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
