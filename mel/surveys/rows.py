"""Repeat groups in expressions: which questions are asked per row of which group.

Every expression of an instrument is told this on load (`bind_rows`), so that count(),
sum(), min(), max(), join() and indexed-repeat() read a group's questions row by row, as
ODK reads a repeat's node-set from outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mel.surveys.expr import Expression

if TYPE_CHECKING:
    from mel.surveys.schema import InstrumentDefinition, Question


def row_groups(survey: InstrumentDefinition) -> dict[str, str]:
    """Return the repeat group of each question asked in its rows, and of each group."""
    found: dict[str, str] = {}
    for question in survey.questions():
        if question.type == "repeat":
            found[question.name] = question.name
            found.update({inner.name: question.name for inner in question.questions or []})
    return found


def _rules(question: Question) -> Iterator[object]:
    yield from (question.relevant, question.required, question.calculation)
    yield from (question.choice_filter, question.repeat_count)
    yield question.constraint.expression if question.constraint else None
    for inner in question.questions or []:
        yield from _rules(inner)


def bind_rows(survey: InstrumentDefinition) -> None:
    """Tell every expression of the instrument which questions are asked per row."""
    rows = row_groups(survey)
    if not rows:
        return
    for page in survey.pages:
        for rule in (page.relevant, *(r for q in page.questions for r in _rules(q))):
            if isinstance(rule, Expression):
                rule.bind_rows(rows)
