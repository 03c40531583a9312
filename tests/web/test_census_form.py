"""The census form (Katapult's progress measurement): pre-filled from last year, plausibility
flags that ask for a reason, and corrections until the wave closes (issue #16, item 1)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import Instrument, Response, Unit, Wave
from mel.services.invitations import Invitee, create_invitations
from tests.factories import make_unit, make_wave, publish_survey
from tests.web.conftest import Participant

SURVEY = Path(__file__).parents[2] / "surveys" / "katapult" / "voortgangsmeting.yaml"
LAST_YEAR = {
    "fte": 4.5,
    "budget_overheid": 250000.0,
    "budget_onderwijs": 120000.0,
    "budget_bedrijven": 80000.0,
    "budget_overig": 0.0,
    "fte__reason": "last year's reason",
    "activiteiten": ["onderwijsontwikkeling", "llo"],
    "bijeenkomsten": 12,
    "studenten": 300,
    "studenten_telwijze": "betrokkenheden",
    "docenten": 20,
    "docenten_telwijze": "verschillend",
    "bedrijven": 35,
    "bedrijven_telwijze": "verschillend",
    "minoren": 2,
    "llo_cursussen": 4,
    "innovatieprojecten": 6,
}


def census_link(engine: Engine, *, previous: dict | None = LAST_YEAR) -> str:
    """A 2025 wave (closed) with the unit's return, and a 2026 wave with its link."""
    with session_scope(engine) as session:
        version = publish_survey(session, SURVEY)
        old = make_wave(session, "katapult-voortgang", code="voortgang-2025", status="closed")
        new = make_wave(session, "katapult-voortgang", code="voortgang-2026")
        new.year = 2026
        unit = make_unit(session, "katapult", "pps-001", wave=new)
        other = make_unit(session, "katapult", "pps-002", wave=new)
        for wave, who, answers in ((old, unit, previous), (old, other, {**LAST_YEAR, "fte": 99})):
            if answers is None:
                continue
            session.add(
                Response(
                    public_id=f"r-{who.code}",
                    respondent_id=f"p-{who.code}",
                    wave_id=wave.id,
                    instrument_version_id=version.id,
                    unit_id=who.id,
                    status="complete",
                    answers=answers,
                )
            )
        instrument = session.exec(select(Instrument)).one()
        issued = create_invitations(
            session, wave=new, instrument=instrument, invitees=[Invitee(unit=unit)]
        )
        return issued[0].url


def new_return(engine: Engine) -> Response:
    with Session(engine) as session:
        wave = session.exec(select(Wave).where(Wave.code == "voortgang-2026")).one()
        return session.exec(select(Response).where(Response.wave_id == wave.id)).one()


def test_the_form_starts_from_last_years_answers_without_last_years_reasons(
    engine: Engine, app: Flask
) -> None:
    link = census_link(engine)
    person = Participant(app.test_client())
    person.start(link)
    assert person.path.endswith("/p/inzet"), person.html
    form = person.form()
    assert form["fte"] == "4,5"
    assert form["budget_overheid"] == "250000"
    assert "fte__reason" not in form  # no flag, no reason box
    stored = new_return(engine).answers
    assert stored["studenten"] == 300 and stored["activiteiten"] == ["onderwijsontwikkeling", "llo"]
    assert "fte__reason" not in stored
    assert stored["fte"] == 4.5  # the unit's own, not the other unit's 99


def test_a_new_unit_starts_empty(engine: Engine, app: Flask) -> None:
    link = census_link(engine, previous=None)
    person = Participant(app.test_client())
    person.start(link)
    assert person.form()["fte"] == ""
    assert new_return(engine).answers == {}


def test_an_implausible_change_asks_for_a_reason_and_keeps_it(engine: Engine, app: Flask) -> None:
    person = Participant(app.test_client())
    person.start(census_link(engine))
    # 4.5 -> 12 is a ratio of 2.67 (outside [0.5, 2]) and more than the tolerance of 2.
    page = person.post({"fte": "12"})
    assert page.status_code == 200 and person.path.endswith("/p/inzet")
    assert "wijkt sterk af van uw opgave van vorig jaar (4,5)" in person.html
    assert 'name="fte__reason"' in person.html
    assert "Geef hieronder een reden" in person.html
    assert new_return(engine).answers["fte"] == 4.5  # nothing saved without a reason
    person.post({"fte": "12", "fte__reason": "Twee nieuwe hogescholen sloten aan"})
    assert person.path.endswith("/p/activiteiten"), person.html
    stored = new_return(engine).answers
    assert stored["fte"] == 12 and stored["fte__reason"] == "Twee nieuwe hogescholen sloten aan"


def test_changes_inside_the_range_or_tolerance_are_not_flagged(engine: Engine, app: Flask) -> None:
    person = Participant(app.test_client())
    person.start(census_link(engine))
    # fte 4.5 -> 6.4: within the tolerance of 2; budget x1.9: within the ratio.
    person.post({"fte": "6,4", "budget_overheid": "475000"})
    assert person.path.endswith("/p/activiteiten"), person.html


def test_stated_bounds_flag_without_last_year(engine: Engine, app: Flask) -> None:
    person = Participant(app.test_client())
    person.start(census_link(engine, previous=None))
    answers = {f"budget_{s}": "0" for s in ("overheid", "onderwijs", "bedrijven", "overig")}
    person.post({**answers, "fte": "250"})  # allowed (max 1000), but outside [0, 200]
    assert "250 ligt buiten wat gebruikelijk is (0 tot 200)" in person.html
    person.post({**answers, "fte": "250", "fte__reason": "Ook alle stagebegeleiders geteld"})
    assert person.path.endswith("/p/activiteiten")


def submitted(app: Flask, engine: Engine) -> Participant:
    person = Participant(app.test_client())
    person.start(census_link(engine))
    for _ in range(4):
        person.post({})
    assert person.path.endswith("/done"), person.html
    return person


def test_a_submitted_return_can_be_corrected_until_the_wave_closes(
    engine: Engine, app: Flask
) -> None:
    person = submitted(app, engine)
    first = new_return(engine)
    assert first.status == "complete" and first.answers["studenten"] == 300
    assert "Opgave corrigeren" in person.html
    link = person.path.removesuffix("/done")
    person.get(link + "/p/bereik")
    assert "U corrigeert een verstuurde opgave" in person.html
    person.post({"studenten": "310"})
    assert person.path.endswith("/p/output")
    again = new_return(engine)
    assert again.status == "complete" and again.answers["studenten"] == 310
    assert again.id == first.id and again.completed_at == first.completed_at
    assert again.submission_hash != first.submission_hash
    # the final page of a correction goes back to the thank-you page
    person.post({"minoren": "3"})
    assert person.path.endswith("/done")
    assert new_return(engine).answers["minoren"] == 3
    # a flagged correction needs its reason too
    person.get(link + "/p/bereik")
    person.post({"studenten": "2000"})
    assert person.path.endswith("/p/bereik") and "fte__reason" not in person.html
    assert new_return(engine).answers["studenten"] == 310
    with session_scope(engine) as session:
        wave = session.exec(select(Wave).where(Wave.code == "voortgang-2026")).one()
        wave.status = "closed"
    page = person.get(link + "/p/bereik")
    assert person.path.endswith("/done")
    assert "Opgave corrigeren" not in person.html
    page = person.client.post(link + "/p/bereik", data={"studenten": "1"})
    assert page.status_code in (303, 302, 400, 409, 410)
    assert new_return(engine).answers["studenten"] == 310
    with Session(engine) as session:
        assert len(session.exec(select(Unit)).all()) == 2
