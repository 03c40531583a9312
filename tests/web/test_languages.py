"""Participant pages in a survey's own languages: Turkish, Arabic (right to left), …"""

from __future__ import annotations

from flask import Flask
from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


def _start(engine: Engine, app: Flask, lang: str | None = None) -> Participant:
    participant = Participant(app.test_client())
    link = open_survey(engine, DATA / "multilingual.yaml")
    participant.start(f"{link}?lang={lang}" if lang else link)
    assert participant.path.endswith("/p/start"), participant.html
    return participant


def test_the_switch_offers_every_language_the_survey_carries(engine: Engine, app: Flask) -> None:
    html = _start(engine, app).html
    assert '<html lang="nl">' in html and "Exporteert u?" in html
    for code, name in (("en", "English"), ("tr", "Türkçe"), ("ar", "العربية")):
        assert f'name="_language" value="{code}"' in html
        assert name in html
    assert 'value="ar" lang="ar" dir="rtl"' in html
    assert 'name="_language" value="nl"' not in html  # the page's own language


def test_a_page_in_turkish(engine: Engine, app: Flask) -> None:
    participant = _start(engine, app)
    participant.page = participant.client.post(
        participant.path, data={**participant.form(), "_language": "tr"}
    )
    html = participant.html
    assert participant.page.status_code == 200
    assert '<html lang="tr">' in html and 'dir="rtl"' not in html.split(">")[1]
    assert "İhracat yapıyor musunuz?" in html and "Hollanda dışına." in html
    assert "Evet" in html and "Hayır" in html and "Şirketiniz" in html
    # Interface words have no Turkish catalogue: English, marked as such.
    assert '<div class="actions" lang="en">' in html and ">Next<" in html
    assert '<div class="progress" lang="en">' in html and "Page 1 of 2" in html
    # Errors are English too; the language used is stored with the response.
    participant.post({})
    assert participant.page.status_code == 400 or "There is a problem" in participant.html
    assert 'lang="en">There is a problem</h2>' in participant.html
    assert only_response(engine).language == "tr"
    participant.post({"export": "ja"})
    assert "Yorumlar" in participant.html and participant.path.endswith("/p/einde")
    participant.post({"opmerking": "Teşekkürler"})
    stored = only_response(engine)
    assert stored.status == "complete" and stored.language == "tr"
    assert stored.answers["opmerking"] == "Teşekkürler"


def test_a_page_in_arabic_is_right_to_left(engine: Engine, app: Flask) -> None:
    participant = _start(engine, app, lang="ar")
    html = participant.html
    assert '<html lang="ar" dir="rtl">' in html
    assert "هل تقوم بالتصدير؟" in html and "نعم" in html and "شركتك" in html
    assert 'name="_language" value="tr" lang="tr" dir="ltr"' in html
    assert only_response(engine).language == "ar"


def test_a_language_the_survey_lacks_is_refused(engine: Engine, app: Flask) -> None:
    participant = _start(engine, app)
    answer = participant.client.post(
        participant.path, data={**participant.form(), "_language": "fr"}
    )
    assert answer.status_code == 400
    assert only_response(engine).language == "nl"


def test_a_survey_in_nl_and_en_offers_only_those(engine: Engine, app: Flask) -> None:
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "skip.yaml") + "?lang=tr")
    html = participant.html
    assert '<html lang="nl">' in html and 'value="en"' in html and 'value="tr"' not in html


def test_an_error_page_in_a_survey_language_is_marked_english(engine: Engine, app: Flask) -> None:
    participant = _start(engine, app, lang="ar")
    token_path = participant.path.rsplit("/p/", 1)[0]
    participant.post({"export": "ja"})
    participant.post({"opmerking": ""})
    assert only_response(engine).status == "complete"
    resume = participant.client.get(token_path)  # the resume link of a completed response
    html = resume.get_data(as_text=True)
    assert resume.status_code == 410, html
    assert '<html lang="en">' in html and 'dir="rtl"' not in html
