"""Open links: off by default, on per wave and instrument, asking for the unit in a frame."""

from __future__ import annotations

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import Response, Unit, WaveInstrument
from tests.factories import make_unit, make_wave, publish_survey
from tests.web.conftest import DATA, Participant, read_form, responses

LINK = "/s/web-consent/w2025"


def fielded(
    engine: Engine,
    *,
    open_link: bool = False,
    ask_unit: bool = False,
    units: int = 0,
    unsampled: int = 0,
    respondent: str = "unit",
) -> None:
    """The consent survey in wave w2025, with `units` sampled units in its frame."""
    with session_scope(engine) as session:
        data = yaml.safe_load((DATA / "consent.yaml").read_text(encoding="utf-8"))
        publish_survey(session, {**data, "respondent": respondent})
        wave = make_wave(session, "web-consent", open_link=open_link, ask_unit=ask_unit)
        for i in range(units):
            make_unit(session, "web-test", f"wp-{i:02d}", wave=wave)
        for i in range(unsampled):
            make_unit(session, "web-test", f"buiten-{i:02d}", wave=wave, sampled=False)


def test_an_open_link_is_off_unless_switched_on(engine: Engine, client: FlaskClient) -> None:
    fielded(engine)
    page = client.get(LINK)
    assert page.status_code == 403
    assert "alleen in te vullen via een persoonlijke uitnodiging" in page.get_data(as_text=True)
    english = client.get(LINK + "?lang=en").get_data(as_text=True)
    assert "can only be filled in through a personal invitation" in english
    assert client.post(LINK, data={"_consent": "dw-2025-1"}).status_code == 403
    assert responses(engine) == []


def test_a_link_that_does_not_ask_for_the_unit_is_refused_in_a_wave_with_a_frame(
    engine: Engine, client: FlaskClient
) -> None:
    fielded(engine, open_link=True, units=3)
    page = client.get(LINK)
    assert page.status_code == 403
    assert "horen bij een organisatie" in page.get_data(as_text=True)
    assert responses(engine) == []


def test_without_a_frame_an_open_link_needs_no_unit(engine: Engine, app: Flask) -> None:
    fielded(engine, open_link=True)
    participant = Participant(app.test_client())
    participant.start(LINK)
    participant.post({"cijfer": "9"})
    assert participant.path.endswith("/done")
    (response,) = responses(engine)
    assert response.status == "complete" and response.unit_id is None


def test_the_link_asks_for_the_unit_of_the_sample_and_stores_it(engine: Engine, app: Flask) -> None:
    fielded(engine, open_link=True, ask_unit=True, units=3, unsampled=2)
    client = app.test_client()
    choice = client.get(LINK)
    html = choice.get_data(as_text=True)
    assert choice.status_code == 200
    form = read_form(html)
    assert {"unit-1", "unit-2", "unit-3"} <= form.ids and "unit-4" not in form.ids
    assert "Voor welke werkplaats vult u deze vragenlijst in?" in html
    assert 'type="radio"' in html and "<legend" in html and "Buiten" not in html
    assert "For which workshop" in client.get(LINK + "?lang=en").get_data(as_text=True)
    client.get(LINK + "?lang=nl")
    # A unit that is not in the sample: the question again, with what is wrong.
    wrong = client.get(LINK + "?unit=buiten-00")
    assert wrong.status_code == 400 and "Kies een werkplaats" in wrong.get_data(as_text=True)
    consent = client.get(LINK + "?unit=wp-01")
    text = consent.get_data(as_text=True)
    assert consent.status_code == 200 and "U vult deze vragenlijst in voor: Wp-01." in text
    participant = Participant(client)
    participant.page = consent
    participant.client.post(LINK + "?unit=wp-01", data=read_form(text).values)
    with Session(engine) as session:
        (response,) = session.exec(select(Response)).all()
        unit = session.exec(select(Unit).where(Unit.code == "wp-01")).one()
        assert response.unit_id == unit.id


def test_a_long_unit_list_is_a_select_with_a_search_that_needs_no_javascript(
    engine: Engine, client: FlaskClient
) -> None:
    fielded(engine, open_link=True, ask_unit=True, units=30)
    html = client.get(LINK).get_data(as_text=True)
    assert '<select class="input" id="unit-choice" name="unit"' in html
    assert 'role="search"' in html and 'name="q"' in html
    found = client.get(LINK + "?q=WP-2").get_data(as_text=True)
    assert "10 gevonden" in found and 'value="wp-29"' in found and 'value="wp-01"' not in found
    none = client.get(LINK + "?q=zzz").get_data(as_text=True)
    assert "Geen werkplaats gevonden met &#39;zzz&#39;" in none


def test_switching_the_link_on(engine: Engine, client: FlaskClient) -> None:
    fielded(engine, units=2)
    assert client.get(LINK).status_code == 403
    with session_scope(engine) as session:
        row = session.exec(select(WaveInstrument)).one()
        row.open_link, row.ask_unit = True, True
        session.add(row)
    assert client.get(LINK).status_code == 200
