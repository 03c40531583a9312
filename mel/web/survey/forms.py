"""A dynamic WTForms form per survey page, and what the page template needs to show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms.form import BaseForm

from mel.surveys.conditions import evaluate
from mel.surveys.schema import OTHER, InstrumentDefinition, Page
from mel.web.survey.choice_fields import ChoiceHandler, LikertHandler
from mel.web.survey.date_field import DateHandler
from mel.web.survey.fields import Handler, handler_for
from mel.web.survey.piped import PersonalOptions, Piper
from mel.web.survey.repeat_field import REMOVE, RepeatHandler

# Form keys that are not answers: CSRF token, the pressed button, the final submission id.
CONTROL_FIELDS = ("csrf_token", "_action", "_submission")
_CACHE_SIZE = 1024  # (survey, page, language) entries; a deployment has a few dozen
_HANDLERS: dict[tuple[int, str, str], tuple[InstrumentDefinition, list[Handler]]] = {}


@dataclass
class Item:
    """One question as the template shows it."""

    handler: Handler
    kind: str
    name: str
    id: str
    label: str
    hint: str | None
    hints: list[str]
    required: bool
    errors: list[str]
    value: Any = None
    options: tuple[tuple[str, str], ...] = ()
    rows: list[Row] = field(default_factory=list)
    other: Row | None = None
    parts: list[Part] = field(default_factory=list)
    personal: bool = False  # shows a participant's answers (piping): never cached
    groups: list[Group] = field(default_factory=list)  # a repeat group's rows
    count_name: str | None = None  # a repeat's hidden row count ("add another")
    can_add: bool = False

    @property
    def described_by(self) -> str:
        """Return the ids of this question's hint and error, for aria-describedby."""
        ids = []
        if self.hint or self.hints:
            ids.append(f"{self.id}-hint")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass
class Group:
    """One row of a repeat group: its legend, its questions and its remove button."""

    legend: str
    items: list[Item]
    remove: str | None = None  # the value of its "remove" button, if rows can be removed


@dataclass
class Row:
    """One statement of a Likert question."""

    name: str
    id: str
    label: str
    value: Any
    errors: list[str]


@dataclass
class Part:
    """One box of a date (day, month or year); `invalid` marks the boxes to correct."""

    name: str
    id: str
    label: str
    value: str
    invalid: bool


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
                checks.extend((h, {**known, **values}) for h in handler.row_handlers(row))
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
            for message, anchor in _item_errors(item)
        ]

    def items(self) -> list[Item]:
        """Return the view of every relevant question, in page order."""
        return [_item(handler, self.form, self.stored) for handler in self.handlers]

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


def offered(handler: Handler, answers: dict[str, Any]) -> set[str] | None:
    """Return the choice values a filtered question offers (None: not filtered)."""
    question = handler.question
    if question.choice_filter is None:
        return None
    choices = handler.survey.choices.get(question.choices or "", [])
    return {str(c.value) for c in choices if question.choice_filter.allows(answers, c.filter_row())}


def _item(handler: Handler, form: BaseForm, answers: dict[str, Any]) -> Item:
    """Build the template view of one question from its handler and bound fields."""
    question = handler.question
    piper = Piper(handler.survey, answers, handler.lang)
    options = handler.option_list()
    allowed = offered(handler, answers)
    if allowed is not None or any("${" in label for _, label in options):
        options = PersonalOptions(
            (value, piper(label))
            for value, label in options
            if allowed is None or value in allowed or value == OTHER
        )
    item = Item(
        handler=handler,
        kind=handler.kind,
        name=question.name,
        id=f"q-{question.name}",
        label=piper(question.label.get(handler.lang)),
        hint=piper(question.hint.get(handler.lang)) if question.hint else None,
        hints=handler.hints(),
        required=question.required_now(answers),
        errors=[],
        options=options,
    )
    item.personal = piper.used or allowed is not None
    if isinstance(handler, RepeatHandler):
        _repeat_rows(item, handler, form, answers)
        return item
    if isinstance(handler, LikertHandler):
        item.rows = [
            Row(
                name=name,
                id=f"q-{name}",
                label=label,
                value=form[name].data,
                errors=list(form[name].errors),
            )
            for name, label in handler.rows()
        ]
        item.errors = [e for row in item.rows for e in row.errors]
    elif isinstance(handler, DateHandler):
        day = form[handler.part_name("day")]
        wrong = getattr(day, "wrong", ()) if day.errors else ()
        item.parts = [
            Part(
                name=handler.part_name(part),
                id=f"{item.id}-{part}",
                label=handler.text(f"date_{part}"),
                value=form[handler.part_name(part)].data or "",
                invalid=part in wrong,
            )
            for part in handler.parts
        ]
        typed = [p.value for p in item.parts if p.value]
        item.value = typed or None  # None while empty: the question's HTML can be cached
        item.errors = list(day.errors)
    elif question.name in form:
        item.value = form[question.name].data
        item.errors = list(form[question.name].errors)
    if isinstance(handler, ChoiceHandler) and handler.has_other():
        name = handler.other_name()
        item.other = Row(
            name=name,
            id=f"q-{name}",
            value=form[name].data,
            label=handler.text("other_text"),
            errors=list(form[name].errors),
        )
    return item


def _repeat_rows(item: Item, handler: RepeatHandler, form: BaseForm, answers: dict) -> None:
    """Fill a repeat item's rows: one group of question items per row."""
    question = handler.question
    count = handler.rows_in(form)
    own = question.row_label.get(handler.lang) if question.row_label else None
    for row in range(1, count + 1):
        items = [_item(h, form, answers) for h in handler.asked(row, answers)]
        legend = f"{own} {row}" if own else handler.text("repeat_row", n=row)
        remove = f"{REMOVE}{question.name}:{row}" if handler.adds else None
        item.groups.append(Group(legend=legend, items=items, remove=remove))
    item.personal = True  # rows differ per participant: never cached
    if handler.adds:
        item.count_name = handler.count_name()
        item.can_add = count < question.row_limit()


def _item_errors(item: Item) -> list[tuple[str, str]]:
    """Pair each message, named after its question, with the first control it concerns."""
    if item.groups:
        return [
            (f"{group.legend}: {message}", anchor)
            for group in item.groups
            for sub in group.items
            for message, anchor in _item_errors(sub)
        ]
    if item.rows:  # row messages already name their statement
        return [(message, f"{row.id}-0") for row in item.rows for message in row.errors]
    wrong = [part.id for part in item.parts if part.invalid] or [part.id for part in item.parts]
    first = wrong[0] if wrong else f"{item.id}-0" if item.options else item.id
    found = [(_named(item.label, message), first) for message in item.errors]
    if item.other is not None:
        found += [(_named(item.label, message), item.other.id) for message in item.other.errors]
    return found


def _named(label: str, message: str) -> str:
    """Put the question before a message: 'Hoe groot? Kies een antwoord'."""
    label = label.strip()
    return f"{label} {message}" if label[-1:] in "?.!:" else f"{label}: {message}"
