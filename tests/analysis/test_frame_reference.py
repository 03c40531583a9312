"""The optimised analysis frame equals a straightforward construction, row by row."""

from __future__ import annotations

import math
import random
import uuid
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data.answers import _dummies, _typed, choice_values, questions
from mel.data.frame import DESIGN_COLUMNS, frame
from mel.db import session_scope
from mel.models import (
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
from mel.surveys.publish import load_version
from mel.surveys.schema import NUMERIC_TYPES

CASES = [
    ("katapult", "impactmeting-2025", "katapult-impactmeting"),
    ("digitale-werkplaatsen", "monitor-2025", "dw-impactmonitor"),
    ("techkwadraat", "meting-2025", "tk-leerlingen"),
    ("techkwadraat", "meting-2025", "tk-docenten"),
    ("techkwadraat", "meting-2025", "tk-scholen"),
]


def _number(value: Any) -> float:
    if isinstance(value, bool | int | float):
        return float(value)
    try:
        return float(value) if isinstance(value, str) else math.nan
    except ValueError:
        return math.nan


def _value(kind: str, value: Any) -> Any:
    if kind in (*NUMERIC_TYPES, "likert"):
        return _number(value)
    if kind == "yes_no":
        return {True: 1.0, False: 0.0}[value] if isinstance(value, bool) else math.nan
    if kind == "date":
        try:
            return pd.Timestamp(value) if isinstance(value, str) else pd.NaT
        except ValueError:
            return pd.NaT
    return value


def reference(engine: Engine, programme: str, wave: str, instrument: str) -> pd.DataFrame:
    """The frame built the obvious way: ORM rows, one response at a time."""
    with Session(engine) as session:
        wave_row = session.exec(
            select(Wave).join(Programme).where(Programme.code == programme, Wave.code == wave)
        ).one()
        survey = session.exec(select(Instrument).where(Instrument.code == instrument)).one()
        versions = session.exec(
            select(InstrumentVersion)
            .where(InstrumentVersion.instrument_id == survey.id)
            .order_by(col(InstrumentVersion.version))
        ).all()
        number = {v.id: v.version for v in versions}
        in_frame = {
            f.unit_id: f
            for f in session.exec(select(FrameUnit).where(FrameUnit.wave_id == wave_row.id))
        }
        sizes = {
            s.stratum: s.population_size
            for s in session.exec(select(WaveStratum).where(WaveStratum.wave_id == wave_row.id))
        }
        persons = {
            p.unit_id: p.persons
            for p in session.exec(
                select(FrameUnitPersons).where(
                    FrameUnitPersons.wave_id == wave_row.id,
                    FrameUnitPersons.instrument_id == survey.id,
                )
            )
        }
        units = {u.id: u for u in session.exec(select(Unit))}
        responses = [
            r
            for r in session.exec(
                select(Response)
                .where(
                    Response.wave_id == wave_row.id,
                    Response.status == "complete",
                    col(Response.instrument_version_id).in_(list(number)),
                )
                .order_by(col(Response.id))
            )
            if r.unit_id in in_frame
            and in_frame[r.unit_id].stratum in sizes
            and in_frame[r.unit_id].sampled
        ]
    definitions = [load_version(v) for v in versions]
    person = survey.respondent == "person"
    rows = []
    for r in responses:
        unit, stratum = units[r.unit_id], in_frame[r.unit_id].stratum
        responding_units = {x.unit_id for x in responses if in_frame[x.unit_id].stratum == stratum}
        weight = sizes[stratum] / len(responding_units)
        row = {
            "response_id": r.public_id,
            "respondent": r.respondent_id,
            "unit": unit.code,
            "unit_kind": unit.kind,
            "stratum": stratum,
            "province": unit.province,
            "region": unit.region,
            "sector": unit.sector,
            "version": number[r.instrument_version_id],
            "language": r.language,
            "fpc_units": float(sizes[stratum]),
        }
        if person:
            # N_h / n_h * M_i / m_i, calibrated to the persons of all sampled units
            m = sum(x.unit_id == r.unit_id for x in responses)
            row["fpc_persons"] = float(persons[r.unit_id])
            sampled = [u for u, f in in_frame.items() if f.sampled and f.stratum == stratum]
            known = sum(persons[u] for u in sampled)
            answering = sum(persons[u] for u in responding_units)
            weight = sizes[stratum] / len(sampled) * row["fpc_persons"] / m * known / answering
        row["weight"] = weight
        rows.append(row)
    design = pd.DataFrame(rows, columns=[c for c in DESIGN_COLUMNS if person or c != "fpc_persons"])
    answers: dict[str, pd.Series] = {}
    for q in questions(definitions):
        if q.type == "repeat":  # the frame counts the rows; they are in the long frame
            stored = [r.answers.get(q.name) for r in responses]
            answers[f"{q.name}__rows"] = pd.Series(
                [float(len(v)) if isinstance(v, list) else math.nan for v in stored], dtype=float
            )
            continue
        for key in q.columns():
            values = [r.answers.get(key) for r in responses]
            if q.type == "select_multiple":
                for choice in choice_values(definitions, q):
                    answers[f"{key}__{choice}"] = pd.Series(
                        [
                            float(str(choice) in {str(v) for v in value})
                            if isinstance(value, list)
                            else math.nan
                            for value in values
                        ],
                        dtype=float,
                    )
            elif q.type == "date":
                answers[key] = pd.Series(
                    [_value(q.type, v) for v in values], dtype="datetime64[us]"
                )
            else:
                answers[key] = pd.Series(
                    [_value(q.type, v) for v in values],
                    dtype=float if q.type in (*NUMERIC_TYPES, "likert", "yes_no") else object,
                )
        if any(
            x.other and x.name == q.name and x.type in ("select_one", "select_multiple")
            for d in definitions
            for x in d.questions()
        ):  # the text typed after "other"
            answers[f"{q.name}__other_text"] = pd.Series(
                [r.answers.get(f"{q.name}__other") for r in responses], dtype=object
            )
    return pd.concat([design, pd.DataFrame(answers, index=design.index)], axis=1)


def _compare(engine: Engine, programme: str, wave: str, instrument: str) -> None:
    ours = frame(engine, programme=programme, wave=wave, instrument=instrument)
    expected = reference(engine, programme, wave, instrument)
    assert list(ours.columns) == list(expected.columns)
    dates = [c for c in ours if ours[c].dtype.kind == "M"]
    # the weights are products of ratios, computed in another order: equal to 1e-12
    exact = [*dates, "weight"]
    assert_frame_equal(ours.drop(columns=exact), expected.drop(columns=exact), check_exact=True)
    assert_series_equal(ours["weight"], expected["weight"], check_exact=False, rtol=1e-12)
    for column in dates:  # the same instants (pandas picks the resolution of parsed dates)
        assert_series_equal(ours[column].astype("datetime64[us]"), expected[column])


@pytest.mark.parametrize(("programme", "wave", "instrument"), CASES)
def test_frame_equals_the_reference(
    demo: Engine, programme: str, wave: str, instrument: str
) -> None:
    _compare(demo, programme, wave, instrument)


ODD = [
    {"onderwerpen": ["cybersecurity", "cybersecurity", "onbekend"], "cijfer_traject": "7"},
    {"onderwerpen": [], "cijfer_traject": "zeven", "aanbevelen": "ja", "opmerkingen": 12},
    {"onderwerpen": "cybersecurity", "cijfer_traject": True, "datum_afgerond": "2025-13-45"},
    {"onderwerpen": None, "aanbeveling_score": 9.5, "effecten__omzet": "4"},
    {
        "onderwerpen": ["other"],
        "onderwerpen__other": "Iets anders",
        "sector_bedrijf": "other",
        "sector_bedrijf__other": "=1+1",
    },
    {},
]


def test_odd_answers_and_units_outside_the_frame(demo: Engine) -> None:
    """Answers of unexpected types take the general path; foreign units are left out."""
    with session_scope(demo) as session:
        wave = session.exec(select(Wave).where(Wave.code == "monitor-2025")).one()
        version = session.exec(
            select(InstrumentVersion).join(Instrument).where(Instrument.code == "dw-impactmonitor")
        ).one()
        unit_id = session.exec(
            select(Response.unit_id).where(
                Response.wave_id == wave.id, Response.status == "complete"
            )
        ).first()
        outside = Unit(
            programme_id=wave.programme_id, code="buiten", name="Buiten", kind="werkplaats"
        )
        session.add(outside)
        session.flush()
        for unit, status, answers in [(unit_id, "complete", a) for a in ODD] + [
            (outside.id, "complete", ODD[0]),
            (unit_id, "in_progress", ODD[0]),
        ]:
            session.add(
                Response(
                    public_id=str(uuid.uuid4()),
                    respondent_id=str(uuid.uuid4()),
                    wave_id=wave.id,
                    instrument_version_id=version.id,
                    unit_id=unit,
                    status=status,
                    answers=answers,
                )
            )
    _compare(demo, "digitale-werkplaatsen", "monitor-2025", "dw-impactmonitor")


def _general(kind: str, values: list[Any]) -> pd.Series:
    """The pandas path every column took before the fast paths."""
    raw = pd.Series(values, dtype=object)
    if kind in (*NUMERIC_TYPES, "likert"):
        return pd.to_numeric(raw, errors="coerce").astype(float)
    if kind == "yes_no":
        return raw.map({True: 1.0, False: 0.0}).astype(float)
    return raw.where(raw.notna(), None).astype(object)


@pytest.mark.parametrize("seed", range(20))
def test_fast_columns_equal_the_general_path(seed: int) -> None:
    rng = random.Random(seed)
    pools = {
        "integer": [None, 0, 3, -2, 10**12, 2.5, True, False, "4", "x", " 5 ", "nan"],
        "yes_no": [None, True, False, 1, 0, "ja", 1.0],
        "select_one": [None, "a", "b", 3, math.nan, ["a"]],
        "text": [None, "tekst", "", "x y"],
    }
    for kind, pool in pools.items():
        for n in (0, 1, 7, 50):
            for subset in (pool[:3], pool[:4], pool):
                values = [rng.choice(subset) for _ in range(n)]
                index = pd.RangeIndex(n)
                assert_series_equal(
                    _typed(kind, values, index), _general(kind, values), check_exact=True
                )


@pytest.mark.parametrize("seed", range(20))
def test_dummies_equal_the_sets(seed: int) -> None:
    rng = random.Random(seed)
    choices = ["a", "b", "1", "c"][: rng.randint(0, 4)]
    pool: list[Any] = [None, "a", ["a"], ["a", "b", "a"], [], [1, "c"], ["z"], [None], 3]
    values = [rng.choice(pool) for _ in range(rng.randint(0, 30))]
    expected = np.array(
        [
            [
                float(c in {str(v) for v in value}) if isinstance(value, list) else math.nan
                for c in choices
            ]
            for value in values
        ],
        dtype=float,
    ).reshape(len(values), len(choices))
    np.testing.assert_array_equal(_dummies(values, choices), expected)
