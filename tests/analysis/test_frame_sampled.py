"""Only complete responses of sampled, eligible units enter an estimate; the persons of a
unit are calibrated to the known M_i of every sampled unit; M_i < m_i is an error."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data.frame import FrameError, frame
from mel.db import session_scope
from mel.models import Case, FrameUnit, FrameUnitPersons, Instrument, Response, Unit, Wave
from mel.reports.methodology import methodology

from .test_frame_left_out import DW, KATAPULT, coverage


def _respond(engine: Engine, args: dict[str, str], unit_id: int) -> str:
    """A complete response of `unit_id`, a copy of the wave's first complete response."""
    with session_scope(engine) as session:
        wave = session.exec(select(Wave).where(Wave.code == args["wave"])).one()
        first = session.exec(
            select(Response)
            .where(Response.wave_id == wave.id, Response.status == "complete")
            .order_by(Response.id)  # type: ignore[arg-type]
        ).first()
        assert first is not None
        copy = Response(
            public_id=str(uuid.uuid4()),
            respondent_id=str(uuid.uuid4()),
            wave_id=first.wave_id,
            instrument_version_id=first.instrument_version_id,
            unit_id=unit_id,
            status="complete",
            answers=dict(first.answers),
        )
        session.add(copy)
        return copy.public_id


def _frame_unit(engine: Engine, wave: str, *, sampled: bool) -> FrameUnit:
    with Session(engine) as session:
        return session.exec(
            select(FrameUnit)
            .join(Wave)
            .where(Wave.code == wave, FrameUnit.sampled == sampled)
            .order_by(FrameUnit.id)  # type: ignore[arg-type]
        ).first()


def test_a_response_of_a_unit_that_was_not_sampled_is_counted_not_weighted(demo: Engine) -> None:
    before = frame(demo, **KATAPULT)
    unit = _frame_unit(demo, KATAPULT["wave"], sampled=False)
    assert unit is not None
    response = _respond(demo, KATAPULT, unit.unit_id)
    after = frame(demo, **KATAPULT)
    assert response not in set(after["response_id"])
    assert after.attrs["not_sampled"] == 1 and len(after) == len(before)
    assert after["weight"].sum() == pytest.approx(before["weight"].sum())
    found = coverage(demo, KATAPULT)
    assert found.not_sampled == 1 and found.included == len(after)
    section = methodology({"katapult-impactmeting": after}, [], language="en", k=10)[0]
    assert "were not sampled" in " ".join(section.paragraphs)


def test_a_unit_found_not_eligible_leaves_the_estimate(demo: Engine) -> None:
    before = frame(demo, **KATAPULT)
    unit_code = before["unit"].iloc[0]
    with session_scope(demo) as session:
        wave = session.exec(select(Wave).where(Wave.code == KATAPULT["wave"])).one()
        instrument = session.exec(
            select(Instrument).where(Instrument.code == KATAPULT["instrument"])
        ).one()
        unit = session.exec(select(Unit).where(Unit.code == unit_code)).one()
        case = session.exec(  # the simulation's case of the unit (its draw made it)
            select(Case).where(
                Case.wave_id == wave.id,
                Case.instrument_id == instrument.id,
                Case.key == f"u:{unit.id}",
            )
        ).one()
        case.outcome, case.outcome_source = "not_eligible", "staff"
        session.add(case)
    after = frame(demo, **KATAPULT)
    assert unit_code not in set(after["unit"])
    assert after.attrs["not_eligible"] == int((before["unit"] == unit_code).sum())
    assert unit_code not in set(after.attrs["sampled_units"].table["unit"])
    assert coverage(demo, KATAPULT).not_eligible == after.attrs["not_eligible"]


PUPILS = {"programme": "techkwadraat", "wave": "meting-2025", "instrument": "tk-leerlingen"}


def test_persons_are_calibrated_to_every_sampled_unit(demo: Engine) -> None:
    """A sampled school that did not answer still has its pupils in the total."""
    first = frame(demo, **PUPILS)
    with session_scope(demo) as session:  # at this scale every sampled school answered
        school = session.exec(select(Unit).where(Unit.code == first["unit"].iloc[0])).one()
        wave = session.exec(select(Wave).where(Wave.code == PUPILS["wave"])).one()
        for response in session.exec(
            select(Response).where(
                Response.wave_id == wave.id,
                Response.unit_id == school.id,
                col(Response.public_id).in_(list(first["response_id"])),
            )
        ).all():
            session.delete(response)
    data = frame(demo, **PUPILS)
    with Session(demo) as session:
        wave = session.exec(select(Wave).where(Wave.code == PUPILS["wave"])).one()
        instrument = session.exec(
            select(Instrument).where(Instrument.code == PUPILS["instrument"])
        ).one()
        rows = session.exec(
            select(FrameUnit.stratum, FrameUnitPersons.persons)
            .join(FrameUnit, FrameUnit.unit_id == FrameUnitPersons.unit_id)
            .where(
                FrameUnitPersons.wave_id == wave.id,
                FrameUnit.wave_id == wave.id,
                FrameUnitPersons.instrument_id == instrument.id,
                FrameUnit.sampled,
            )
        ).all()
    table = data.attrs["sampled_units"].table
    assert (~table["responded"]).any()  # the test means something: a school did not answer
    sizes = data.groupby("stratum")["fpc_units"].first()
    answered = set(data["stratum"])
    known = sum(sizes[h] / sum(1 for g, _ in rows if g == h) * m for h, m in rows if h in answered)
    assert data["weight"].sum() == pytest.approx(known, rel=1e-12)
    rates = data.attrs["response_rates"]
    assert sum(n for n, _ in rates.values()) == len(table)
    assert sum(r for _, r in rates.values()) == data["unit"].nunique()


def test_fewer_persons_in_the_frame_than_answered_names_the_unit(demo: Engine) -> None:
    data = frame(demo, **DW)
    counts = data.groupby("unit").size()
    unit_code = counts[counts >= 2].index[0]
    with session_scope(demo) as session:
        unit = session.exec(select(Unit).where(Unit.code == unit_code)).one()
        persons = session.exec(
            select(FrameUnitPersons).where(FrameUnitPersons.unit_id == unit.id)
        ).all()
        for row in persons:
            row.persons = 1
            session.add(row)
    with pytest.raises(FrameError, match=f"unit '{unit_code}' has {counts[unit_code]} persons"):
        frame(demo, **DW)


def test_the_methodology_states_the_nonresponse_model(demo: Engine) -> None:
    data = frame(demo, **PUPILS)
    for lang, words in (
        ("nl", ("aanname", "stratum", "Respons")),
        ("en", ("assumption", "stratum", "Response rate")),
    ):
        sections = methodology({"tk-leerlingen": data}, [], language=lang, k=10)
        weighting = sections[1]
        text = " ".join(weighting.paragraphs)
        assert words[0] in text and words[1] in text
        assert weighting.table is not None and words[2] in weighting.table.header
        sampled, responding = (
            weighting.table.data["sampled"].sum(),
            weighting.table.data["responding"].sum(),
        )
        assert (sampled, responding) == (
            len(data.attrs["sampled_units"].table),
            data["unit"].nunique(),
        )
        assert "calibrated" in text or "gekalibreerd" in text
