"""Landing page and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from mel.web.database import get_session

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """Show what this mel instance is."""
    return render_template("home.html")


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Serve the site icon where browsers look for it (and base.html links it)."""
    return send_from_directory(
        str(current_app.static_folder),
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=7 * 24 * 3600,
    )


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """Report whether the database answers (for load balancers)."""
    get_session().exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok"}, 200
