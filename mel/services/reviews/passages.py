"""The answers of a review that can be coded, and finding a passage in one of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mel.surveys.schema import InstrumentDefinition

SELF, FINDING, ACTION = "self_evaluation", "finding", "action"
PARTS = (SELF, FINDING, ACTION)


class PassageError(ValueError):
    """A passage that is not part of the answer; `key` is the message to show."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Answer:
    """A codable answer: its key, the theme and part of the review it belongs to, its text."""

    key: str  # a question's name, or <group>.<row>.<question> in the actions group
    theme: str | None
    part: str  # self_evaluation | finding | action
    text: str


def codable(survey: InstrumentDefinition, answers: dict[str, Any]) -> list[Answer]:
    """Return the answers of a review that can be coded, in the order of the review."""
    review = survey.review
    if review is None:
        return []
    found = []
    for theme in review.themes:
        for part, name in ((SELF, theme.self_evaluation), (FINDING, theme.finding)):
            text = answers.get(name)
            if isinstance(text, str) and text.strip():
                found.append(Answer(name, theme.name, part, text))
    rows = answers.get(review.actions.group)
    for i, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        text = row.get(review.actions.action) if isinstance(row, dict) else None
        if isinstance(text, str) and text.strip():
            key = f"{review.actions.group}.{i}.{review.actions.action}"
            named = row.get(review.actions.theme) if review.actions.theme else None
            found.append(Answer(key, named if isinstance(named, str) else None, ACTION, text))
    return found


def answer(survey: InstrumentDefinition, answers: dict[str, Any], key: str) -> Answer | None:
    """Return the codable answer called `key`, None if there is none."""
    return next((a for a in codable(survey, answers) if a.key == key), None)


def locate(text: str, excerpt: str, start: int | None = None) -> tuple[int, int]:
    """Return where `excerpt` is in `text` as (start, end); an empty excerpt is all of it.

    Spaces and line breaks may differ (a passage copied from a page); when the excerpt
    occurs more than once, `start` picks the occurrence (else the first is taken).
    """
    words = excerpt.split()
    if not words:
        return 0, len(text)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    matches = list(pattern.finditer(text))
    if not matches:
        raise PassageError("review_err_passage")
    chosen = next((m for m in matches if start is not None and m.start() == start), matches[0])
    return chosen.start(), chosen.end()
