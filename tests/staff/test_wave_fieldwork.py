"""The opt-out page, the staff fieldwork page of a wave (roles, CSRF, audit), the API.

Contacts' addresses appear in the outbox (for those who may act) and nowhere else: not in
the API, the exports, the fieldwork page's figures or the audit log.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from mel.app import create_app
from mel.db import session_scope
from mel.models import AuditEvent, Case, Contact, InstrumentVersion, Mail, Response, Wave, utcnow
from mel.services.fieldwork.contacts import import_contacts
from mel.services.fieldwork.mailing import Sender, case_token
from mel.services.fieldwork.transport import OutboxTransport, outbox_folder
from mel.services.invitations import resolve_wave
from tests.browser import Audits, chromium, needs_chromium, serve
from tests.services.fieldwork.conftest import make_fieldwork, write_contacts
from tests.staff.conftest import Auth, csrf_token, make_users

SECRET = "test-secret"
ADDRESSES = ["an@school1.example", "cas@school2.example", "dee@school3.example"]
PROGRAMME = "test-programme"
PAGE = f"/staff/p/{PROGRAMME}/waves/w2025/fieldwork"


@pytest.fixture
def wave_app(engine: Engine, db_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A wave with three invited contacts (mails in the outbox), and staff accounts."""
    make_fieldwork(engine)
    path = write_contacts(
        tmp_path / "c.csv",
        [f"{ADDRESSES[0]},An,nl,u1", f"{ADDRESSES[1]},,en,u2", f"{ADDRESSES[2]},Dee,nl,u3"],
    )
    with session_scope(engine) as session:
        wave, instrument = resolve_wave(session, "w2025", "test-survey")
        import_contacts(session, wave=wave, instrument=instrument, path=path)
        wave_id = wave.id or 0
    instance = tmp_path / "instance"
    Sender(
        engine=engine,
        wave_id=wave_id,
        transport=OutboxTransport(outbox_folder(instance, "w2025")),
        secret=SECRET,
        base_url="https://mel.example.org",
        sender="mel <noreply@mel.example.org>",
    ).run("invitation")
    make_users(engine, PROGRAMME)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": SECRET,
            "RATELIMIT_STORAGE_URI": "memory://",
            "INSTANCE_PATH": str(instance),
            "BASE_URL": "https://mel.example.org",
        }
    )
    yield app
    app.extensions["mel.engine"].dispose()


def token_of(engine: Engine, key: str) -> str:
    with session_scope(engine) as session:
        return case_token(SECRET, session.exec(select(Case).where(Case.key == key)).one())


def test_optout_page_asks_then_records_with_csrf(engine: Engine, wave_app: Flask) -> None:
    client = wave_app.test_client()
    url = f"/optout/{token_of(engine, 'u:2')}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Opt out" in page.text and "Test survey" in page.text  # cas reads English
    assert "cas@" not in page.text
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    done = client.post(url, data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 200 and "You have opted out" in done.text
    with session_scope(engine) as session:
        assert session.exec(select(Case).where(Case.key == "u:2")).one().outcome == "opted_out"
        contact = session.exec(select(Contact).where(Contact.email == ADDRESSES[1])).one()
        assert contact.opted_out_at is not None
    assert "You have opted out" in client.get(url).text  # a second visit says so
    assert client.get("/optout/not-a-token").status_code == 404
    nl = client.get(f"/optout/{token_of(engine, 'u:1')}?lang=nl")
    assert "Afmelden" in nl.text and "Testvragenlijst" in nl.text


def test_researcher_sees_rates_but_cannot_act(engine: Engine, wave_app: Flask) -> None:
    client = wave_app.test_client()
    Auth(client).login(f"researcher@{PROGRAMME}.example")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "RR1" in page.text and "COOP1" in page.text
    assert not any(address in page.text for address in ADDRESSES)
    assert "/remind" not in page.text and "/outcome" not in page.text
    token = csrf_token(page.text)
    remind = client.post(f"/staff/p/{PROGRAMME}/waves/w2025/remind", data={"csrf_token": token})
    assert remind.status_code == 403
    assert client.get(f"/staff/p/{PROGRAMME}/waves/nope/fieldwork").status_code == 404


def test_staff_sets_outcomes_sends_reminders_and_reads_the_outbox(
    engine: Engine, wave_app: Flask
) -> None:
    client = wave_app.test_client()
    Auth(client).login(f"staff@{PROGRAMME}.example")
    page = client.get(PAGE)
    assert page.status_code == 200
    names = re.findall(r"/outbox/([^\"]+\.eml)", page.text)
    assert len(names) == 3
    token = csrf_token(page.text)
    base = f"/staff/p/{PROGRAMME}/waves/w2025"
    no_csrf = client.post(f"{base}/outcome", data={"case": "u:3", "outcome": "not_eligible"})
    assert no_csrf.status_code == 400
    done = client.post(
        f"{base}/outcome", data={"case": "u3", "outcome": "not_eligible", "csrf_token": token}
    )
    assert done.status_code == 303
    assert "not eligible" in client.get(PAGE + "?lang=en").text
    with session_scope(engine) as session:
        case = session.exec(select(Case).where(Case.key == "u:3")).one()
        assert (case.outcome, case.outcome_source) == ("not_eligible", "staff")
        session.execute(update(Mail).values(sent_at=utcnow() - timedelta(days=8)))
    reminded = client.post(f"{base}/remind", data={"csrf_token": token}, follow_redirects=True)
    assert "reminder-1: 2 sent" in reminded.text  # u3 is not eligible: not reminded
    mail = client.get(f"{base}/outbox/{names[0]}")
    assert mail.status_code == 200 and "/i/" in mail.text
    assert client.get(f"{base}/outbox/..%2Fsecret_key.eml").status_code == 404
    with session_scope(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
        details = " ".join(str(e.detail) + str(e.target) for e in session.exec(select(AuditEvent)))
    assert {"case_outcome_set", "reminders_sent", "outbox_viewed"} <= set(actions)
    assert not any(address in details for address in ADDRESSES)


def test_contact_addresses_never_reach_the_api_or_exports(engine: Engine, wave_app: Flask) -> None:
    with session_scope(engine) as session:  # one complete response, so an export has a row
        case = session.exec(select(Case).where(Case.key == "u:1")).one()
        version = session.exec(select(InstrumentVersion)).first()
        assert version is not None
        session.add(
            Response(
                public_id=str(uuid.uuid4()),
                wave_id=case.wave_id,
                instrument_version_id=version.id,
                unit_id=case.unit_id,
                invitation_id=case.invitation_id,
                respondent_id=str(uuid.uuid4()),
                status="complete",
                answers={"cijfer": 9},
                completed_at=utcnow(),
            )
        )
        wave = session.exec(select(Wave)).one()
        assert wave.frozen_at is not None
    client: FlaskClient = wave_app.test_client()
    Auth(client).login(f"admin@{PROGRAMME}.example")
    api = client.get(f"/api/v1/programmes/{PROGRAMME}/waves/w2025/cases")
    assert api.status_code == 200
    body = api.get_json()
    assert body["instruments"][0]["total"]["complete"] == 1
    assert body["contacts"] == 3 and body["invited"] == 3
    assert client.get(f"/api/v1/programmes/{PROGRAMME}/waves/w2025/cases?e=2").status_code == 400
    responses = [
        api,
        client.get(f"/api/v1/programmes/{PROGRAMME}/fieldwork?wave=w2025"),
        client.get(f"/staff/p/{PROGRAMME}/exports/w2025/test-survey/data.csv"),
        client.get(f"/staff/p/{PROGRAMME}/exports/w2025/test-survey/data.xlsx"),
    ]
    for response in responses:
        assert response.status_code == 200, response.request.path
        assert not any(a.encode() in response.data for a in ADDRESSES), response.request.path
        assert b"school1" not in response.data
    logout = Auth(client)
    logout.logout()
    assert client.get(f"/api/v1/programmes/{PROGRAMME}/waves/w2025/cases").status_code == 401


def test_mailed_link_answers_the_survey_and_the_case_completes(
    engine: Engine, wave_app: Flask, tmp_path: Path
) -> None:
    from tests.autofill import complete

    folder = tmp_path / "instance" / "outbox" / "w2025"
    mail = next(
        p.read_text() for p in sorted(folder.glob("*.eml")) if "To: An <an@school1" in p.read_text()
    )
    link = re.search(r"https://mel\.example\.org(/i/[A-Za-z0-9_-]+)", mail)
    assert link is not None
    client = wave_app.test_client()
    done = complete(client, link.group(1))
    assert done.request.path.endswith("/done"), done.request.path
    client = wave_app.test_client()
    Auth(client).login(f"admin@{PROGRAMME}.example")
    body = client.get(f"/api/v1/programmes/{PROGRAMME}/waves/w2025/cases").get_json()
    total = body["instruments"][0]["total"]
    assert total["complete"] == 1 and total["cases"] == 6
    assert total["RR1"] == pytest.approx(1 / 6)


@needs_chromium
def test_optout_page_passes_axe(engine: Engine, wave_app: Flask) -> None:
    """axe-core finds nothing on the opt-out page, asked and done, in Dutch and English."""
    audits = Audits()
    with serve(wave_app) as url, chromium() as browser:
        for lang, key in (("nl", "u:1"), ("en", "u:2")):
            page = browser.new_context(locale=f"{lang}-NL").new_page()
            page.goto(f"{url}/optout/{token_of(engine, key)}?lang={lang}")
            audits.check(page, "optout")
            page.click("button[type=submit]")
            page.wait_for_selector("[role=status]")
            audits.check(page, "optout done")
            page.context.close()
    assert not audits.violations, "\n".join(audits.violations)
    assert audits.runs == 2 * 2 * 2
