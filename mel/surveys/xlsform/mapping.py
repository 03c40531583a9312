"""XLSForm expressions, parsed by mel's expression parser, mapped to mel's structured rules.

A `relevant` becomes a mel condition; a `constraint` becomes the fields of a mel Constraint,
with each part that has no mel equivalent listed (as the reason an `Unconvertible` gives).
What they cannot say is kept as expression text (`logic`). The tree is the one
`mel.surveys.expr.parser` builds, its `${name}` references already renamed to mel names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mel.surveys.expr.parser import Binary, Call, Current, Literal, Node, Ref, Unary
from mel.surveys.expr.show import literal_text, show
from mel.surveys.schema import NUMERIC_TYPES as NUMERIC

FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}
YES_NO = {"1": True, "yes": True, "true": True, "0": False, "no": False, "false": False}
TESTS = {"=": "equals", "!=": "not_equals", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}


class Unconvertible(ValueError):
    """An XLSForm cell (or part of one) that mel cannot convert, with the reason."""


@dataclass(frozen=True)
class Target:
    """What a condition needs to know about a referenced question."""

    name: str
    type: str
    values: frozenset[str] | None = None
    repeat: str | None = None  # asked in the rows of this repeat (read from outside it)


def number(value: str | float) -> int | float:
    """Read a number, as int when it is whole; raise Unconvertible if it is not one."""
    try:
        found = float(value)
    except ValueError:
        raise Unconvertible(f"{value!r} is not a number") from None
    return int(found) if found.is_integer() else found


def _literal(node: Node) -> Literal | None:
    """Return a literal (a negative number included), or None for anything else."""
    if isinstance(node, Unary) and isinstance(node.operand, Literal):
        if isinstance(node.operand.value, float):
            return Literal(-node.operand.value)
    return node if isinstance(node, Literal) else None


def to_condition(node: Node, targets: dict[str, Target]) -> dict:
    """Convert a parsed `relevant` into a mel condition (a dict as in YAML).

    `targets` holds the referenced questions by their mel names.
    """
    if isinstance(node, Binary) and node.op in ("and", "or"):
        key = "all" if node.op == "and" else "any"
        items: list[dict] = []
        for item in (node.left, node.right):
            sub = to_condition(item, targets)
            items.extend(sub[key] if list(sub) == [key] else [sub])
        return {key: items}
    if isinstance(node, Call) and node.name == "not":
        return {"not": to_condition(node.args[0], targets)}
    if isinstance(node, Call) and node.name == "selected":
        ref, lit = node.args[0], _literal(node.args[1])
        if isinstance(node.args[1], Ref) and isinstance(ref, Literal):
            target = targets[node.args[1].name]  # selected(' a b ', ${q}): q in a, b
            if target.type != "select_one":
                raise Unconvertible("selected(list, ${q}) needs a select_one question")
            values = literal_text(ref.value).split()
            for value in values:
                _check_value(target, value)
            return {"question": target.name, "in": values}
        if isinstance(ref, Ref) and lit is not None:
            target = targets[ref.name]
            if target.type not in ("select_one", "select_multiple"):
                raise Unconvertible(f"selected() needs a select question, not {target.type}")
            _check_value(target, literal_text(lit.value))
            op = "selected" if target.type == "select_multiple" else "equals"
            return {"question": target.name, op: literal_text(lit.value)}
    if isinstance(node, Binary) and node.op in TESTS:
        return _comparison(node, targets)
    raise Unconvertible(f"{show(node)} is not a supported condition")


def _comparison(node: Binary, targets: dict[str, Target]) -> dict:
    """Map `${q} op value` (either way round) to a question test."""
    op, ref, lit = node.op, node.left, _literal(node.right)
    if isinstance(node.right, Ref) and _literal(node.left) is not None:
        op, ref, lit = FLIP[op], node.right, _literal(node.left)
    if not (isinstance(ref, Ref) and lit is not None):
        raise Unconvertible(f"{show(node)}: only ${{question}} compared with a value is supported")
    target, text = targets[ref.name], literal_text(lit.value)
    if lit.value == "" and op in ("=", "!="):
        return {"question": target.name, "answered": op == "!="}
    if target.type in NUMERIC:
        value: str | int | float = number(lit.value)
    elif op not in ("=", "!="):
        raise Unconvertible(f"{op!r} needs a numeric question, ${{{ref.name}}} is {target.type}")
    elif target.type == "yes_no" and text.lower() in YES_NO:
        return {"question": target.name, TESTS[op]: YES_NO[text.lower()]}
    elif target.type == "select_multiple":
        raise Unconvertible(f"'{op}' on select_multiple ${{{ref.name}}} (use selected())")
    else:
        value = text
        _check_value(target, value)
    return {"question": target.name, TESTS[op]: value}


def _check_value(target: Target, value: str) -> None:
    """Refuse a value that is not in the referenced question's choice list."""
    if target.values is not None and value not in target.values:
        raise Unconvertible(f"{value!r} is not a choice of ${{{target.name}}}")


def condition_questions(condition: dict | None) -> set[str]:
    """Return the names of all questions a condition refers to."""
    if not condition:
        return set()
    found = {condition["question"]} if "question" in condition else set()
    for sub in (*condition.get("all", []), *condition.get("any", []), condition.get("not")):
        found |= condition_questions(sub)
    return found


def to_constraint(node: Node, kind: str) -> tuple[dict, list[str]]:
    """Convert a parsed `constraint` into mel Constraint fields plus the parts that were not."""
    if isinstance(node, Binary) and node.op == "or":
        return {}, ["'or' is not supported in a constraint"]
    parts = _conjuncts(node)
    fields: dict = {}
    failures: list[str] = []
    for part in parts:
        try:
            rule = _rule(part, kind)
            if set(rule) & set(fields):
                raise Unconvertible(f"repeats {', '.join(sorted(set(rule) & set(fields)))}")
        except Unconvertible as exc:
            failures.append(f"{show(part)}: {exc}" if len(parts) > 1 else str(exc))
            continue
        fields.update(rule)
    return fields, failures


def _conjuncts(node: Node) -> list[Node]:
    """Return the parts of an `and` chain (nested brackets included)."""
    if isinstance(node, Binary) and node.op == "and":
        return [*_conjuncts(node.left), *_conjuncts(node.right)]
    return [node]


def _rule(node: Node, kind: str) -> dict:
    """Map one part of a constraint to Constraint fields, or raise Unconvertible."""
    if isinstance(node, Call) and node.name == "regex":
        here, lit = node.args
        if isinstance(here, Current) and isinstance(lit, Literal) and isinstance(lit.value, str):
            try:
                return {"regex": _whole_match(re.compile(lit.value).pattern)}
            except re.error as exc:
                raise Unconvertible(f"the regex does not compile in Python ({exc})") from None
    if isinstance(node, Binary) and node.op in ("<", "<=", ">", ">="):
        op, side, lit = node.op, node.left, _literal(node.right)
        if _literal(side) is not None:
            op, side, lit = FLIP[op], node.right, _literal(side)
        if lit is not None and isinstance(lit.value, float):
            if isinstance(side, Current):
                if kind not in NUMERIC:
                    raise Unconvertible(f"a numeric limit needs a numeric question, not {kind}")
                return _limit("min", "max", op, number(lit.value), kind in ("decimal",))
            if isinstance(side, Call) and len(side.args) == 1 and isinstance(side.args[0], Current):
                keys = {
                    "string-length": ("min_length", "max_length"),
                    "count-selected": ("min_selected", "max_selected"),
                }.get(side.name)
                if keys:
                    return _limit(*keys, op, number(lit.value), False)
    raise Unconvertible(
        "no mel equivalent (mel limits only the answer itself: its value, "
        "string-length, regex or count-selected)"
    )


def _limit(low: str, high: str, op: str, value: int | float, fractional: bool) -> dict:
    """Turn `. op value` into an inclusive min or max (strict limits only on whole numbers)."""
    if op in (">", "<"):
        if fractional or not isinstance(value, int):
            raise Unconvertible(f"a strict '{op}' limit is only exact for whole numbers")
        value = value + 1 if op == ">" else value - 1
    return {low if op.startswith(">") else high: value}


def _whole_match(pattern: str) -> str:
    """ODK's regex() matches anywhere in the answer; mel's must match all of it."""
    if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern
    return f"(?s:.*)(?:{pattern})(?s:.*)"
