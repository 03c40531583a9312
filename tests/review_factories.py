"""Factories for review tests: Katapult's peer review published, pps'en and their reviews."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from mel.models import Instrument, Response, Unit, Wave, WaveInstrument
from tests.factories import make_programme, publish_survey

SURVEYS = Path(__file__).parents[1] / "surveys"
PEER_REVIEW = SURVEYS / "katapult" / "peerreview.yaml"
THEMES = ("visie", "samenwerking", "onderwijs", "borging", "leren")


def review_answers(
    texts: dict[str, str] | None = None,
    actions: list[tuple[str, str, str]] | None = None,
    scores: int = 2,
) -> dict[str, Any]:
    """Complete answers of a peer review: a self evaluation, finding and score per theme."""
    answers: dict[str, Any] = {
        "datum_bijeenkomst": "2026-03-12",
        "panelleden": 4,
        "eerdere_review": False,
    }
    for theme in THEMES:
        answers[f"zelf_{theme}"] = f"Zelfevaluatie over {theme}."
        answers[f"bevinding_{theme}"] = f"Het panel ziet vooruitgang bij {theme}."
        answers[f"score_{theme}"] = scores
    answers.update(texts or {})
    answers["acties"] = [
        {"actie": a, "actie_thema": theme, "actie_eigenaar": owner, "actie_datum": "2027-01-31"}
        for a, theme, owner in actions or []
    ]
    return answers


def make_wave(session: Session, code: str, year: int, status: str = "closed") -> Wave:
    """A review wave of Katapult fielding the peer review."""
    instrument = session.exec(
        select(Instrument).where(Instrument.code == "katapult-peerreview")
    ).one()
    wave = Wave(
        programme_id=instrument.programme_id,
        code=code,
        label_nl=f"Peer review {year}",
        label_en=f"Peer review {year}",
        year=year,
        status=status,
    )
    session.add(wave)
    session.flush()
    session.add(WaveInstrument(wave_id=wave.id, instrument_id=instrument.id))
    session.flush()
    return wave


def make_pps(session: Session, count: int, region: str = "Oost") -> list[Unit]:
    """Katapult pps'en named "Pps Techniek <i>" in `region`."""
    programme = make_programme(session, "katapult")
    units = []
    for i in range(count):
        unit = Unit(
            programme_id=programme.id,
            code=f"pps-{region.lower()}-{i:02d}",
            name=f"Pps Techniek {region} {i}",
            kind="pps",
            region=region,
        )
        session.add(unit)
        units.append(unit)
    session.flush()
    return units


def publish_review(session: Session) -> int:
    """Publish Katapult's peer review; return its version id."""
    version = publish_survey(session, PEER_REVIEW)
    assert version.id is not None
    return version.id


def add_review(
    session: Session, version_id: int, wave: Wave, unit: Unit, answers: dict[str, Any]
) -> Response:
    """A completed review of `unit` in `wave`."""
    response = Response(
        public_id=str(uuid.uuid4()),
        respondent_id=str(uuid.uuid4()),
        wave_id=wave.id,
        instrument_version_id=version_id,
        unit_id=unit.id,
        status="complete",
        answers=answers,
        client_submission_id=uuid.uuid4().hex,
        completed_at=datetime.now(UTC),
    )
    session.add(response)
    session.flush()
    return response
