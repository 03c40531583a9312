"""Exactly once: double clicks, retries and parallel tabs store one complete response."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.models import Response
from mel.services import responses as store
from tests.factories import invite, open_survey
from tests.web.conftest import DATA, Participant, only_response, responses

TABS = 20


def tabs_on_final_page(engine: Engine, app: Flask, kind: str) -> list[Participant]:
    """One respondent with TABS browsers (own cookies, own CSRF token) on the final page."""
    link = open_survey(engine, DATA / "consent.yaml")
    first = Participant(app.test_client())
    if kind == "i":
        (link,) = invite(engine, "web-consent")
    first.start(link)
    assert first.path.endswith("/p/enige") and ">Versturen<" in first.html
    tabs = [first]
    for _ in range(TABS - 1):
        tab = Participant(app.test_client())
        tab.get(first.path)
        tabs.append(tab)
    assert len({tab.form()["_submission"] for tab in tabs}) == 1  # one submission id
    return tabs


def post_all(tabs: list[Participant], values: list[str]) -> list[int]:
    """Press Submit in every tab at the same moment; return the status codes."""
    barrier = threading.Barrier(len(tabs))

    def press(pair: tuple[Participant, str]) -> int:
        tab, value = pair
        barrier.wait()
        return tab.post({"cijfer": value}, follow=False).status_code

    with ThreadPoolExecutor(len(tabs)) as pool:
        return list(pool.map(press, zip(tabs, values, strict=True)))


@pytest.mark.parametrize("kind", ["r", "i"])
def test_concurrent_identical_submissions_store_one(engine: Engine, app: Flask, kind: str) -> None:
    tabs = tabs_on_final_page(engine, app, kind)
    sid = tabs[0].form()["_submission"]
    codes = post_all(tabs, ["7"] * TABS)
    assert codes == [303] * TABS  # every tab sees the thank-you page
    response = only_response(engine)
    assert response.status == "complete" and response.answers == {"cijfer": 7}
    assert response.client_submission_id == sid
    assert response.lock_version == 1  # written exactly once


def test_concurrent_different_submissions(engine: Engine, app: Flask) -> None:
    tabs = tabs_on_final_page(engine, app, "r")
    values = ["7" if i % 2 else "3" for i in range(TABS)]
    codes = post_all(tabs, values)
    response = only_response(engine)
    winner = str(response.answers["cijfer"])
    assert response.status == "complete" and winner in ("7", "3")
    assert [c for c, v in zip(codes, values, strict=True) if v == winner] == [303] * (TABS // 2)
    assert [c for c, v in zip(codes, values, strict=True) if v != winner] == [409] * (TABS // 2)


def test_resubmission_after_completion(engine: Engine, app: Flask) -> None:
    tab = tabs_on_final_page(engine, app, "r")[0]
    final_page = tab.path
    final_form = tab.form()
    tab.post({"cijfer": "8"})
    assert tab.path.endswith("/done")
    # Browser retry of the very same post: success, nothing new.
    again = tab.client.post(final_page, data={**final_form, "cijfer": "8", "_action": "next"})
    assert again.status_code == 303 and again.location.endswith("/done")
    # The same submission id with other content: 409, the first answers stay.
    other = tab.client.post(final_page, data={**final_form, "cijfer": "2", "_action": "next"})
    assert other.status_code == 409 and "Al verstuurd" in other.get_data(as_text=True)
    response = only_response(engine)
    assert response.answers == {"cijfer": 8} and response.lock_version == 1


def test_forged_submission_id_is_refused(engine: Engine, app: Flask) -> None:
    tab = tabs_on_final_page(engine, app, "r")[0]
    page = tab.post({"cijfer": "8", "_submission": "x" * 40})
    assert page.status_code == 400 and "verouderd" in tab.html
    assert only_response(engine).status == "in_progress"


def test_database_refuses_a_submission_id_held_by_another_response(
    engine: Engine, app: Flask
) -> None:
    first = tabs_on_final_page(engine, app, "r")[0]
    sid = first.form()["_submission"]
    first.post({"cijfer": "8"})
    second = Participant(app.test_client())
    second.start("/s/web-consent/w2025")
    with Session(engine, expire_on_commit=False) as session:
        other = next(r for r in responses(engine) if r.status == "in_progress")
        row = session.get(Response, other.id)
        assert row is not None
        result = store.submit(
            session,
            row,
            lambda r: {"cijfer": 1},
            sid=sid,
            language="nl",
            incomplete=lambda answers: None,
        )
    assert result.outcome == "conflict"
    statuses = sorted(r.status for r in responses(engine))
    assert statuses == ["complete", "in_progress"]
