"""Long frames of repeat groups: one row per repeat row, linked to its response.

A repeat group (e.g. the partner companies of a pps) is stored in its response as a list
of rows. Its long frame has one row per stored row of every response in the analysis frame
(`mel.data.frame`), with ``response_id``, the row number ``row`` (from 1), the design
columns of the response (``unit``, ``stratum``, ``weight``, ``fpc_units`` …, so the rows
can be analysed as clustered in their unit) and the row's answers, typed as in the
analysis frame (numbers as floats, select_multiple as 0/1 columns ``question__value``).
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Text, cast
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data.answers import answer_columns, decode_answers
from mel.data.frame import FrameError, frame
from mel.models import InstrumentVersion, Response
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition, Page, Question

LINK_COLUMNS = [
    "response_id",
    "row",
    "respondent",
    "unit",
    "unit_kind",
    "stratum",
    "fpc_units",
    "fpc_persons",
    "weight",
]


def repeat_groups(definitions: list[InstrumentDefinition]) -> dict[str, Question]:
    """Return the repeat groups of every version by name, latest definition first."""
    found: dict[str, Question] = {}
    for definition in reversed(definitions):
        for question in definition.questions():
            if question.type == "repeat":
                found.setdefault(question.name, question)
    return found


def row_definitions(
    definitions: list[InstrumentDefinition], name: str
) -> list[InstrumentDefinition]:
    """Return each version's repeat group `name` as a definition of its row questions."""
    rows = []
    for definition in definitions:
        for question in definition.questions():
            if question.name == name and question.type == "repeat":
                page = Page(name="rows", questions=[q for q in question.questions or []])
                rows.append(definition.model_copy(update={"pages": [page]}))
    return rows


def repeat_frame(
    engine: Engine,
    *,
    programme: str,
    wave: str,
    instrument: str,
    repeat: str,
    language: str = "nl",
    wide: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the long frame of repeat group `repeat` (see the module docstring).

    `wide` is the analysis frame of the same wave and instrument, when already built.
    """
    if wide is None:
        wide = frame(
            engine, programme=programme, wave=wave, instrument=instrument, language=language
        )
    with Session(engine) as session:
        versions = session.exec(
            select(InstrumentVersion)
            .where(col(InstrumentVersion.id).in_(_version_ids(session, instrument)))
            .order_by(col(InstrumentVersion.version))
        ).all()
        definitions = [load_version(v) for v in versions]
        if repeat not in repeat_groups(definitions):
            raise FrameError(f"no repeat group {repeat!r} in instrument {instrument!r}")
        ids = set(wide["response_id"])
        found = session.connection().execute(
            select(Response.public_id, cast(Response.answers, Text))
            .where(
                col(Response.instrument_version_id).in_([v.id for v in versions]),
                Response.status == "complete",
            )
            .order_by(col(Response.id))
        )
        rows = [(rid, text) for rid, text in found if rid in ids]
    owners: list[str] = []
    numbers: list[int] = []
    texts: list[str] = []
    for (rid, _), answers in zip(rows, decode_answers([t for _, t in rows]), strict=True):
        stored = answers.get(repeat)
        for number, values in enumerate(stored if isinstance(stored, list) else [], start=1):
            if isinstance(values, dict):
                owners.append(rid)
                numbers.append(number)
                texts.append(json.dumps(values))
    index = pd.RangeIndex(len(texts))
    inner = row_definitions(definitions, repeat)
    answers_frame = answer_columns(texts, index, inner)
    design = wide[[c for c in LINK_COLUMNS if c in wide.columns]].set_index("response_id")
    link = design.reindex(owners).reset_index()
    link.index = index
    link.insert(1, "row", pd.Series(numbers, index=index, dtype="int64"))
    result = pd.concat([link, answers_frame], axis=1)
    result.attrs.update(_labels(inner, repeat, language))
    return result


def _version_ids(session: Session, instrument: str) -> list[int]:
    from mel.models import Instrument

    found = session.exec(
        select(InstrumentVersion.id).join(Instrument).where(Instrument.code == instrument)
    ).all()
    return [int(v) for v in found if v is not None]


def _labels(definitions: list[InstrumentDefinition], repeat: str, language: str) -> dict:
    """Variable and value labels of a long frame (as the analysis frame's)."""
    from mel.data.frame_labels import frame_labels

    labels = frame_labels(definitions, language) if definitions else {}
    labels["repeat"] = repeat
    return labels
