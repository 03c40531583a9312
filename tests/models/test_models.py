"""Tables keep their promises: uniqueness, immutability keys, pseudonymity."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from mel.models import (
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Unit,
    Wave,
    WaveStratum,
)


def _base(session: Session) -> tuple[Programme, Wave, InstrumentVersion]:
    programme = Programme(code="p", label_nl="P", label_en="P", content_hash="x")
    session.add(programme)
    session.flush()
    wave = Wave(programme_id=programme.id, code="w-2025", label_nl="W", label_en="W", year=2025)
    instrument = Instrument(programme_id=programme.id, code="i", title_nl="I", title_en="I")
    session.add_all([wave, instrument])
    session.flush()
    version = InstrumentVersion(
        instrument_id=instrument.id, version=1, content_hash="h", definition={"instrument": "i"}
    )
    session.add(version)
    session.flush()
    return programme, wave, version


def test_client_submission_id_is_unique(engine: Engine) -> None:
    with Session(engine) as session:
        _, wave, version = _base(session)
        for public_id in ("a", "b"):
            session.add(
                Response(
                    public_id=public_id,
                    wave_id=wave.id,
                    respondent_id="r",
                    instrument_version_id=version.id,
                    client_submission_id="s1",
                )
            )
        with pytest.raises(IntegrityError):
            session.commit()


def test_instrument_version_number_is_unique(engine: Engine) -> None:
    with Session(engine) as session:
        _, _, version = _base(session)
        session.add(
            InstrumentVersion(
                instrument_id=version.instrument_id, version=1, content_hash="other", definition={}
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_answers_round_trip_as_json(engine: Engine) -> None:
    answers = {
        "cijfer": 8,
        "onderwerpen": ["ai", "webshop"],
        "tevreden__hulp": 4,
        "toelichting": "Prima hulp – dank je!",
        "datum": "2025-03-01",
    }
    with Session(engine) as session:
        _, wave, version = _base(session)
        session.add(
            Response(
                public_id="a",
                wave_id=wave.id,
                respondent_id="r",
                instrument_version_id=version.id,
                answers=answers,
            )
        )
        session.commit()
    with Session(engine) as session:
        stored = session.exec(select(Response)).one()
        assert stored.answers == answers
        assert stored.started_at.tzinfo is not None


def test_frame_unit_once_per_wave(engine: Engine) -> None:
    with Session(engine) as session:
        programme, wave, _ = _base(session)
        unit = Unit(
            programme_id=programme.id, code="pps-001", name="PPS 1", kind="pps", stratum="mbo"
        )
        session.add(unit)
        session.flush()
        session.add(
            WaveStratum(wave_id=wave.id, stratum="mbo", population_size=300, sample_size=150)
        )
        session.add(FrameUnit(wave_id=wave.id, unit_id=unit.id, stratum="mbo", base_weight=2.0))
        session.add(FrameUnit(wave_id=wave.id, unit_id=unit.id, stratum="mbo", base_weight=2.0))
        with pytest.raises(IntegrityError):
            session.commit()


def test_no_column_holds_an_ip_address_or_direct_identifier() -> None:
    forbidden = ("ip", "email", "phone", "name_of_respondent", "address", "user_agent")
    for table in SQLModel.metadata.tables.values():
        if table.name in {"user", "useraccount"}:
            continue  # staff accounts are not respondents
        if table.name == "contact":
            continue  # where invitations go: apart from answers (see the next test)
        for column in table.columns:
            assert not any(column.name == f or column.name.endswith(f"_{f}") for f in forbidden), (
                f"{table.name}.{column.name}"
            )


def test_contact_details_are_linked_to_answers_only_through_cases() -> None:
    """Contacts hold e-mail addresses; no table of answers may point at them."""
    for table in SQLModel.metadata.tables.values():
        targets = {key.column.table.name for key in table.foreign_keys}
        if "contact" in targets:
            assert table.name in {"wavecase", "mail"}, table.name
    response = SQLModel.metadata.tables["response"]
    assert not {"contact_id", "email", "name"} & set(response.columns.keys())
