"""Census waves and their returns: which waves are yearly progress measurements, and the
unit-by-year table of their answers that census estimation (`mel.analysis.census`) reads.

A **census wave** fields census instruments only (``census:`` in the instrument file): every
unit of the programme reports once a year. Survey views (dashboards, KPI trajectories,
`--wave latest`) leave census waves out; the progress report reads them here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from mel.models import Instrument, InstrumentVersion, Wave, WaveInstrument


def census_instrument_ids(session: Session, programme_id: int | None = None) -> set[int]:
    """Return the ids of census instruments (``census:`` in their newest version)."""
    query = select(Instrument.id, InstrumentVersion.version, InstrumentVersion.definition).join(
        InstrumentVersion, col(InstrumentVersion.instrument_id) == Instrument.id
    )
    if programme_id is not None:
        query = query.where(Instrument.programme_id == programme_id)
    newest: dict[int, tuple[int, bool]] = {}
    for instrument_id, version, definition in session.connection().execute(query):
        if instrument_id not in newest or version > newest[instrument_id][0]:
            newest[instrument_id] = (version, bool((definition or {}).get("census")))
    return {i for i, (_, census) in newest.items() if census}


def census_wave_ids(session: Session, programme_id: int) -> set[int]:
    """Return the ids of the programme's census waves: waves that field census instruments
    only (a yearly progress measurement), as opposed to sample surveys."""
    census = census_instrument_ids(session, programme_id)
    if not census:
        return set()
    fielded: dict[int, set[int]] = {}
    rows = session.connection().execute(
        select(WaveInstrument.wave_id, WaveInstrument.instrument_id)
        .join(Wave, col(Wave.id) == WaveInstrument.wave_id)
        .where(Wave.programme_id == programme_id)
    )
    for wave_id, instrument_id in rows:
        fielded.setdefault(wave_id, set()).add(instrument_id)
    return {w for w, instruments in fielded.items() if instruments <= census}
