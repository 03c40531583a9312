"""Wire the staff side into the app: login, dashboards, exports, admin pages, JSON API."""

from __future__ import annotations

from flask import Flask, g

from mel.present.numbers import format_figure


def fmtnum(value: float | int | None) -> str:
    """Format a figure for a table in the request's language (`format_figure`)."""
    return format_figure(value, g.get("lang", "nl"))


def init_app(app: Flask) -> None:
    """Register the staff blueprints (auth first: it loads the account of each request)."""
    from mel.web.staff import admin as staff_admin
    from mel.web.staff import api, auth, dashboard, exports, open_links, sample

    auth.init_app(app)
    for blueprint in (dashboard.bp, exports.bp, staff_admin.bp, open_links.bp, sample.bp, api.bp):
        app.register_blueprint(blueprint)
    app.add_template_filter(fmtnum, "fmtnum")
    from mel.web.staff import texts, wave_fieldwork  # mails, outcomes and rates of a wave

    app.register_blueprint(wave_fieldwork.bp)
    from mel.web.staff import reviews  # peer reviews: coding findings, theme counts

    app.register_blueprint(reviews.bp)
    from mel.web.staff import unit_profile  # a unit's progress profile (coordinators too)

    app.register_blueprint(unit_profile.bp)
    app.register_blueprint(texts.bp)  # open answers, publishable quotes
