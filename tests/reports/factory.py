"""A small programme with one pathway, five KPIs and simulated waves, for report tests."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import (
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Unit,
    Wave,
    WaveInstrument,
    WaveStratum,
)
from mel.surveys.loader import SurveyCatalogue, load_catalogue
from mel.surveys.publish import publish_catalogue
from tests.factories import write_catalogue

LIKERT = {
    "name": "tevreden",
    "type": "likert",
    "choices": "eens5",
    "label": {"nl": "Tevredenheid", "en": "Satisfaction"},
    "statements": [
        {"name": "hulp", "label": {"nl": "De hulp was goed", "en": "Help was good"}},
        {"name": "snel", "label": {"nl": "Het ging snel", "en": "It was quick"}},
        {"name": "lastig", "reverse": True, "label": {"nl": "Het was lastig", "en": "It was hard"}},
    ],
}
QUESTIONS: list[dict[str, Any]] = [
    {
        "name": "cijfer",
        "type": "rating",
        "min": 1,
        "max": 10,
        "label": {"nl": "Welk cijfer geeft u?", "en": "Which mark do you give?"},
    },
    {
        "name": "deelnemers",
        "type": "integer",
        "min": 0,
        "label": {"nl": "Aantal deelnemers", "en": "Number of participants"},
    },
    {
        "name": "aanbevelen",
        "type": "yes_no",
        "label": {"nl": "Zou u ons aanbevelen?", "en": "Would you recommend us?"},
    },
    LIKERT,
    {
        "name": "leeg",
        "type": "integer",
        "min": 0,
        "label": {"nl": "Nooit beantwoord", "en": "Never answered"},
    },
]


def survey() -> dict[str, Any]:
    """The test instrument: a mark, a count, yes/no, a Likert scale and an unused question."""
    return {
        "instrument": "werk-monitor",
        "programme": "werk",
        "version": 1,
        "respondent": "unit",
        "title": {"nl": "Werkmonitor", "en": "Work monitor"},
        "choices": {
            "eens5": [{"value": v, "label": {"nl": f"nl{v}", "en": f"en{v}"}} for v in range(1, 6)]
        },
        "pages": [{"name": "p1", "questions": QUESTIONS}],
    }


def _kpi(code: str, estimator: str, node: str, **spec: Any) -> dict[str, Any]:
    return {
        "code": code,
        "label": {"nl": f"KPI {code}", "en": f"KPI {code} (en)"},
        "definition": {"nl": f"Definitie van {code}", "en": f"Definition of {code}"},
        "node": f"pad.{node}",
        "estimator": estimator,
        "instrument": "werk-monitor",
        **spec,
    }


def programme() -> dict[str, Any]:
    """The test programme: one pathway over all five levels, KPIs on three nodes."""
    nodes = [
        ("geld", "input"),
        ("hulp", "activity"),
        ("bereik", "output"),
        ("beter", "outcome"),
        ("groei", "impact"),
    ]
    return {
        "programme": "werk",
        "label": {"nl": "Werkprogramma", "en": "Work programme"},
        "description": {"nl": "Een testprogramma.", "en": "A test programme."},
        "unit_kinds": ["werkplaats"],
        "pathways": [
            {
                "code": "pad",
                "label": {"nl": "Impactpad", "en": "Impact pathway"},
                "nodes": [
                    {"code": c, "level": lv, "label": {"nl": f"Stap {c}"}} for c, lv in nodes
                ],
                "links": [
                    {"from": a, "to": b} for (a, _), (b, _) in zip(nodes, nodes[1:], strict=False)
                ],
            }
        ],
        "kpis": [
            _kpi(
                "cijfer",
                "mean",
                "beter",
                question="cijfer",
                unit={"nl": "cijfer"},
                disaggregations=["stratum", "province"],
                baseline={"year": 2021, "value": 6.8},
                targets=[{"year": 2023, "value": 6.0}, {"year": 2025, "value": 7.0}],
            ),
            _kpi(
                "deelnemers",
                "total",
                "bereik",
                question="deelnemers",
                unit={"nl": "deelnemers", "en": "participants"},
                disaggregations=["stratum"],
                targets=[{"year": 2025, "value": 1000}],
            ),
            _kpi(
                "aanbevelen",
                "proportion",
                "beter",
                question="aanbevelen",
                targets=[{"year": 2025, "value": 0.5}],
            ),
            _kpi(
                "tevreden",
                "mean",
                "groei",
                expression={"scale": "tevreden"},
                targets=[{"year": 2025, "value": 3.0}],
                go_no_go={"year": 2025, "go": 3.2, "no_go": 2.5},
            ),
            _kpi("leeg", "mean", "groei", question="leeg"),
        ],
    }


def catalogue(folder: Path) -> SurveyCatalogue:
    """Write and load the test programme's files."""
    write_catalogue(folder / "werk", survey(), programme())
    loaded = load_catalogue([folder])
    assert loaded.ok, loaded.problems
    return loaded


STRATA = {"groot": 24, "klein": 14, "eiland": 3}
PROVINCES = ["Drenthe", "Fryslân", "Groningen", "Zeeland"]


def fill(
    engine: Engine,
    folder: Path,
    *,
    years: tuple[int, ...] = (2023, 2025),
    empty: tuple[int, ...] = (),
    seed: int = 5,
) -> SurveyCatalogue:
    """Publish the test programme and add one wave per year with responses from every unit.

    Waves in `empty` get a frame but no responses.
    """
    loaded = catalogue(folder)
    rng = np.random.default_rng(seed)
    with session_scope(engine) as session:
        publish_catalogue(session, loaded)
        prog = session.exec(select(Programme).where(Programme.code == "werk")).one()
        instrument = session.exec(select(Instrument)).one()
        version = session.exec(select(InstrumentVersion)).one()
        units = []
        for stratum, count in STRATA.items():
            for i in range(count):
                unit = Unit(
                    programme_id=prog.id,
                    code=f"{stratum}-{i:02d}",
                    name=f"{stratum} {i}",
                    kind="werkplaats",
                    stratum=stratum,
                    province=PROVINCES[i % len(PROVINCES)] if stratum != "eiland" else "Zeeland",
                )
                session.add(unit)
                units.append(unit)
        session.flush()
        for year in years:
            wave = Wave(
                programme_id=prog.id,
                code=f"meting-{year}",
                label_nl=f"Meting {year}",
                label_en=f"Wave {year}",
                year=year,
                fieldwork_start=date(year, 3, 1),
                fieldwork_end=date(year, 5, 31),
                status="closed",
            )
            session.add(wave)
            session.flush()
            session.add(WaveInstrument(wave_id=wave.id, instrument_id=instrument.id))
            for stratum, count in STRATA.items():
                session.add(
                    WaveStratum(
                        wave_id=wave.id,
                        stratum=stratum,
                        population_size=count * 2,
                        sample_size=count,
                    )
                )
            for unit in units:
                session.add(FrameUnit(wave_id=wave.id, unit_id=unit.id, stratum=unit.stratum))
                if year in empty:
                    continue
                session.add(
                    Response(
                        public_id=_uuid(rng),
                        respondent_id=_uuid(rng),
                        wave_id=wave.id,
                        instrument_version_id=version.id,
                        unit_id=unit.id,
                        status="complete",
                        answers=answers(rng, year),
                    )
                )
    return loaded


def _uuid(rng: np.random.Generator) -> str:
    """A reproducible UUID (the same seed gives the same database)."""
    return str(uuid.UUID(int=int(rng.integers(2**62))))


def answers(rng: np.random.Generator, year: int) -> dict[str, Any]:
    """One simulated response; later years score a little higher."""
    lift = (year - 2023) * 0.25
    return {
        "cijfer": int(np.clip(round(rng.normal(6.8 + lift, 1.2)), 1, 10)),
        "deelnemers": int(rng.poisson(30)),
        "aanbevelen": bool(rng.random() < 0.6 + lift / 5),
        "tevreden__hulp": int(rng.integers(2, 6)),
        "tevreden__snel": int(rng.integers(1, 6)),
        "tevreden__lastig": int(rng.integers(1, 5)),
    }


def instruments(loaded: SurveyCatalogue) -> dict[str, Any]:
    """The catalogue's instruments by code."""
    return {code: definition for code, (_, definition) in loaded.instruments.items()}


def wave_id(engine: Engine, code: str) -> int:
    """The id of a wave."""
    with Session(engine) as session:
        wave = session.exec(select(Wave).where(Wave.code == code)).one()
        assert wave.id is not None
        return wave.id
