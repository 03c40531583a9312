"""Fieldwork counts of a wave per instrument and stratum: sample, invitations, response."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.i18n import translate
from mel.models import (
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Invitation,
    Response,
    Wave,
    WaveInstrument,
    WaveStratum,
)
from mel.present.numbers import format_number, format_percent
from mel.reports.model import Table

COLUMNS = [
    "instrument",
    "stratum",
    "population_units",
    "sampled_units",
    "invitations",
    "responses",
    "responding_units",
    "response_rate",
]
# The columns' message ids where they differ from the column: the stratum column says
# "stratum" as a breakdown does.
HEADERS = {"stratum": "disaggregation_stratum"}
UNKNOWN = "\u2014"


def wave_instruments(engine: Engine, wave_id: int) -> list[Instrument]:
    """Instruments fielded in the wave (registered, or with responses), sorted by code."""
    with Session(engine) as session:
        registered = session.exec(
            select(Instrument)
            .join(WaveInstrument, col(WaveInstrument.instrument_id) == Instrument.id)
            .where(WaveInstrument.wave_id == wave_id)
        ).all()
        answered = session.exec(
            select(Instrument)
            .join(InstrumentVersion, col(InstrumentVersion.instrument_id) == Instrument.id)
            .join(Response, col(Response.instrument_version_id) == InstrumentVersion.id)
            .where(Response.wave_id == wave_id)
            .distinct()
        ).all()
    found = {i.code: i for i in [*registered, *answered]}
    return [found[code] for code in sorted(found)]


def fieldwork_table(engine: Engine, wave: Wave) -> pd.DataFrame:
    """Return one row per instrument and stratum (and a total row per instrument).

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The mel database.
    wave : Wave
        The wave (its frame: WaveStratum, FrameUnit; its invitations and responses).

    Returns
    -------
    pandas.DataFrame
        Columns ``instrument, stratum, population_units, sampled_units, invitations,
        responses, responding_units, response_rate``; the total row has stratum None.
    """
    assert wave.id is not None
    instruments = wave_instruments(engine, wave.id)
    with Session(engine) as session:
        strata = {
            s.stratum: s
            for s in session.exec(select(WaveStratum).where(WaveStratum.wave_id == wave.id))
        }
        sampled = dict(
            session.exec(
                select(FrameUnit.stratum, func.count())
                .where(FrameUnit.wave_id == wave.id, col(FrameUnit.sampled).is_(True))
                .group_by(FrameUnit.stratum)
            ).all()
        )
        frame_join = col(FrameUnit.wave_id) == wave.id
        invitations = session.exec(
            select(Invitation.instrument_id, FrameUnit.stratum, func.count())
            .select_from(Invitation)
            .outerjoin(FrameUnit, frame_join & (FrameUnit.unit_id == Invitation.unit_id))
            .where(Invitation.wave_id == wave.id)
            .group_by(Invitation.instrument_id, FrameUnit.stratum)
        ).all()
        responses = session.exec(
            select(
                InstrumentVersion.instrument_id,
                FrameUnit.stratum,
                func.count(),
                func.count(distinct(Response.unit_id)),
            )
            .select_from(Response)
            .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
            .outerjoin(FrameUnit, frame_join & (FrameUnit.unit_id == Response.unit_id))
            .where(Response.wave_id == wave.id, Response.status == "complete")
            .group_by(InstrumentVersion.instrument_id, FrameUnit.stratum)
        ).all()
    invited = {(i, s): n for i, s, n in invitations}
    answered = {(i, s): (n, u) for i, s, n, u in responses}
    rows = []
    for instrument in instruments:
        names = sorted(
            {
                *strata,
                *sampled,
                *(s for i, s in invited if i == instrument.id),
                *(s for i, s in answered if i == instrument.id),
            },
            key=lambda s: (s is None, s or ""),
        )
        part = []
        for name in names:
            stratum = strata.get(name) if name is not None else None
            n_sampled = sampled.get(name, stratum.sample_size if stratum else None)
            n_responses, n_units = answered.get((instrument.id, name), (0, 0))
            part.append(
                {
                    "instrument": instrument.code,
                    "stratum": name if name is not None else UNKNOWN,
                    "population_units": stratum.population_size if stratum else None,
                    "sampled_units": n_sampled,
                    "invitations": invited.get((instrument.id, name), 0),
                    "responses": n_responses,
                    "responding_units": n_units,
                }
            )
        table = pd.DataFrame(part, columns=COLUMNS[:-1])
        total = {
            "instrument": instrument.code,
            "stratum": None,
            **{c: table[c].sum(min_count=1) for c in COLUMNS[2:-1]},
        }
        rows.extend(part)
        rows.append(total)
    result = pd.DataFrame(rows, columns=COLUMNS[:-1])
    for column in COLUMNS[2:-1]:
        result[column] = pd.to_numeric(result[column]).astype("Int64")
    rate = result["responding_units"].astype(float) / result["sampled_units"].astype(float)
    result["response_rate"] = rate.where(result["sampled_units"].astype(float) > 0)
    return result


def fieldwork_section(engine: Engine, wave: Wave, language: str) -> Table:
    """The fieldwork table of the wave, formatted."""
    data = fieldwork_table(engine, wave)
    lang = language
    rows, emphasis = [], []
    for record in data.itertuples():
        total = record.stratum is None or pd.isna(record.stratum)

        def count(value: object) -> str:
            return "\u2014" if pd.isna(value) else format_number(float(value), 0, lang)

        rows.append(
            [
                record.instrument,
                translate("total", lang) if total else str(record.stratum),
                count(record.population_units),
                count(record.sampled_units),
                count(record.invitations),
                count(record.responses),
                count(record.responding_units),
                "\u2014"
                if pd.isna(record.response_rate)
                else format_percent(float(record.response_rate), 0, lang),
            ]
        )
        emphasis.append(total)
    header = [translate(HEADERS.get(c, c), lang) for c in COLUMNS]
    return Table(
        "fieldwork",
        translate("fieldwork", lang),
        header,
        rows,
        data,
        [False, False] + [True] * 6,
        emphasis,
    )
