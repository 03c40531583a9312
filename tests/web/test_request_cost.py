"""What a participant's request costs: SQL statements, and work done once instead of per view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from mel.web.database import get_session
from mel.web.survey import forms
from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, read_form


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the app's engines run meanwhile (first word of each)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement.split(None, 1)[0].upper())

    engines = [app.extensions[name] for name in ("mel.engine", "mel.autocommit_engine")]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def test_each_survey_request_runs_few_statements(engine: Engine, app: Flask) -> None:
    link = open_survey(engine, DATA / "types.yaml")
    Participant(app.test_client()).start(link)  # parses and caches the definition
    client = app.test_client()
    with statements(app) as consent_page:
        form = read_form(client.get(link).get_data(as_text=True)).values
    # instrument, wave, its fielding and newest version: one query
    assert consent_page == ["SELECT"]
    with statements(app) as consent:
        started = client.post(link, data=form)
    assert started.status_code == 303
    assert consent == ["SELECT", "SELECT", "INSERT"]  # open link, erasure check, the row
    participant = Participant(client)
    with statements(app) as page:
        participant.page = client.get(started.headers["Location"])
    assert page == ["SELECT"]  # the response by its token
    with statements(app) as save:
        participant.post(
            {"grootte": "klein", "onderwerpen": ["webshop"], "opnieuw": "yes"}, follow=False
        )
    assert participant.page is not None and participant.page.status_code == 303
    assert save == ["SELECT", "UPDATE"]


def test_page_handlers_are_made_once(engine: Engine, app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    made: list[str] = []
    real = forms.handler_for
    monkeypatch.setattr(
        forms,
        "handler_for",
        lambda question, *args: made.append(question.name) or real(question, *args),
    )
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "types.yaml"))
    first_page = participant.path
    assert made == ["uitleg", "grootte", "onderwerpen", "opnieuw"]
    for _ in range(3):
        participant.get(first_page)
        participant.post({"grootte": "micro"}, follow=False)  # re-shown with errors
    assert made == ["uitleg", "grootte", "onderwerpen", "opnieuw"]
    participant.get(first_page + "?lang=en")  # other language: own handlers
    assert made[4:] == ["uitleg", "grootte", "onderwerpen", "opnieuw"]


def _without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def test_cached_question_html_equals_fresh_rendering(engine: Engine, app: Flask) -> None:
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "types.yaml"))
    participant.post({"grootte": "klein", "onderwerpen": ["webshop", "cyber"], "opnieuw": "no"})
    pages = [participant.path.replace("/oordeel", f"/{name}") for name in ("bedrijf", "oordeel")]
    participant.post({"stellingen__nuttig": "4"}, follow=True)  # errors, shown as posted
    with_errors = _without_token(participant.html)

    def views() -> list[str]:
        shown = []
        for path in pages:
            participant.get(path)
            shown.append(_without_token(participant.html))
        participant.get(pages[1] + "?lang=en")
        shown.append(_without_token(participant.html))
        participant.get(pages[1] + "?lang=nl")
        return shown

    first, cached = views(), views()
    assert app.extensions["mel.cached_html"]["questions"]  # the cache was used
    app.jinja_env.auto_reload = True  # bypasses the cache
    fresh = views()
    assert first == cached == fresh
    assert "How large" not in first[0] and "To what extent do you agree?" in first[2]
    assert 'value="webshop" checked' in first[0] and 'value="no" checked' in first[0]
    assert "error-summary" in with_errors and "error-summary" not in first[1]


def test_typed_text_and_errors_are_never_cached(engine: Engine, app: Flask) -> None:
    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "types.yaml"))
    participant.post({"grootte": "klein", "onderwerpen": ["webshop"], "opnieuw": "yes"})
    participant.post({"stellingen__nuttig": "4", "stellingen__snel": "3", "cijfer": "8"})
    participant.post({"medewerkers": "zeventien", "omzetgroei": "12,5"})  # kept as typed
    assert 'value="zeventien"' in participant.html
    participant.post({"medewerkers": "17", "omzetgroei": "12,5"})
    participant.get(participant.path.replace("/afsluiting", "/cijfers"))
    assert 'value="17"' in participant.html
    cached = " ".join(str(html) for html in app.extensions["mel.cached_html"]["questions"].values())
    assert "zeventien" not in cached and 'value="17"' not in cached and "12,5" not in cached
    assert "error-message" not in cached
    # A posted value that is no option is shown as a fresh rendering, not kept either.
    participant.get(participant.path.replace("/cijfers", "/bedrijf"))
    participant.client.post(
        participant.path, data={**participant.form(), "grootte": "x" * 300, "_language": "en"}
    )
    cached = " ".join(str(html) for html in app.extensions["mel.cached_html"]["questions"].values())
    assert "x" * 300 not in cached and len(app.extensions["mel.cached_html"]["options"]) < 20


def test_participant_requests_send_no_begin_or_commit(
    engine: Engine, app: Flask, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("counts PostgreSQL protocol commands")
    import psycopg

    commands: list[bytes] = []
    real = psycopg.Connection._exec_command

    def counting(self, command, *args, **kwargs):  # type: ignore[no-untyped-def]
        commands.append(
            bytes(command) if isinstance(command, bytes | bytearray) else str(command).encode()
        )
        return real(self, command, *args, **kwargs)

    participant = Participant(app.test_client())
    participant.start(open_survey(engine, DATA / "types.yaml"))
    monkeypatch.setattr(psycopg.Connection, "_exec_command", counting)
    for _ in range(6):
        participant.get(participant.path)
    participant.post({"grootte": "klein", "onderwerpen": ["webshop"], "opnieuw": "yes"})
    participant.post({"stellingen__nuttig": "4"})  # shown again with errors
    assert participant.page is not None and participant.page.status_code == 200
    monkeypatch.undo()
    # Each statement commits by itself: no BEGIN, COMMIT or ROLLBACK round trips.
    assert commands == []
    # and psycopg keeps its prepared statements (a ROLLBACK used to drop them all).
    with app.extensions["mel.autocommit_engine"].connect() as connection:
        prepared = (
            connection.exec_driver_sql("SELECT statement FROM pg_prepared_statements")
            .scalars()
            .all()
        )
    assert any("resume_token_hash" in statement for statement in prepared)


def test_staff_side_keeps_transactions(app: Flask) -> None:
    with app.test_request_context("/staff/login"):
        assert get_session().bind is app.extensions["mel.engine"]
    with app.test_request_context("/s/x/y"):
        app.preprocess_request()
        assert get_session().bind is app.extensions["mel.autocommit_engine"]


def test_participant_connections_stay_in_autocommit(app: Flask) -> None:
    """The participants' pool opens its connections in autocommit, and they stay so."""

    def driver_autocommits(engine: Engine) -> bool:
        with engine.connect() as connection:
            driver = connection.connection.dbapi_connection
            if engine.dialect.name == "sqlite":
                return driver.isolation_level is None  # type: ignore[union-attr]
            return bool(driver.autocommit)  # type: ignore[union-attr]

    participants = app.extensions["mel.autocommit_engine"]
    assert [driver_autocommits(participants) for _ in range(3)] == [True, True, True]
    assert not driver_autocommits(app.extensions["mel.engine"])
    # and a connection back in the pool is still in autocommit (nothing switched it back)
    with participants.connect() as connection:
        driver = connection.connection.dbapi_connection
    record = participants.pool._pool.queue[-1]  # type: ignore[attr-defined]
    assert record.dbapi_connection is driver
    if participants.dialect.name == "sqlite":
        assert driver.isolation_level is None  # type: ignore[union-attr]
    else:
        assert driver.autocommit  # type: ignore[union-attr]
