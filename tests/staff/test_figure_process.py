"""Figures of new data are made in a worker process, which may die without breaking pages."""

from __future__ import annotations

import functools
import operator
import os
import threading
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.models import Response, utcnow
from mel.services import dashboard_cache, figure_pool

from .conftest import Auth
from .test_figures_updating import add_complete_response

PAGE = "/api/v1/programmes/alpha/kpis?by=sector"
NOT_HERE = functools.partial(pytest.fail, "made in the web process")


def test_background_figures_come_from_another_process() -> None:
    slot = ("test", uuid.uuid4().hex)
    dashboard_cache.latest(slot, (1,), lambda: 0, wait=0)
    made = dashboard_cache.latest(slot, (2,), NOT_HERE, wait=600, task=os.getpid)
    assert not made.updating
    assert made.value != os.getpid() and made.value in figure_pool.worker_pids()
    assert figure_pool.last_pid == made.value


def test_a_worker_that_dies_keeps_the_previous_figures_and_is_replaced() -> None:
    slot = ("test", uuid.uuid4().hex)
    dashboard_cache.latest(slot, (1,), lambda: 0, wait=0)
    first = dashboard_cache.latest(slot, (2,), NOT_HERE, wait=600, task=os.getpid).value
    # the worker dies while it makes the figures (as when it is killed or out of memory)
    shown = dashboard_cache.latest(slot, (3,), NOT_HERE, wait=600, task=_die)
    assert shown.value == first and shown.updating
    # the next view gets a fresh worker and current figures
    again = dashboard_cache.latest(slot, (3,), NOT_HERE, wait=600, task=os.getpid)
    assert not again.updating and again.value not in (first, os.getpid())


def test_the_worker_process_is_started_outside_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Starting the worker takes seconds: a page showing the previous figures must not wait."""
    figure_pool.shutdown()  # as in a server process that has just started
    submitted_from = []
    submit = figure_pool.submit

    def watched(task: Any) -> Any:
        submitted_from.append(threading.current_thread())
        return submit(task)

    monkeypatch.setattr(figure_pool, "submit", watched)
    slot = ("test", uuid.uuid4().hex)
    dashboard_cache.latest(slot, (1,), lambda: 0, wait=0)
    made = dashboard_cache.latest(slot, (2,), NOT_HERE, wait=600, task=os.getpid)
    assert made.value in figure_pool.worker_pids()
    assert submitted_from and threading.current_thread() not in submitted_from


def _die() -> None:
    os._exit(1)


def test_an_error_in_the_worker_keeps_the_previous_figures_and_the_worker() -> None:
    slot = ("test", uuid.uuid4().hex)
    dashboard_cache.latest(slot, (1,), lambda: 0, wait=0)
    before = dashboard_cache.latest(slot, (2,), NOT_HERE, wait=600, task=os.getpid).value
    failing = functools.partial(operator.truediv, 1, 0)
    shown = dashboard_cache.latest(slot, (3,), NOT_HERE, wait=600, task=failing)
    assert shown.value == before and shown.updating
    again = dashboard_cache.latest(slot, (3,), NOT_HERE, wait=600, task=os.getpid)
    assert again.value == before and not again.updating  # the same worker, still alive


def _change_every_answer(engine: Engine, cijfer: int) -> None:
    with Session(engine) as session:
        for response in session.exec(select(Response).where(Response.status == "complete")):
            response.answers = {**response.answers, "cijfer": cijfer}
            response.updated_at = utcnow()
            session.add(response)
        session.commit()


def _cijfer(client: FlaskClient) -> float:
    body = client.get(PAGE).json
    assert body is not None
    card = next(k for k in body["kpis"] if k["code"] == "cijfer")
    return float(card["result"]["estimate"])


def test_a_page_gets_its_new_figures_from_the_worker_even_after_it_was_killed(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    _cijfer(client)  # the first view: made in the request
    _change_every_answer(seeded, 10)
    assert _cijfer(client) == pytest.approx(10.0)
    worker = figure_pool.last_pid
    assert worker is not None and worker != os.getpid()
    os.kill(worker, 9)
    _change_every_answer(seeded, 9)
    # the pool may or may not have seen its worker die: at worst this view shows the
    # previous figures, and the next one has a fresh worker
    if _cijfer(client) != pytest.approx(9.0):
        assert _cijfer(client) == pytest.approx(9.0)
    assert figure_pool.last_pid not in (None, worker, os.getpid())


def test_figures_may_be_made_in_a_thread_instead(seeded: Engine, app: Flask) -> None:
    app.config["DASHBOARD_WORKER"] = "thread"  # as MEL_DASHBOARD_WORKER=thread
    client = app.test_client()
    Auth(client).as_role("staff")
    _cijfer(client)
    figure_pool.last_pid = None
    _change_every_answer(seeded, 10)
    assert _cijfer(client) == pytest.approx(10.0)
    assert figure_pool.last_pid is None  # no worker process made them


@pytest.mark.parametrize(
    "url",
    [
        "/staff/p/alpha/kpis",
        "/staff/p/alpha/fieldwork",
        "/staff/p/alpha/exports/",
        "/staff/p/alpha/waves/w2025/fieldwork",
        "/api/v1/programmes/alpha/fieldwork",
        "/api/v1/programmes/alpha/kpis",
    ],
)
def test_every_page_gets_its_new_figures_back_from_the_worker(
    seeded: Engine, client: FlaskClient, auth: Auth, url: str
) -> None:
    auth.as_role("admin")
    assert client.get(url).status_code == 200  # the first view: made in the request
    figure_pool.last_pid = None
    add_complete_response(seeded)  # new data: the figures are made in the worker
    shown = client.get(url)
    assert shown.status_code == 200
    if shown.is_json:
        assert shown.json is not None and shown.json["figures_as_of"] is None
    else:
        assert "Cijfers van" not in shown.text
    assert figure_pool.last_pid not in (None, os.getpid())
