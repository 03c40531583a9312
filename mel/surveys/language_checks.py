"""Which languages a survey carries, and the texts that lack one of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from mel.surveys.languages import language_name
from mel.surveys.text import LocalText
from mel.surveys.yamlfile import Location


def texts(model: Any, where: Location = ()) -> Iterator[tuple[Location, LocalText]]:
    """Yield (location, text) for every `LocalText` in a file model, in file order."""
    if isinstance(model, LocalText):
        yield where, model
    elif isinstance(model, BaseModel):
        for name, info in type(model).model_fields.items():
            yield from texts(getattr(model, name), (*where, info.alias or name))
    elif isinstance(model, list | tuple):
        for index, item in enumerate(model):
            yield from texts(item, (*where, index))
    elif isinstance(model, dict):
        for key, item in model.items():
            yield from texts(item, (*where, key))


def carried(model: Any) -> tuple[str, ...]:
    """Return the languages a model's texts carry: nl, en if any text has it, then the rest."""
    found = {code for _, text in texts(model) for code in text.languages}
    return ("nl", *(["en"] if "en" in found else []), *sorted(found - {"nl", "en"}))


def check_languages(model: Any) -> Iterator[tuple[Location, str]]:
    """Yield a problem for each text that lacks a further language other texts carry.

    English stays optional (it falls back to Dutch); a language besides nl and en that
    one text has must be in every text, so that no participant meets a stray Dutch or
    English text on a page in their language.
    """
    found = list(texts(model))
    others = sorted({code for _, text in found for code in text.others})
    for where, text in found:
        missing = [code for code in others if code not in text.others]
        if missing:
            names = ", ".join(f"{code} ({language_name(code)})" for code in missing)
            yield where, f"no text in {names}, which other texts of the survey carry"
