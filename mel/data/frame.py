"""The analysis frame of a wave: stored responses joined to the wave's sampling frame.

One row per complete response, with the design variables a `Design` needs:

- ``unit`` (the PSU), ``stratum``, ``fpc_units`` (number of units in the stratum, N_h),
- for person instruments ``respondent`` (the SSU) and ``fpc_persons`` (persons in the unit,
  M_i: the instrument's own count in ``FrameUnitPersons``, so a school counts its pupils for
  the pupils' survey and its teachers for the teachers'), so the design is two-stage,
- ``weight``: selection weight N_h / n_h, adjusted for unit nonresponse within the
  stratum and, for person instruments, for the persons of each unit and calibrated to the
  known persons of all sampled units (see :mod:`mel.data.weights`). The sampled, eligible
  units (answering or not) are in ``frame.attrs["sampled_units"]`` (a `SampledUnits`),
  which `mel.kpi.frames.design_for` uses to give the adjustments their variance.

Only complete responses of sampled, eligible units enter the frame: a unit with
``FrameUnit.sampled`` false, or whose case for the instrument has the outcome
``not_eligible``, is left out and counted.

Complete responses that cannot stand for part of the population are left out and counted,
never dropped silently (``mel analyse``, the dashboards, the exports page and the report's
methodology say how many): those of units outside the wave's frame in
``frame.attrs["outside_frame"]``, those without a unit (e.g. an open link that did not ask
for one) in ``frame.attrs["without_unit"]``, and for a unit-level instrument every complete
response of a unit after its first in ``frame.attrs["duplicate_unit"]``, those of frame
units that were not sampled in ``["not_sampled"]`` and of units found not eligible in
``["not_eligible"]``.
Answer columns follow the instrument: numbers as floats, yes/no as 1/0, Likert rows as
``question__statement``, select_multiple as 0/1 columns ``question__value``, the text of
"other" as ``question__other_text``. Variable and value labels are in
``frame.attrs["variable_labels"]`` / ``["value_labels"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Text, cast, null
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.analysis.errors import DesignError
from mel.data import frame_cache
from mel.data import weights as wt
from mel.data.answers import answer_columns
from mel.data.coverage import LEFT_OUT, NOT_ELIGIBLE
from mel.data.frame_labels import FrozenDict, frame_labels
from mel.data.nonresponse import NonresponseModel
from mel.models import (
    Case,
    FrameUnit,
    FrameUnitPersons,
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Unit,
    Wave,
    WaveStratum,
)
from mel.surveys.checks import FRAME_COLUMNS
from mel.surveys.publish import load_version

DESIGN_COLUMNS = list(FRAME_COLUMNS)
# What the frame keeps of a unit: code, kind, province, region, sector, stratum, N_h, M_i.
UnitRow = tuple[str, str, str | None, str | None, str | None, str, int, int | None]
UNIT_COLUMNS = [
    "unit",
    "unit_kind",
    "province",
    "region",
    "sector",
    "stratum",
    "fpc_units",
    "fpc_persons",
]


class FrameError(LookupError):
    """The wave, instrument or frame asked for does not exist or is incomplete."""


def frame(
    engine: Engine, *, programme: str, wave: str, instrument: str, language: str = "nl"
) -> pd.DataFrame:
    """The analysis DataFrame of one instrument in one wave, from the frame cache.

    What `build_frame` returns, read from the columnar cache (`mel.data.frame_cache`) when
    the wave's data have not changed since it was built, else built and stored. Every
    reader of frames (dashboards, API, exports, ``mel analyse``, reports) calls this.
    Parameters, result and errors are those of `build_frame`.
    """
    with Session(engine) as session:
        wave_row, _ = _lookup(session, programme, wave, instrument)
        wave_id = int(wave_row.id or 0)
        version = frame_cache.data_version(session.connection(), wave_id)

    def current() -> str:
        with engine.connect() as connection:
            return frame_cache.data_version(connection, wave_id)

    return frame_cache.cached_frame(
        engine,
        (programme, wave, instrument, language),
        version,
        lambda: build_frame(
            engine, programme=programme, wave=wave, instrument=instrument, language=language
        ),
        current,
    )


def build_frame(
    engine: Engine, *, programme: str, wave: str, instrument: str, language: str = "nl"
) -> pd.DataFrame:
    """Build the analysis DataFrame of one instrument in one wave from the database.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The mel database.
    programme, wave, instrument : str
        Codes of the programme, the wave (e.g. ``"impactmeting-2025"``) and the instrument.
    language : {"nl", "en"}
        Language of the variable and value labels.

    Returns
    -------
    pandas.DataFrame
        One row per complete response; see the module docstring for the columns.

    Raises
    ------
    FrameError
        The wave or instrument does not exist, or (for a person instrument) a responding
        unit has no persons for the instrument in the wave's frame (``FrameUnitPersons``).
    """
    with Session(engine) as session:
        wave_row, instrument_row = _lookup(session, programme, wave, instrument)
        versions = session.exec(
            select(InstrumentVersion)
            .where(InstrumentVersion.instrument_id == instrument_row.id)
            .order_by(col(InstrumentVersion.version))
        ).all()
        person = instrument_row.respondent == "person"
        connection = session.connection()
        units, sampled = _frame_units(
            connection, int(wave_row.id or 0), int(instrument_row.id or 0) if person else None
        )
        ineligible = _ineligible(connection, int(wave_row.id or 0), int(instrument_row.id or 0))
        # Core rows; the answers as their JSON text, decoded below in one call.
        rows = connection.execute(
            select(
                Response.public_id,
                Response.respondent_id,
                cast(Response.answers, Text),
                Response.language,
                Response.instrument_version_id,
                Response.unit_id,
            )
            .where(
                Response.wave_id == wave_row.id,
                Response.status == "complete",
                col(Response.instrument_version_id).in_([v.id for v in versions]),
            )
            .order_by(col(Response.id))
        ).all()
    rows, left_out = _analysed(rows, units, sampled, ineligible, once_per_unit=not person)
    definitions = [load_version(v) for v in versions]
    responding = {r[5] for r in rows}
    table = wt.sampled_units(units, sampled, ineligible, responding)
    design = _design(rows, units, {v.id: v.version for v in versions})
    model = NonresponseModel.of_wave(wave_row.design)
    try:
        design["weight"] = (
            wt.unit_weights(design, table, model) if len(design) else design["fpc_units"]
        )
    except DesignError as exc:
        raise FrameError(f"wave {wave}: the nonresponse model of its wave file: {exc}") from None
    uncalibrated: list[str] = []
    if person:
        _person_weights(design, instrument, wave)
        totals = wt.person_totals(table)
        design["weight"] = wt.calibrate_persons(design, design["weight"], totals)
        uncalibrated = sorted(set(design["stratum"]) - set(totals))
    else:
        design = design.drop(columns=["fpc_persons"])
    answers = answer_columns([r[2] for r in rows], design.index, definitions)
    result = pd.concat([design, answers], axis=1)
    result.attrs.update(frame_labels(definitions, language))
    result.attrs.update(
        {
            "programme": programme,
            "wave": wave,
            "instrument": instrument,
            "respondent": instrument_row.respondent,
            "sampled_units": wt.SampledUnits(table),
            "response_rates": FrozenDict(wt.response_rates(table)),
            "nonresponse": model,
            "uncalibrated": tuple(uncalibrated),
            **left_out,
        }
    )
    return result


def _analysed(
    rows: Sequence[Any],
    units: dict[int, UnitRow],
    sampled: set[int],
    ineligible: set[int],
    *,
    once_per_unit: bool,
) -> tuple[list[Any], dict[str, int]]:
    """The rows a design can use, and how many were left out for which reason.

    Without a unit or with a unit outside the wave's frame a response has no stratum and
    no weight; a unit that was not sampled or is not eligible has no selection weight; a
    unit-level instrument counts one response per unit (its first, by id).
    """
    kept: list[Any] = []
    seen: set[int] = set()
    left_out = dict.fromkeys(LEFT_OUT, 0)
    for row in rows:
        unit = row[5]
        if unit is None:
            left_out["without_unit"] += 1
        elif unit not in units:
            left_out["outside_frame"] += 1
        elif unit not in sampled:
            left_out["not_sampled"] += 1
        elif unit in ineligible:
            left_out["not_eligible"] += 1
        elif once_per_unit and unit in seen:
            left_out["duplicate_unit"] += 1
        else:
            seen.add(unit)
            kept.append(row)
    return kept, left_out


def _lookup(
    session: Session, programme: str, wave: str, instrument: str
) -> tuple[Wave, Instrument]:
    wave_row = session.exec(
        select(Wave).join(Programme).where(Programme.code == programme, Wave.code == wave)
    ).first()
    if wave_row is None:
        raise FrameError(f"no wave {wave!r} in programme {programme!r}")
    instrument_row = session.exec(select(Instrument).where(Instrument.code == instrument)).first()
    if instrument_row is None or instrument_row.programme_id != wave_row.programme_id:
        raise FrameError(f"no instrument {instrument!r} in programme {programme!r}")
    return wave_row, instrument_row


def _ineligible(connection: Connection, wave_id: int, instrument_id: int) -> set[int]:
    """Units whose case for the instrument in the wave has the outcome not eligible."""
    query = select(Case.unit_id).where(
        Case.wave_id == wave_id,
        Case.instrument_id == instrument_id,
        col(Case.contact_id).is_(None),
        col(Case.unit_id).is_not(None),
        Case.outcome == NOT_ELIGIBLE,
    )
    return {int(row[0]) for row in connection.execute(query)}


def _frame_units(
    connection: Connection, wave_id: int, instrument_id: int | None
) -> tuple[dict[int, UnitRow], set[int]]:
    """The wave's frame units (with a stratum of the wave) by id, M_i of a person
    instrument, and the ids of the sampled ones."""
    persons: Any = FrameUnitPersons.persons if instrument_id is not None else null()
    query = (
        select(
            Unit.id,
            Unit.code,
            Unit.kind,
            Unit.province,
            Unit.region,
            Unit.sector,
            FrameUnit.stratum,
            WaveStratum.population_size,
            persons,
            FrameUnit.sampled,
        )
        .select_from(FrameUnit)
        .join(Unit, Unit.id == FrameUnit.unit_id)
        .join(
            WaveStratum,
            (WaveStratum.wave_id == FrameUnit.wave_id) & (WaveStratum.stratum == FrameUnit.stratum),
        )
        .where(FrameUnit.wave_id == wave_id)
    )
    if instrument_id is not None:
        query = query.outerjoin(
            FrameUnitPersons,
            (FrameUnitPersons.wave_id == wave_id)
            & (FrameUnitPersons.unit_id == FrameUnit.unit_id)
            & (FrameUnitPersons.instrument_id == instrument_id),
        )
    result = connection.execute(query).all()
    units = {row[0]: tuple(row[1:9]) for row in result}
    return units, {row[0] for row in result if row[9]}  # type: ignore[return-value]


def _design(
    rows: Sequence[Any], units: dict[int, UnitRow], versions: dict[int | None, int]
) -> pd.DataFrame:
    """Design columns in DESIGN_COLUMNS order but the weight (set by the caller)."""
    order = [c for c in DESIGN_COLUMNS if c != "weight"]
    if not rows:  # as pandas builds an empty frame from no rows: object columns
        data = pd.DataFrame([], columns=order)
    else:
        columns: dict[str, Any] = {
            "response_id": [r[0] for r in rows],
            "respondent": [r[1] for r in rows],
            "version": [versions[r[4]] for r in rows],
            "language": [r[3] for r in rows],
        }
        unit_ids = [r[5] for r in rows]
        used = {unit_id: position for position, unit_id in enumerate(dict.fromkeys(unit_ids))}
        positions = np.fromiter(map(used.__getitem__, unit_ids), dtype=np.intp, count=len(unit_ids))
        for k, name in enumerate(UNIT_COLUMNS):
            # Typed per unit (the values decide the dtype, not how often they occur).
            per_unit = pd.Series([units[unit_id][k] for unit_id in used])
            columns[name] = per_unit.take(positions).reset_index(drop=True)
        data = pd.DataFrame({name: columns[name] for name in order})
    data["fpc_units"] = data["fpc_units"].astype(float)
    return data


def _person_weights(data: pd.DataFrame, instrument: str, wave: str) -> None:
    """Second stage in place: M_i as fpc_persons, weight times M_i over persons responding.

    A unit with more persons answering than it has (m_i > M_i) is an error that names it:
    its frame count is wrong, and no weight can repair that.
    """
    persons_responding = data.groupby("unit")["respondent"].transform("size")
    population = data["fpc_persons"].astype(float)
    if population.isna().any():
        unit = data.loc[population.isna(), "unit"].iloc[0]
        raise FrameError(
            f"unit {unit!r} has no persons for instrument {instrument!r} in "
            f"wave {wave!r} (FrameUnitPersons); a person survey needs the "
            f"persons of every responding unit for its second stage"
        )
    over = population < persons_responding
    if over.any():
        first = data.loc[over].iloc[0]
        raise FrameError(
            f"unit {first['unit']!r} has {int(persons_responding[over].iloc[0])} persons "
            f"answering instrument {instrument!r} in wave {wave!r} but only "
            f"{int(first['fpc_persons'])} persons in the frame (FrameUnitPersons); "
            f"correct the unit's persons before analysing the wave"
        )
    data["fpc_persons"] = population
    data["weight"] *= data["fpc_persons"] / persons_responding
