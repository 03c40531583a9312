"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g
from sqlmodel import Session

from . import config as settings
from .db import make_engine


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then MEL_* environment variables, then `config`."""
    app = Flask("mel", template_folder=str(settings.project_path("templates")),
                instance_relative_config=True)
    app.config.update(settings.defaults(Path(app.instance_path)))
    app.config.update(settings.environment_settings())
    app.config.update(config or {})
    settings.check(app.config, debug=app.debug)
    if not app.config.get("SECRET_KEY"):
        # Debug, demo and test runs get a throw-away key; production refuses above.
        import secrets

        app.config["SECRET_KEY"] = secrets.token_hex(32)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    setup_database(app)
    setup_i18n(app)
    setup_security(app)
    setup_blueprints(app)
    return app


def setup_database(app: Flask) -> None:
    """Create the engine and give each request its own session."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["mel.engine"] = engine
    # The same pool, each statement committing by itself (see `use_autocommit`).
    app.extensions["mel.autocommit_engine"] = engine.execution_options(
        isolation_level="AUTOCOMMIT")

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def get_session() -> Session:
    """Return this request's database session (autocommit after `use_autocommit`)."""
    from flask import current_app

    if "db_session" not in g:
        engine = current_app.extensions[
            "mel.autocommit_engine" if g.get("db_autocommit") else "mel.engine"]
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


def setup_i18n(app: Flask) -> None:
    """Choose each request's language (nl, en) and give templates the interface strings."""
    from .i18n import setup_i18n as install

    install(app)


def setup_security(app: Flask) -> None:
    """CSRF on every POST, security headers, rate limits, friendly error pages."""
    from .web.security import setup_security as install

    install(app)


def setup_blueprints(app: Flask) -> None:
    """Register the web modules."""
    from .web import home, staff_app, survey

    app.register_blueprint(home.bp)
    survey.init_app(app)
    staff_app.init_app(app)  # staff login, dashboards, exports, admin pages, JSON API
