"""Responses of one instrument in one wave: answers, ids, timestamps; bulk-inserted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import JSON, Connection, Table
from sqlmodel import Session

from mel.demo.answers import Batch, generate
from mel.demo.assemble import assemble
from mel.demo.realism import realism_for
from mel.demo.seeding import hex_ids, stream, uuids
from mel.demo.units import UnitDraft
from mel.models import Response
from mel.surveys.schema import InstrumentDefinition

CHUNK = 10_000  # respondents generated and inserted together


@dataclass(frozen=True)
class Returned:
    """Per response: the invitation it answers, its language, and whether it is a refusal."""

    invitation: list[int]
    language: list[str]
    refused: list[bool]

    def part(self, first: int, last: int) -> Returned:
        """The responses `first` to `last` (a chunk)."""
        return Returned(
            self.invitation[first:last], self.language[first:last], self.refused[first:last]
        )


@dataclass(frozen=True)
class Fielding:
    """One instrument in one wave: what the responses refer to and who answers."""

    programme: str
    survey: InstrumentDefinition
    version_id: int
    wave_id: int
    year: int
    start: date
    end: date
    english: float
    loading: float  # how much of the latent attitude a unit shares (intra-cluster correlation)
    shift: float  # latent change since the programme's base year
    unit_once: int | None = None  # instrument id of a unit-level survey (one per unit)


def insert_responses(
    session: Session,
    fielding: Fielding,
    seed: int,
    drafts: list[UnitDraft],
    unit_ids: list[int],
    unit_of: np.ndarray,
    complete: np.ndarray,
    returns: Returned | None = None,
) -> int:
    """Generate and store the responses of the given units (one row per respondent).

    With `returns`, each response answers its case's invitation, in its contact's language,
    and a refusal is stored as a started response without answers.
    """
    rng = stream(seed, fielding.programme, fielding.year, fielding.survey.instrument, "answers")
    connection = session.connection()
    for first in range(0, len(unit_of), CHUNK):
        rows = _rows(
            fielding,
            seed,
            rng,
            drafts,
            unit_ids,
            unit_of[first : first + CHUNK],
            complete[first : first + CHUNK],
            None if returns is None else returns.part(first, first + CHUNK),
        )
        bulk_insert(connection, Response.__table__, rows)  # type: ignore[attr-defined]
    return len(unit_of)


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL (psycopg 3), one executemany elsewhere."""
    if not rows:
        return
    if (connection.dialect.name, connection.dialect.driver) != ("postgresql", "psycopg"):
        connection.execute(table.insert(), rows)
        return
    raw = connection.connection.driver_connection
    names = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    columns = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_columns else row[n] for n in names])


def _rows(
    fielding: Fielding,
    seed: int,
    rng: np.random.Generator,
    drafts: list[UnitDraft],
    unit_ids: list[int],
    unit_of: np.ndarray,
    complete: np.ndarray,
    returns: Returned | None,
) -> list[dict]:
    survey, n = fielding.survey, len(unit_of)
    effect = np.array([float(d.traits.get("effect", 0.0)) for d in drafts])[unit_of]
    loading = fielding.loading
    latent = loading * effect + np.sqrt(1 - loading**2) * rng.normal(size=n) + fielding.shift
    language = np.where(rng.random(n) < fielding.english, "en", "nl").tolist()
    if returns is not None:
        language = list(returns.language)
    batch = Batch(
        survey=survey,
        programme=fielding.programme,
        year=fielding.year,
        seed=seed,
        rng=rng,
        drafts=drafts,
        unit_of=unit_of,
        latent=latent,
        language=language,
        reference=fielding.start,
    )
    realism = realism_for(survey.instrument)
    if realism.prepare is not None:
        realism.prepare(batch)
    columns = generate(batch, realism.overrides)
    pages = len(survey.pages)
    reached = np.where(complete, pages, rng.integers(0, pages, size=n))
    if returns is not None:
        reached[np.asarray(returns.refused, dtype=bool)] = 0
    done = reached.tolist()
    answers = assemble(survey, columns, done)
    started, ended = _times(rng, fielding, n, len(survey.columns()), complete)
    public, respondent = uuids(rng, n), uuids(rng, n)
    submission = hex_ids(rng, n)
    consent = survey.consent.version if survey.consent else None
    rows = []
    for i in range(n):
        finished = bool(complete[i])
        rows.append(
            {
                "public_id": public[i],
                "wave_id": fielding.wave_id,
                "instrument_version_id": fielding.version_id,
                "unit_id": unit_ids[unit_of[i]],
                "invitation_id": None if returns is None else returns.invitation[i],
                "respondent_id": respondent[i],
                "client_submission_id": submission[i] if finished else None,
                "submission_hash": None,  # only the web's retry check needs it
                "status": "complete" if finished else "in_progress",
                "language": language[i],
                "consent_version": consent,
                "current_page": done[i],
                "resume_token_hash": None,
                "lock_version": done[i] + finished,
                "answers": answers[i],
                "started_at": started[i],
                "updated_at": ended[i],
                "completed_at": ended[i] if finished else None,
                "unit_once_instrument_id": fielding.unit_once if finished else None,
            }
        )
    return rows


def _times(
    rng: np.random.Generator, fielding: Fielding, n: int, items: int, complete: np.ndarray
) -> tuple[list[datetime], list[datetime]]:
    """Start times peak after the invitation and the reminder; durations grow with length."""
    days = (fielding.end - fielding.start).days + 1
    which = rng.random(n)
    offset = np.where(
        which < 0.55,
        rng.exponential(days * 0.12, n),
        np.where(which < 0.85, days * 0.4 + rng.exponential(days * 0.08, n), rng.random(n) * days),
    )
    day = np.clip(np.floor(offset), 0, days - 1)
    hour = np.clip(rng.normal(13.0, 3.5, n), 7.0, 21.5)
    minutes = rng.lognormal(np.log(max(3.0, 0.3 * items)), 0.5, n)
    minutes = np.where(complete, minutes, minutes * rng.random(n))
    base = np.datetime64(fielding.start.isoformat(), "s")
    start = base + (day * 86400 + hour * 3600).astype("timedelta64[s]")
    limit = base + np.timedelta64(days * 86400 - 1, "s")
    end = np.minimum(start + (minutes * 60).astype("timedelta64[s]"), limit)
    return (
        [t.replace(tzinfo=UTC) for t in start.astype(datetime).tolist()],
        [t.replace(tzinfo=UTC) for t in end.astype(datetime).tolist()],
    )
