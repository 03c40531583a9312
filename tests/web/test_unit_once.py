"""A unit completes a unit-level survey once per wave (issue #11, item 2).

The database holds it to that (``uq_response_unit_once``); a second respondent of the unit
gets a clear page, and what they typed is kept as an in-progress response staff can see.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mel.data.coverage import blocked_by_answered_unit
from mel.db import session_scope
from mel.models import Instrument, InstrumentVersion, Response, Unit, Wave
from mel.services.invitations import Invitee, create_invitations
from tests.factories import make_unit, make_wave, publish_survey
from tests.web.conftest import DATA, Participant, responses
from tests.web.test_copy import main_text

TABS = 8


def unit_survey(engine: Engine, *, respondent: str = "unit", invitations: int = 2) -> list[str]:
    """The consent survey answered for units; `invitations` links for unit wp-01."""
    with session_scope(engine) as session:
        data = yaml.safe_load((DATA / "consent.yaml").read_text(encoding="utf-8"))
        publish_survey(session, {**data, "respondent": respondent})
        wave = make_wave(session, "web-consent", open_link=True, ask_unit=True)
        unit = make_unit(session, "web-test", "wp-01", wave=wave)
        make_unit(session, "web-test", "wp-02", wave=wave)
        instrument = session.exec(select(Instrument)).one()
        issued = create_invitations(
            session,
            wave=wave,
            instrument=instrument,
            invitees=[Invitee(unit=unit)] * invitations,
        )
        return [item.url for item in issued]


def on_final_page(app: Flask, link: str) -> Participant:
    participant = Participant(app.test_client())
    participant.start(link)
    assert participant.path.endswith("/p/enige"), participant.html
    return participant


def test_the_second_respondent_is_told_and_keeps_their_answers(engine: Engine, app: Flask) -> None:
    first_link, second_link = unit_survey(engine)
    first, second = on_final_page(app, first_link), on_final_page(app, second_link)
    first.post({"cijfer": "8"})
    assert first.path.endswith("/done")
    page = second.post({"cijfer": "3"})
    html = second.html
    assert page.status_code == 409
    assert "Al ingevuld voor deze werkplaats" in html
    assert "Voor Wp-01 is deze vragenlijst in deze meting al ingevuld" in html
    assert "Uw eigen antwoorden zijn bewaard" in html and "web-test" in html
    rows = sorted(responses(engine), key=lambda r: r.id or 0)
    assert [r.status for r in rows] == ["complete", "in_progress"]
    assert rows[1].answers == {"cijfer": 3}  # nothing typed is lost
    assert [r.unit_once_instrument_id is not None for r in rows] == [True, False]
    with Session(engine) as session:
        wave = session.exec(select(Wave)).one()
        assert blocked_by_answered_unit(session, int(wave.id or 0)) == 1
    # Coming back later: the same page, still not counted twice.
    again = second.client.get(second_link, follow_redirects=True)
    assert again.request.path.endswith("/p/enige")
    second.client.get("/?lang=en")  # the visitor chooses English (kept in the session)
    second.get(second.path)
    assert second.post({"cijfer": "3"}).status_code == 409
    assert "already been completed and submitted for Wp-01" in second.html
    assert sum(r.status == "complete" for r in responses(engine)) == 1


def test_a_link_for_a_unit_that_has_answered_says_so_before_anything_is_typed(
    engine: Engine, app: Flask
) -> None:
    first_link, second_link = unit_survey(engine)
    first = on_final_page(app, first_link)
    first.post({"cijfer": "8"})
    client = app.test_client()
    page = client.get(second_link)
    assert page.status_code == 409 and "Al ingevuld" in page.get_data(as_text=True)
    chosen = client.get("/s/web-consent/w2025?unit=wp-01")
    assert chosen.status_code == 409 and "Een andere kiezen" in chosen.get_data(as_text=True)
    for shown in (page, chosen):  # plain words, as on every participant error page
        text = main_text(shown.get_data(as_text=True))
        assert "HTTP" not in text and "409" not in text
    assert client.get("/s/web-consent/w2025?unit=wp-02").status_code == 200
    assert len(responses(engine)) == 1  # no response was started for either


def test_respondents_of_a_unit_submitting_at_once_store_one(engine: Engine, app: Flask) -> None:
    links = unit_survey(engine, invitations=TABS)
    tabs = [on_final_page(app, link) for link in links]
    barrier = threading.Barrier(TABS)

    def press(tab: Participant) -> int:
        barrier.wait()
        return tab.post({"cijfer": "7"}, follow=False).status_code

    with ThreadPoolExecutor(TABS) as pool:
        codes = list(pool.map(press, tabs))
    assert sorted(codes) == [303] + [409] * (TABS - 1)
    rows = responses(engine)
    assert sum(r.status == "complete" for r in rows) == 1
    assert all(r.answers == {"cijfer": 7} for r in rows)


def test_persons_of_one_unit_each_count(engine: Engine, app: Flask) -> None:
    first_link, second_link = unit_survey(engine, respondent="person")
    for link in (first_link, second_link):
        participant = on_final_page(app, link)
        participant.post({"cijfer": "8"})
        assert participant.path.endswith("/done")
    rows = responses(engine)
    assert [r.status for r in rows] == ["complete", "complete"]
    assert all(r.unit_once_instrument_id is None for r in rows)


def test_the_database_refuses_a_second_complete_response_of_a_unit(engine: Engine) -> None:
    unit_survey(engine, invitations=0)
    with Session(engine) as session:
        wave = session.exec(select(Wave)).one()
        unit = session.exec(select(Unit).where(Unit.code == "wp-01")).one()
        version = session.exec(select(InstrumentVersion)).one()

        def row(key: int | None) -> Response:
            return Response(
                public_id=str(uuid.uuid4()),
                respondent_id=str(uuid.uuid4()),
                wave_id=wave.id or 0,
                instrument_version_id=version.id or 0,
                unit_id=unit.id,
                status="complete",
                unit_once_instrument_id=key,
            )

        instrument = version.instrument_id
        session.add_all([row(instrument), row(None), row(None)])
        session.commit()
        session.add(row(instrument))
        with pytest.raises(IntegrityError):
            session.commit()
