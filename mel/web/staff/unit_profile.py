"""A unit's progress profile online: its coordinator sees exactly their own unit's profile.

The profile (as in the progress report) sets the unit's own figures beside the national
and own-stratum distributions; everything that is not the unit's own passes disclosure
control (`mel.kpi.progress`). A coordinator account (`UNIT_ROLES`) belongs to one unit and
reaches only that unit's profile: any other unit's address answers 404, as an unknown one
does, and the staff pages answer 403. Staff see the profile of any unit of a programme
they may see.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import select

from mel.data.census import CensusDataError, census_data
from mel.kpi.definitions import NotPublished, published_programme
from mel.kpi.progress import profile_context, unit_profile
from mel.models import Programme, Unit
from mel.reports.census_profile import profile_table
from mel.services.dashboard_cache import cached, fingerprint
from mel.services.roles import ROLES, UNIT_ROLES
from mel.web.database import get_session
from mel.web.staff.auth import current_user, programme_or_404, staff_required
from mel.web.staff.dashboard import lang

bp = Blueprint("unit_profile", __name__, url_prefix="/staff")


@bp.get("/profile")
@staff_required(*UNIT_ROLES)
def own() -> ResponseReturnValue:
    """A coordinator's start page: their own unit's profile."""
    unit = _own_unit()
    programme = get_session().get(Programme, unit.programme_id)
    assert programme is not None
    return redirect(url_for(".show", code=programme.code, unit_code=unit.code))


@bp.get("/p/<code>/progress/<unit_code>")
@staff_required(*ROLES)
def show(code: str, unit_code: str) -> ResponseReturnValue:
    """The progress profile of one unit (404 for a coordinator's any other unit)."""
    session = get_session()
    user = current_user()
    assert user is not None
    if user.role in UNIT_ROLES:
        unit = _own_unit()
        programme = session.get(Programme, unit.programme_id)
        if programme is None or programme.code != code or unit.code != unit_code:
            abort(404)  # not theirs: answered as if it did not exist
    else:
        programme = programme_or_404(code)
        found = session.exec(
            select(Unit).where(Unit.programme_id == programme.id, Unit.code == unit_code)
        ).first()
        if found is None:
            abort(404)
        unit = found
    try:
        definition = published_programme(session, programme.code)
        if definition.progress is None:
            abort(404)
        progress = definition.progress
        # Read and computed once for all units until any return or frame changes.
        key = ("progress-data", *fingerprint(session, programme))
        data = cached(key, lambda: census_data(session, programme.code, progress.instrument))
    except (NotPublished, CensusDataError):
        abort(404)
    years = [w.year for w in data.waves if w.status != "planned" and unit.code in
             data.frames.get(w.year, [])]  # fmt: skip
    asked = request.args.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (max(years) if years else 0)
    if not years:
        abort(404)
    k = int(current_app.config["MIN_GROUP_SIZE"])
    context = cached((*key, "profiles", year, k), lambda: profile_context(data, progress, year, k))
    profile = unit_profile(data, progress, year, unit.code, k, context)
    return render_template(
        "staff/unit_profile.html",
        programme=programme,
        profile=profile,
        table=profile_table(profile, lang()),
        years=sorted(years),
        year=year,
        k=k,
    )


def _own_unit() -> Unit:
    """The logged-in coordinator's unit (404 when the account has none)."""
    user = current_user()
    unit = get_session().get(Unit, user.unit_id) if user and user.unit_id else None
    if unit is None:
        abort(404)
    return unit
