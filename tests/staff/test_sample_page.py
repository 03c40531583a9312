"""A wave's design and sample for staff: roles, CSRF, audit, and no contact details."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.models import AuditEvent, Contact, FrameUnit, Instrument, Wave
from mel.services.sampling.store import draw_sample, find_wave, freeze_sample
from mel.services.sampling.waves import create_wave
from tests.factories import write_yaml

from .conftest import Auth, csrf_token

PAGE = "/staff/p/alpha/waves/w2027/sample"


@pytest.fixture
def designed(seeded: Engine, tmp_path: Path) -> Engine:
    """Alpha's wave w2027 from a wave file: 4 of its 32 units by stratum, drawn with seed 3."""
    wave_file = write_yaml(
        tmp_path / "waves" / "w2027.yaml",
        {
            "wave": "w2027",
            "programme": "alpha",
            "label": {"nl": "Meting 2027", "en": "Measurement 2027"},
            "year": 2027,
            "fieldwork": {"start": "2027-03-01", "end": "2027-05-31"},
            "instruments": [{"code": "alpha-meting"}],
            "design": {"method": "stratified", "sample_size": 4, "allocation": "equal"},
        },
    )
    with session_scope(seeded) as session:
        wave = create_wave(session, wave_file).wave
        draw_sample(session, wave, 3)
        instrument = session.exec(select(Instrument).where(Instrument.code == "alpha-meting")).one()
        sampled = session.exec(
            select(FrameUnit).where(FrameUnit.wave_id == wave.id, col(FrameUnit.sampled))
        ).first()
        assert sampled is not None
        session.add(
            Contact(
                wave_id=wave.id or 0,
                instrument_id=instrument.id or 0,
                unit_id=sampled.unit_id,
                email="secret.person@example.org",
                name="Geheime Naam",
            )
        )
    return seeded


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("staff", 200), ("researcher", 403)])
def test_roles(designed: Engine, client: FlaskClient, role: str, status: int) -> None:
    Auth(client).as_role(role)
    for url in (PAGE, f"{PAGE}.csv", "/staff/p/alpha/samples"):
        assert client.get(url).status_code == status, url
    if status == 200:
        assert client.get("/staff/p/beta/samples").status_code == 404
        assert client.get("/staff/p/alpha/waves/nope/sample").status_code == 404


def test_page_shows_design_strata_and_units(designed: Engine, client: FlaskClient) -> None:
    Auth(client).as_role("staff")
    page = client.get(PAGE).text
    assert "gestratificeerde aselecte steekproef" in page and "Verdeling over strata" in page
    assert "Getrokken met seed 3" in page
    assert '<td class="num">21</td><td class="num">2</td>' in page  # stratum A: N 21, n 2
    assert "secret.person" not in page and "Geheime Naam" not in page
    assert 'action="/staff/p/alpha/waves/w2027/sample"' not in page  # staff cannot draw
    listing = client.get("/staff/p/alpha/samples").text
    assert "w2027" in listing and "getrokken" in listing and "geen golfbestand" in listing


def test_download_has_the_sample_without_contacts_and_is_audited(
    designed: Engine, client: FlaskClient
) -> None:
    Auth(client).as_role("staff")
    response = client.get(f"{PAGE}.csv")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    rows = list(
        csv.reader(
            io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))
        )
    )
    assert rows[0][:3] == ["code", "name", "kind"] and "inclusion_probability" in rows[0]
    assert len(rows) == 1 + 4
    assert "secret.person" not in text and "Geheime Naam" not in text and "@" not in text
    assert client.get(f"{PAGE}.xlsx").status_code == 200
    with Session(designed) as session:
        targets = session.exec(
            select(AuditEvent.target).where(AuditEvent.action == "download")
        ).all()
    assert set(targets) == {"w2027/sample.csv", "w2027/sample.xlsx"}


def test_admin_draws_with_csrf_and_is_refused_once_frozen(
    designed: Engine, client: FlaskClient
) -> None:
    Auth(client).as_role("admin")
    assert client.post(PAGE, data={"seed": "9"}).status_code == 400  # no CSRF token
    token = csrf_token(client.get(PAGE).text)
    bad = client.post(PAGE, data={"seed": "-1", "csrf_token": token}, follow_redirects=True)
    assert "De seed moet een geheel getal" in bad.text
    done = client.post(PAGE, data={"seed": "9", "csrf_token": token})
    assert done.status_code == 303
    with Session(designed) as session:
        wave = session.exec(select(Wave).where(Wave.code == "w2027")).one()
        assert wave.sample_seed == 9
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "sample_drawn")).one()
        assert event.actor == "admin@alpha.example" and event.detail["seed"] == 9
    with session_scope(designed) as session:
        freeze_sample(session, find_wave(session, "w2027", "alpha"))
    page = client.get(PAGE).text
    assert "vastgelegd op" in page and 'name="seed"' not in page
    refused = client.post(PAGE, data={"seed": "10", "csrf_token": token}, follow_redirects=True)
    assert "Niet getrokken" in refused.text and "cannot be drawn again" in refused.text
    Auth(client).logout()
    Auth(client).as_role("staff")
    token = csrf_token(client.get(PAGE).text)
    assert client.post(PAGE, data={"seed": "1", "csrf_token": token}).status_code == 403
