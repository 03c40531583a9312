"""The base field handler: how one question becomes WTForms fields and stored answers."""

from __future__ import annotations

from typing import Any, ClassVar

from wtforms import Field, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from mel.i18n import translate
from mel.surveys.schema import InstrumentDefinition, Question
from mel.web.survey.values import clean_text, field_number

DEFAULT_MAX_CHARS = 2000
CONSTRAINT_KEYS = {
    "err_min",
    "err_max",
    "err_between",
    "err_min_length",
    "err_max_length",
    "err_regex",
    "err_min_selected",
    "err_max_selected",
    "err_date_between",
    "err_constraint",
}


class Handler:
    """Base handler: one question, one field named after it."""

    kind: ClassVar[str] = "text"
    multiple: ClassVar[bool] = False  # whether a post may repeat the field's name

    def __init__(self, question: Question, survey: InstrumentDefinition, lang: str) -> None:
        self.question = question
        self.survey = survey
        self.lang = lang

    def fields(self) -> list[tuple[str, UnboundField]]:
        """Return (name, unbound field) pairs for the page's form."""
        return [(self.question.name, StringField(validators=[self._check]))]

    def form_fields(self) -> list[tuple[str, UnboundField]]:
        """Return `fields()`, made once: a handler serves every form of its page (see forms)."""
        made: list[tuple[str, UnboundField]] | None = self.__dict__.get("_form_fields")
        if made is None:
            made = self._form_fields = self.fields()
        return made

    def option_list(self) -> tuple[tuple[str, str], ...]:
        """Return `options()`, made once (they depend on the question and language only)."""
        made: tuple[tuple[str, str], ...] | None = self.__dict__.get("_option_list")
        if made is None:
            made = self._option_list = tuple(self.options())
        return made

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Return field data that shows the stored answers."""
        value = answers.get(self.question.name)
        return {self.question.name: None if value is None else self.show(value)}

    def from_form(self, form: Any) -> dict[str, Any]:
        """Return stored answers for every field of this question that passed its checks."""
        return {
            name: getattr(form[name], "parsed", None)
            for name, _ in self.form_fields()
            if not form[name].errors
        }

    def hints(self) -> list[str]:
        """Return hints the interface adds to the question's own hint."""
        return []

    def options(self) -> list[tuple[str, str]]:
        """Return (posted value, label) pairs for choice-like questions."""
        return []

    def show(self, value: Any) -> Any:
        """Turn a stored value into field data."""
        return str(value)

    def parse(self, raw: Any) -> Any:
        """Turn non-empty field data into the stored value; raise ValidationError if invalid."""
        return raw

    def message(self, key: str, **values: Any) -> str:
        """Return an error message, preferring the question's own constraint message."""
        constraint = self.question.constraint
        if key in CONSTRAINT_KEYS and constraint is not None and constraint.message is not None:
            return constraint.message.get(self.lang)
        return self.text(key, **values)

    def text(self, key: str, **values: Any) -> str:
        """Return an interface string in the page's language and the survey's address form."""
        return translate(key, self.lang, address=self.survey.address, **values)

    def error_field(self) -> str:
        """Return the form field that carries the question's own errors."""
        return self.question.name

    def answer(self, values: dict[str, Any]) -> Any:
        """Return the question's answer (`.` in its constraint) from its stored values."""
        return values.get(self.question.name)

    def required_message(self) -> str:
        """Return the message for a required question left empty."""
        return self.message("err_required_text")

    def _check(self, _form: Any, field: Field) -> None:
        """Validator: empty is fine unless required; otherwise parse and keep the value."""
        field.parsed = None
        raw = field.data
        if isinstance(raw, str):
            raw = clean_text(raw)
        if raw in (None, "", []):
            if self.question.always_required:  # a rule for `required`: see PageForm.validate
                raise StopValidation(self.required_message())
            return
        field.parsed = self.parse(raw)

    def _bounds(self, number: float) -> None:
        """Refuse a number outside the question's min/max."""
        low, high = self.question.bounds()
        if (low is not None and number < low) or (high is not None and number > high):
            lo, hi = field_number(low, self.lang), field_number(high, self.lang)
            key = (
                "err_between"
                if low is not None and high is not None
                else ("err_min" if low is not None else "err_max")
            )
            raise ValidationError(self.message(key, min=lo, max=hi))
