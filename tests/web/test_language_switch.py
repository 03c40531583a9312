"""The nl/en switch on a survey page posts the page: nothing typed on it is lost."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


def _on_facts_page(engine: Engine, app: Flask) -> Participant:
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "types.yaml"))
    participant.post({"grootte": "klein", "onderwerpen": ["webshop"], "opnieuw": "yes"})
    participant.post(
        {"stellingen__nuttig": "4", "stellingen__snel": "3", "cijfer": "8", "aanbevelen": "9"}
    )
    assert participant.path.endswith("/p/cijfers")
    return participant


def test_switch_keeps_what_was_typed(engine: Engine, app: Flask) -> None:
    participant = _on_facts_page(engine, app)
    before = only_response(engine).current_page
    page = participant.client.post(
        participant.path,
        data={**participant.form(), "medewerkers": "12", "omzetgroei": "veel", "_language": "en"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert "How many employees do you have?" in html
    assert 'value="12"' in html and 'value="veel"' in html  # the invalid one shown as typed
    assert "error-summary" not in html  # not checked: not going on yet
    stored = only_response(engine)
    assert stored.answers.get("medewerkers") == 12 and "omzetgroei" not in stored.answers
    assert stored.current_page == before and stored.language == "en"
    assert stored.status == "in_progress"


def test_switch_back_and_go_on(engine: Engine, app: Flask) -> None:
    participant = _on_facts_page(engine, app)
    participant.page = participant.client.post(
        participant.path, data={**participant.form(), "medewerkers": "7", "_language": "en"}
    )
    participant.page = participant.client.post(
        participant.path, data={**participant.form(), "_language": "nl"}
    )
    assert "Hoeveel medewerkers heeft u?" in participant.html
    assert participant.form()["medewerkers"] == "7"
    participant.post({})
    assert participant.path.endswith("/p/afsluiting")
    assert only_response(engine).language == "nl"


def test_unknown_language_is_refused(engine: Engine, app: Flask) -> None:
    participant = _on_facts_page(engine, app)
    answer = participant.client.post(
        participant.path, data={**participant.form(), "medewerkers": "7", "_language": "fr"}
    )
    assert answer.status_code == 400 and "Traceback" not in answer.get_data(as_text=True)
    assert "medewerkers" not in only_response(engine).answers


def test_switch_with_an_expired_csrf_token_keeps_the_page(engine: Engine, app: Flask) -> None:
    participant = _on_facts_page(engine, app)
    data = {**participant.form(), "medewerkers": "7", "_language": "en", "csrf_token": "expired"}
    answer = participant.client.post(participant.path, data=data)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'value="7"' in html


def test_switch_on_the_final_page_does_not_submit(engine: Engine, app: Flask) -> None:
    participant = _on_facts_page(engine, app)
    participant.post({"medewerkers": "12"})
    assert participant.path.endswith("/p/afsluiting")
    form = participant.form()
    assert form.get("_submission")  # the final page's form
    page = participant.client.post(
        participant.path, data={**form, "toelichting": "Nog niet klaar", "_language": "en"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert "Nog niet klaar" in html and 'name="_language" value="nl"' in html
    stored = only_response(engine)
    assert stored.status == "in_progress" and stored.completed_at is None
    assert stored.client_submission_id is None and stored.language == "en"
    assert stored.answers.get("toelichting") == "Nog niet klaar"
