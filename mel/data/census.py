"""Census waves and their returns: which waves are yearly progress measurements, and the
unit-by-year table of their answers that census estimation (`mel.analysis.census`) reads.

A **census wave** fields census instruments only (``census:`` in the instrument file): every
unit of the programme reports once a year. Survey views (dashboards, KPI trajectories,
`--wave latest`) leave census waves out; the progress report reads them here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, select

from mel.data.wave_kinds import CENSUS, census_wave_ids, instrument_kinds
from mel.models import (
    FrameUnit,
    Instrument,
    Programme,
    Response,
    Unit,
    Wave,
    WaveInstrument,
)


def census_instrument_ids(session: Session, programme_id: int | None = None) -> set[int]:
    """Return the ids of census instruments (``census:`` in their newest version)."""
    return {i for i, kind in instrument_kinds(session, programme_id).items() if kind == CENSUS}


class CensusDataError(LookupError):
    """The census waves of a programme cannot be read as asked (message names what)."""


@dataclass(frozen=True)
class CensusWave:
    """One census round: its wave, year and status."""

    code: str
    year: int
    status: str
    label_nl: str
    label_en: str


@dataclass(frozen=True)
class CensusData:
    """The returns of a census instrument over its waves, with each year's frame.

    `returns` has one row per complete return: ``unit`` (code), ``year``, ``wave`` and one
    column per answer key; `units` one row per unit of any frame (``unit``, ``name``,
    ``kind``, ``province``, ``region``, ``sector``, ``stratum``).
    """

    instrument: str
    waves: list[CensusWave]
    frames: dict[int, list[str]]
    returns: pd.DataFrame
    units: pd.DataFrame


def census_data(session: Session, programme: str, instrument: str) -> CensusData:
    """Read every census wave of `programme` fielding `instrument`, with frames and returns.

    Raises
    ------
    CensusDataError
        For an unknown programme or instrument, no census wave, two census waves in one
        year, or a census wave without a frame.
    """
    found = session.exec(
        select(Instrument.id, Instrument.programme_id)
        .join(Programme, col(Programme.id) == Instrument.programme_id)
        .where(Instrument.code == instrument, Programme.code == programme)
    ).first()
    if found is None:
        raise CensusDataError(f"no instrument {instrument!r} in programme {programme!r}")
    instrument_id, programme_id = found
    census = census_wave_ids(session, programme_id)
    waves = [
        w
        for w in session.exec(
            select(Wave)
            .join(WaveInstrument, col(WaveInstrument.wave_id) == Wave.id)
            .where(WaveInstrument.instrument_id == instrument_id)
            .order_by(col(Wave.year), col(Wave.code))
        ).all()
        if w.id in census
    ]
    if not waves:
        raise CensusDataError(
            f"programme {programme!r} has no census wave of {instrument!r} "
            f"(create one with a wave file whose design is `method: census`)"
        )
    years = [w.year for w in waves]
    twice = sorted({y for y in years if years.count(y) > 1})
    if twice:
        codes = [w.code for w in waves if w.year == twice[0]]
        raise CensusDataError(f"two census waves in {twice[0]}: {', '.join(codes)}")
    frames: dict[int, list[str]] = {}
    unit_rows: dict[str, tuple] = {}
    for wave in waves:
        rows = session.exec(
            select(Unit)
            .join(FrameUnit, col(FrameUnit.unit_id) == Unit.id)
            .where(FrameUnit.wave_id == wave.id, col(FrameUnit.sampled))
            .order_by(col(Unit.code))
        ).all()
        if not rows:
            raise CensusDataError(f"census wave {wave.code!r} has no frame (no units in it)")
        frames[wave.year] = [u.code for u in rows]
        for u in rows:
            unit_rows[u.code] = (u.code, u.name, u.kind, u.province, u.region, u.sector, u.stratum)
    answers = session.exec(
        select(Unit.code, Wave.year, Wave.code, Response.answers)
        .join(Unit, col(Unit.id) == Response.unit_id)
        .join(Wave, col(Wave.id) == Response.wave_id)
        .where(
            col(Response.wave_id).in_([w.id for w in waves]),
            Response.status == "complete",
        )
        .order_by(col(Wave.year), col(Unit.code), col(Response.id))
    ).all()
    records = [{"unit": u, "year": y, "wave": w, **(a or {})} for u, y, w, a in answers]
    returns = pd.DataFrame.from_records(records, columns=None if records else ["unit", "year"])
    if not returns.empty:
        # A unit answers once per wave (uq_response_unit_once); keep the last if a unit-once
        # rule was off.
        returns = returns.drop_duplicates(subset=["unit", "year"], keep="last")
    units = pd.DataFrame(
        sorted(unit_rows.values()),
        columns=["unit", "name", "kind", "province", "region", "sector", "stratum"],
    )
    listed = [CensusWave(w.code, w.year, w.status, w.label_nl, w.label_en) for w in waves]
    return CensusData(instrument, listed, frames, returns.reset_index(drop=True), units)
