"""Parts of a survey definition below a question: choices, constraints, Likert statements,
and the typed forms of `required` and a repeat group's count."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from mel.surveys.expr import Expression
from mel.surveys.text import LocalText, StrictModel

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
NAME_RULE = "names use lower-case letters, digits and _ and start with a letter"
MAX_ROWS = 50  # rows of a repeat group unless its file says fewer


def check_name(value: str) -> str:
    if not NAME_PATTERN.match(value):
        raise ValueError(f"invalid name {value!r}: {NAME_RULE}")
    return value


class Choice(StrictModel):
    """One option of a choice list; `value` is what is stored.

    `attributes` are what a question's `choice_filter` can read (XLSForm's extra columns
    on the choices sheet), e.g. ``{provincie: ut}`` on a municipality.
    """

    value: str | int
    label: LocalText
    attributes: dict[str, str | int | float | bool] = Field(default_factory=dict)

    @field_validator("attributes")
    @classmethod
    def _attribute_names(cls, value: dict[str, object]) -> dict[str, object]:
        for name in value:
            check_name(name)
            if name == "name":
                raise ValueError("'name' is the choice's value; give the attribute another name")
        return value

    def filter_row(self) -> dict[str, object]:
        """Return what a choice filter reads: the attributes, and `name` as the value."""
        return {**self.attributes, "name": self.value}


class Constraint(StrictModel):
    """Limits on an answer, with the message shown when they are broken.

    `expression` is a rule in mel's XPath subset that must hold, `.` being the answer
    (e.g. ``. <= ${werknemers}``); a constraint written as text is that expression.
    """

    expression: Expression | None = None
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    regex: str | None = None
    min_selected: int | None = None
    max_selected: int | None = None
    message: LocalText | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        return {"expression": value} if isinstance(value, str | Expression) else value

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from None
        return value

    def disorder(self) -> tuple[str, str] | None:
        """Return the first (low, high) pair of limits where low exceeds high."""
        return _disorder(
            self, ("min", "max"), ("min_length", "max_length"), ("min_selected", "max_selected")
        )


def _disorder(model: StrictModel, *pairs: tuple[str, str]) -> tuple[str, str] | None:
    for low, high in pairs:
        lo, hi = getattr(model, low), getattr(model, high)
        if lo is not None and hi is not None and lo > hi:
            return low, high
    return None


class Statement(StrictModel):
    """One row of a Likert matrix; stored as `<question>__<name>`."""

    name: str
    label: LocalText
    reverse: bool = False

    _name = field_validator("name")(classmethod(lambda cls, v: check_name(v)))


def _required_kind(value: object) -> str:
    return "~expression" if isinstance(value, str | Expression) else "~flag"


def _count_kind(value: object) -> str:
    return "~expression" if isinstance(value, str | Expression) else "~number"


# How many rows a repeat group has: a number, or an expression on earlier answers.
RepeatCount = Annotated[
    Annotated[int, Tag("~number"), Field(ge=0, le=MAX_ROWS)]
    | Annotated[Expression, Tag("~expression")],
    Discriminator(_count_kind),
]

# `required: true`, or an expression that decides it from earlier answers.
Required = Annotated[
    Annotated[bool, Tag("~flag")] | Annotated[Expression, Tag("~expression")],
    Discriminator(_required_kind),
]
