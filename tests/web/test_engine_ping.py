"""The web app's PostgreSQL engine pings a pooled connection only after it sat idle."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import mel.db
from mel.db import make_engine, ping_when_idle


def test_busy_connections_are_not_pinged_idle_ones_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'ping.sqlite'}")
    pings: list[int] = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(
        engine.dialect, "do_ping", lambda connection: pings.append(1) or real(connection)
    )
    ping_when_idle(engine, idle_seconds=0.2)
    for _ in range(5):  # a connection in steady use: no round trip before each request
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    assert pings == []
    time.sleep(0.3)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert pings == [1]
    engine.dispose()


def test_a_dropped_idle_connection_is_replaced(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to lose")
    monkeypatch.setattr(mel.db, "PING_AFTER_IDLE_S", 0.1)
    engine = make_engine(db_url)
    assert not engine.pool._pre_ping  # no round trip on every checkout
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    with make_engine(db_url).connect() as admin:  # the server restarts, a proxy drops it...
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.commit()
    time.sleep(0.2)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    engine.dispose()
