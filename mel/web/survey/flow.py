"""Page routing decided on the server: which pages show, in what order, and what is kept.

Conditions (`relevant`) only refer to questions on earlier pages, so one pass in page order
decides everything: a page shows when its own condition holds and at least one of its
questions is relevant; answers to questions that are not shown are dropped.
"""

from __future__ import annotations

from typing import Any

from mel.surveys.conditions import Condition, evaluate
from mel.surveys.expr import ROW, Expression, to_stored
from mel.surveys.plausibility import reason_key
from mel.surveys.schema import InstrumentDefinition, Page, Question


def page_index(survey: InstrumentDefinition, name: str) -> int | None:
    """Return the position of the page called `name`, or None."""
    return next((i for i, page in enumerate(survey.pages) if page.name == name), None)


def shows(page: Page, answers: dict[str, Any]) -> bool:
    """Decide whether a page is shown given the answers so far (a page of calculations
    alone is never shown: it has nothing to ask)."""
    return evaluate(page.relevant, answers) and any(
        q.type != "calculate" and evaluate(q.relevant, answers) for q in page.questions
    )


def stored_keys(question: Question) -> list[str]:
    """Return the answer keys a question stores (its columns, plus an "other" text, or the
    reason given for an answer flagged as implausible)."""
    if question.other and question.type in ("select_one", "select_multiple"):
        return [*question.columns(), f"{question.name}__other"]
    if question.plausible is not None:
        return [*question.columns(), reason_key(question.name)]
    return question.columns()


def clean_answers(survey: InstrumentDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """Keep only answers to questions that are still shown (in page order), and compute
    each relevant calculation from the answers before it."""
    kept: dict[str, Any] = {}
    for page in survey.pages:
        if not evaluate(page.relevant, kept):
            continue
        for question in page.questions:
            if not evaluate(question.relevant, kept):
                continue
            if question.calculation is not None:
                kept[question.name] = to_stored(question.calculation.value(kept))
                continue
            kept.update({c: answers[c] for c in stored_keys(question) if c in answers})
    return kept


def next_page(survey: InstrumentDefinition, index: int, answers: dict[str, Any]) -> int | None:
    """Return the first page after `index` that shows, or None at the end."""
    return next(
        (i for i in range(index + 1, len(survey.pages)) if shows(survey.pages[i], answers)), None
    )


def previous_page(survey: InstrumentDefinition, index: int, answers: dict[str, Any]) -> int | None:
    """Return the last page before `index` that shows, or None at the start."""
    return next((i for i in range(index - 1, -1, -1) if shows(survey.pages[i], answers)), None)


def _referenced(condition: Condition | Expression | None) -> set[str]:
    """Return the names of the questions a condition refers to."""
    return {name for _, name, _ in condition.questions()} if condition else set()


def _undecided(survey: InstrumentDefinition, index: int, later: int) -> bool:
    """Whether page `later` depends on questions of pages `index`..`later`-1."""
    page = survey.pages[later]
    names = _referenced(page.relevant).union(*(_referenced(q.relevant) for q in page.questions))
    between = {q.name for p in survey.pages[index:later] for q in p.questions}
    return bool(names & between)


def is_final(survey: InstrumentDefinition, index: int, answers: dict[str, Any]) -> bool:
    """Whether page `index` is certainly the last one, whatever is answered on it."""
    return all(
        not shows(survey.pages[j], answers) and not _undecided(survey, index, j)
        for j in range(index + 1, len(survey.pages))
    )


def progress(survey: InstrumentDefinition, index: int, answers: dict[str, Any]) -> tuple[int, int]:
    """Return (this page's number, expected number of pages) among shown pages."""
    number = sum(1 for i in range(index + 1) if shows(survey.pages[i], answers))
    ahead = sum(
        1
        for j in range(index + 1, len(survey.pages))
        if shows(survey.pages[j], answers) or _undecided(survey, index, j)
    )
    return max(number, 1), max(number, 1) + ahead


def resume_page(survey: InstrumentDefinition, current: int, answers: dict[str, Any]) -> int | None:
    """Return where a participant continues: the furthest page reached, if it still shows."""
    current = min(max(current, 0), len(survey.pages) - 1)
    if shows(survey.pages[current], answers):
        return current
    return next_page(survey, current, answers)


def first_incomplete(survey: InstrumentDefinition, answers: dict[str, Any]) -> int | None:
    """Return the first shown page with a required answer missing, or None."""
    for i, page in enumerate(survey.pages):
        if not shows(page, answers):
            continue
        for question in page.questions:
            if not evaluate(question.relevant, answers):
                continue
            if question.required_now(answers) and any(
                answers.get(c) in (None, "", []) for c in question.columns()
            ):
                return i
            if question.type == "repeat" and _row_missing(question, answers):
                return i
    return None


def _row_missing(group: Question, answers: dict[str, Any]) -> bool:
    """Whether a stored row of a repeat group lacks an answer its row requires (a row can
    be saved half-filled by "back" or "add another", and the page passed by a resume)."""
    rows = answers.get(group.name)
    for number, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        if not isinstance(row, dict):
            continue
        known = {**answers, **row, ROW: number}
        for inner in group.questions or []:
            if (
                inner.type != "note"
                and evaluate(inner.relevant, {**answers, ROW: number})
                and inner.required_now(known)
                and row.get(inner.name) in (None, "", [])
            ):
                return True
    return False
