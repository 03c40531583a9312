"""Piping: earlier answers shown inside labels, hints and choice labels as ``${name}``.

A text like ``"Hoeveel van de ${werknemers} werknemers …"`` shows the answer to
`werknemers` in its place. Only questions on earlier pages can be piped (a page is built on
the server, before its own answers exist); the loader checks that. An unanswered question
shows nothing. How an answer is written (numbers, dates, choice labels) is the caller's
choice (`mel.web.survey.piped`); the page template escapes the result like any text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from mel.surveys.text import LocalText

PIPE = re.compile(r"\$\{([a-z][a-z0-9_]*)\}")


def references(text: str | None) -> list[str]:
    """Return the question names piped into a text, in order, each once."""
    return list(dict.fromkeys(PIPE.findall(text or "")))


def local_references(text: LocalText | None) -> Iterator[tuple[str, str]]:
    """Yield (language key, name) for every question piped into a bilingual text."""
    if text is None:
        return
    for key in ("nl", "en"):
        for name in references(getattr(text, key)):
            yield key, name


def pipe(text: str, show: Callable[[str], str]) -> str:
    """Replace each ``${name}`` with `show(name)`; a text without any is returned as is."""
    if "${" not in text:
        return text
    return PIPE.sub(lambda match: show(match.group(1)), text)


def has_pipes(text: str | None) -> bool:
    """Whether a text pipes any answer."""
    return bool(text) and PIPE.search(text or "") is not None


def answer_of(answers: dict[str, Any], name: str) -> Any:
    """Return the stored answer piped for `name` (None when unanswered)."""
    value = answers.get(name)
    return None if value in ("", []) else value
