"""Assemble each respondent's answers from the columns, applying skip logic as the web does.

Only answers to pages that show and questions that are relevant are kept, in page order,
with the same `evaluate` the participant pages use (remembered per combination of the
answers a condition reads, which keeps 100,000 respondents fast).
"""

from __future__ import annotations

from typing import Any

from mel.demo.answers import Column
from mel.surveys.conditions import Condition, evaluate
from mel.surveys.expr import to_stored
from mel.surveys.schema import InstrumentDefinition


class Relevance:
    """`evaluate` of one condition, remembered per combination of the answers it reads."""

    def __init__(self, condition: Condition) -> None:
        self.condition = condition
        self.names = sorted({name for _, name, _ in condition.questions()})
        self.known: dict[tuple[Any, ...], bool] = {}

    def __call__(self, answers: dict[str, Any]) -> bool:
        key = tuple(_hashable(answers.get(name)) for name in self.names)
        if key not in self.known:
            self.known[key] = evaluate(self.condition, answers)
        return self.known[key]


def _hashable(value: Any) -> Any:
    return (type(value).__name__, tuple(value) if isinstance(value, list) else value)


def assemble(
    survey: InstrumentDefinition, columns: dict[str, Column], pages_done: list[int]
) -> list[dict[str, Any]]:
    """Per respondent, keep the answers of the pages done that show and questions relevant."""

    def rule(condition: Condition | None) -> Relevance | None:
        return None if condition is None else Relevance(condition)

    plan = [
        (
            rule(page.relevant),
            [
                (
                    rule(q.relevant),
                    [] if q.calculation else [(k, columns[k]) for k in q.columns()],
                    q.calculation,
                )
                for q in page.questions
                if q.columns()
            ],
        )
        for page in survey.pages
    ]
    names = {
        id(questions): [q.name for q in page.questions if q.columns()]
        for (_, questions), page in zip(plan, survey.pages, strict=True)
    }
    result: list[dict[str, Any]] = []
    for i, done in enumerate(pages_done):
        answers: dict[str, Any] = {}
        for page_relevant, questions in plan[:done]:
            if page_relevant is not None and not page_relevant(answers):
                continue
            for (relevant, keys, calculation), question in zip(
                questions, names[id(questions)], strict=True
            ):
                if relevant is not None and not relevant(answers):
                    continue
                if calculation is not None:  # computed as the web does (flow.clean_answers)
                    value = to_stored(calculation.value(answers))
                    if value is not None:
                        answers[question] = value
                    continue
                for key, column in keys:
                    value = column[i]
                    if value is not None:
                        answers[key] = value
        result.append(answers)
    return result
