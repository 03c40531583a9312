"""Parsed XLSForm expressions mapped to mel's structured rules.

A `relevant` becomes a mel condition; a `constraint` becomes the fields of a mel Constraint,
with each part that has no mel equivalent listed (as the reason an `Unconvertible` gives).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mel.surveys.schema import NUMERIC_TYPES as NUMERIC
from mel.surveys.xlsform.expressions import (
    Bool,
    Call,
    Cmp,
    Here,
    Lit,
    Node,
    Ref,
    Unconvertible,
    number,
    parse,
    show,
)

FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}
YES_NO = {"1": True, "yes": True, "true": True, "0": False, "no": False, "false": False}
TESTS = {"=": "equals", "!=": "not_equals", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}


@dataclass(frozen=True)
class Target:
    """What a condition needs to know about a referenced question."""

    name: str
    type: str
    values: frozenset[str] | None = None


def to_condition(text: str, lookup: Callable[[str], Target]) -> dict:
    """Convert a `relevant` expression into a mel condition (a dict as in YAML)."""
    return _condition(parse(text), lookup)


def _condition(node: Node, lookup: Callable[[str], Target]) -> dict:
    """Map one parsed node to a condition dict, or raise Unconvertible."""
    if isinstance(node, Bool):
        key = "all" if node.op == "and" else "any"
        items: list[dict] = []
        for item in node.items:
            sub = _condition(item, lookup)
            items.extend(sub[key] if list(sub) == [key] else [sub])
        return {key: items}
    if isinstance(node, Call) and node.name == "not" and len(node.args) == 1:
        return {"not": _condition(node.args[0], lookup)}
    if isinstance(node, Call) and node.name == "selected" and len(node.args) == 2:
        ref, lit = node.args
        if isinstance(ref, Lit) and isinstance(lit, Ref):  # selected(' a b ', ${q}): q in a, b
            target = lookup(lit.name)
            if target.type != "select_one":
                raise Unconvertible("selected(list, ${q}) needs a select_one question")
            for value in ref.text.split():
                _check_value(target, value)
            return {"question": target.name, "in": ref.text.split()}
        if isinstance(ref, Ref) and isinstance(lit, Lit):
            target = lookup(ref.name)
            if target.type not in ("select_one", "select_multiple"):
                raise Unconvertible(f"selected() needs a select question, not {target.type}")
            _check_value(target, lit.text)
            op = "selected" if target.type == "select_multiple" else "equals"
            return {"question": target.name, op: lit.text}
    if isinstance(node, Cmp):
        return _comparison(node, lookup)
    raise Unconvertible(f"{show(node)} is not a supported condition")


def _comparison(node: Cmp, lookup: Callable[[str], Target]) -> dict:
    """Map `${q} op value` (either way round) to a question test."""
    op, ref, lit = node.op, node.left, node.right
    if isinstance(lit, Ref) and isinstance(ref, Lit):
        op, ref, lit = FLIP[op], lit, ref
    if not (isinstance(ref, Ref) and isinstance(lit, Lit)):
        raise Unconvertible(f"{show(node)}: only ${{question}} compared with a value is supported")
    target = lookup(ref.name)
    if lit.quoted and lit.text == "" and op in ("=", "!="):
        return {"question": target.name, "answered": op == "!="}
    if target.type in NUMERIC:
        value: str | int | float = number(lit.text)
    elif op not in ("=", "!="):
        raise Unconvertible(f"{op!r} needs a numeric question, ${{{ref.name}}} is {target.type}")
    elif target.type == "yes_no" and lit.text.lower() in YES_NO:
        return {"question": target.name, TESTS[op]: YES_NO[lit.text.lower()]}
    elif target.type == "select_multiple":
        raise Unconvertible(f"'{op}' on select_multiple ${{{ref.name}}} (use selected())")
    else:
        value = lit.text
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


def to_constraint(text: str, kind: str) -> tuple[dict, list[str]]:
    """Convert a `constraint` into mel Constraint fields plus the parts that were not."""
    try:
        node = parse(text)
    except Unconvertible as exc:
        return {}, [str(exc)]
    if isinstance(node, Bool) and node.op == "or":
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
    if isinstance(node, Bool) and node.op == "and":
        return [part for item in node.items for part in _conjuncts(item)]
    return [node]


def _rule(node: Node, kind: str) -> dict:
    """Map one part of a constraint to Constraint fields, or raise Unconvertible."""
    if isinstance(node, Call) and node.name == "regex" and len(node.args) == 2:
        here, lit = node.args
        if isinstance(here, Here) and isinstance(lit, Lit) and lit.quoted:
            try:
                return {"regex": _whole_match(re.compile(lit.text).pattern)}
            except re.error as exc:
                raise Unconvertible(f"the regex does not compile in Python ({exc})") from None
    if isinstance(node, Cmp) and node.op != "=" and node.op != "!=":
        op, side, lit = node.op, node.left, node.right
        if isinstance(side, Lit):
            op, side, lit = FLIP[op], lit, side
        if isinstance(lit, Lit) and not lit.quoted:
            if isinstance(side, Here):
                if kind not in NUMERIC:
                    raise Unconvertible(f"a numeric limit needs a numeric question, not {kind}")
                return _limit("min", "max", op, number(lit.text), kind in ("decimal",))
            if isinstance(side, Call) and side.args == (Here(),):
                keys = {
                    "string-length": ("min_length", "max_length"),
                    "count-selected": ("min_selected", "max_selected"),
                }.get(side.name)
                if keys:
                    return _limit(*keys, op, number(lit.text), False)
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
