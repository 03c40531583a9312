"""The analysis frame of a wave: stored responses joined to the wave's sampling frame.

One row per complete response, with the design variables a `Design` needs:

- ``unit`` (the PSU), ``stratum``, ``fpc_units`` (number of units in the stratum, N_h),
- for person instruments ``respondent`` (the SSU) and ``fpc_persons`` (persons in the unit,
  M_i), so the design is two-stage,
- ``weight``: the inverse inclusion probability among respondents. Within a stratum the
  responding units stand for all N_h units (a weighting-class nonresponse adjustment, as
  R's ``svydesign(fpc=~N)`` implies) and within a unit the responding persons for all M_i.

Answer columns follow the instrument: numbers as floats, yes/no as 1/0, Likert rows as
``question__statement``, select_multiple as 0/1 columns ``question__value``. Variable and
value labels are in ``frame.attrs["variable_labels"]`` / ``["value_labels"]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ..models import (
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Unit,
    Wave,
    WaveStratum,
)
from ..surveys.publish import load_version
from ..surveys.schema import NUMERIC_TYPES, InstrumentDefinition, Question

DESIGN_COLUMNS = ["response_id", "respondent", "unit", "unit_kind", "stratum", "province",
                  "region", "sector", "version", "language", "fpc_units", "fpc_persons",
                  "weight"]


class FrameError(LookupError):
    """The wave, instrument or frame asked for does not exist or is incomplete."""


def frame(engine: Engine, *, programme: str, wave: str, instrument: str,
          language: str = "nl") -> pd.DataFrame:
    """Build the analysis DataFrame of one instrument in one wave.

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
    """
    with Session(engine) as session:
        wave_row, instrument_row = _lookup(session, programme, wave, instrument)
        versions = session.exec(select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == instrument_row.id)
            .order_by(InstrumentVersion.version)).all()
        rows = session.exec(
            select(Response.public_id, Response.respondent_id, Response.answers,
                   Response.language, InstrumentVersion.version, Unit.code, Unit.kind,
                   Unit.province, Unit.region, Unit.sector, FrameUnit.stratum,
                   FrameUnit.persons_population, WaveStratum.population_size)
            .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
            .join(Unit, Unit.id == Response.unit_id)
            .join(FrameUnit, (FrameUnit.unit_id == Unit.id)
                  & (FrameUnit.wave_id == Response.wave_id))
            .join(WaveStratum, (WaveStratum.wave_id == Response.wave_id)
                  & (WaveStratum.stratum == FrameUnit.stratum))
            .where(Response.wave_id == wave_row.id,
                   InstrumentVersion.instrument_id == instrument_row.id,
                   Response.status == "complete")
            .order_by(Response.id)).all()
        missing = session.exec(
            select(Response.public_id).join(
                InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
            .where(Response.wave_id == wave_row.id, Response.status == "complete",
                   InstrumentVersion.instrument_id == instrument_row.id,
                   Response.unit_id.is_(None))).first()  # type: ignore[union-attr]
    if missing is not None:
        raise FrameError(f"response {missing} in wave {wave!r} has no unit; every response "
                         f"needs a unit of the wave's frame to be analysed")
    definitions = [load_version(v) for v in versions]
    design = pd.DataFrame(
        [r[:2] + r[3:] for r in rows],
        columns=["response_id", "respondent", "language", "version", "unit", "unit_kind",
                 "province", "region", "sector", "stratum", "fpc_persons", "fpc_units"])
    answers = pd.DataFrame.from_records([r[2] for r in rows], index=design.index)
    result = pd.concat([design, _answer_columns(answers, definitions)], axis=1)
    result = _add_weights(result, person=instrument_row.respondent == "person")
    result = result[[c for c in DESIGN_COLUMNS if c in result] +
                    [c for c in result.columns if c not in DESIGN_COLUMNS]]
    result.attrs.update(_labels(definitions, language))
    result.attrs.update({"programme": programme, "wave": wave, "instrument": instrument,
                         "respondent": instrument_row.respondent})
    return result


def _lookup(session: Session, programme: str, wave: str,
            instrument: str) -> tuple[Wave, Instrument]:
    wave_row = session.exec(select(Wave).join(Programme).where(
        Programme.code == programme, Wave.code == wave)).first()
    if wave_row is None:
        raise FrameError(f"no wave {wave!r} in programme {programme!r}")
    instrument_row = session.exec(select(Instrument).where(Instrument.code == instrument)).first()
    if instrument_row is None or instrument_row.programme_id != wave_row.programme_id:
        raise FrameError(f"no instrument {instrument!r} in programme {programme!r}")
    return wave_row, instrument_row


def _add_weights(data: pd.DataFrame, *, person: bool) -> pd.DataFrame:
    """Weights and fpc columns of a stratified (two-stage for persons) design."""
    data = data.copy()
    data["fpc_units"] = data["fpc_units"].astype(float)
    units_responding = data.groupby("stratum")["unit"].transform("nunique")
    data["weight"] = data["fpc_units"] / units_responding
    if person:
        persons_responding = data.groupby("unit")["respondent"].transform("size")
        population = data["fpc_persons"].astype(float)
        if population.isna().any():
            unit = data.loc[population.isna(), "unit"].iloc[0]
            raise FrameError(f"unit {unit!r} has no persons_population in the wave's frame; "
                             f"a person survey needs it for the second stage")
        data["fpc_persons"] = np.maximum(population, persons_responding)
        data["weight"] *= data["fpc_persons"] / persons_responding
    else:
        data = data.drop(columns=["fpc_persons"])
    return data


def _answer_columns(answers: pd.DataFrame, definitions: list[InstrumentDefinition]
                    ) -> pd.DataFrame:
    """Typed answer columns for the union of questions across versions."""
    columns: dict[str, pd.Series] = {}
    empty = pd.Series(np.nan, index=answers.index, dtype=float)
    for question in _questions(definitions):
        for key in question.columns():
            raw = answers[key] if key in answers else empty
            if question.type == "select_multiple":
                for value in _choice_values(definitions, question):
                    columns[f"{key}__{value}"] = raw.map(
                        lambda v, value=value: np.nan if not isinstance(v, list)
                        else float(value in v or str(value) in map(str, v)))
            elif question.type in (*NUMERIC_TYPES, "likert"):
                columns[key] = pd.to_numeric(raw, errors="coerce").astype(float)
            elif question.type == "yes_no":
                columns[key] = raw.map({True: 1.0, False: 0.0}).astype(float)
            elif question.type == "date":
                columns[key] = pd.to_datetime(raw, errors="coerce")
            else:
                columns[key] = raw.where(raw.notna(), None).astype(object)
    return pd.DataFrame(columns, index=answers.index)


def _questions(definitions: list[InstrumentDefinition]) -> list[Question]:
    """Questions of every version, latest definition first-come in page order."""
    seen: dict[str, Question] = {}
    for definition in reversed(definitions):
        for question in definition.questions():
            seen.setdefault(question.name, question)
    return list(seen.values())


def _choice_values(definitions: list[InstrumentDefinition], question: Question) -> list[Any]:
    values: list[Any] = []
    for definition in reversed(definitions):
        for choice in definition.choices.get(question.choices or "", []):
            if choice.value not in values:
                values.append(choice.value)
    return values


def _labels(definitions: list[InstrumentDefinition], language: str) -> dict[str, Any]:
    variable_labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    for definition in reversed(definitions):
        for q in definition.questions():
            choices = {c.value: c.label.get(language)
                       for c in definition.choices.get(q.choices or "", [])}
            if q.type == "likert":
                for s in q.statements or []:
                    key = f"{q.name}__{s.name}"
                    variable_labels.setdefault(key, f"{q.label.get(language)}: "
                                                    f"{s.label.get(language)}")
                    value_labels.setdefault(key, choices)
            elif q.type == "select_multiple":
                for value, label in choices.items():
                    variable_labels.setdefault(f"{q.name}__{value}",
                                               f"{q.label.get(language)}: {label}")
            elif q.type != "note":
                variable_labels.setdefault(q.name, q.label.get(language))
                if choices:
                    value_labels.setdefault(q.name, choices)
                if q.type == "yes_no":
                    value_labels.setdefault(q.name, {1.0: "ja" if language == "nl" else "yes",
                                                     0.0: "nee" if language == "nl" else "no"})
    return {"variable_labels": variable_labels, "value_labels": value_labels}
