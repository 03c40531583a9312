"""A dynamic WTForms form per survey page, and what the page template needs to show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms.form import BaseForm

from mel.surveys.conditions import evaluate
from mel.surveys.expr import ROW
from mel.surveys.schema import OTHER, InstrumentDefinition, Page
from mel.web.survey.fields import Handler, handler_for
from mel.web.survey.items import Item, item_errors, item_view, offered
from mel.web.survey.repeat_field import RepeatHandler

__all__ = ["CONTROL_FIELDS", "Item", "PageForm", "build_page_form", "page_handlers"]

# Form keys that are not answers: CSRF token, the pressed button, the final submission id.
CONTROL_FIELDS = ("csrf_token", "_action", "_submission")
_CACHE_SIZE = 1024  # (survey, page, language) entries; a deployment has a few dozen
_HANDLERS: dict[tuple[int, str, str], tuple[InstrumentDefinition, list[Handler]]] = {}


@dataclass
class PageForm:
    """A page's form: the WTForms form and the handlers of its relevant questions."""

    form: BaseForm
    handlers: list[Handler]
    stored: dict[str, Any] = field(default_factory=dict)
    allowed: dict[str, bool] = field(default_factory=dict)  # posted names: may repeat?

    def validate(self) -> bool:
        """Check every field, then the rules that read other answers (a constraint or a
        `required` written as an expression) with this page's answers applied; errors
        land on the fields."""
        valid = self.form.validate()
        known = {**self.stored, **self.answers()}
        checks: list[tuple[Handler, dict[str, Any]]] = []
        for handler in self.handlers:
            if not isinstance(handler, RepeatHandler):
                checks.append((handler, known))
                continue
            # In a row, ${name} of a question of the group means this row's answer.
            rows = handler.from_form(self.form)[handler.question.name]
            for row in range(1, handler.rows_in(self.form) + 1):
                values = rows[row - 1] if row <= len(rows) else {}
                own = {**known, **values, ROW: row}
                checks.extend((h, own) for h in handler.row_handlers(row))
        for handler, answers in checks:
            if not handler.form_fields() or handler.error_field() not in self.form:
                continue  # a note asks nothing; a row question that is not relevant
            message = self._rule_error(handler, answers)
            if message is not None:
                self.form[handler.error_field()].errors = [message]
                valid = False
        return valid

    def _rule_error(self, handler: Handler, known: dict[str, Any]) -> str | None:
        """Return what breaks a rule that reads other answers: a `required` or constraint
        expression, or a choice the question's filter does not offer (None: all well)."""
        question, target = handler.question, self.form[handler.error_field()]
        if target.errors:
            return None
        values = handler.from_form(self.form)
        empty = all(values.get(c) in (None, "", []) for c in question.columns())
        rule = question.constraint.expression if question.constraint else None
        allowed = offered(handler, self.stored)
        chosen = values.get(question.name)
        chosen = chosen if isinstance(chosen, list) else [chosen]
        if empty and question.required_now(known):
            return handler.required_message()
        if allowed is not None and any(
            v not in (None, OTHER) and str(v) not in allowed for v in chosen
        ):
            return handler.text("err_choice")
        if not empty and rule is not None and not rule.holds(known, handler.answer(values)):
            return handler.message("err_constraint")
        return None

    def answers(self) -> dict[str, Any]:
        """Return the stored form of every answer that passed its checks."""
        result: dict[str, Any] = {}
        for handler in self.handlers:
            result.update(handler.from_form(self.form))
        return result

    def errors(self) -> list[tuple[str, str]]:
        """Return (message, target id) for the error summary, in page order."""
        return [
            (message, f"#{anchor}")
            for item in self.items()
            for message, anchor in item_errors(item)
        ]

    def items(self) -> list[Item]:
        """Return the view of every relevant question, in page order."""
        return [item_view(handler, self.form, self.stored) for handler in self.handlers]

    def unknown_keys(self, formdata: MultiDict[str, str], *, final: bool) -> list[str]:
        """Return posted keys this page does not expect, or single fields posted twice."""
        allowed: dict[str, bool] = {"csrf_token": False, "_action": False, "_language": False}
        if final:
            allowed["_submission"] = False
        allowed.update(self.allowed)
        return sorted(
            key
            for key in formdata.keys()
            if key not in allowed or (not allowed[key] and len(formdata.getlist(key)) > 1)
        )


def page_handlers(survey: InstrumentDefinition, page: Page, lang: str) -> list[Handler]:
    """Return the handlers of a page's questions, made once per survey, page and language.

    Handlers and their unbound fields depend only on the definition, which never changes
    for a version (`entry.definition` keeps one object per version), so each request only
    binds fresh fields. The survey object is kept with its entry: a recycled id() never
    matches another survey.
    """
    key = (id(survey), page.name, lang)
    found = _HANDLERS.get(key)
    if found is not None and found[0] is survey:
        return found[1]
    handlers = [handler_for(q, survey, lang) for q in page.questions]
    if len(_HANDLERS) >= _CACHE_SIZE:
        _HANDLERS.clear()
    _HANDLERS[key] = (survey, handlers)  # a race only builds twice: both are equal
    return handlers


def build_page_form(
    survey: InstrumentDefinition,
    page: Page,
    answers: dict[str, Any],
    lang: str,
    formdata: MultiDict[str, str] | None = None,
    rows: int | None = None,
) -> PageForm:
    """Compose the form of a page's relevant questions, filled from a post or from answers.

    `rows` overrides the number of rows of "add another" repeat groups (after a press of
    "add another" the page is shown again with one more).
    """
    handlers = [
        h
        for h in page_handlers(survey, page, lang)
        if h.question.type != "calculate" and evaluate(h.question.relevant, answers)
    ]
    fields: list[tuple[str, Any, bool]] = []
    for h in handlers:
        if isinstance(h, RepeatHandler):
            count = rows if rows is not None and h.adds else h.row_count(answers, formdata)
            fields.extend(h.fields_for(count, answers))
        else:
            fields.extend((name, unbound, h.multiple) for name, unbound in h.form_fields())
    form = BaseForm([(name, unbound) for name, unbound, _ in fields])
    if formdata is not None:
        form.process(formdata)
    else:
        data: dict[str, Any] = {}
        for handler in handlers:
            data.update(handler.to_form(answers))
        form.process(None, data=data)
    allowed = {name: multiple for name, _, multiple in fields}
    return PageForm(form=form, handlers=handlers, stored=answers, allowed=allowed)
