"""Expressions in survey files: a documented, safe subset of ODK XPath (see docs/expressions.md).

`Expression` is what a survey file's `relevant`, `constraint`, `required` and
`calculation` hold when written as text; it is parsed once on load and its tree is walked
by `interpret`; Python's `eval` is never used.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from mel.surveys.expr.functions import FUNCTIONS
from mel.surveys.expr.interpret import ROW, evaluate
from mel.surveys.expr.parser import (
    Attribute,
    Call,
    Current,
    ExpressionError,
    Node,
    Ref,
    parse,
    walk,
)
from mel.surveys.expr.values import Value, to_bool, to_stored, to_string

__all__ = [
    "ROW",
    "ChoiceFilter",
    "Expression",
    "ExpressionError",
    "Value",
    "to_stored",
    "to_string",
]


class Expression:
    """A parsed expression: its source text (what is stored and shown) and its tree."""

    __slots__ = ("rows", "source", "tree")
    attributes = False  # whether bare names are choice attributes (ChoiceFilter)

    def __init__(self, source: str) -> None:
        self.source = source
        self.tree: Node = parse(source, attributes=self.attributes)
        # the repeat group of each question asked in its rows, and of each group itself:
        # what count(${q}), sum(${q}), … read row by row (set by `bind_rows`)
        self.rows: Mapping[str, str] = {}

    def bind_rows(self, rows: Mapping[str, str]) -> None:
        """Tell the expression which questions are asked per row of which repeat group."""
        self.rows = rows

    @classmethod
    def read(cls, value: object) -> Expression:
        """Validator: an Expression, or text that parses as one."""
        if isinstance(value, Expression):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected an expression as text, not {value!r}")
        try:
            return cls(value)
        except ExpressionError as exc:
            raise ValueError(f"expression {value!r}: {exc}") from None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.read,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda e: e.source),
        )

    def references(self) -> list[str]:
        """Return the questions referred to as ${name}, in order, each once."""
        names = [node.name for node in walk(self.tree) if isinstance(node, Ref)]
        return list(dict.fromkeys(names))

    def ref_columns(self, *, as_rows: bool | None = None) -> dict[str, int]:
        """Return each referenced question with the column of its first mention; with
        `as_rows` only those read (True) or not read (False) as node-sets, i.e. as the
        argument of count(), sum(), min(), max(), join() or indexed-repeat()."""
        found: dict[str, int] = {}
        for ref, in_rows in _refs(self.tree):
            if as_rows is None or in_rows == as_rows:
                found.setdefault(ref.name, ref.column)
        return found

    @property
    def uses_current(self) -> bool:
        """Whether the expression reads `.` (the answer being checked)."""
        return any(isinstance(node, Current) for node in walk(self.tree))

    def functions(self) -> set[str]:
        """Return the names of the functions called."""
        return {node.name for node in walk(self.tree) if isinstance(node, Call)}

    def questions(self) -> Iterator[tuple[str, str, Expression]]:
        """Yield ("", name, self) per referenced question, like `Condition.questions`; a
        question of a repeat group read over its rows counts as the group."""
        for name in dict.fromkeys(self.rows.get(n, n) for n in self.references()):
            yield "", name, self

    def value(
        self,
        answers: Mapping[str, Any],
        current: Any = None,
        choice: Mapping[str, Any] | None = None,
    ) -> Value:
        """Compute the expression's value from the answers (and `.` = `current`)."""
        return evaluate(self.tree, answers, current, choice, self.rows)

    def attribute_names(self) -> dict[str, int]:
        """Return the choice attributes read (bare names) with the column of each."""
        found: dict[str, int] = {}
        for node in walk(self.tree):
            if isinstance(node, Attribute):
                found.setdefault(node.name, node.column)
        return found

    def holds(self, answers: Mapping[str, Any], current: Any = None) -> bool:
        """Compute the expression as a condition (XPath boolean())."""
        return to_bool(self.value(answers, current))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def __str__(self) -> str:
        return self.source


def _refs(tree: Node) -> Iterator[tuple[Ref, bool]]:
    """Yield every ${name} in the tree, and whether it is read as a node-set."""
    in_rows: set[int] = set()
    for node in walk(tree):  # a call comes before its arguments
        if isinstance(node, Call) and FUNCTIONS[node.name].nodes is not None:
            in_rows.update(id(arg) for arg in node.args[FUNCTIONS[node.name].nodes :])
        elif isinstance(node, Ref):
            yield node, id(node) in in_rows


class ChoiceFilter(Expression):
    """XLSForm's choice_filter: which choices a question offers, e.g.
    ``provincie = ${provincie}``; a bare name is an attribute of the choice (``name`` its
    value), ``${name}`` an earlier answer."""

    __slots__ = ()
    attributes = True

    def allows(self, answers: Mapping[str, Any], choice: Mapping[str, Any]) -> bool:
        """Whether a choice (its attributes, with `name` its value) is offered."""
        return to_bool(self.value(answers, None, choice))
