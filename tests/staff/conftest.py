"""Staff test fixtures: two small programmes with a wave each, accounts per role, login."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from mel.app import create_app
from mel.db import make_engine, session_scope, upgrade
from mel.models import FrameUnit, Instrument, Response, Unit, Wave, WaveStratum
from mel.services import accounts
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.publish import publish_programme
from tests.conftest import BACKENDS, PG_URL
from tests.factories import make_wave, postgres_schema, publish_survey

PASSWORD = "correct horse battery"
ROLES = ("admin", "researcher", "staff")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Cheap argon2 parameters in tests (production keeps argon2-cffi's defaults)."""
    saved = accounts._hasher, accounts._DUMMY_HASH
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts._DUMMY_HASH = accounts._hasher.hash("dummy password")
    yield
    accounts._hasher, accounts._DUMMY_HASH = saved


def survey(programme: str) -> dict[str, Any]:
    """A survey with every kind of column the staff side handles."""
    scale = [{"value": i, "label": {"nl": f"s{i}", "en": f"s{i}"}} for i in range(1, 6)]
    return {
        "instrument": f"{programme}-meting",
        "programme": programme,
        "version": 1,
        "title": {"nl": "Meting <b>vet</b>", "en": "Measurement"},
        "choices": {
            "soort": [
                {"value": "klein", "label": {"nl": "Klein", "en": "Small"}},
                {"value": "groot", "label": {"nl": "=Groot", "en": "Big"}},
            ],
            "schaal": scale,
        },
        "pages": [
            {
                "name": "p1",
                "questions": [
                    {
                        "name": "cijfer",
                        "type": "rating",
                        "min": 1,
                        "max": 10,
                        "required": True,
                        "label": {"nl": "Cijfer <script>alert(1)</script>", "en": "Mark"},
                    },
                    {
                        "name": "soort",
                        "type": "select_one",
                        "choices": "soort",
                        "label": {"nl": "Soort", "en": "Kind"},
                    },
                    {
                        "name": "tevreden",
                        "type": "likert",
                        "choices": "schaal",
                        "label": {"nl": "Tevredenheid", "en": "Satisfaction"},
                        "statements": [
                            {"name": "a", "label": {"nl": "Over A", "en": "About A"}},
                            {"name": "b", "label": {"nl": "Over B", "en": "About B"}},
                        ],
                    },
                    {
                        "name": "aantal",
                        "type": "integer",
                        "label": {"nl": "Aantal", "en": "Number"},
                    },
                    {
                        "name": "internationaal",
                        "type": "yes_no",
                        "label": {"nl": "Internationaal", "en": "International"},
                    },
                    {
                        "name": "toelichting",
                        "type": "text",
                        "label": {"nl": "Toelichting", "en": "Explanation"},
                    },
                    {
                        "name": "email",
                        "type": "text",
                        "sensitive": True,
                        "label": {"nl": "E-mail", "en": "E-mail"},
                    },
                ],
            }
        ],
    }


def programme_definition(programme: str) -> ProgrammeDefinition:
    """A programme with three KPIs on the survey above."""
    instrument = f"{programme}-meting"
    kpi = {
        "label": {"nl": "K", "en": "K"},
        "definition": {"nl": "K", "en": "K"},
        "node": "pad.res",
        "instrument": instrument,
        "disaggregations": ["stratum", "province", "sector"],
    }
    return ProgrammeDefinition.model_validate(
        {
            "programme": programme,
            "label": {"nl": programme.title(), "en": programme.title()},
            "unit_kinds": ["pps"],
            "pathways": [
                {
                    "code": "pad",
                    "label": {"nl": "Pad"},
                    "nodes": [{"code": "res", "level": "outcome", "label": {"nl": "Resultaat"}}],
                }
            ],
            "kpis": [
                {
                    **kpi,
                    "code": "cijfer",
                    "estimator": "mean",
                    "question": "cijfer",
                    "label": {"nl": "Gemiddeld cijfer", "en": "Mean mark"},
                    "targets": [{"year": 2024, "value": 6.0}, {"year": 2025, "value": 6.5}],
                },
                {
                    **kpi,
                    "code": "internationaal",
                    "estimator": "proportion",
                    "question": "internationaal",
                    "label": {"nl": "Internationaal", "en": "International"},
                    "targets": [{"year": 2025, "value": 0.9}],
                },
                {
                    **kpi,
                    "code": "aantal",
                    "estimator": "total",
                    "question": "aantal",
                    # KPI cards are landmarks named by their labels: each label its own
                    "label": {"nl": "Aantal", "en": "Number"},
                },
            ],
        }
    )


PROVINCES = ["Utrecht"] * 14 + ["Gelderland"] * 14 + ["Zeeland"] * 4
SECTORS = ["zorg", "techniek"]


def seed_programme(
    engine: Engine,
    programme: str = "alpha",
    *,
    units: int = 32,
    seed: int = 1,
    waves: tuple[tuple[str, int], ...] = (("w2025", 2025),),
    text: str = "Goed",
) -> None:
    """Publish the programme and survey; add units, a frame and responses for each wave."""
    rng = random.Random(seed)
    with session_scope(engine) as session:
        publish_programme(session, programme_definition(programme))
        version = publish_survey(session, survey(programme))
        instrument = session.get(Instrument, version.instrument_id)
        assert instrument is not None
        rows = []
        for i in range(units):
            unit = Unit(
                programme_id=instrument.programme_id,
                code=f"{programme}-u{i:02d}",
                name=f"Eenheid {i}",
                kind="pps",
                province=PROVINCES[i % len(PROVINCES)],
                region="Midden",
                sector=SECTORS[i % 2],
                stratum="A" if i % 3 else "B",
            )
            session.add(unit)
            rows.append(unit)
        session.flush()
        for code, year in waves:
            wave = make_wave(session, instrument.code, code=code)
            wave.year = year
            wave.label_nl, wave.label_en = f"Meting {year}", f"Measurement {year}"
            session.add(wave)
            for stratum in ("A", "B"):
                sampled = [u for u in rows if u.stratum == stratum]
                session.add(
                    WaveStratum(
                        wave_id=wave.id,
                        stratum=stratum,
                        population_size=2 * len(sampled),
                        sample_size=len(sampled),
                    )
                )
            for i, unit in enumerate(rows):
                session.add(
                    FrameUnit(wave_id=wave.id, unit_id=unit.id, stratum=unit.stratum or "A")
                )
                status = "in_progress" if i % 8 == 7 else "complete"
                answers = {
                    "cijfer": rng.randint(4, 10),
                    "soort": rng.choice(["klein", "groot"]),
                    "tevreden__a": rng.randint(1, 5),
                    "tevreden__b": rng.randint(1, 5),
                    "aantal": rng.randint(0, 50),
                    "internationaal": rng.random() < 0.5,
                    "toelichting": text if i % 2 else '=HYPERLINK("http://x")',
                    "email": f"person{i}@example.org",
                }
                session.add(
                    Response(
                        public_id=str(uuid.uuid4()),
                        respondent_id=str(uuid.uuid4()),
                        wave_id=wave.id,
                        instrument_version_id=version.id,
                        unit_id=unit.id,
                        status=status,
                        answers=answers,
                        client_submission_id=uuid.uuid4().hex if status == "complete" else None,
                        completed_at=datetime.now(UTC) if status == "complete" else None,
                    )
                )
        session.flush()


def make_users(engine: Engine, programme: str = "alpha") -> dict[str, str]:
    """Create one account per role with access to `programme`; return role -> e-mail."""
    emails = {}
    with session_scope(engine) as session:
        for role in ROLES:
            email = f"{role}@{programme}.example"
            accounts.create_user(
                session, email=email, password=PASSWORD, role=role, programmes=[programme]
            )
            emails[role] = email
    return emails


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """Programmes alpha (the users' own) and beta (another), with one wave each."""
    seed_programme(engine, "alpha")
    seed_programme(engine, "beta", seed=2)
    make_users(engine, "alpha")
    return engine


@pytest.fixture(scope="module", params=BACKENDS)
def shared_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """One seeded app per test module and backend, for many read-only requests."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'm.sqlite'}"
        else:
            assert PG_URL is not None
            url = stack.enter_context(postgres_schema(PG_URL))  # dropped on exit
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        seed_programme(engine, "alpha")
        seed_programme(engine, "beta", seed=2)
        make_users(engine, "alpha")
        application = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": url,
                "SECRET_KEY": "t",
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        stack.callback(application.extensions["mel.engine"].dispose)
        stack.callback(application.extensions["mel.background_engine"].dispose)
        yield application


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no csrf_token on the page"
    return found.group(1)


@dataclass
class Auth:
    """Log a test client in and out (like flaskr's `auth` fixture)."""

    client: FlaskClient

    def login(self, email: str, password: str = PASSWORD) -> TestResponse:
        """Post the login form with its CSRF token."""
        page = self.client.get("/staff/login")
        return self.client.post(
            "/staff/login",
            data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        )

    def as_role(self, role: str, programme: str = "alpha") -> TestResponse:
        """Log in as the seeded account of `role`."""
        response = self.login(f"{role}@{programme}.example")
        assert response.status_code == 303, response.text
        return response

    def logout(self) -> TestResponse:
        """Post the logout button of the dashboard."""
        page = self.client.get("/staff/")
        return self.client.post("/staff/logout", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Login helper for the test client."""
    return Auth(client)


@pytest.fixture
def db(seeded: Engine) -> Iterator[Session]:
    """A session on the seeded database."""
    with Session(seeded) as session:
        yield session


def wave_of(session: Session, programme: str = "alpha", code: str = "w2025") -> Wave:
    """Return a seeded wave."""
    from mel.models import Programme

    return session.exec(
        select(Wave).join(Programme).where(Programme.code == programme, Wave.code == code)
    ).one()
