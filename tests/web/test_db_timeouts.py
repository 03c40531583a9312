"""A blocked, slow, frozen or unreachable database gives the friendly 503 page within its
time limits, keeps what participants saved, and the site recovers when it is back.

Every blocking helper here lets go by itself after a minute, so that code without time
limits makes the test fail instead of hang.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

import mel.db
from mel.app import create_app
from mel.db import make_engine, session_scope
from mel.db_timeouts import Timeouts, postgres_connect_args
from mel.services import accounts
from tests.factories import open_survey
from tests.staff.conftest import PASSWORD, Auth, csrf_token
from tests.web.conftest import DATA, Participant, only_response

GUARD_S = 60  # blocking helpers let go after this long


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    """Statements may wait one second for a lock and run two."""
    return {**app_config, "DB_LOCK_TIMEOUT": 1, "DB_STATEMENT_TIMEOUT": 2, "DB_CONNECT_TIMEOUT": 2}


class _Once:
    """Run a release function once, whichever comes first: the test or the guard timer."""

    def __init__(self, release: Any) -> None:
        self._release = release
        self._lock = threading.Lock()
        self._done = False

    def __call__(self) -> None:
        with self._lock:
            if not self._done:
                self._done = True
                self._release()


@contextmanager
def blocked(db_url: str) -> Iterator[None]:
    """Block the database from another connection: every write on SQLite; the response and
    account tables (reads too) on PostgreSQL."""
    locker = make_engine(db_url)
    raw = locker.raw_connection()
    cursor = raw.cursor()
    if db_url.startswith("sqlite"):
        cursor.execute("BEGIN IMMEDIATE")
    else:
        cursor.execute(
            "LOCK TABLE response, useraccount, staffsession, auditevent IN ACCESS EXCLUSIVE MODE"
        )
    release = _Once(raw.rollback)
    guard = threading.Timer(GUARD_S, release)
    guard.start()
    try:
        yield
    finally:
        guard.cancel()
        release()
        raw.close()
        locker.dispose()


def is_friendly_503(page: Any, *, staff: bool = False) -> bool:
    """The bilingual retry page (the staff side's own words for staff), with Retry-After."""
    html = page.get_data(as_text=True)
    words = (
        ("De database antwoordt even niet", "The database is not answering")
        if staff
        else ("Het lukt even niet", "Not possible right now")
    )
    return (
        page.status_code == 503
        and all(word in html for word in words)
        and page.headers["Retry-After"] == "30"
    )


def test_a_blocked_database_gives_the_retry_page_and_keeps_saved_answers(
    engine: Engine, db_url: str, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    participant.post({"vervolg": "ja", "cijfer": "7"})
    second_page = participant.path
    with blocked(db_url):
        participant.post({"welke": "een plan"}, follow=False)
        assert participant.page is not None and is_friendly_503(participant.page)
        assert participant.page.headers["Cache-Control"] == "no-store"
    assert only_response(engine).answers == {"vervolg": "ja", "cijfer": 7}
    page = participant.get(second_page)  # back, and send the page again
    assert page.status_code == 200
    participant.post({"welke": "een plan"})
    assert only_response(engine).answers["welke"] == "een plan"


def test_a_blocked_database_gives_staff_and_the_api_a_503(
    engine: Engine, db_url: str, app: Flask
) -> None:
    with session_scope(engine) as session:
        for email in ("admin@alpha.example", "staff@alpha.example"):
            accounts.create_user(
                session, email=email, password=PASSWORD, role="admin", programmes=["*"]
            )
    logged_in, anonymous = Auth(app.test_client()), Auth(app.test_client())
    logged_in.as_role("admin")
    page = anonymous.client.get("/staff/login")
    with blocked(db_url):
        login = anonymous.client.post(
            "/staff/login",
            data={
                "email": "staff@alpha.example",
                "password": PASSWORD,
                "csrf_token": csrf_token(page.text),
            },
        )
        assert is_friendly_503(login, staff=True)
        if db_url.startswith("postgresql"):  # SQLite readers are never blocked (WAL)
            assert is_friendly_503(logged_in.client.get("/staff/"), staff=True)
            api = logged_in.client.get("/api/v1/programmes")
            assert api.status_code == 503 and api.json == {
                "error": "database unavailable, try again shortly"
            }
            assert api.headers["Cache-Control"] == "no-store"
    assert logged_in.client.get("/staff/").status_code == 200  # recovered


def test_a_long_statement_is_ended_at_the_statement_timeout(db_url: str, engine: Engine) -> None:
    limited = make_engine(db_url, Timeouts(statement=0.5))
    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000000) "
        "SELECT count(*) FROM n"
        if db_url.startswith("sqlite")
        else "SELECT pg_sleep(60)"
    )
    with limited.connect() as connection:
        with pytest.raises(OperationalError):
            connection.execute(text(slow))
    with limited.connect() as connection:  # the pool goes on
        assert connection.execute(text("SELECT 1")).scalar() == 1
    limited.dispose()


def test_postgresql_sessions_carry_the_web_limits(db_url: str, app: Flask) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL settings")
    with app.extensions["mel.engine"].connect() as connection:
        values = [
            connection.execute(text(f"SHOW {name}")).scalar()
            for name in ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")
        ]
        schema = connection.execute(text("SHOW search_path")).scalar()
    assert values == ["1s", "2s", "1min"]
    assert schema == make_url(db_url).query["options"].split("=", 1)[1]  # the URL's own kept


def test_a_urls_own_settings_win() -> None:
    url = make_url("postgresql+psycopg://u@h/db?connect_timeout=9&options=-c statement_timeout=0")
    merged = postgres_connect_args(
        url, Timeouts(connect=5, statement=15, lock=5, idle_in_transaction=60)
    )
    assert merged == {
        "options": "-c statement_timeout=0 -c lock_timeout=5000 "
        "-c idle_in_transaction_session_timeout=60000"
    }
    plain = postgres_connect_args(make_url("postgresql+psycopg://u@h/db"), Timeouts(connect=1))
    assert plain == {"connect_timeout": "2", "options": "-c statement_timeout=600000"}


def test_an_unreachable_database_gives_the_retry_page(black_hole: socket.socket) -> None:
    port = black_hole.getsockname()[1]
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATABASE_URL": f"postgresql+psycopg://mel@127.0.0.1:{port}/mel",
            "DB_CONNECT_TIMEOUT": 2,
        }
    )
    page = app.test_client().get("/s/some-survey/w1")
    assert is_friendly_503(page)
    app.extensions["mel.engine"].dispose()


class FreezableProxy:
    """A TCP relay to PostgreSQL that can stop passing bytes, as a frozen server or a dead
    link would (the server's own statement timeout then never reaches the client)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()  # frozen: hold what arrived
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            end.close()

    def close(self) -> None:
        """Stop relaying and close every connection."""
        self.listener.close()
        self.flowing.set()
        for end in self.sockets:
            end.close()


def test_a_frozen_database_server_gives_the_retry_page(
    engine: Engine, db_url: str, app_config: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("a server to freeze")
    monkeypatch.setattr(mel.db, "CLIENT_GRACE_S", 0.5)
    url = make_url(db_url)
    proxy = FreezableProxy((url.host or "127.0.0.1", url.port or 5432))
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app({**app_config, "DATABASE_URL": through})
    link = open_survey(engine, DATA / "skip.yaml")
    client = app.test_client()
    assert client.get(link).status_code == 200
    proxy.flowing.clear()
    guard = threading.Timer(GUARD_S, proxy.flowing.set)
    guard.start()
    try:
        assert is_friendly_503(client.get(link))
    finally:
        guard.cancel()
        proxy.flowing.set()
    assert client.get(link).status_code == 200  # the broken connection was replaced
    app.extensions["mel.engine"].dispose()
    proxy.close()
