"""The request's database session (as flaskr's `get_db`): one per request, closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlmodel import Session

from mel.data import frame_cache
from mel.db import make_engine
from mel.db_timeouts import Timeouts


def setup_database(app: Flask) -> None:
    """Create the engine (with the web's time limits) and give each request its own session."""
    timeouts = Timeouts.for_web(app.extensions["mel.settings"])
    engine = make_engine(app.config["DATABASE_URL"], timeouts)
    app.extensions["mel.engine"] = engine
    # Participants' requests (see `use_autocommit`): a pool of its own whose connections
    # commit each statement by themselves from the start, so that no request pays for
    # switching a shared connection into autocommit and back.
    app.extensions["mel.autocommit_engine"] = make_engine(
        app.config["DATABASE_URL"], timeouts, autocommit=True
    )
    # Dashboard figures made in the background (`mel.web.staff.figures`) may read a million
    # responses: they get the commands' time limits, and no transaction left idle.
    app.extensions["mel.background_engine"] = make_engine(
        app.config["DATABASE_URL"],
        Timeouts.for_commands(app.extensions["mel.settings"]),
        autocommit=True,
    )
    folder = frame_cache.settings_folder(app.extensions["mel.settings"])
    for name in ("mel.engine", "mel.autocommit_engine", "mel.background_engine"):
        frame_cache.use_folder(app.extensions[name], folder)

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def get_session() -> Session:
    """Return this request's database session (autocommit after `use_autocommit`)."""
    if "db_session" not in g:
        engine = current_app.extensions[
            "mel.autocommit_engine" if g.get("db_autocommit") else "mel.engine"
        ]
        g.db_session = Session(engine, expire_on_commit=False)
    return g.db_session


def use_autocommit() -> None:
    """Let this request's session commit each statement by itself, with no BEGIN or COMMIT.

    For views whose every write is one self-contained statement (the participant side: a
    guarded UPDATE, an INSERT under a unique key), so nothing needs a transaction around
    several statements. On PostgreSQL this saves two round trips per request, and psycopg
    keeps its prepared statements (a ROLLBACK at the end of a request made it forget them).
    """
    g.db_autocommit = True
