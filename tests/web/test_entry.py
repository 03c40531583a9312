"""Ways in: open links, invitations, consent, language; clear pages for dead links."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import Invitation, Wave
from mel.services.invitations import hash_token
from tests.factories import invite, open_survey
from tests.web.conftest import DATA, Participant, only_response, responses


def test_consent_page_then_first_page(engine: Engine, participant: Participant) -> None:
    link = open_survey(engine, DATA / "consent.yaml")
    participant.get(link)
    assert "Wij gebruiken uw antwoorden alleen voor de impactmonitor." in participant.html
    assert responses(engine) == []  # GET changes nothing
    participant.post({})
    assert "/r/" in participant.path and participant.path.endswith("/p/enige")
    assert only_response(engine).consent_version == "dw-2025-1"


def test_generic_privacy_text_without_consent(engine: Engine, participant: Participant) -> None:
    participant.get(open_survey(engine, DATA / "skip.yaml"))
    assert "We slaan geen IP-adres op" in participant.html


def test_consent_of_another_version_is_asked_again(
    engine: Engine, participant: Participant
) -> None:
    participant.get(open_survey(engine, DATA / "consent.yaml"))
    page = participant.post({"_consent": "old-version"})
    assert page.status_code == 400 and responses(engine) == []


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [
        ("closed", 410, "Deze vragenlijst is gesloten."),
        ("planned", 404, "(nog) niet beschikbaar"),
    ],
)
def test_wave_not_open(
    engine: Engine, client: FlaskClient, status: str, code: int, text: str
) -> None:
    link = open_survey(engine, DATA / "skip.yaml", status=status)
    page = client.get(link)
    assert page.status_code == code and text in page.get_data(as_text=True)
    assert client.post(link, data={}).status_code in (400, code)  # no CSRF token: 400


@pytest.mark.parametrize(
    "path",
    [
        "/s/web-skip/nope",
        "/s/nope/w2025",
        "/i/not-a-token",
        "/r/not-a-token",
        "/r/not-a-token/p/start",
        "/i/not-a-token/done",
    ],
)
def test_unknown_links_get_a_clear_404(engine: Engine, client: FlaskClient, path: str) -> None:
    open_survey(engine, DATA / "skip.yaml")
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and "Traceback" not in html
    assert '<html lang="nl">' in html and 'lang="en"' in html  # bilingual


def test_wave_must_field_the_instrument(engine: Engine, client: FlaskClient) -> None:
    open_survey(engine, DATA / "skip.yaml")
    open_survey(engine, DATA / "consent.yaml", wave="w-other")
    assert client.get("/s/web-skip/w-other").status_code == 404


def test_invitation_flow_resume_and_completed(engine: Engine, participant: Participant) -> None:
    open_survey(engine, DATA / "consent.yaml")
    (link,) = invite(engine, "web-consent")
    token = link.rsplit("/", 1)[1]
    with Session(engine) as session:
        stored = session.exec(select(Invitation)).one()
        assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    participant.start(link)
    assert participant.path == f"/i/{token}/p/enige"
    assert "link uit uw uitnodiging" in participant.html
    participant.get(link)  # the invitation link again: straight back to the page
    assert participant.path == f"/i/{token}/p/enige"
    participant.post({"cijfer": "9"})
    assert participant.path == f"/i/{token}/done"
    response = only_response(engine)
    assert response.invitation_id == stored.id and response.status == "complete"
    page = participant.get(link)
    assert page.status_code == 410 and "al ingevuld" in participant.html


def test_expired_invitation(engine: Engine, participant: Participant) -> None:
    open_survey(engine, DATA / "consent.yaml")
    (link,) = invite(engine, "web-consent", expires=date.today() - timedelta(days=1))
    page = participant.get(link)
    assert page.status_code == 410 and "verlopen" in participant.html
    (valid,) = invite(engine, "web-consent", expires=date.today())
    assert participant.get(valid).status_code == 200


def test_invitation_language_and_switch(engine: Engine, participant: Participant) -> None:
    open_survey(engine, DATA / "consent.yaml")
    (link,) = invite(engine, "web-consent", language="en")
    participant.get(link)
    assert '<html lang="en">' in participant.html and "I agree, start" in participant.html
    participant.get(link + "?lang=nl")
    assert "Ik ga akkoord en begin" in participant.html
    participant.post({})
    assert only_response(engine).language == "nl"
    assert '<html lang="nl">' in participant.html


def test_language_switch_on_every_page(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "types.yaml"))
    # On a survey page the switch is a button of the page's form (see test_language_switch).
    assert 'name="_language" value="en"' in participant.html and ">English<" in participant.html
    participant.get(participant.path + "?lang=en")
    html = participant.html
    assert "How large is your company?" in html and "Page 1 of 4" in html
    assert ">Next<" in html and "(required)" in html and "Continue later?" in html
    assert 'name="_language" value="nl"' in html and ">Nederlands<" in html
    participant.post({"grootte": "micro", "onderwerpen": "website", "opnieuw": "yes"})
    assert only_response(engine).language == "en"
    assert "To what extent do you agree?" in participant.html  # the choice is remembered


def test_two_tabs_starting_one_invitation_make_one_response(
    engine: Engine, client: FlaskClient, participant: Participant
) -> None:
    open_survey(engine, DATA / "consent.yaml")
    (link,) = invite(engine, "web-consent")
    participant.get(link)
    other = Participant(client)
    other.get(link)
    participant.post({})
    other.post({})
    assert len(responses(engine)) == 1 and other.path == participant.path


def test_closed_wave_lets_started_respondents_finish(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "consent.yaml"))
    with session_scope(engine) as session:
        wave = session.exec(select(Wave)).one()
        wave.status = "closed"
    participant.post({"cijfer": "3"})
    assert participant.path.endswith("/done")
