"""Login throttling shared by workers through Redis, and still working when Redis is down
or hangs: counted in the process then (with a warning), never a 500, never unthrottled."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from mel.app import create_app
from tests.conftest import closed_port

from .conftest import PASSWORD, Auth


def make_app(db_url: str, store: str, secret: str = "t") -> Flask:
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": secret,
            "RATELIMIT_STORAGE_URI": store,
        }
    )


def test_workers_share_failed_logins_through_redis(
    seeded: Engine, db_url: str, redis_url: str
) -> None:
    secret = uuid.uuid4().hex  # keys of their own for this run
    workers = [make_app(db_url, redis_url, secret) for _ in range(2)]
    for attempt in range(10):  # alternately on each worker
        response = Auth(workers[attempt % 2].test_client()).login("staff@alpha.example", "no!")
        assert response.status_code == 200
    for worker in workers:
        assert Auth(worker.test_client()).login("staff@alpha.example", PASSWORD).status_code == 429
        worker.extensions["mel.engine"].dispose()


def test_logins_still_work_and_are_throttled_when_redis_is_down(
    seeded: Engine, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(db_url, f"redis://127.0.0.1:{closed_port()}/0")
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert Auth(app.test_client()).login("admin@alpha.example", PASSWORD).status_code == 303
        for _ in range(10):
            assert Auth(client).login("staff@alpha.example", "no!").status_code == 200
        assert Auth(client).login("staff@alpha.example", PASSWORD).status_code == 429
    assert "rate-limit store unavailable" in caplog.text
    assert caplog.text.count("rate-limit store unavailable") == 1  # once, not per login
    app.extensions["mel.engine"].dispose()


def test_a_hanging_redis_does_not_hang_logins(
    seeded: Engine, db_url: str, black_hole: socket.socket
) -> None:
    port = black_hole.getsockname()[1]
    app = make_app(db_url, f"redis://127.0.0.1:{port}/0")
    assert Auth(app.test_client()).login("admin@alpha.example", PASSWORD).status_code == 303
    app.extensions["mel.engine"].dispose()
