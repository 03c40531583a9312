"""Open answers for the dashboards: only for a selection of at least k respondents.

Questions marked `sensitive` are never listed; answers are sorted alphabetically (not in
the order they came in, which could tell who wrote what) and at most TEXT_LIMIT are shown.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.data.frame import frame
from mel.disclosure.cells import cell_shown
from mel.i18n import translate
from mel.models import Programme
from mel.services.dashboards import fielded, matches
from mel.services.filters import FilterError, Filters
from mel.surveys.publish import latest_definition

TEXT_LIMIT = 500  # open answers shown on one page


def open_answers(
    session: Session,
    programme: Programme,
    filters: Filters,
    k: int,
    question: str | None,
    lang: str = "nl",
) -> dict[str, Any]:
    """Text answers of the selection, only when the selection has at least k respondents."""
    choices = []
    for code in sorted(fielded(session, filters.wave)):
        survey = latest_definition(session, code)
        for q in survey.questions() if survey else []:
            if q.type == "text" and not q.sensitive:
                choices.append((f"{code}:{q.name}", q.label))
    result: dict[str, Any] = {"choices": choices, "question": question, "answers": None}
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
    texts = [str(v).strip() for v in chosen.get(name, pd.Series(dtype=object)).dropna()]
    answers = sorted(t for t in texts if t)
    result["total"] = len(answers)
    result["answers"] = answers[:TEXT_LIMIT]
    return result
