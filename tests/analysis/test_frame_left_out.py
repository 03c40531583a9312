"""Complete responses without a unit, and a unit's second response to a unit-level survey,
are counted and left out of the analysis frame (never an error, never counted twice)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.data.coverage import frame_coverage, left_out_notes
from mel.data.frame import frame
from mel.db import session_scope
from mel.models import Instrument, Response, Wave, WaveStratum
from mel.reports.methodology import methodology

KATAPULT = {
    "programme": "katapult",
    "wave": "impactmeting-2025",
    "instrument": "katapult-impactmeting",
}
DW = {
    "programme": "digitale-werkplaatsen",
    "wave": "monitor-2025",
    "instrument": "dw-impactmonitor",
}


def copy_response(engine: Engine, args: dict[str, str], *, unit: bool) -> str:
    """Store a complete copy of the wave's first complete response, with its unit or none."""
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
            unit_id=first.unit_id if unit else None,
            status="complete",
            answers=dict(first.answers),
        )
        session.add(copy)
        return copy.public_id


def coverage(engine: Engine, args: dict[str, str]):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        wave = session.exec(select(Wave).where(Wave.code == args["wave"])).one()
        instrument = session.exec(
            select(Instrument).where(Instrument.code == args["instrument"])
        ).one()
        return frame_coverage(session, [wave.id or 0])[(wave.id, instrument.id)]


def population(engine: Engine, wave: str) -> float:
    with Session(engine) as session:
        wave_row = session.exec(select(Wave).where(Wave.code == wave)).one()
        return float(
            sum(
                s.population_size
                for s in session.exec(select(WaveStratum).where(WaveStratum.wave_id == wave_row.id))
            )
        )


def test_a_unit_level_survey_counts_each_unit_once(demo: Engine) -> None:
    before = frame(demo, **KATAPULT)
    assert before["weight"].sum() == pytest.approx(population(demo, "impactmeting-2025"))
    second = copy_response(demo, KATAPULT, unit=True)
    anonymous = copy_response(demo, KATAPULT, unit=False)
    after = frame(demo, **KATAPULT)
    assert (after.attrs["duplicate_unit"], after.attrs["without_unit"]) == (1, 1)
    assert after.attrs["outside_frame"] == 0
    assert len(after) == len(before) and after["unit"].nunique() == before["unit"].nunique()
    assert second not in set(after["response_id"]) and anonymous not in set(after["response_id"])
    # n, PSUs and the weights stay as they were: the sum is still the population.
    assert after["weight"].sum() == pytest.approx(population(demo, "impactmeting-2025"))
    found = coverage(demo, KATAPULT)
    assert (found.complete, found.without_unit, found.duplicate_unit) == (len(before) + 2, 1, 1)
    assert found.included == len(after)
    notes = left_out_notes(after.attrs)
    assert len(notes) == 2 and "have no unit" in notes[0] and "one response counts" in notes[1]
    section = methodology({"katapult-impactmeting": after}, [], language="en", k=10)[0]
    text = " ".join(section.paragraphs)
    assert "Complete responses without a unit" in text and "later complete" in text
    assert "katapult-impactmeting (1)" in text


def test_persons_of_a_unit_all_count_and_one_without_unit_is_left_out(demo: Engine) -> None:
    before = frame(demo, **DW)
    copy_response(demo, DW, unit=True)
    copy_response(demo, DW, unit=False)
    after = frame(demo, **DW)
    assert len(after) == len(before) + 1  # a second entrepreneur of a werkplaats counts
    assert (after.attrs["without_unit"], after.attrs["duplicate_unit"]) == (1, 0)
    found = coverage(demo, DW)
    assert (found.without_unit, found.duplicate_unit, found.included) == (1, 0, len(after))
