"""Typed model of a survey definition file (XLSForm vocabulary, written as YAML)."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, field_validator, model_validator

from mel.surveys.conditions import Rule, evaluate
from mel.surveys.expr import ChoiceFilter, Expression
from mel.surveys.language_checks import carried
from mel.surveys.parts import (  # NAME_PATTERN/NAME_RULE: still importable from here
    MAX_ROWS,
    NAME_PATTERN,  # noqa: F401
    NAME_RULE,  # noqa: F401
    Choice,
    Constraint,
    RepeatCount,
    Required,
    Statement,
    _disorder,
    check_name,
)
from mel.surveys.plausibility import Census, Plausible
from mel.surveys.review import ReviewDefinition
from mel.surveys.rows import bind_rows
from mel.surveys.text import LocalText, StrictModel

QuestionType = Literal[
    "select_one",
    "select_multiple",
    "likert",
    "integer",
    "decimal",
    "rating",
    "nps",
    "yes_no",
    "text",
    "date",
    "note",
    "calculate",
    "time",
    "datetime",
    "range",
    "repeat",
]
QUESTION_TYPES: tuple[str, ...] = QuestionType.__args__  # type: ignore[attr-defined]
NUMERIC_TYPES = ("integer", "decimal", "rating", "nps", "range")
CHOICE_TYPES = ("select_one", "select_multiple")
# What a row of a repeat group may ask (one answer per question, no nested groups).
ROW_TYPES = (
    "select_one",
    "select_multiple",
    "integer",
    "decimal",
    "rating",
    "nps",
    "yes_no",
    "text",
    "date",
    "time",
    "datetime",
    "range",
    "note",
)
# XLSForm's or_other: a choice question with `other: true` offers "other" (stored as this
# value) and a text box, stored as `<question>__other`. The analysis frame and the exports
# call the text `<question>__other_text` (a select_multiple's `<question>__other` is the
# 0/1 column of the choice, like every other choice's).
OTHER = "other"
OTHER_TEXT = "other_text"


# Codes end up in URLs, file names, Content-Disposition headers, sheet names and HTML ids:
# only characters that are safe in all of them (and at most the 64 the database holds).
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
CODE_RULE = "use letters, digits, _ and -, start with a letter, at most 64 characters"
PROGRAMME_CODE = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
PROGRAMME_RULE = "use lower-case letters, digits and -, start with a letter, at most 64 characters"


def check_code(value: str) -> str:
    """Validator of a KPI, pathway or node code (see CODE_PATTERN)."""
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise ValueError(f"invalid code {value!r}: {CODE_RULE}")
    return value


def check_programme_code(value: str) -> str:
    """Validator of a programme or instrument code (see PROGRAMME_CODE)."""
    if not isinstance(value, str) or not PROGRAMME_CODE.match(value):
        raise ValueError(f"invalid code {value!r}: {PROGRAMME_RULE}")
    return value


TODAY = "today"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What a date question accepts when its file gives no min/max: any date a person could mean
# (a birth year, a plan), and nothing like 0001-01-01 or 9999-12-31.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
AddressForm = Literal["je", "u"]


def _bound(value: object) -> float | date | str:
    """Read a min/max: a number, or (for date questions) a date like 2025-12-31 or 'today'."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        if value == TODAY:
            return value
        try:
            return date.fromisoformat(value) if ISO_DATE.fullmatch(value) else float(value)
        except ValueError:
            pass
    raise ValueError(f"expected a number, a date like 2025-12-31 or 'today', not {value!r}")


Bound = Annotated[float | date | str, PlainValidator(_bound)]


class Question(StrictModel):
    """A question; which optional fields apply depends on `type`.

    A `calculate` question shows nothing: its `calculation` (an expression) is computed from
    the answers before it and stored under its name like an answer.
    """

    name: str
    type: QuestionType
    label: LocalText
    hint: LocalText | None = None
    required: Required = False
    relevant: Rule | None = None
    constraint: Constraint | None = None
    calculation: Expression | None = None
    choice_filter: ChoiceFilter | None = None
    # A repeat group: its questions are asked once per row; the rows are stored as a list.
    # Without repeat_count the participant adds rows ("add another"), up to max_rows.
    questions: list[Question] | None = None
    repeat_count: RepeatCount | None = None
    max_rows: int | None = Field(default=None, ge=1, le=MAX_ROWS)
    row_label: LocalText | None = None  # e.g. "Partner" → legends "Partner 1", "Partner 2"
    choices: str | None = None
    statements: list[Statement] | None = None
    min: Bound | None = None
    max: Bound | None = None
    step: float | None = Field(default=None, gt=0)
    multiline: bool = False
    other: bool = False
    sensitive: bool = False
    # A census question: flag answers far from last year's and ask for a reason.
    plausible: Plausible | None = None

    _name = field_validator("name")(classmethod(lambda cls, v: check_name(v)))

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Question:
        kind = self.type
        if kind in CHOICE_TYPES and not self.choices:
            raise ValueError(f"a {kind} question needs 'choices' (the name of a choice list)")
        if kind == "likert":
            if not self.choices:
                raise ValueError("a likert question needs 'choices' (its scale)")
            if not self.statements:
                raise ValueError("a likert question needs 'statements'")
        if kind not in (*CHOICE_TYPES, "likert") and self.choices:
            raise ValueError(f"'choices' does not apply to a {kind} question")
        if kind != "likert" and self.statements:
            raise ValueError(f"'statements' does not apply to a {kind} question")
        limits = [v for v in (self.min, self.max) if v is not None]
        if limits and kind not in (*NUMERIC_TYPES, "date"):
            raise ValueError(f"'min'/'max' do not apply to a {kind} question")
        if kind == "date" and any(isinstance(v, float) for v in limits):
            raise ValueError("'min'/'max' of a date question are dates like 2025-12-31 or 'today'")
        if kind != "date" and any(not isinstance(v, float) for v in limits):
            raise ValueError(f"'min'/'max' of a {kind} question are numbers")
        if kind in ("rating", "range") and (self.min is None or self.max is None):
            raise ValueError(f"a {kind} question needs 'min' and 'max' (e.g. 1 and 10)")
        if self.step is not None and kind != "range":
            raise ValueError(f"'step' does not apply to a {kind} question")
        if kind == "range" and self.disorder() is None and self.steps() is None:
            raise ValueError("'max' - 'min' of a range must be a whole number of steps")
        if kind in ("note", "calculate") and self.required is not False:
            raise ValueError(f"a {kind} cannot be required")
        if kind == "calculate" and self.calculation is None:
            raise ValueError("a calculate question needs 'calculation' (an expression)")
        if kind not in CHOICE_TYPES and self.choice_filter is not None:
            raise ValueError(f"'choice_filter' does not apply to a {kind} question")
        if kind == "repeat":
            if not self.questions:
                raise ValueError("a repeat question needs 'questions' (asked once per row)")
            for inner in self.questions:
                if inner.type == "repeat":
                    raise ValueError(
                        f"repeat {inner.name!r} is inside repeat {self.name!r}: mel has no "
                        "repeat groups inside repeat groups (put it after this one)"
                    )
                if inner.type not in ROW_TYPES:
                    raise ValueError(f"a repeat's row cannot hold a {inner.type} question")
            if self.constraint is not None or self.required is not False:
                raise ValueError("'required'/'constraint' apply to the questions of a repeat")
        elif self.questions or self.repeat_count is not None or self.max_rows or self.row_label:
            raise ValueError(
                f"'questions'/'repeat_count'/'max_rows'/'row_label' do not apply to a {kind}"
            )
        if kind != "calculate" and self.calculation is not None:
            raise ValueError(f"'calculation' does not apply to a {kind} question")
        if kind in ("note", "calculate") and self.constraint is not None:
            raise ValueError(f"'constraint' does not apply to a {kind} question")
        if self.plausible is not None and kind not in ("integer", "decimal"):
            raise ValueError(f"'plausible' applies to integer and decimal questions, not {kind}")
        return self

    def steps(self) -> list[float] | None:
        """Return the values of a range (min, min + step, … max); None if they do not fit."""
        if not isinstance(self.min, float) or not isinstance(self.max, float):
            return None
        step = self.step or 1.0
        count = (self.max - self.min) / step
        if count < 0 or abs(count - round(count)) > 1e-9 or count > 100_000:
            return None
        return [round(self.min + i * step, 10) for i in range(int(round(count)) + 1)]

    def row_limit(self) -> int:
        """Return the most rows a repeat group may have."""
        return self.max_rows or MAX_ROWS

    def required_now(self, answers: dict[str, Any]) -> bool:
        """Whether an answer is required given the answers so far (`required` may be a rule)."""
        if isinstance(self.required, Expression):
            return self.required.holds(answers)
        return self.required

    @property
    def always_required(self) -> bool:
        """Whether `required: true` (not a rule)."""
        return self.required is True

    def relevant_now(self, answers: dict[str, Any]) -> bool:
        """Whether the question is asked given the answers so far."""
        return evaluate(self.relevant, answers)

    def disorder(self) -> tuple[str, str] | None:
        """Return ("min", "max") when min exceeds max ('today' is compared with nothing)."""
        if isinstance(self.min, str) or isinstance(self.max, str):
            return None
        return _disorder(self, ("min", "max"))

    @property
    def has_other(self) -> bool:
        """Whether the question offers "other" with a text box."""
        return self.other and self.type in CHOICE_TYPES

    def bounds(self) -> tuple[float | None, float | None]:
        """Return the (min, max) a number must respect, type defaults included."""
        low = self.min if isinstance(self.min, float) else None
        high = self.max if isinstance(self.max, float) else None
        if self.type == "nps":
            low, high = 0 if low is None else low, 10 if high is None else high
        if self.constraint is not None:
            low = self.constraint.min if self.constraint.min is not None else low
            high = self.constraint.max if self.constraint.max is not None else high
        return low, high

    def date_bounds(self, today: date) -> tuple[date, date]:
        """Return the first and last date a date question accepts, 'today' being `today`."""
        low, high = (
            today if bound == TODAY else bound if isinstance(bound, date) else default
            for bound, default in ((self.min, EARLIEST_DATE), (self.max, LATEST_DATE))
        )
        return low, high

    def columns(self) -> list[str]:
        """Return the stored answer keys (one per Likert statement, else the name)."""
        if self.type == "likert":
            return [f"{self.name}__{s.name}" for s in self.statements or []]
        if self.type == "note":
            return []
        return [self.name]


class Page(StrictModel):
    """A page of questions shown together."""

    name: str
    title: LocalText | None = None
    relevant: Rule | None = None
    questions: list[Question] = Field(min_length=1)

    _name = field_validator("name")(classmethod(lambda cls, v: check_name(v)))


class Consent(StrictModel):
    """The consent/privacy text shown before the first page; its version is stored."""

    version: str
    text: LocalText


class InstrumentDefinition(StrictModel):
    """A whole survey definition file."""

    instrument: str
    programme: str
    version: int = Field(ge=1)
    title: LocalText
    description: LocalText | None = None
    respondent: Literal["unit", "person"] = "unit"
    # How the interface addresses participants in Dutch: informal "je" (e.g. pupils) or
    # formal "u" (the default); question texts are the file's own and should match it.
    address_form: AddressForm | None = None
    consent: Consent | None = None
    # A census instrument (one response per unit per year): pre-fill and corrections.
    census: Census | None = None
    choices: dict[str, list[Choice]] = Field(default_factory=dict)
    pages: list[Page] = Field(min_length=1)
    # A peer review or reflection meeting: which questions are themes, scores and actions.
    review: ReviewDefinition | None = None

    _code = field_validator("instrument", "programme")(
        classmethod(lambda cls, v: check_programme_code(v))
    )

    @model_validator(mode="after")
    def _bind_rows(self) -> InstrumentDefinition:
        bind_rows(self)  # count(${q}), sum(${q}), … of a repeat group read its rows
        return self

    @property
    def address(self) -> AddressForm:
        """Return the address form of the interface strings: "je" or "u"."""
        return self.address_form or "u"

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """Return the languages the survey's texts carry: nl, en when given, then others."""
        return carried(self)

    def questions(self) -> list[Question]:
        """Return all questions in page order."""
        return [q for page in self.pages for q in page.questions]

    def question(self, name: str) -> Question:
        """Return the question called `name` (KeyError if there is none)."""
        for q in self.questions():
            if q.name == name:
                return q
        raise KeyError(name)

    def columns(self) -> list[str]:
        """Return every stored answer key in page order."""
        return [c for q in self.questions() for c in q.columns()]
