"""Shared fixtures: a fresh database per test, on SQLite and (if configured) PostgreSQL.

Set MEL_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run
every test that uses `db_url` or `engine` against PostgreSQL as well; each test gets its
own schema there, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.engine import Engine

from mel.app import create_app
from mel.db import make_engine, upgrade
from tests.factories import postgres_schema

os.environ.setdefault("MPLBACKEND", "Agg")
# Frames cached by the tests go to a folder of the run, not the checkout's instance folder.
os.environ.setdefault("MEL_FRAME_CACHE", tempfile.mkdtemp(prefix="mel-test-frames-"))
PG_URL = os.environ.get("MEL_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        assert PG_URL is not None
        with postgres_schema(PG_URL) as url:
            yield url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run, copied for each test (migrating takes longer)."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()
    return path


@pytest.fixture
def engine(db_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on a fresh, fully migrated database."""
    target = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None
    if target is not None and not target.exists():
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), target)
        eng = make_engine(db_url)
    else:
        eng = make_engine(db_url)
        upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def surveys_dir() -> Path:
    """The project's real survey and programme files."""
    from mel.settings import project_path

    return project_path("surveys")


@pytest.fixture
def app_config(db_url: str) -> dict[str, object]:
    """Settings of the test app (tests may change them before `app` is built)."""
    return {
        "TESTING": True,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Pages wait for the figures of new data (the previous ones are tested apart).
        "DASHBOARD_WAIT": 600,
    }


@pytest.fixture
def app(engine: Engine, app_config: dict[str, object]) -> Iterator[Flask]:
    """A mel app on a fresh, migrated database."""
    application = create_app(app_config)
    yield application
    for name in ("mel.engine", "mel.autocommit_engine", "mel.background_engine"):
        application.extensions[name].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (one browser) for `app`."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for `app`."""
    return app.test_cli_runner()


@pytest.fixture
def redis_url() -> str:
    """The local Redis (database 15); tests that need it are skipped where none runs."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def black_hole() -> Iterator[socket.socket]:
    """A listening socket that never accepts: connecting succeeds, no answer ever comes.

    It closes itself after a minute (resetting the waiting connections), so that code
    without a timeout makes its test fail instead of hang.
    """
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    guard = threading.Timer(60, listener.close)
    guard.start()
    yield listener
    guard.cancel()
    listener.close()


def closed_port() -> int:
    """A local TCP port nothing listens on (connections are refused at once)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
