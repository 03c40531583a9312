"""Plain factory functions for tests: small survey definitions and database rows."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from sqlalchemy import create_engine, text
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
)
from mel.surveys.checks import check_instrument
from mel.surveys.loader import load_instrument
from mel.surveys.publish import publish_instrument
from mel.surveys.schema import InstrumentDefinition


def survey_dict(**overrides: Any) -> dict[str, Any]:
    """Return a small valid survey definition as a dict."""
    survey: dict[str, Any] = {
        "instrument": "test-survey",
        "programme": "test-programme",
        "version": 1,
        "title": {"nl": "Testvragenlijst", "en": "Test survey"},
        "choices": {
            "ja_nee": [
                {"value": "ja", "label": {"nl": "Ja", "en": "Yes"}},
                {"value": "nee", "label": {"nl": "Nee", "en": "No"}},
            ],
        },
        "pages": [
            {
                "name": "start",
                "title": {"nl": "Start", "en": "Start"},
                "questions": [
                    {
                        "name": "cijfer",
                        "type": "rating",
                        "min": 1,
                        "max": 10,
                        "required": True,
                        "label": {"nl": "Welk cijfer geeft u?", "en": "Which mark do you give?"},
                    },
                    {
                        "name": "verder",
                        "type": "select_one",
                        "choices": "ja_nee",
                        "label": {"nl": "Verder?", "en": "Continue?"},
                    },
                ],
            },
            {
                "name": "vervolg",
                "relevant": {"question": "verder", "equals": "ja"},
                "questions": [
                    {
                        "name": "toelichting",
                        "type": "text",
                        "label": {"nl": "Toelichting", "en": "Explanation"},
                    },
                ],
            },
        ],
    }
    survey.update(copy.deepcopy(overrides))
    return survey


def programme_dict(**overrides: Any) -> dict[str, Any]:
    """Return a small valid programme definition matching `survey_dict`."""
    programme: dict[str, Any] = {
        "programme": "test-programme",
        "label": {"nl": "Testprogramma", "en": "Test programme"},
        "unit_kinds": ["werkplaats"],
        "pathways": [
            {
                "code": "pad",
                "label": {"nl": "Pad", "en": "Pathway"},
                "nodes": [
                    {"code": "act", "level": "activity", "label": {"nl": "Activiteit"}},
                    {"code": "res", "level": "outcome", "label": {"nl": "Resultaat"}},
                ],
                "links": [{"from": "act", "to": "res"}],
            }
        ],
        "kpis": [
            {
                "code": "cijfer",
                "label": {"nl": "Gemiddeld cijfer", "en": "Mean mark"},
                "definition": {"nl": "Gemiddeld cijfer", "en": "Mean mark"},
                "node": "pad.res",
                "estimator": "mean",
                "instrument": "test-survey",
                "question": "cijfer",
                "baseline": {"year": 2024, "value": 7.1},
                "targets": [{"year": 2025, "value": 7.2}],
            }
        ],
    }
    programme.update(copy.deepcopy(overrides))
    return programme


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    """Write `data` as YAML to `path` (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_catalogue(
    folder: Path, survey: dict[str, Any] | None = None, programme: dict[str, Any] | None = None
) -> Path:
    """Write a programme folder with one survey and its programme.yaml; return the folder."""
    write_yaml(folder / "programme.yaml", programme or programme_dict())
    write_yaml(folder / "survey.yaml", survey or survey_dict())
    return folder


# --- Database rows for web tests -------------------------------------------------------


def make_programme(session: Session, code: str = "test-programme") -> Programme:
    """Return the programme called `code`, creating it if needed."""
    programme = session.exec(select(Programme).where(Programme.code == code)).first()
    if programme is None:
        programme = Programme(code=code, label_nl=code, label_en=code, content_hash="test")
        session.add(programme)
        session.flush()
    return programme


def publish_survey(session: Session, survey: dict[str, Any] | Path) -> InstrumentVersion:
    """Publish a survey (a dict, or a YAML file checked by the loader) under its programme."""
    if isinstance(survey, Path):
        definition = load_instrument(survey)
    else:
        definition = InstrumentDefinition.model_validate(survey)
        assert list(check_instrument(definition)) == []
    make_programme(session, definition.programme)
    publish_instrument(session, definition)
    instrument = session.exec(
        select(Instrument).where(Instrument.code == definition.instrument)
    ).one()
    return session.exec(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == instrument.id,
            InstrumentVersion.version == definition.version,
        )
    ).one()


def make_wave(
    session: Session,
    instrument_code: str,
    *,
    code: str = "w2025",
    status: str = "open",
    open_link: bool = False,
    ask_unit: bool = False,
) -> Wave:
    """Create a wave of the instrument's programme that fields the instrument.

    Its open link is off unless `open_link` (as in production); `ask_unit` makes it ask
    for the unit (needed once the wave has a frame).
    """
    instrument = session.exec(select(Instrument).where(Instrument.code == instrument_code)).one()
    wave = Wave(
        programme_id=instrument.programme_id,
        code=code,
        label_nl=code,
        label_en=code,
        year=2025,
        status=status,
    )
    session.add(wave)
    session.flush()
    session.add(
        WaveInstrument(
            wave_id=wave.id, instrument_id=instrument.id, open_link=open_link, ask_unit=ask_unit
        )
    )
    session.flush()
    return wave


def make_unit(
    session: Session,
    programme_code: str,
    code: str,
    *,
    wave: Wave | None = None,
    sampled: bool = True,
) -> Unit:
    """Create a unit (optionally in a wave's frame)."""
    programme = make_programme(session, programme_code)
    unit = Unit(programme_id=programme.id, code=code, name=code.title(), kind="werkplaats")
    session.add(unit)
    session.flush()
    if wave is not None:
        session.add(FrameUnit(wave_id=wave.id, unit_id=unit.id, stratum="s", sampled=sampled))
        session.flush()
    return unit


def open_survey(
    engine: Engine, survey: dict[str, Any] | Path, *, wave: str = "w2025", status: str = "open"
) -> str:
    """Publish a survey with an open wave (no frame) and its open link on; return the link."""
    with session_scope(engine) as session:
        version = publish_survey(session, survey)
        instrument = session.get(Instrument, version.instrument_id)
        assert instrument is not None
        make_wave(session, instrument.code, code=wave, status=status, open_link=True)
        return f"/s/{instrument.code}/{wave}"


def invite(
    engine: Engine,
    instrument_code: str,
    *,
    wave: str = "w2025",
    count: int = 1,
    expires: date | None = None,
    language: str = "nl",
) -> list[str]:
    """Create invitations for a published instrument and wave; return their link paths."""
    from mel.services.invitations import Invitee, create_invitations, resolve_wave

    with session_scope(engine) as session:
        wave_row, instrument = resolve_wave(session, wave, instrument_code)
        issued = create_invitations(
            session,
            wave=wave_row,
            instrument=instrument,
            invitees=[Invitee(language=language)],
            count=count,
            expires=expires,
        )
        return [item.url for item in issued]


@contextmanager
def postgres_schema(base: str, prefix: str = "t") -> Iterator[str]:
    """Yield `base` with its search_path on a fresh schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://", 1)
        if base.startswith("postgresql://")
        else base
    )
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- Register data ---------------------------------------------------------------------

# Pupils and pupils choosing technology per province and year: small enough to check by hand.
REGISTER_CSV = (
    "regio,jaar,leerlingen,techniek\n"
    "Utrecht,2024,1000,200\n"
    "Gelderland,2024,3000,900\n"
    "Zeeland,2024,500,100\n"
    "Utrecht,2025,1100,250\n"
    "Gelderland,2025,2900,900\n"
    "Zeeland,2025,450,90\n"
)
REGIONS = ["Utrecht", "Gelderland", "Zeeland", "Limburg"]


def register_source(code: str = "duo_test") -> dict[str, Any]:
    """A register source declaration matching REGISTER_CSV."""
    return {
        "code": code,
        "label": {"nl": "DUO-testbestand", "en": "DUO test file"},
        "publisher": "DUO",
        "key": ["regio", "jaar"],
        "year": "jaar",
        "columns": [
            {"name": "regio", "type": "choice", "values": REGIONS, "label": {"nl": "Provincie"}},
            {"name": "jaar", "type": "integer", "min": 2000, "max": 2040},
            {"name": "leerlingen", "type": "integer", "min": 0},
            {"name": "techniek", "type": "integer", "min": 0},
        ],
    }


def register_kpis(node: str, source: str = "duo_test") -> list[dict[str, Any]]:
    """A count and a share on `register_source`, with targets for 2025."""
    base = {"node": node, "source": source, "value": "techniek", "disaggregations": ["regio"]}
    return [
        {
            **base,
            "code": "reg_techniek",
            "label": {"nl": "Kiezen techniek", "en": "Choose technology"},
            "definition": {"nl": "Aantal", "en": "Number"},
            "measure": "count",
            "targets": [{"year": 2025, "value": 1300}],
        },
        {
            **base,
            "code": "reg_aandeel",
            "label": {"nl": "Aandeel techniek", "en": "Share technology"},
            "definition": {"nl": "Aandeel", "en": "Share"},
            "measure": "share",
            "denominator": "leerlingen",
            "targets": [{"year": 2025, "value": 0.25}],
        },
    ]


def copy_complete_response(session: Session, template: Response) -> Response:
    """Add a new complete response with `template`'s wave, version, unit and answers."""
    response = Response(
        public_id=str(uuid.uuid4()),
        wave_id=template.wave_id,
        instrument_version_id=template.instrument_version_id,
        unit_id=template.unit_id,
        respondent_id=str(uuid.uuid4()),
        status="complete",
        answers=dict(template.answers),
    )
    session.add(response)
    return response


def stored_figures(engine: Engine, url: str, frames: Path) -> Path:
    """Keep one page's dashboard figures of `engine`'s database on disk (frame cache folder
    `frames`) and return their file, as a web process would after showing the page."""
    from datetime import UTC, datetime

    from mel.data import frame_cache
    from mel.services import figure_store

    frame_cache.use_folder(engine, frames)
    folder = figure_store.folder_for(engine)
    assert folder is not None
    stored = figure_store.path_for(folder, 1, ("kpis", url))
    assert stored is not None
    figure_store.save(stored, ("kpis", url, 1), {"cijfer": 7.5}, datetime.now(UTC))
    return stored
