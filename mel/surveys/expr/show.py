"""Write a syntax tree of mel's XPath subset back as expression text (for messages and
for rules built from parts of an expression)."""

from __future__ import annotations

from mel.surveys.expr.parser import (
    LEVELS,
    Attribute,
    Binary,
    Call,
    Current,
    Literal,
    Node,
    Ref,
    Unary,
)

_BINDING = {op: level for level, ops in enumerate(LEVELS) for op in ops}
_UNARY = len(LEVELS)


def literal_text(value: float | str) -> str:
    """Write a literal's value as written in an expression (a whole number without .0)."""
    if isinstance(value, str):
        return value
    return str(int(value)) if value.is_integer() else repr(value)


def show(node: Node) -> str:
    """Return expression text that parses back to `node` (brackets only where needed)."""
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            quote = "'" if "'" not in node.value else '"'
            return f"{quote}{node.value}{quote}"
        return literal_text(node.value)
    if isinstance(node, Ref):
        return f"${{{node.name}}}"
    if isinstance(node, Attribute):
        return node.name
    if isinstance(node, Current):
        return "."
    if isinstance(node, Unary):
        return f"-{_operand(node.operand, _UNARY)}"
    if isinstance(node, Call) and node.name == "position":
        return "position(..)"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(show(arg) for arg in node.args)})"
    level = _BINDING[node.op]
    # operators are left-associative: a right operand of the same level needs brackets
    return f"{_operand(node.left, level)} {node.op} {_operand(node.right, level + 1)}"


def _operand(node: Node, level: int) -> str:
    """Show an operand, bracketed when it binds more loosely than `level`."""
    text = show(node)
    if isinstance(node, Binary) and _BINDING[node.op] < level:
        return f"({text})"
    return text
