"""Wire the staff side into the app: login, dashboards, exports, admin pages, JSON API."""

from __future__ import annotations

import math

from flask import Flask, g


def fmtnum(value: float | int | None) -> str:
    """Format a figure for a table: fewer decimals for bigger numbers, Dutch or English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    size = abs(float(value))
    decimals = 0 if size >= 100 else 1 if size >= 10 else 2
    text = f"{float(value):,.{decimals}f}"
    if g.get("lang", "nl") == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def init_app(app: Flask) -> None:
    """Register the staff blueprints (auth first: it loads the account of each request)."""
    from mel.web.staff import admin as staff_admin
    from mel.web.staff import api, auth, dashboard, exports, open_links

    auth.init_app(app)
    for blueprint in (dashboard.bp, exports.bp, staff_admin.bp, open_links.bp, api.bp):
        app.register_blueprint(blueprint)
    app.add_template_filter(fmtnum, "fmtnum")
