"""Time and date-time questions.

A time is typed in one box (14:30, 14.30 or 1430) and stored as "HH:MM". A date-time is the
date's three boxes plus a time box, stored as "YYYY-MM-DDTHH:MM" (local time where the
participant is; no time zone is asked or stored).
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import Field, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation, ValidationError

from mel.web.survey.date_field import DateHandler
from mel.web.survey.field_base import Handler
from mel.web.survey.values import DATE_PARTS, clean_text

_TIME = re.compile(r"(\d{1,2})\s*[:.hu]?\s*(\d{2})")
DATETIME_PARTS = (*DATE_PARTS, "time")


def parse_time(text: str) -> str | None:
    """Return "HH:MM" for a typed time (14:30, 14.30, 1430, 9:05), or None."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


class TimeHandler(Handler):
    """A time of day in one box."""

    kind = "time"

    def hints(self) -> list[str]:
        return [self.text("hint_time")]

    def parse(self, raw: str) -> str:
        found = parse_time(raw)
        if found is None:
            raise ValidationError(self.text("err_time"))
        return found


class DateTimeHandler(DateHandler):
    """A date in three boxes and a time in a fourth; all checked on the day box."""

    kind = "datetime"
    parts = DATETIME_PARTS

    def fields(self) -> list[tuple[str, UnboundField]]:
        return [*super().fields(), (self.part_name("time"), StringField())]

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        stored = answers.get(self.question.name)
        day, _, clock = stored.partition("T") if isinstance(stored, str) else ("", "", "")
        return {
            **super().to_form({self.question.name: day or None}),
            self.part_name("time"): clock[:5] or None,
        }

    def hints(self) -> list[str]:
        return [self.text("hint_datetime")]

    def required_message(self) -> str:
        return self.text("err_required_datetime")

    def _check_date(self, form: Any, field: Field) -> None:
        typed = clean_text(form[self.part_name("time")].data)
        try:
            super()._check_date(form, field)
        except StopValidation:
            if not typed:
                raise
            field.wrong = DATE_PARTS  # a time without a date
            raise ValidationError(self.text("err_datetime_date")) from None
        if field.parsed is None:
            if typed:
                field.wrong = DATE_PARTS
                raise ValidationError(self.text("err_datetime_date"))
            return
        clock = parse_time(typed) if typed else None
        if clock is None:
            field.parsed, field.wrong = None, ("time",)
            raise ValidationError(self.text("err_time" if typed else "err_datetime_time"))
        field.parsed = f"{field.parsed}T{clock}"
