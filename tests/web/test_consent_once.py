"""A double click on the consent button (or a retried POST) starts exactly one response."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from tests.factories import invite, open_survey
from tests.web.conftest import DATA, Participant, only_response, read_form, responses

CLICKS = 6


@pytest.mark.parametrize("kind", ["r", "i"])
def test_concurrent_consent_posts_start_one_response(engine: Engine, app: Flask, kind: str) -> None:
    link = open_survey(engine, DATA / "types.yaml")
    if kind == "i":
        (link,) = invite(engine, "web-types")
    client = app.test_client()
    form = read_form(client.get(link).get_data(as_text=True)).values
    assert form.get("_start") or kind == "i"  # the open link's form carries a nonce
    barrier = threading.Barrier(CLICKS)

    def click(_: int) -> tuple[int, str]:
        barrier.wait()
        answer = client.post(link, data=form)
        return answer.status_code, answer.headers.get("Location", "")

    with ThreadPoolExecutor(CLICKS) as pool:
        results = list(pool.map(click, range(CLICKS)))
    assert {code for code, _ in results} == {303}
    assert len({where for _, where in results}) == 1  # every click lands on one survey
    response = only_response(engine)
    assert response.status == "in_progress" and response.answers == {}
    later = Participant(app.test_client())
    later.get(results[0][1])
    assert later.page is not None and later.page.status_code == 200 and "/p/" in later.path


def test_a_new_visit_starts_a_new_response(engine: Engine, app: Flask) -> None:
    link = open_survey(engine, DATA / "types.yaml")
    for _ in range(2):
        Participant(app.test_client()).start(link)
    assert len(responses(engine)) == 2


def test_a_forged_nonce_still_starts_a_response(engine: Engine, app: Flask) -> None:
    link = open_survey(engine, DATA / "types.yaml")
    client = app.test_client()
    form = read_form(client.get(link).get_data(as_text=True)).values
    form["_start"] = "<script>"
    answer = client.post(link, data=form)
    assert answer.status_code == 303 and "/r/" in answer.headers["Location"]
    assert len(responses(engine)) == 1


def test_a_nonce_posted_to_another_open_link_starts_that_survey(engine: Engine, app: Flask) -> None:
    first = open_survey(engine, DATA / "types.yaml")
    second = open_survey(engine, DATA / "skip.yaml", wave="w2026")
    client = app.test_client()
    form = read_form(client.get(first).get_data(as_text=True)).values
    assert client.post(first, data=form).status_code == 303
    # The same form posted to another survey's link: its own response, not the first one.
    other = read_form(client.get(second).get_data(as_text=True)).values
    answer = client.post(second, data={**other, "_start": form["_start"]})
    assert answer.status_code == 303
    assert len(responses(engine)) == 2
    participant = Participant(app.test_client())
    participant.get(answer.headers["Location"])
    assert participant.page is not None and participant.page.status_code == 200
    assert "/p/" in participant.path
