"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from mel import settings
from mel.web.database import setup_database


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then MEL_* environment variables, then `config`.

    `config` uses upper-case names; mel's own settings (see :mod:`mel.settings`) are parsed
    and checked, other keys (Flask's and extensions' own) go to ``app.config`` as given.
    """
    overrides = dict(config or {})
    current = settings.load_settings(overrides)
    app = Flask(
        "mel",
        template_folder=str(settings.project_path("templates")),
        instance_path=str(current.instance_path),
    )
    app.config.update(current.flask_config())
    app.config.update({k: v for k, v in overrides.items() if k not in settings.NAMES})
    settings.check_secret(current, debug=app.debug)
    if not app.config.get("SECRET_KEY"):
        # Debug, demo and test runs get a throw-away key; production refuses above.
        import secrets

        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.extensions["mel.settings"] = current
    setup_database(app)
    setup_i18n(app)
    setup_security(app)
    setup_blueprints(app)
    return app


def setup_i18n(app: Flask) -> None:
    """Choose each request's language (nl, en) and give templates the interface strings."""
    from mel.i18n import setup_i18n as install

    install(app)


def setup_security(app: Flask) -> None:
    """CSRF on every POST, security headers, rate limits, friendly error pages."""
    from mel.web.security import setup_security as install

    install(app)


def setup_blueprints(app: Flask) -> None:
    """Register the web modules."""
    from mel.web import home
    from mel.web.staff import setup as staff_app
    from mel.web.survey import views as survey

    app.register_blueprint(home.bp)
    survey.init_app(app)
    staff_app.init_app(app)  # staff login, dashboards, exports, admin pages, JSON API
