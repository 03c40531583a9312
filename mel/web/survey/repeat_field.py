"""Repeat groups: the same questions once per row (e.g. each partner company).

A row's fields are those of ordinary questions named ``<group>__<row>__<question>`` (rows
count from 1), so every kind of question works in a row with its own handler. The number
of rows is fixed, computed from an earlier answer, or chosen by the participant with the
"add another" and "remove" buttons (server-side: the page is posted and shown again). The
rows are stored as one answer, a list of ``{question: value}``.
"""

from __future__ import annotations

import math
from typing import Any

from wtforms import StringField
from wtforms.fields.core import UnboundField

from mel.surveys.conditions import evaluate
from mel.surveys.expr import ROW, Expression
from mel.surveys.expr.values import to_number
from mel.web.survey.field_base import Handler

ADD = "add:"
REMOVE = "remove:"


class RepeatHandler(Handler):
    """A group of questions asked once per row; its fields depend on the number of rows."""

    kind = "repeat"
    multiple = False

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._rows: dict[int, list[Handler]] = {}

    def fields(self) -> list[tuple[str, UnboundField]]:
        return []  # made per request by `fields_for`, as the number of rows varies

    @property
    def adds(self) -> bool:
        """Whether the participant chooses the number of rows ("add another")."""
        return self.question.repeat_count is None

    def count_name(self) -> str:
        """Return the hidden field that carries the shown number of rows (add another)."""
        return f"{self.question.name}__rows"

    def row_handlers(self, row: int) -> list[Handler]:
        """Return the handlers of row `row` (made once per row)."""
        found = self._rows.get(row)
        if found is None:
            from mel.web.survey.fields import handler_for  # fields registers this class

            found = [
                handler_for(
                    inner.model_copy(update={"name": f"{self.question.name}__{row}__{inner.name}"}),
                    self.survey,
                    self.lang,
                )
                for inner in self.question.questions or []
            ]
            self._rows[row] = found
        return found

    def row_count(self, answers: dict[str, Any], posted: Any = None) -> int:
        """Return how many rows to show, given the answers and the posted form (if any)."""
        limit = self.question.row_limit()
        rule = self.question.repeat_count
        if isinstance(rule, Expression):
            number = to_number(rule.value(answers))
            return min(max(int(number), 0), limit) if math.isfinite(number) else 0
        if isinstance(rule, int):
            return min(rule, limit)
        if posted is not None and self.count_name() in posted:
            try:
                return min(max(int(posted.get(self.count_name(), "")), 0), limit)
            except ValueError:
                pass
        stored = answers.get(self.question.name)
        return min(len(stored) if isinstance(stored, list) else 1, limit)

    def asked(self, row: int, answers: dict[str, Any]) -> list[Handler]:
        """Return the handlers of row `row` whose questions are relevant."""
        known = {**answers, ROW: row}  # position(..) is this row
        return [h for h in self.row_handlers(row) if evaluate(h.question.relevant, known)]

    def fields_for(
        self, count: int, answers: dict[str, Any]
    ) -> list[tuple[str, UnboundField, bool]]:
        """Return (name, unbound field, may repeat) of `count` rows (and the row count)."""
        found = [
            (name, field, handler.multiple)
            for row in range(1, count + 1)
            for handler in self.asked(row, answers)
            for name, field in handler.form_fields()
        ]
        if self.adds:
            found.append((self.count_name(), StringField(), False))
        return found

    def rows_in(self, form: Any) -> int:
        """Return the number of rows a bound form holds."""
        row = 0
        while any(name in form for name in self._names(row + 1)):
            row += 1
        return row

    def _names(self, row: int) -> list[str]:
        return [name for h in self.row_handlers(row) for name, _ in h.form_fields()]

    def to_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        rows = answers.get(self.question.name)
        data: dict[str, Any] = {}
        for row, values in enumerate(rows if isinstance(rows, list) else [], start=1):
            if row > self.question.row_limit() or not isinstance(values, dict):
                break
            for inner, handler in zip(
                self.question.questions or [], self.row_handlers(row), strict=True
            ):
                own = {handler.question.name: values.get(inner.name)}
                if inner.other:
                    own[f"{handler.question.name}__other"] = values.get(f"{inner.name}__other")
                data.update(handler.to_form(own))
        return data

    def from_form(self, form: Any) -> dict[str, Any]:
        rows = []
        for row in range(1, self.rows_in(form) + 1):
            values: dict[str, Any] = {}
            for inner, handler in zip(
                self.question.questions or [], self.row_handlers(row), strict=True
            ):
                names = [name for name, _ in handler.form_fields()]
                if not names or not all(name in form for name in names):
                    continue  # a note, or a question not asked in this row
                found = handler.from_form(form)
                values[inner.name] = found.get(handler.question.name)
                if inner.has_other:
                    values[f"{inner.name}__other"] = found.get(f"{handler.question.name}__other")
            if self.adds and all(v in (None, "", []) for v in values.values()):
                continue  # a row added and left empty is no row
            rows.append(values)
        return {self.question.name: rows}

    def error_field(self) -> str:
        return self.count_name()
