"""After new data a page shows the previous figures with their time while new ones are made."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.db import session_scope
from mel.models import Response
from mel.services import dashboard_cache
from tests.factories import copy_complete_response

from .conftest import Auth


def test_previous_figures_while_new_ones_are_made() -> None:
    slot = ("test", uuid.uuid4().hex)
    first = dashboard_cache.latest(slot, (1,), lambda: "one", wait=0)
    assert first.value == "one" and not first.updating  # the first view waits
    release = threading.Event()

    def slow() -> str:
        release.wait(30)
        return "two"

    shown = dashboard_cache.latest(slot, (2,), slow, wait=0.01)
    assert shown.value == "one" and shown.updating and shown.as_of is not None
    # A view meanwhile neither waits nor starts a second computation.
    again = dashboard_cache.latest(slot, (3,), lambda: pytest.fail("second computation"), 0)
    assert again.value == "one" and again.updating
    release.set()
    deadline = time.monotonic() + 30
    while dashboard_cache.peek((*slot, 2)) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    fresh = dashboard_cache.latest(slot, (2,), lambda: pytest.fail("made twice"), wait=0)
    assert fresh.value == "two" and not fresh.updating


def test_a_failed_refresh_keeps_the_previous_figures() -> None:
    slot = ("test", uuid.uuid4().hex)
    dashboard_cache.latest(slot, (1,), lambda: "one", wait=0)

    def broken() -> str:
        raise RuntimeError("database gone")

    assert dashboard_cache.latest(slot, (2,), broken, wait=5).value == "one"


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    """Pages that never wait for new figures."""
    return {**app_config, "DASHBOARD_WAIT": 0}


def add_complete_response(engine: Engine) -> None:
    """A new complete response like the first one: new data for the dashboards."""
    with session_scope(engine) as session:
        template = session.exec(
            select(Response).where(Response.status == "complete").order_by(col(Response.id))
        ).first()
        assert template is not None
        copy_complete_response(session, template)


@pytest.mark.parametrize("page", ["kpis", "fieldwork", "exports/"])
def test_page_says_its_figures_are_being_updated(seeded: Engine, app: Flask, page: str) -> None:
    client = app.test_client()
    Auth(client).as_role("admin")
    url = f"/staff/p/alpha/{page}"
    assert "worden bijgewerkt" not in client.get(url).text
    add_complete_response(seeded)
    shown = client.get(url).text
    assert "Cijfers van " in shown and "worden bijgewerkt" in shown
