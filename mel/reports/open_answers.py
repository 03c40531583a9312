"""Open answers in the report: per instrument the number of answers and a few quotes.

Only questions not marked `sensitive` are shown (the questions of a roster are not: they
name companies). Quotes are printed only for a question that at least k people answered
(`mel.disclosure.quotes.quotes_shown`), are scrubbed of names, e-mail and web addresses
and phone numbers, and are drawn reproducibly: the answers staff marked publishable on the
Open answers page first, then others, in an order fixed by programme, wave and question.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from mel.data.quote_marks import publishable
from mel.disclosure.quotes import quotes_shown as may_quote
from mel.disclosure.quotes import sample_quotes, scrub, shorten
from mel.i18n import translate
from mel.kpi.frames import Frames
from mel.models import Wave
from mel.present.numbers import format_number
from mel.present.quotes import quote_markers
from mel.reports.held import current_frame
from mel.reports.model import OpenAnswers, OpenQuestion, Table
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition

QUOTES = 3  # quotes per question at most


def open_answers(
    engine: Engine,
    programme: ProgrammeDefinition,
    instruments: dict[str, InstrumentDefinition],
    used: list[str],
    frames: Frames,
    wave: Wave,
    language: str,
    k: int,
) -> tuple[list[OpenAnswers], Table]:
    """The open-answer sections of the wave's instruments, and their counts as a table."""
    marks = publishable(engine, wave.id or 0)
    markers = quote_markers(language)
    keep = [programme.label.get("nl"), programme.label.get("en")]
    sections, rows = [], []
    for code in used:
        survey = instruments.get(code)
        questions = [
            q
            for q in (survey.questions() if survey else [])
            if q.type == "text" and not q.sensitive
        ]
        if survey is None or not questions:
            continue
        data = current_frame(frames, wave.code, code)
        shown = []
        for question in questions:
            values = data[question.name] if question.name in data else pd.Series(dtype=object)
            texts = [" ".join(str(v).split()) for v in values.dropna()]
            texts = [t for t in texts if t]
            quotes, note = [], ""
            if may_quote(len(texts), k):
                chosen = sample_quotes(
                    texts,
                    marks.get((code, question.name), set()),
                    QUOTES,
                    f"{programme.programme}/{wave.code}/{code}/{question.name}",
                )
                quotes = [shorten(scrub(t, markers, keep)) for t in chosen]
            elif texts:
                note = translate("open_answers_too_few", language, k=k)
            label = question.label.get(language)
            count = translate(
                "open_answers_count", language, n=format_number(len(texts), 0, language)
            )
            shown.append(OpenQuestion(label, len(texts), quotes, note, count))
            rows.append(
                {
                    "instrument": code,
                    "question": question.name,
                    "answers": len(texts),
                    "quotes": len(quotes),
                }
            )
        sections.append(OpenAnswers(f"open-answers-{code}", survey.title.get(language), shown))
    table = Table(
        "open_answers",
        translate("open_answers", language),
        [],
        [],
        pd.DataFrame(rows, columns=["instrument", "question", "answers", "quotes"]),
    )
    return sections, table
