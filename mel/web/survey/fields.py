"""One small field handler per question type: WTForms fields in, stored answers out.

A handler knows how its question becomes form fields (named by the stored answer keys),
how a stored answer pre-fills them, and how a posted value is checked and turned into what
is stored. `HANDLERS` maps each question type to its handler class; the typed-in kinds live
here, the picked kinds in `choice_fields`.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from mel.surveys.plausibility import REASON_MAX_CHARS, reason_key
from mel.surveys.schema import InstrumentDefinition, Question
from mel.web.survey.choice_fields import (
    ChoiceHandler,
    LikertHandler,
    MultiHandler,
    ScaleHandler,
    YesNoHandler,
)
from mel.web.survey.date_field import DateHandler
from mel.web.survey.field_base import DEFAULT_MAX_CHARS, Handler
from mel.web.survey.repeat_field import RepeatHandler
from mel.web.survey.time_fields import DateTimeHandler, TimeHandler
from mel.web.survey.values import clean_text, field_number, parse_decimal, parse_integer

MAX_SCALE_OPTIONS = 21  # wider integer scales get a number box instead of radio buttons


class TextHandler(Handler):
    """Free text, on one line or several; limited to 2,000 characters unless set."""

    def fields(self) -> list[tuple[str, UnboundField]]:
        field_class = TextAreaField if self.question.multiline else StringField
        return [(self.question.name, field_class(validators=[self._check]))]

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "textarea" if self.question.multiline else "text"

    def max_chars(self) -> int:
        """Return the most characters an answer may have."""
        constraint = self.question.constraint
        if constraint is not None and constraint.max_length is not None:
            return constraint.max_length
        return DEFAULT_MAX_CHARS

    def hints(self) -> list[str]:
        return [self.text("hint_max_chars", n=self.max_chars())]

    def parse(self, raw: str) -> str:
        constraint = self.question.constraint
        if len(raw) > self.max_chars():
            own = constraint is not None and constraint.max_length is not None
            message = self.message if own else self.text
            raise ValidationError(message("err_max_length", n=self.max_chars(), count=len(raw)))
        if constraint is not None:
            if constraint.min_length is not None and len(raw) < constraint.min_length:
                raise ValidationError(self.message("err_min_length", n=constraint.min_length))
            if constraint.regex is not None and not re.fullmatch(constraint.regex, raw):
                raise ValidationError(self.message("err_regex"))
        return raw


class IntegerHandler(Handler):
    """A whole number typed in a box (numeric keyboard on phones)."""

    kind = "number"

    def fields(self) -> list[tuple[str, UnboundField]]:
        """The number box, and for a census question with a plausibility rule the box for
        the reason of an implausible change (shown only when the answer is flagged)."""
        made = super().fields()
        if self.question.plausible is not None:
            made.append((reason_key(self.question.name), TextAreaField(validators=[_reason])))
        return made

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        data = super().to_form(answers)
        if self.question.plausible is not None:
            data[reason_key(self.question.name)] = answers.get(reason_key(self.question.name))
        return data

    def show(self, value: Any) -> str:
        return field_number(value, self.lang)

    def parse(self, raw: str) -> int:
        number = parse_integer(raw)
        if number is None:
            raise ValidationError(self.message("err_integer"))
        self._bounds(number)
        return number


def _reason(_form: Any, field: Any) -> None:
    """Validator of a reason box: optional text, cut to its limit, stored as typed."""
    raw = clean_text(field.data) if isinstance(field.data, str) else None
    field.parsed = raw[:REASON_MAX_CHARS] if raw else None


class DecimalHandler(IntegerHandler):
    """A number with an optional decimal comma or point."""

    kind = "decimal"

    def parse(self, raw: str) -> float:
        number = parse_decimal(raw)
        if number is None:
            raise ValidationError(self.message("err_decimal"))
        self._bounds(number)
        return number


class RangeScaleHandler(ScaleHandler):
    """A range with at most 21 values (min to max by step), as a row of radio buttons."""

    def options(self) -> list[tuple[str, str]]:
        return [(field_number(v, "en"), field_number(v, self.lang)) for v in _range(self)]

    def choice_values(self) -> dict[str, Any]:
        return {value: _stored(float(value)) for value, _ in self.options()}


class RangeHandler(DecimalHandler):
    """A wide range typed as a number, which must be one of its steps."""

    def parse(self, raw: str) -> float | int:
        values = _range(self)
        whole = all(float(v).is_integer() for v in values)
        # Whole steps read 1.250 as a thousand two hundred and fifty, as integer questions do.
        number = parse_integer(raw) if whole else None
        if number is None:
            number = super().parse(raw)
        if not any(abs(number - v) < 1e-9 for v in values):
            low, high = values[0], values[-1]
            raise ValidationError(
                self.message(
                    "err_step",
                    min=field_number(low, self.lang),
                    max=field_number(high, self.lang),
                    step=field_number(self.question.step or 1, self.lang),
                )
            )
        return _stored(number)


def _range(handler: Handler) -> list[float]:
    return handler.question.steps() or []


def _stored(number: float) -> float | int:
    """A range value as stored: a whole number as int."""
    return int(number) if float(number).is_integer() else number


class NoteHandler(Handler):
    """Text shown on the page; nothing is asked or stored."""

    kind = "note"

    def fields(self) -> list[tuple[str, UnboundField]]:
        return []

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        return {}


HANDLERS: dict[str, type[Handler]] = {
    "select_one": ChoiceHandler,
    "select_multiple": MultiHandler,
    "likert": LikertHandler,
    "integer": IntegerHandler,
    "decimal": DecimalHandler,
    "rating": ScaleHandler,
    "nps": ScaleHandler,
    "yes_no": YesNoHandler,
    "text": TextHandler,
    "date": DateHandler,
    "note": NoteHandler,
    "calculate": NoteHandler,
    "time": TimeHandler,
    "datetime": DateTimeHandler,
    "range": RangeHandler,
    "repeat": RepeatHandler,  # never shown (see forms.build_page_form); nothing is posted
}


def handler_for(question: Question, survey: InstrumentDefinition, lang: str) -> Handler:
    """Return the handler of a question (scales too wide for buttons get a number box)."""
    if question.type == "range" and len(question.steps() or []) <= MAX_SCALE_OPTIONS:
        return RangeScaleHandler(question, survey, lang)
    if question.type in ("rating", "nps"):
        low, high = question.bounds()
        if (
            low is None
            or high is None
            or not (float(low).is_integer() and float(high).is_integer())
            or high - low + 1 > MAX_SCALE_OPTIONS
        ):
            return (IntegerHandler if float(low or 0).is_integer() else DecimalHandler)(
                question, survey, lang
            )
    return HANDLERS[question.type](question, survey, lang)
