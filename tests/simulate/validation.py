"""Check stored answers against an instrument definition, generically from its schema."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from mel.surveys.conditions import evaluate
from mel.surveys.plausibility import reason_key
from mel.surveys.schema import InstrumentDefinition, Question

DEFAULT_MAX_CHARS = 2000


def answer_problems(
    survey: InstrumentDefinition, answers: dict[str, Any], *, complete: bool
) -> list[str]:
    """Return what is wrong with one response's answers (empty when they are valid)."""
    # Besides its columns, a census response stores the reason for a flagged answer.
    reasons = {reason_key(q.name) for q in survey.questions() if q.plausible is not None}
    known = set(survey.columns()) | reasons
    problems = [f"unknown key {key!r}" for key in answers if key not in known]
    for page in survey.pages:
        shows = evaluate(page.relevant, answers)
        for question in page.questions:
            relevant = shows and evaluate(question.relevant, answers)
            for key in question.columns():
                value = answers.get(key)
                if not relevant:
                    if key in answers:
                        problems.append(f"{key}: answered but not relevant")
                elif value is None:
                    if complete and question.required:
                        problems.append(f"{key}: required but not answered")
                else:
                    problems.extend(f"{key}: {p}" for p in value_problems(survey, question, value))
                    rule = question.constraint.expression if question.constraint else None
                    if rule is not None and not rule.holds(answers, value):
                        problems.append(f"{key}: {value!r} breaks {rule}")
    return problems


def _choices(survey: InstrumentDefinition, question: Question) -> list[Any]:
    return [c.value for c in survey.choices[question.choices or ""]]


def _is_choice(value: Any, choices: list[Any]) -> bool:
    return any(value == c and type(value) is type(c) for c in choices)


def _in_bounds(question: Question, value: float) -> bool:
    low, high = question.bounds()
    return (low is None or value >= low) and (high is None or value <= high)


def value_problems(survey: InstrumentDefinition, question: Question, value: Any) -> list[str]:
    """Return what is wrong with one stored value of a question."""
    kind = question.type
    constraint = question.constraint
    if kind in ("select_one", "likert"):
        return [] if _is_choice(value, _choices(survey, question)) else [f"{value!r} no choice"]
    if kind == "select_multiple":
        choices = _choices(survey, question)
        if not isinstance(value, list) or not value:
            return [f"{value!r} is not a non-empty list"]
        found = [f"{v!r} no choice" for v in value if not _is_choice(v, choices)]
        if len(set(map(str, value))) != len(value):
            found.append("repeated choice")
        if constraint and constraint.min_selected and len(value) < constraint.min_selected:
            found.append("too few selected")
        if constraint and constraint.max_selected and len(value) > constraint.max_selected:
            found.append("too many selected")
        return found
    if kind in ("integer", "rating", "nps"):
        ok = isinstance(value, int) and not isinstance(value, bool) and _in_bounds(question, value)
        return [] if ok else [f"{value!r} not a whole number in bounds"]
    if kind == "decimal":
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and _in_bounds(question, value)
        )
        return [] if ok else [f"{value!r} not a number in bounds"]
    if kind == "yes_no":
        return [] if isinstance(value, bool) else [f"{value!r} not true/false"]
    if kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return [f"{value!r} not an ISO date"]
        return []
    if kind == "text":
        if not isinstance(value, str) or not value:
            return [f"{value!r} not text"]
        high = constraint.max_length if constraint and constraint.max_length else DEFAULT_MAX_CHARS
        found = [] if len(value) <= high else ["too long"]
        if constraint and constraint.min_length and len(value) < constraint.min_length:
            found.append("too short")
        if constraint and constraint.regex and not re.fullmatch(constraint.regex, value):
            found.append("does not match the pattern")
        return found
    if kind == "time":
        ok = isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value)
        return [] if ok else [f"{value!r} not a time"]
    if kind == "datetime":
        ok = isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", value)
        return [] if ok else [f"{value!r} not a date-time"]
    if kind == "range":
        ok = any(value == v for v in question.steps() or []) and not isinstance(value, bool)
        return [] if ok else [f"{value!r} not one of the range's steps"]
    if kind == "calculate":
        return [] if isinstance(value, int | float | str | bool) else [f"{value!r} not a value"]
    if kind == "repeat":
        return _row_problems(survey, question, value)
    return [f"{kind} questions store nothing"]


def _row_problems(survey: InstrumentDefinition, group: Question, rows: Any) -> list[str]:
    """What is wrong with the rows of a repeat group (each row as its questions say)."""
    if not isinstance(rows, list) or len(rows) > group.row_limit():
        return [f"{rows!r} is not a list of at most {group.row_limit()} rows"]
    found = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            found.append(f"row {number} is no mapping")
            continue
        for inner in group.questions or []:
            value = row.get(inner.name)
            if value is None:
                if inner.required is True:
                    found.append(f"row {number}: {inner.name} required but not answered")
                continue
            problems = value_problems(survey, inner, value)
            found.extend(f"row {number}: {inner.name}: {p}" for p in problems)
    return found
