"""Participant copy: one address form per survey, plain words on error pages, a site icon."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from mel.db import session_scope
from mel.settings import project_path
from mel.surveys.loader import load_instrument
from tests.factories import make_unit, make_wave, open_survey, publish_survey
from tests.web.conftest import Participant

PUPILS = project_path("surveys") / "techkwadraat" / "leerlingen.yaml"
DW = project_path("surveys") / "digitale-werkplaatsen" / "impactmonitor.yaml"
FORMAL = re.compile(r"\b([Uu]w?)\b")


def main_text(html: str) -> str:
    """The words a participant reads in <main>, without tags."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])))


def test_pupils_are_addressed_with_je_throughout(engine: Engine, participant: Participant) -> None:
    link = open_survey(engine, PUPILS)
    seen = []
    participant.get(link)
    seen.append(main_text(participant.html))
    assert "Voordat je begint" in seen[-1] and "Je antwoorden worden na elke pagina" in seen[-1]
    participant.post({})
    seen.append(main_text(participant.html))
    assert "Je antwoorden tot en met de vorige pagina zijn bewaard" in seen[-1]
    token_path = participant.path.rsplit("/p/", 1)[0]
    unknown = participant.client.get(token_path + "/p/nope")
    assert unknown.status_code == 404
    seen.append(main_text(unknown.get_data(as_text=True)))
    assert "Kreeg je een uitnodiging?" in seen[-1]
    for _ in range(len(load_instrument(PUPILS).pages)):  # nothing is required: skip all
        participant.post({})
    assert participant.path.endswith("/done")
    seen.append(main_text(participant.html))
    assert "Je antwoorden zijn verstuurd" in seen[-1]
    participant.get(token_path)  # the resume link of a completed response
    assert participant.page is not None and participant.page.status_code == 410
    seen.append(main_text(participant.html))
    assert "Je hebt deze vragenlijst al ingevuld" in seen[-1]
    for text in seen:
        assert not FORMAL.search(text), (FORMAL.search(text), text)


def test_pupils_choosing_their_school_are_addressed_with_je(
    engine: Engine, participant: Participant
) -> None:
    """The open link as `mel demo` serves it: it asks for the school first."""
    with session_scope(engine) as session:
        publish_survey(session, PUPILS)
        wave = make_wave(session, "tk-leerlingen", open_link=True, ask_unit=True)
        make_unit(session, "techkwadraat", "school-01", wave=wave)
        make_unit(session, "techkwadraat", "school-02", wave=wave)
    seen = []
    participant.get("/s/tk-leerlingen/w2025")
    seen.append(main_text(participant.html))
    assert "Bij welke" in seen[-1] and "hoort je antwoord?" in seen[-1]
    participant.get("/s/tk-leerlingen/w2025?unit=school-01")
    seen.append(main_text(participant.html))
    assert "Je vult deze vragenlijst in voor: School-01." in seen[-1]
    for text in seen:
        assert not FORMAL.search(text), (FORMAL.search(text), text)


def test_other_surveys_keep_u(engine: Engine, participant: Participant) -> None:
    participant.get(open_survey(engine, DW))
    assert "Voordat u begint" in participant.html
    assert "Uw antwoorden worden na elke pagina bewaard" in participant.html


def test_pupil_consent_is_true_to_the_required_questions() -> None:
    """The consent promises pupils they may skip any question: none may be required."""
    survey = load_instrument(PUPILS)
    assert survey.consent is not None and "overslaan" in survey.consent.text.get("nl")
    assert "skip" in survey.consent.text.get("en")
    assert [q.name for q in survey.questions() if q.required] == []


@pytest.mark.parametrize(
    ("path", "status"), [("/s/nope/w2025", 404), ("/r/unknown-resume-token", 404)]
)
def test_error_pages_use_plain_words(client: FlaskClient, path: str, status: int) -> None:
    page = client.get(path)
    assert page.status_code == status
    text = main_text(page.get_data(as_text=True))
    assert "HTTP" not in text and str(status) not in text
    assert "Pagina niet gevonden" in text


def test_closed_survey_page_has_no_status_code(engine: Engine, client: FlaskClient) -> None:
    link = open_survey(engine, DW, status="closed")
    page = client.get(link)
    assert page.status_code == 410
    text = main_text(page.get_data(as_text=True))
    assert "Deze vragenlijst is gesloten." in text and "410" not in text and "HTTP" not in text


def test_favicon_is_served_and_linked(client: FlaskClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age" in icon.headers["Cache-Control"]
    home = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in home
