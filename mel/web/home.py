"""Landing page and health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from mel.web.database import get_session

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """Show what this mel instance is."""
    return render_template("home.html")


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """Report whether the database answers (for load balancers)."""
    get_session().exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok"}, 200
