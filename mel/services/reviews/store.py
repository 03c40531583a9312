"""The complete responses of a programme's review instruments, with unit and wave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mel.models import Instrument, InstrumentVersion, Response, Unit, Wave
from mel.surveys.publish import load_version
from mel.surveys.review import ReviewDefinition
from mel.surveys.schema import InstrumentDefinition


@dataclass(frozen=True)
class ReviewResponse:
    """One completed review of a unit in a wave."""

    id: int
    public_id: str
    instrument: str
    survey: InstrumentDefinition
    answers: dict[str, Any]
    wave_id: int
    wave_code: str
    wave_label: dict[str, str]
    year: int
    unit_id: int | None
    unit_code: str | None
    unit_name: str | None
    unit_kind: str | None
    region: str | None
    completed_at: datetime | None

    @property
    def review(self) -> ReviewDefinition:
        """The review part of the response's instrument version."""
        assert self.survey.review is not None
        return self.survey.review


def review_responses(
    session: Session, programme_id: int, *, public_id: str | None = None
) -> list[ReviewResponse]:
    """Complete responses to the programme's review instruments, by wave year and unit."""
    # The programme's review versions first (a few definitions), then only their responses.
    versions = session.exec(
        select(InstrumentVersion)
        .join(Instrument, col(Instrument.id) == InstrumentVersion.instrument_id)
        .where(Instrument.programme_id == programme_id)
    ).all()
    definitions: dict[int, InstrumentDefinition] = {}
    for version in versions:
        survey = load_version(version)
        if survey.review is not None and version.id is not None:
            definitions[version.id] = survey
    if not definitions:
        return []
    query = (
        select(Response, Instrument.code, Wave, Unit)
        .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
        .join(Instrument, col(Instrument.id) == InstrumentVersion.instrument_id)
        .join(Wave, col(Wave.id) == Response.wave_id)
        .outerjoin(Unit, col(Unit.id) == Response.unit_id)
        .where(
            col(Response.instrument_version_id).in_(definitions),
            Response.status == "complete",
        )
        .order_by(col(Wave.year), col(Wave.code), col(Unit.code), col(Response.id))
    )
    if public_id is not None:
        query = query.where(Response.public_id == public_id)
    found = []
    for response, code, wave, unit in session.exec(query):
        assert response.id is not None and wave.id is not None
        survey = definitions[response.instrument_version_id]
        found.append(
            ReviewResponse(
                id=response.id,
                public_id=response.public_id,
                instrument=code,
                survey=survey,
                answers=dict(response.answers or {}),
                wave_id=wave.id,
                wave_code=wave.code,
                wave_label={"nl": wave.label_nl, "en": wave.label_en},
                year=wave.year,
                unit_id=unit.id if unit else None,
                unit_code=unit.code if unit else None,
                unit_name=unit.name if unit else None,
                unit_kind=unit.kind if unit else None,
                region=unit.region if unit else None,
                completed_at=response.completed_at,
            )
        )
    return found
