"""Open answers for the dashboards: only for a selection of at least k respondents.

Questions marked `sensitive` are never listed; identical answers are listed once with their
count, sorted alphabetically (not in the order they came in, which could tell who wrote
what), searchable, PAGE_SIZE to a page, each with its staff mark (publishable or not) and
the text as the report would print it (`mel.disclosure.quotes.scrub`).
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.data.frame import frame
from mel.disclosure.cells import cell_shown
from mel.disclosure.quotes import digest, scrub
from mel.i18n import translate
from mel.models import Programme
from mel.present.quotes import quote_markers
from mel.services import quotes
from mel.services.dashboards import fielded, matches
from mel.services.filters import FilterError, Filters
from mel.surveys.publish import latest_definition

PAGE_SIZE = 50  # distinct open answers shown on one page


def open_answers(
    session: Session,
    programme: Programme,
    filters: Filters,
    k: int,
    question: str | None,
    lang: str = "nl",
    *,
    search: str = "",
    page: int = 1,
) -> dict[str, Any]:
    """Text answers of the selection, only when the selection has at least k respondents.

    `search` keeps the answers that hold it (case-insensitive); `page` counts from 1.
    """
    choices = text_questions(session, filters)
    result: dict[str, Any] = {
        "choices": choices,
        "question": question,
        "answers": None,
        "search": search,
        "page": 1,
        "pages": 1,
    }
    if not question:
        return result
    if question not in {c for c, _ in choices}:
        raise FilterError(
            translate(
                "staff_err_value",
                lang,
                name="question",
                value=question,
                choices=", ".join(c for c, _ in choices) or "—",
            )
        )
    instrument, name = question.split(":", 1)
    data = frame(
        cast(Engine, session.get_bind()),
        programme=programme.code,
        wave=filters.wave.code,
        instrument=instrument,
    )
    if not cell_shown(data, filters.values, k):
        result["too_small"] = True
        return result
    chosen = data[matches(data, filters.values)]
    texts = [" ".join(str(v).split()) for v in chosen.get(name, pd.Series(dtype=object)).dropna()]
    counts: dict[str, int] = {}
    for text in texts:
        if text:
            counts[text] = counts.get(text, 0) + 1
    needle = search.strip().casefold()
    found = sorted(t for t in counts if needle in t.casefold())
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    marked = quotes.marked(session, filters.wave, instrument, name)
    markers = quote_markers(lang)
    result["total"] = sum(counts.values())
    result["matching"] = len(found)
    result["page"], result["pages"] = page, pages
    result["answers"] = [
        {
            "text": text,
            "count": counts[text],
            "digest": digest(text),
            "publishable": digest(text) in marked,
            "printed": scrub(text, markers, keep=[programme.label_nl, programme.label_en]),
        }
        for text in found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    return result


def text_questions(session: Session, filters: Filters) -> list[tuple[str, Any]]:
    """The wave's open questions that staff may read, as ("instrument:name", label)."""
    choices = []
    for code in sorted(fielded(session, filters.wave)):
        survey = latest_definition(session, code)
        for q in survey.questions() if survey else []:
            if q.type == "text" and not q.sensitive:
                choices.append((f"{code}:{q.name}", q.label))
    return choices


def answer_digests(
    session: Session, programme: Programme, filters: Filters, question: str
) -> set[str]:
    """Digests of every answer of `question` in the wave (for checking a mark)."""
    instrument, name = question.split(":", 1)
    data = frame(
        cast(Engine, session.get_bind()),
        programme=programme.code,
        wave=filters.wave.code,
        instrument=instrument,
    )
    values = data.get(name, pd.Series(dtype=object)).dropna()
    return {digest(str(v)) for v in values if str(v).strip()}
