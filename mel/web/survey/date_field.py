"""The date question: day, month and year in three labelled boxes (the GOV.UK pattern).

A browser's own date input orders its fields by the browser's locale, so 01 03 2025 could
be stored as 3 January; three boxes in a fixed order, checked on the server, cannot be
misread and work without JavaScript. The stored value stays ISO text (YYYY-MM-DD).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from wtforms import Field, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from mel.present.numbers import format_date, month_name
from mel.surveys.schema import TODAY
from mel.web.survey.field_base import Handler
from mel.web.survey.values import (
    DATE_PARTS,
    DateProblem,
    clean_text,
    date_from_parts,
    parse_date,
)

PARTICIPANTS_TIME = ZoneInfo("Europe/Amsterdam")  # whose "today" a date range means


class DateHandler(Handler):
    """A date typed as day, month and year in three boxes; stored as ISO text (YYYY-MM-DD).

    The boxes post `<name>__day`, `__month` and `__year`; the checks run on the day box and
    leave there which parts are wrong (`field.wrong`). A post of the whole date under the
    question's own name (a page from before the three boxes) is still understood.
    """

    kind = "date"
    parts: tuple[str, ...] = DATE_PARTS  # the boxes shown, in order

    def part_name(self, part: str) -> str:
        """Return the form field of one part: `<name>__day`, `__month` or `__year`."""
        return f"{self.question.name}__{part}"

    def fields(self) -> list[tuple[str, UnboundField]]:
        boxes = [
            (self.part_name(p), StringField(validators=[self._check_date] if i == 0 else []))
            for i, p in enumerate(DATE_PARTS)
        ]
        return [*boxes, (self.question.name, StringField())]

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        stored = answers.get(self.question.name)
        parsed = parse_date(stored) if isinstance(stored, str) else None
        values = (parsed.day, parsed.month, parsed.year) if parsed else (None, None, None)
        return {
            self.part_name(p): None if v is None else str(v)
            for p, v in zip(DATE_PARTS, values, strict=True)
        }

    def from_form(self, form: Any) -> dict[str, Any]:
        day = form[self.part_name("day")]
        return {} if day.errors else {self.question.name: day.parsed}

    def hints(self) -> list[str]:
        return [self.text("hint_date")]

    def error_field(self) -> str:
        return self.part_name("day")

    def required_message(self) -> str:
        return self.text("err_required_date")

    def today(self) -> date:
        """Return today's date where the participants are (the Netherlands)."""
        return datetime.now(PARTICIPANTS_TIME).date()

    def _check_date(self, form: Any, field: Field) -> None:
        """Validator: the three parts make a date within the question's range, or are empty."""
        field.parsed, field.wrong = None, DATE_PARTS
        parts = [form[self.part_name(p)].data or "" for p in DATE_PARTS]
        found = date_from_parts(*parts)
        legacy = clean_text(form[self.question.name].data)
        if found is None and legacy:
            found = parse_date(legacy) or DateProblem("err_date", DATE_PARTS)
        if found is None:
            if self.question.always_required:  # a rule for `required`: see PageForm.validate
                raise StopValidation(self.required_message())
            field.wrong = ()
            return
        if isinstance(found, DateProblem):
            field.wrong = found.parts
            raise ValidationError(self._problem(found))
        today = self.today()
        low, high = self.question.date_bounds(today)
        if not low <= found <= high:
            shown = {k: self._show(v, today) for k, v in (("min", low), ("max", high))}
            raise ValidationError(self.message("err_date_between", **shown))
        field.wrong = ()
        field.parsed = found.isoformat()

    def _problem(self, problem: DateProblem) -> str:
        """Return the message of a date problem, naming the parts to correct."""
        if problem.key == "err_date_missing":
            names = [self.text(f"date_the_{p}") for p in problem.parts]
            return self.text(problem.key, parts=self.text("date_and").join(names))
        if problem.key == "err_date_exists":
            month = month_name(problem.month, self.lang)
            return self.text(problem.key, month=month, day=problem.day)
        return self.text(problem.key)

    def _show(self, day: date, today: date) -> str:
        """Write a range limit for people: '1 januari 2020', or 'vandaag' for today."""
        if day == today and TODAY in (self.question.min, self.question.max):
            return self.text("date_today")
        return format_date(day, self.lang)
