"""Data versions: every transaction that changes a wave's responses changes its version."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

from mel.db import session_scope
from mel.models import Response
from tests.factories import make_wave, publish_survey, survey_dict


def _wave(engine: Engine) -> tuple[int, int]:
    """A published survey with an open wave: (wave id, instrument version id)."""
    with session_scope(engine) as session:
        version = publish_survey(session, survey_dict())
        wave = make_wave(session, survey_dict()["instrument"])
        assert wave.id is not None and version.id is not None
        return wave.id, version.id


def _version(engine: Engine, scope: str) -> int:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT version FROM dataversion WHERE scope = :s"), {"s": scope}
        ).scalar()
    return int(found or 0)


def _insert(connection: object, wave_id: int, version_id: int, count: int) -> None:
    connection.execute(  # type: ignore[attr-defined]
        insert(Response),
        [
            {
                "public_id": str(uuid.uuid4()),
                "wave_id": wave_id,
                "instrument_version_id": version_id,
                "respondent_id": uuid.uuid4().hex,
                "status": "complete",
                "answers": {"q1": 1},
                "language": "nl",
            }
            for _ in range(count)
        ],
    )


def test_each_transaction_of_many_responses_changes_the_versions(engine: Engine) -> None:
    wave_id, version_id = _wave(engine)
    seen = {_version(engine, f"wave:{wave_id}")}
    for _ in range(3):
        with engine.begin() as connection:
            _insert(connection, wave_id, version_id, 500)
        seen.add(_version(engine, f"wave:{wave_id}"))
    assert len(seen) == 4  # the version before, and a new one after each transaction


def test_a_bulk_transaction_bumps_a_postgresql_version_once(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite updates the counter in place, once per row")
    wave_id, version_id = _wave(engine)
    before = _version(engine, f"responses:{wave_id}")
    with engine.begin() as connection:
        _insert(connection, wave_id, version_id, 2000)
    assert _version(engine, f"responses:{wave_id}") == before + 1


def test_a_rolled_back_savepoint_does_not_swallow_a_later_bump(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("mel_dv_bump is PostgreSQL's")
    with engine.begin() as connection:
        connection.execute(text("SELECT mel_dv_bump('test:a')"))
        savepoint = connection.begin_nested()
        connection.execute(text("SELECT mel_dv_bump('test:b')"))
        savepoint.rollback()
        connection.execute(text("SELECT mel_dv_bump('test:b')"))
        connection.execute(text("SELECT mel_dv_bump('test:a')"))
    assert (_version(engine, "test:a"), _version(engine, "test:b")) == (1, 1)
    with engine.begin() as connection:
        connection.execute(text("SELECT mel_dv_bump('test:a')"))
    assert _version(engine, "test:a") == 2
