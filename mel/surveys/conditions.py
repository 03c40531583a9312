"""Skip logic (`relevant`) as structured data, evaluated without `eval`.

A condition is either a combinator (``all``, ``any``, ``not``) or a test on one earlier
question (``question`` plus exactly one operator)::

    relevant: {question: vervolgstappen, equals: ja}
    relevant: {all: [{question: grootte, in: [micro, klein]}, {question: cijfer, ge: 6}]}
    relevant: {question: onderwerpen, selected: cybersecurity}

or an expression written as text in mel's subset of ODK XPath (`mel.surveys.expr`)::

    relevant: "${cijfer} < 6 and selected(${onderwerpen}, 'cybersecurity')"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from mel.surveys.expr import Expression
from mel.surveys.text import StrictModel

Scalar = str | int | float | bool
OPERATORS = ("equals", "not_equals", "in_", "selected", "gt", "ge", "lt", "le", "answered")


class Condition(StrictModel):
    """A `relevant` expression on earlier answers."""

    question: str | None = None
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    selected: str | None = None
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    answered: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combinators = [k for k in ("all", "any", "not_") if getattr(self, k) is not None]
        operators = [k for k in OPERATORS if getattr(self, k) is not None]
        if combinators:
            if len(combinators) > 1 or operators or self.question is not None:
                raise ValueError("use one of all/any/not on its own")
            return self
        if self.question is None:
            raise ValueError("needs 'question' (or one of all/any/not)")
        if len(operators) != 1:
            names = ", ".join(o.rstrip("_") for o in OPERATORS)
            raise ValueError(f"needs exactly one operator with 'question': one of {names}")
        return self

    def operator(self) -> tuple[str, Any]:
        """Return the (operator, operand) of a question test."""
        for name in OPERATORS:
            value = getattr(self, name)
            if value is not None:
                return name.rstrip("_"), value
        raise ValueError("not a question test")

    def questions(self) -> Iterator[tuple[str, str, Condition]]:
        """Yield (path suffix, question name, condition) for every question referenced."""
        if self.question is not None:
            yield ".question", self.question, self
        for key in ("all", "any"):
            for i, sub in enumerate(getattr(self, key) or []):
                for path, name, cond in sub.questions():
                    yield f".{key}[{i}]{path}", name, cond
        if self.not_ is not None:
            for path, name, cond in self.not_.questions():
                yield f".not{path}", name, cond


def _rule_kind(value: object) -> str:
    """Which form a rule is written in: a mapping is a Condition, anything else text."""
    return "~condition" if isinstance(value, dict | Condition) else "~expression"


# A `relevant` rule: a structured Condition or an expression. The tags start with "~" so
# the loader can leave them out of the locations it reports.
Rule = Annotated[
    Annotated[Condition, Tag("~condition")] | Annotated[Expression, Tag("~expression")],
    Discriminator(_rule_kind),
]


def _is_answered(value: object) -> bool:
    return value not in (None, "", [])


def evaluate(condition: Condition | Expression | None, answers: Mapping[str, Any]) -> bool:
    """Decide whether a condition holds for the given answers (None holds always)."""
    if condition is None:
        return True
    if isinstance(condition, Expression):
        return condition.holds(answers)
    if condition.all is not None:
        return all(evaluate(c, answers) for c in condition.all)
    if condition.any is not None:
        return any(evaluate(c, answers) for c in condition.any)
    if condition.not_ is not None:
        return not evaluate(condition.not_, answers)
    value = answers.get(condition.question or "")
    op, operand = condition.operator()
    if op == "answered":
        return _is_answered(value) == operand
    if not _is_answered(value):
        return op == "not_equals"
    if op == "selected":
        return isinstance(value, list) and operand in value
    if op in ("equals", "not_equals"):
        same = _same(value, operand)
        return same if op == "equals" else not same
    if op == "in":
        return any(_same(value, o) for o in operand)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return {
        "gt": number > operand,
        "ge": number >= operand,
        "lt": number < operand,
        "le": number <= operand,
    }[op]


def _same(value: object, operand: object) -> bool:
    """Compare an answer with a literal from the file, tolerant of number/string forms."""
    if isinstance(value, bool) or isinstance(operand, bool):
        return value == operand
    if isinstance(value, int | float) and isinstance(operand, int | float):
        return float(value) == float(operand)
    return str(value) == str(operand)
