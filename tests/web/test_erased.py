"""After `mel respondents erase`, the participant's links say so (410) and store nothing."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy.engine import Engine

from mel.db import session_scope
from mel.services.privacy import erase_respondent
from tests.factories import invite, open_survey
from tests.web.conftest import DATA, Participant, only_response, read_form, responses


def _erase(engine: Engine) -> None:
    respondent = only_response(engine).respondent_id
    with session_scope(engine) as session:
        assert erase_respondent(session, respondent) == 1


def test_invitation_link_after_erasure(engine: Engine, app: Flask) -> None:
    open_survey(engine, DATA / "types.yaml")
    (link,) = invite(engine, "web-types")
    first = Participant(app.test_client())
    first.start(link)
    page = first.path
    _erase(engine)
    for path in (link, page):
        later = Participant(app.test_client())
        later.get(path)
        assert later.page is not None and later.page.status_code == 410
        assert "op uw verzoek verwijderd" in later.html and "Traceback" not in later.html
    assert responses(engine) == []


def test_resume_link_and_resubmission_after_erasure(engine: Engine, app: Flask) -> None:
    first = Participant(app.test_client())
    first.start(open_survey(engine, DATA / "types.yaml"))
    first.post({"grootte": "klein", "onderwerpen": ["webshop"], "opnieuw": "yes"})
    token = re.search(r'<a href="http://[^"]+/r/([^"/]+)">', first.html).group(1)
    _erase(engine)
    later = Participant(app.test_client())
    later.get(f"/r/{token}?lang=en")
    assert later.page is not None and later.page.status_code == 410
    assert "deleted at your request" in later.html
    # The old tab posts its page again: refused the same way, nothing stored.
    first.post({"cijfer": "8"}, follow=False)
    assert first.page is not None and first.page.status_code == 410
    assert responses(engine) == []


def test_unknown_link_is_still_unknown(app: Flask, engine: Engine) -> None:
    visitor = Participant(app.test_client())
    visitor.get("/r/not-a-token")
    assert visitor.page is not None and visitor.page.status_code == 404


def test_consent_form_posted_again_after_erasure(engine: Engine, app: Flask) -> None:
    link = open_survey(engine, DATA / "types.yaml")
    client = app.test_client()
    form = read_form(client.get(link).get_data(as_text=True)).values
    assert client.post(link, data=form).status_code == 303
    _erase(engine)
    # Back to the consent page and "resend": the same nonce stands for the erased response.
    answer = client.post(link, data=form)
    assert answer.status_code == 410
    assert "op uw verzoek verwijderd" in answer.get_data(as_text=True)
    assert responses(engine) == []
    # A fresh visit to the open link may start again (a new nonce, a new respondent).
    Participant(app.test_client()).start(link)
    assert len(responses(engine)) == 1
