"""What the page template shows of each question: items built from handlers and bound fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wtforms.form import BaseForm

from mel.surveys.schema import OTHER
from mel.web.survey.choice_fields import ChoiceHandler, LikertHandler
from mel.web.survey.date_field import DateHandler
from mel.web.survey.field_base import Handler
from mel.web.survey.piped import PersonalOptions, Piper
from mel.web.survey.repeat_field import REMOVE, RepeatHandler


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


def offered(handler: Handler, answers: dict[str, Any]) -> set[str] | None:
    """Return the choice values a filtered question offers (None: not filtered)."""
    question = handler.question
    if question.choice_filter is None:
        return None
    choices = handler.survey.choices.get(question.choices or "", [])
    return {str(c.value) for c in choices if question.choice_filter.allows(answers, c.filter_row())}


def item_view(handler: Handler, form: BaseForm, answers: dict[str, Any]) -> Item:
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
        items = [item_view(h, form, answers) for h in handler.asked(row, answers)]
        legend = f"{own} {row}" if own else handler.text("repeat_row", n=row)
        remove = f"{REMOVE}{question.name}:{row}" if handler.adds else None
        item.groups.append(Group(legend=legend, items=items, remove=remove))
    item.personal = True  # rows differ per participant: never cached
    if handler.adds:
        item.count_name = handler.count_name()
        item.can_add = count < question.row_limit()


def item_errors(item: Item) -> list[tuple[str, str]]:
    """Pair each message, named after its question, with the first control it concerns."""
    if item.groups:
        return [
            (f"{group.legend}: {message}", anchor)
            for group in item.groups
            for sub in group.items
            for message, anchor in item_errors(sub)
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
