"""Nothing lost: resume after a restart, pinned versions, expired sessions and CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

import yaml
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.app import create_app
from mel.db import session_scope
from mel.models import InstrumentVersion
from mel.services.invitations import hash_token
from tests.factories import invite, open_survey, publish_survey
from tests.web.conftest import DATA, Participant, only_response


def types_survey() -> dict[str, Any]:
    return yaml.safe_load((DATA / "types.yaml").read_text(encoding="utf-8"))


def test_open_link_resume_after_restart(
    engine: Engine, app: Flask, app_config: dict[str, object]
) -> None:
    first = Participant(app.test_client())
    first.start(open_survey(engine, DATA / "types.yaml"))
    first.post({"grootte": "klein", "onderwerpen": ["webshop"], "opnieuw": "yes"})
    match = re.search(r'<a href="(http://[^"]+/r/([^"/]+))">', first.html)
    assert match, "the page shows a resume link"
    resume_path = "/r/" + match.group(2)
    assert only_response(engine).resume_token_hash == hash_token(match.group(2))
    # A new app instance (a restart, another worker) and a new browser without cookies.
    restarted = create_app(app_config)
    later = Participant(restarted.test_client())
    later.get(resume_path)
    assert later.path.endswith("/p/oordeel")
    later.post({}, action="back")
    assert later.form().get("grootte") == "klein"
    restarted.extensions["mel.engine"].dispose()


def test_invitation_resume_after_restart(
    engine: Engine, app: Flask, app_config: dict[str, object]
) -> None:
    open_survey(engine, DATA / "types.yaml")
    (link,) = invite(engine, "web-types")
    first = Participant(app.test_client())
    first.start(link)
    first.post({"grootte": "micro", "onderwerpen": ["cyber"], "opnieuw": "no"})
    restarted = create_app(app_config)
    later = Participant(restarted.test_client())
    later.get(link)
    assert later.path.endswith("/p/oordeel")
    restarted.extensions["mel.engine"].dispose()


def test_started_version_is_kept_after_a_new_publish(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "types.yaml"))
    newer = types_survey()
    newer["version"] = 2
    newer["pages"][1]["questions"][1]["label"] = {"nl": "Nieuw cijfer?", "en": "New mark?"}
    with session_scope(engine) as session:
        publish_survey(session, newer)
    participant.post({"grootte": "micro", "onderwerpen": ["cyber"], "opnieuw": "no"})
    assert "Welk cijfer geeft u?" in participant.html and "Nieuw cijfer?" not in participant.html
    with Session(engine) as session:
        v1 = session.exec(select(InstrumentVersion).where(InstrumentVersion.version == 1)).one()
    assert only_response(engine).instrument_version_id == v1.id
    newcomer = Participant(participant.client.application.test_client())
    newcomer.start("/s/web-types/w2025")
    newcomer.post({"grootte": "micro", "onderwerpen": ["cyber"], "opnieuw": "no"})
    assert "Nieuw cijfer?" in newcomer.html


def test_missing_csrf_token_keeps_everything(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "types.yaml"))
    participant.post({"grootte": "middel", "onderwerpen": ["website"], "opnieuw": "yes"})
    saved = dict(only_response(engine).answers)
    form = participant.form()
    del form["csrf_token"]
    form.update(
        {"cijfer": "6", "stellingen__nuttig": "3", "stellingen__snel": "4", "_action": "next"}
    )
    page = participant.client.post(participant.path, data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Uw sessie was verlopen" in html
    assert "Traceback" not in html
    assert only_response(engine).answers == saved  # completed pages kept, nothing new stored
    participant.page = page
    assert participant.form().get("cijfer") == "6"  # what was typed is shown again
    participant.post({})  # …and pressing the button again works
    assert participant.path.endswith("/p/cijfers")
    assert only_response(engine).answers["cijfer"] == 6


def test_expired_session_cookie_mid_survey(engine: Engine, app: Flask) -> None:
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "types.yaml"))
    participant.post({"grootte": "middel", "onderwerpen": ["website"], "opnieuw": "yes"})
    participant.client.delete_cookie("session")  # the browser dropped the session
    page = participant.post({"cijfer": "6", "stellingen__nuttig": "3", "stellingen__snel": "4"})
    assert page.status_code == 400 and "Uw sessie was verlopen" in participant.html
    assert only_response(engine).answers["grootte"] == "middel"
    participant.post({})
    assert participant.path.endswith("/p/cijfers")


def test_csrf_failure_on_consent(engine: Engine, participant: Participant) -> None:
    participant.get(open_survey(engine, DATA / "consent.yaml"))
    page = participant.client.post(participant.path, data={"_consent": "dw-2025-1"})
    assert page.status_code == 400 and "Uw sessie was verlopen" in page.get_data(as_text=True)


def test_stale_csrf_token_elsewhere_gets_friendly_page(app: Flask) -> None:
    @app.post("/test-form")
    def test_form() -> str:
        return "ok"

    page = app.test_client().post("/test-form", data={"x": "1"})
    assert page.status_code == 400 and "Uw sessie was verlopen" in page.get_data(as_text=True)


def test_expired_csrf_token_mid_survey(engine: Engine, app: Flask) -> None:
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "types.yaml"))
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now too old
    page = participant.post({"grootte": "middel", "onderwerpen": ["website"], "opnieuw": "yes"})
    assert page.status_code == 400 and "Uw sessie was verlopen" in participant.html
    assert participant.form().get("grootte") == "middel"
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    participant.post({})
    assert participant.path.endswith("/p/oordeel")
    assert only_response(engine).answers["grootte"] == "middel"
