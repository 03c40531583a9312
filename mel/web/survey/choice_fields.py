"""Handlers for questions answered by picking: choices, yes/no, scales, Likert rows.

Choice fields get no WTForms `choices`: the handler checks posted values itself (with
messages in the page's language) and the templates render the options. A choice question
with `other: true` (XLSForm's `or_other`) gets an extra option "Anders" (value `other`) and
a text box stored as `<question>__other`, kept only while "Anders" is chosen.
"""

from __future__ import annotations

from typing import Any

from wtforms import Field, RadioField, SelectMultipleField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from mel.web.survey.field_base import DEFAULT_MAX_CHARS, Handler
from mel.web.survey.values import clean_text, field_number

OTHER = "other"


class ChoiceHandler(Handler):
    """One answer from a choice list, as radio buttons."""

    kind = "choice"

    def main_field(self) -> Field | UnboundField:
        """Return the unbound field holding the picked value(s)."""
        return RadioField(validate_choice=False, validators=[self._check])

    def fields(self) -> list[tuple[str, UnboundField]]:
        pairs = [(self.question.name, self.main_field())]
        if self.has_other():
            pairs.append((self.other_name(), StringField(validators=[self._check_other])))
        return pairs

    def has_other(self) -> bool:
        """Whether this question offers "other" with a text box."""
        return self.question.other and self.question.type in ("select_one", "select_multiple")

    def other_name(self) -> str:
        """Return the field and answer key of the "other" text."""
        return f"{self.question.name}__{OTHER}"

    def choice_values(self) -> dict[str, Any]:
        """Return posted value → stored value."""
        values = {str(c.value): c.value for c in self.survey.choices[self.question.choices or ""]}
        if self.has_other():
            values.setdefault(OTHER, OTHER)
        return values

    def options(self) -> list[tuple[str, str]]:
        pairs = [
            (str(c.value), c.label.get(self.lang))
            for c in self.survey.choices[self.question.choices or ""]
        ]
        if self.has_other() and all(value != OTHER for value, _ in pairs):
            pairs.append((OTHER, self.text("other_option")))
        return pairs

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        data = super().to_form(answers)
        if self.has_other():
            data[self.other_name()] = answers.get(self.other_name())
        return data

    def from_form(self, form: Any) -> dict[str, Any]:
        stored = super().from_form(form)
        if self.has_other():
            picked = stored.get(self.question.name)
            chosen = picked == OTHER or (isinstance(picked, list) and OTHER in picked)
            if not chosen and self.question.name in stored:
                stored[self.other_name()] = None
        return stored

    def required_message(self) -> str:
        return self.message("err_required_choice")

    def parse(self, raw: str) -> Any:
        values = self.choice_values()
        if raw not in values:
            raise ValidationError(self.message("err_choice"))
        return values[raw]

    def _check_other(self, form: Any, field: Field) -> None:
        """Validator of the "other" text: only with "other" chosen, and not too long."""
        field.parsed = clean_text(field.data) or None
        if field.parsed is None:
            return
        picked = form[self.question.name].data
        if OTHER not in (picked if isinstance(picked, list) else [picked]):
            # Never drop typed text silently: ask for "other" to be chosen as well.
            raise ValidationError(self.text("err_other_unchosen"))
        if len(field.parsed) > DEFAULT_MAX_CHARS:
            raise ValidationError(
                self.text("err_max_length", n=DEFAULT_MAX_CHARS, count=len(field.parsed))
            )


class YesNoHandler(ChoiceHandler):
    """Yes or no; stored as true or false."""

    def choice_values(self) -> dict[str, Any]:
        return {"yes": True, "no": False}

    def options(self) -> list[tuple[str, str]]:
        return [("yes", self.text("yes")), ("no", self.text("no"))]

    def show(self, value: Any) -> str:
        return "yes" if value else "no"


class ScaleHandler(ChoiceHandler):
    """A mark on a whole-number scale (rating, nps), as a row of radio buttons."""

    kind = "scale"

    def options(self) -> list[tuple[str, str]]:
        low, high = self.question.bounds()
        return [(str(v), str(v)) for v in range(int(low or 0), int(high or 0) + 1)]

    def choice_values(self) -> dict[str, Any]:
        return {value: int(value) for value, _ in self.options()}

    def hints(self) -> list[str]:
        if self.question.hint:  # the author's hint explains the scale already
            return []
        if self.question.type == "nps":
            return [self.text("hint_nps")]
        low, high = self.question.bounds()
        return [
            self.text(
                "hint_rating",
                low=field_number(low, self.lang),
                high=field_number(high, self.lang),
            )
        ]


class MultiHandler(ChoiceHandler):
    """Any number of answers from a choice list, as checkboxes; stored as a list."""

    kind = "multi"
    multiple = True

    def main_field(self) -> Field | UnboundField:
        return SelectMultipleField(validate_choice=False, validators=[self._check])

    def hints(self) -> list[str]:
        constraint = self.question.constraint
        hints = [] if self.question.hint else [self.text("hint_multi")]
        if constraint is not None and constraint.max_selected is not None:
            hints.append(self.text("hint_max_selected", n=constraint.max_selected))
        return hints

    def show(self, value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else []

    def required_message(self) -> str:
        return self.message("err_required_multi")

    def parse(self, raw: list[str]) -> list[Any]:
        values = self.choice_values()
        if any(v not in values for v in raw):
            raise ValidationError(self.message("err_choice"))
        chosen = [values[v] for v in values if v in raw]  # choice order, no repeats
        constraint = self.question.constraint
        if constraint is not None:
            if constraint.min_selected is not None and len(chosen) < constraint.min_selected:
                raise ValidationError(self.message("err_min_selected", n=constraint.min_selected))
            if constraint.max_selected is not None and len(chosen) > constraint.max_selected:
                raise ValidationError(self.message("err_max_selected", n=constraint.max_selected))
        return chosen


class LikertHandler(ChoiceHandler):
    """A matrix of statements on one scale: one radio group per statement."""

    kind = "likert"

    def rows(self) -> list[tuple[str, str]]:
        """Return (field name, statement label) per statement."""
        return [
            (f"{self.question.name}__{s.name}", s.label.get(self.lang))
            for s in self.question.statements or []
        ]

    def fields(self) -> list[tuple[str, UnboundField]]:
        return [
            (name, RadioField(validate_choice=False, validators=[self._row_check(label)]))
            for name, label in self.rows()
        ]

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        return {
            name: None if answers.get(name) is None else str(answers[name])
            for name, _ in self.rows()
        }

    def error_field(self) -> str:
        return self.rows()[0][0]

    def answer(self, values: dict[str, Any]) -> Any:
        """A matrix has no single answer; `.` is empty (its rows are ${name__statement})."""
        return None

    def _row_check(self, statement: str):  # type: ignore[no-untyped-def]
        """Return a validator for one statement whose messages name the statement."""

        def check(form: Any, field: Field) -> None:
            try:
                self._check(form, field)
            except (StopValidation, ValidationError) as exc:
                message = self.text("err_row", statement=statement, message=str(exc))
                raise type(exc)(message) from None

        return check
