"""What kind of wave a wave is: a sample survey, a census (a yearly progress measurement) or
a round of reviews (peer reviews, reflection meetings), from the instruments it fields.

A wave is a census wave when every instrument it fields is a census instrument (``census:``
in its newest version), a review wave when every one is a review (``review:``), and a
survey wave otherwise. KPI pages, trends, trajectories and ``--wave latest`` read survey
waves only; census waves have the progress report and profiles, review waves the review
pages.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from mel.models import Instrument, InstrumentVersion, Wave, WaveInstrument

SURVEY, CENSUS, REVIEW = "survey", "census", "review"


def instrument_kinds(session: Session, programme_id: int | None = None) -> dict[int, str]:
    """Each instrument's kind by its newest version: census, review or survey."""
    query = select(Instrument.id, InstrumentVersion.version, InstrumentVersion.definition).join(
        InstrumentVersion, col(InstrumentVersion.instrument_id) == Instrument.id
    )
    if programme_id is not None:
        query = query.where(Instrument.programme_id == programme_id)
    newest: dict[int, tuple[int, str]] = {}
    for instrument_id, version, definition in session.connection().execute(query):
        if instrument_id not in newest or version > newest[instrument_id][0]:
            spec = definition or {}
            kind = CENSUS if spec.get("census") else REVIEW if spec.get("review") else SURVEY
            newest[instrument_id] = (version, kind)
    return {i: kind for i, (_, kind) in newest.items()}


def wave_kinds(session: Session, programme_id: int) -> dict[int, str]:
    """Each wave's kind (see the module docstring); a wave fielding nothing is a survey."""
    kinds = instrument_kinds(session, programme_id)
    fielded: dict[int, set[str]] = {}
    rows = session.connection().execute(
        select(Wave.id, WaveInstrument.instrument_id)
        .join(WaveInstrument, col(WaveInstrument.wave_id) == Wave.id, isouter=True)
        .where(Wave.programme_id == programme_id)
    )
    for wave_id, instrument_id in rows:
        found = fielded.setdefault(wave_id, set())
        if instrument_id is not None:
            found.add(kinds.get(instrument_id, SURVEY))
    return {w: found.pop() if len(found) == 1 else SURVEY for w, found in fielded.items()}


def census_wave_ids(session: Session, programme_id: int) -> set[int]:
    """Ids of the programme's census waves (yearly progress measurements)."""
    return {w for w, kind in wave_kinds(session, programme_id).items() if kind == CENSUS}


def review_wave_ids(session: Session, programme_id: int) -> set[int]:
    """Ids of the programme's review waves (peer reviews, reflection meetings)."""
    return {w for w, kind in wave_kinds(session, programme_id).items() if kind == REVIEW}


def other_than_survey(session: Session, programme_id: int) -> set[int]:
    """Ids of the programme's waves that are no sample survey (census and review waves)."""
    return {w for w, kind in wave_kinds(session, programme_id).items() if kind != SURVEY}
