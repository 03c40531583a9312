"""Admin: switch an instrument's open link in a wave on or off (CSRF, role, audit)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import select

from mel.i18n import translate
from mel.models import Instrument, Wave
from mel.services.open_links import STATES, OpenLinkError, set_open_link
from mel.services.privacy import record
from mel.web.database import get_session
from mel.web.staff.auth import PostForm, actor, programme_or_404, staff_required
from mel.web.staff.dashboard import lang

bp = Blueprint("open_links", __name__, url_prefix="/staff")


@bp.post("/p/<code>/waves/<wave_code>/open-link")
@staff_required("admin")
def update(code: str, wave_code: str) -> ResponseReturnValue:
    """Set the open link of one instrument in a wave: off, on asking the unit, on without."""
    if not PostForm().validate_on_submit():
        abort(400)
    programme = programme_or_404(code)
    session = get_session()
    wave = session.exec(
        select(Wave).where(Wave.programme_id == programme.id, Wave.code == wave_code)
    ).first()
    instrument = session.exec(
        select(Instrument).where(
            Instrument.code == request.form.get("instrument", ""),
            Instrument.programme_id == programme.id,
        )
    ).first()
    state = request.form.get("state", "")
    if wave is None or instrument is None:
        abort(404)
    if state not in STATES:
        abort(400)
    try:
        set_open_link(session, wave, instrument, state)
    except OpenLinkError:
        session.rollback()
        flash(
            translate(
                "staff_open_link_needs_unit", lang(), wave=wave.code, instrument=instrument.code
            )
        )
        return redirect(url_for("staff_admin.waves", code=programme.code), 303)
    record(
        session,
        actor(),
        "open_link_changed",
        programme=programme.code,
        target=f"{wave.code}/{instrument.code}",
        state=state,
    )
    session.commit()
    return redirect(url_for("staff_admin.waves", code=programme.code), 303)
