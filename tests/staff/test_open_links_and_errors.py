"""Staff switch open links (admin, CSRF, audited); staff never see a participant's error text."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import AuditEvent, Instrument, WaveInstrument
from mel.web.security import error_page

from .conftest import Auth, csrf_token

WAVES = "/staff/p/alpha/waves"
SWITCH = "/staff/p/alpha/waves/w2025/open-link"
# What participants read on error pages; none of it belongs on a staff page.
PARTICIPANT_TEXTS = (
    "verstuurd met andere antwoorden",
    "already submitted with other answers",
    "antwoorden op eerdere pagina",
    "answers on earlier pages are kept",
    "Kreeg u een uitnodiging",
    "Uw antwoord is te groot",
)


def link_state(engine: Engine) -> tuple[bool, bool]:
    with Session(engine) as session:
        instrument = session.exec(select(Instrument).where(Instrument.code == "alpha-meting")).one()
        row = session.exec(
            select(WaveInstrument).where(WaveInstrument.instrument_id == instrument.id)
        ).one()
        return row.open_link, row.ask_unit


def test_admin_switches_an_open_link(seeded: Engine, client: FlaskClient, auth: Auth) -> None:
    auth.as_role("admin")
    page = client.get(WAVES).get_data(as_text=True)
    assert "Open links" in page and 'name="state"' in page
    assert 'value="no_unit"' not in page  # the wave has a frame: not offered
    token = csrf_token(page)
    form = {"instrument": "alpha-meting", "state": "ask_unit"}
    assert client.post(SWITCH, data=form).status_code == 400  # no CSRF token
    assert link_state(seeded) == (False, False)
    done = client.post(SWITCH, data={**form, "csrf_token": token})
    assert done.status_code == 303 and link_state(seeded) == (True, True)
    assert "/s/alpha-meting/w2025" in client.get(WAVES).get_data(as_text=True)
    assert client.get("/s/alpha-meting/w2025").status_code == 200  # asks for the unit
    refused = client.post(SWITCH, data={**form, "state": "no_unit", "csrf_token": token})
    assert refused.status_code == 303 and link_state(seeded) == (True, True)
    assert "heeft een steekproefkader" in client.get(WAVES).get_data(as_text=True)
    client.post(SWITCH, data={**form, "state": "off", "csrf_token": token})
    assert link_state(seeded) == (False, False)
    assert client.get("/s/alpha-meting/w2025").status_code == 403
    with Session(seeded) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "open_link_changed")
        ).all()
    assert [(e.actor, e.target, e.detail["state"]) for e in events] == [
        ("admin@alpha.example", "w2025/alpha-meting", "ask_unit"),
        ("admin@alpha.example", "w2025/alpha-meting", "off"),
    ]
    unknown = client.post(SWITCH, data={**form, "state": "wide", "csrf_token": token})
    assert unknown.status_code == 400


@pytest.mark.parametrize("role", ["researcher", "staff"])
def test_only_admins_switch_open_links(
    seeded: Engine, client: FlaskClient, auth: Auth, role: str
) -> None:
    auth.as_role(role)
    token = csrf_token(client.get("/staff/password").get_data(as_text=True))
    data = {"instrument": "alpha-meting", "state": "ask_unit", "csrf_token": token}
    answer = client.post(SWITCH, data=data)
    assert answer.status_code == 403 and link_state(seeded) == (False, False)
    assert not any(text in answer.get_data(as_text=True) for text in PARTICIPANT_TEXTS)
    other = client.post("/staff/p/beta/waves/w2025/open-link", data=data)
    assert other.status_code in (403, 404)


@pytest.mark.parametrize("status", [400, 403, 404, 405, 409, 410, 413, 429, 500])
def test_staff_error_pages_have_their_own_texts(app: Flask, status: int) -> None:
    for path in ("/staff/p/alpha/exports/", "/staff/nope"):
        with app.test_request_context(path):
            response = app.make_response(error_page(status))
            html = response.get_data(as_text=True)
            assert response.status_code == status
            assert not any(text in html for text in PARTICIPANT_TEXTS), (status, html)
    with app.test_request_context("/api/v1/programmes/alpha/kpis"):
        response = app.make_response(error_page(status))
        assert response.status_code == status and response.is_json
        assert set(response.get_json()) == {"error"}


def test_a_frame_that_cannot_be_built_is_explained_to_staff(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    # A person survey needs the persons of each unit (FrameUnitPersons); these have none.
    with session_scope(seeded) as session:
        instrument = session.exec(select(Instrument).where(Instrument.code == "alpha-meting")).one()
        instrument.respondent = "person"
        session.add(instrument)
    auth.as_role("admin")
    export = client.get("/staff/p/alpha/exports/w2025/alpha-meting/data.csv")
    html = export.get_data(as_text=True)
    assert export.status_code == 409 and "Dit bestand kan niet worden gemaakt" in html
    assert "has no persons for instrument &#39;alpha-meting&#39;" in html
    assert "HTTP 409" not in html  # the explanation, not the protocol's status line
    assert not any(text in html for text in PARTICIPANT_TEXTS)
    kpis = client.get("/staff/p/alpha/kpis")
    assert kpis.status_code == 200
    assert "Deze KPI kon niet worden berekend" in kpis.get_data(as_text=True)
    assert client.get("/api/v1/programmes/alpha/kpis").status_code == 200
