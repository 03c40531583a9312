"""Case outcomes read from rows: which contacts and responses belong to which case, storing."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.models import (
    Case,
    Contact,
    Instrument,
    InstrumentVersion,
    Invitation,
    Programme,
    Response,
    Unit,
    Wave,
    utcnow,
)
from mel.services.fieldwork.outcomes import current_outcomes, refresh
from mel.services.fieldwork.status import wave_status

DURING, AFTER = date(2025, 5, 1), date(2025, 7, 1)


def make_wave(session: Session) -> Wave:
    """A wave with a unit survey and a person survey over three units, cases by key."""
    programme = Programme(code="p", label_nl="p", label_en="p", content_hash="")
    session.add(programme)
    session.flush()
    pid = programme.id or 0
    wave = Wave(programme_id=pid, code="w", label_nl="w", label_en="w", year=2025,
                fieldwork_end=date(2025, 6, 30))  # fmt: skip
    unit_survey = Instrument(programme_id=pid, code="us", title_nl="u", title_en="u")
    person_survey = Instrument(
        programme_id=pid, code="ps", title_nl="p", title_en="p", respondent="person"
    )
    units = [Unit(programme_id=pid, code=f"u{i}", name=f"u{i}", kind="school") for i in (1, 2, 3)]
    session.add_all([wave, unit_survey, person_survey, *units])
    session.flush()
    for instrument in (unit_survey, person_survey):
        session.add(InstrumentVersion(instrument_id=instrument.id or 0, version=1, content_hash=""))
    session.flush()
    return wave


def add_case(session: Session, wave: Wave, code: str, unit: int, email: str, **contact) -> Case:
    """A case of instrument `code` for the unit's `unit`-th unit, with one contact and link."""
    instrument = session.exec(select(Instrument).where(Instrument.code == code)).one()
    unit_id = session.exec(select(Unit.id).where(Unit.code == f"u{unit}")).one()
    person = instrument.respondent == "person"
    made = Contact(wave_id=wave.id or 0, instrument_id=instrument.id or 0, unit_id=unit_id,
                   email=email, **contact)  # fmt: skip
    invitation = Invitation(token_hash=email.ljust(64, "x"), wave_id=wave.id or 0,
                            instrument_id=instrument.id or 0, unit_id=unit_id)  # fmt: skip
    session.add_all([made, invitation])
    session.flush()
    key = f"c:{made.id}" if person else f"u:{unit_id}"
    existing = session.exec(select(Case).where(Case.key == key, Case.wave_id == wave.id)).first()
    case = existing or Case(
        wave_id=wave.id or 0, instrument_id=instrument.id or 0, key=key, unit_id=unit_id,
        contact_id=made.id if person else None, invitation_id=invitation.id,
    )  # fmt: skip
    session.add(case)
    session.flush()
    return case


def respond(session: Session, case: Case, status: str, answers: dict, *, own: bool = True) -> None:
    """A response to the case's instrument: through its invitation, or its unit's open link."""
    version = session.exec(
        select(InstrumentVersion.id).where(InstrumentVersion.instrument_id == case.instrument_id)
    ).one()
    session.add(
        Response(
            public_id=f"r{case.id}{own}",
            wave_id=case.wave_id,
            instrument_version_id=version,
            unit_id=case.unit_id,
            invitation_id=case.invitation_id if own else None,
            respondent_id=f"p{case.id}{own}",
            status=status,
            answers=answers,
        )  # fmt: skip
    )
    session.flush()


def test_each_case_counts_its_own_contacts_and_responses(engine: Engine) -> None:
    with Session(engine) as session:
        wave = make_wave(session)
        # Unit 1: two contacts, one bounced (still reachable); the unit answered by open link.
        u1 = add_case(session, wave, "us", 1, "a@x.nl", bounced_at=utcnow())
        add_case(session, wave, "us", 1, "b@x.nl")
        respond(session, u1, "complete", {"q": 1}, own=False)
        # Unit 2: both contacts bounced: undeliverable.
        add_case(session, wave, "us", 2, "c@x.nl", bounced_at=utcnow())
        u2 = add_case(session, wave, "us", 2, "d@x.nl", bounced_at=utcnow())
        # Unit 3: nothing back: pending during fieldwork, non-contact after it.
        u3 = add_case(session, wave, "us", 3, "e@x.nl")
        # Persons of unit 1: one started without answers, one opted out after answering some,
        # one whose colleague's complete response must not count for her.
        p1 = add_case(session, wave, "ps", 1, "p1@x.nl")
        respond(session, p1, "in_progress", {})
        p2 = add_case(session, wave, "ps", 1, "p2@x.nl", opted_out_at=utcnow())
        respond(session, p2, "in_progress", {"q": 2})
        p3 = add_case(session, wave, "ps", 1, "p3@x.nl")
        p4 = add_case(session, wave, "ps", 1, "p4@x.nl")
        respond(session, p4, "complete", {"q": 3})
        # A staff outcome stays whatever the rows say.
        p3.outcome, p3.outcome_source = "not_eligible", "staff"
        session.add(p3)
        session.commit()
        got = current_outcomes(session, wave, DURING)
        assert got == {
            u1.id: "complete", u2.id: "undeliverable", u3.id: None,
            p1.id: "refusal", p2.id: "opted_out", p3.id: "not_eligible", p4.id: "complete",
        }  # fmt: skip
        assert current_outcomes(session, wave, AFTER)[u3.id] == "non_contact"
        # Reading stores nothing; refresh stores the automatic ones and leaves staff's.
        assert session.get(Case, u1.id).outcome is None
        assert refresh(session, wave, AFTER) == 6  # all but staff's
        session.commit()
        stored = {c.id: (c.outcome, c.outcome_source) for c in session.exec(select(Case))}
        assert stored[u3.id] == ("non_contact", "auto")
        assert stored[p3.id] == ("not_eligible", "staff")
        assert stored[p1.id] == ("refusal", "auto")
        # A second refresh changes nothing; a case pending again loses its stored outcome.
        p4_outcome_at = session.get(Case, p4.id).outcome_at
        assert refresh(session, wave, AFTER) == 0
        assert session.get(Case, p4.id).outcome_at == p4_outcome_at
        refresh(session, wave, DURING)
        session.commit()
        assert (session.get(Case, u3.id).outcome, session.get(Case, u3.id).outcome_source) == (
            None, None,
        )  # fmt: skip
        status = wave_status(session, wave, today=DURING)
        totals = {i["instrument"]: i["total"] for i in status["instruments"]}
        assert totals["us"]["cases"] == 3 and totals["us"]["complete"] == 1
        assert totals["us"]["undeliverable"] == 1 and totals["us"]["pending"] == 1
        assert totals["ps"]["cases"] == 4 and totals["ps"]["not_eligible"] == 1
        assert status["outcomes_by_staff"] == 1
        assert (status["contacts"], status["bounced"], status["opted_out"]) == (9, 3, 1)


def test_a_wave_without_cases_has_no_instruments(engine: Engine) -> None:
    with Session(engine) as session:
        wave = make_wave(session)
        session.commit()
        assert current_outcomes(session, wave, DURING) == {}
        assert wave_status(session, wave, today=DURING)["instruments"] == []
        assert refresh(session, wave, DURING) == 0
