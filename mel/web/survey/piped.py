"""Earlier answers written into a page's texts (``${name}``), as a participant reads them."""

from __future__ import annotations

from datetime import date
from typing import Any

from mel.i18n import translate
from mel.present.numbers import format_date
from mel.surveys.piping import answer_of, pipe
from mel.surveys.schema import CHOICE_TYPES, InstrumentDefinition
from mel.web.survey.values import field_number


class PersonalOptions(tuple):  # type: ignore[type-arg]
    """Options whose labels carry a participant's answers: never cached (see cached_html)."""


class Piper:
    """Fills ``${name}`` in texts from one participant's answers, in one language."""

    def __init__(self, survey: InstrumentDefinition, answers: dict[str, Any], lang: str) -> None:
        self.survey = survey
        self.answers = answers
        self.lang = lang
        self.used = False  # whether any text was filled (the page is then personal)

    def __call__(self, text: str) -> str:
        """Return `text` with every piped answer written in."""
        filled = pipe(text, self.show)
        self.used = self.used or filled != text or "${" in text
        return filled

    def show(self, name: str) -> str:
        """Write the answer to `name`: choice labels, numbers and dates as people write them."""
        value = answer_of(self.answers, name)
        if value is None:
            return ""
        try:
            question = self.survey.question(name)
        except KeyError:
            return str(value)
        if question.type in CHOICE_TYPES:
            labels = {
                str(c.value): c.label.get(self.lang)
                for c in self.survey.choices.get(question.choices or "", [])
            }
            chosen = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(str(v), str(v)) for v in chosen)
        if isinstance(value, bool):
            word = "yes" if value else "no"  # (a literal pair in the call would be misread)
            return translate(word, self.lang)
        if isinstance(value, int | float):
            return field_number(value, self.lang)
        if question.type == "date" and isinstance(value, str):
            try:
                return format_date(date.fromisoformat(value), self.lang)
            except ValueError:
                return value
        return str(value)
