"""Admin pages: accounts of the admin's programmes, wave status and retention, invitations."""

from __future__ import annotations

import secrets
from datetime import date

import pandas as pd
from flask import (
    Blueprint,
    abort,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from mel.models import Instrument, Programme, Wave, WaveInstrument
from mel.models.accounts import User
from mel.present.tables import csv_bytes
from mel.services import accounts
from mel.services.filters import programme_waves
from mel.services.invitations import (
    InvitationError,
    create_invitations,
    invitees_from_units,
    without_answered,
)
from mel.services.open_links import STATES, OpenLinkRow, open_link_rows
from mel.services.privacy import record
from mel.web.database import get_session
from mel.web.staff.auth import PostForm, actor, current_user, programme_or_404, staff_required
from mel.web.staff.output import download

bp = Blueprint("staff_admin", __name__, url_prefix="/staff")
WAVE_STATUSES = ("planned", "open", "closed")


def admin() -> User:
    """The logged-in admin."""
    user = current_user()
    assert user is not None
    return user


def manageable(user: User) -> bool:
    """Whether the admin may change this account (all its programmes are the admin's)."""
    me = admin()
    if user.id == me.id:
        return False
    if me.all_programmes:
        return True
    mine = set(accounts.programme_codes(get_session(), me))
    return not user.all_programmes and set(accounts.programme_codes(get_session(), user)) <= mine


@bp.route("/admin/users", methods=["GET", "POST"])
@staff_required("admin")
def users() -> ResponseReturnValue:
    """List accounts; create one with a one-time password shown once."""
    session = get_session()
    me = admin()
    mine = accounts.programme_codes(session, me)
    form = PostForm()
    created = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        codes = request.form.getlist("programme")
        if (
            accounts.ALL_PROGRAMMES in codes
            and not me.all_programmes
            or not set(codes) - {accounts.ALL_PROGRAMMES} <= set(mine)
        ):
            abort(403)
        password = secrets.token_urlsafe(12)
        try:
            user = accounts.create_user(
                session,
                email=request.form.get("email", ""),
                password=password,
                role=request.form.get("role", ""),
                programmes=codes,
            )
        except accounts.AccountError as exc:
            session.rollback()
            flash(str(exc))
        else:
            record(
                session,
                actor(),
                "user_created",
                target=user.email,
                role=user.role,
                programmes=codes,
            )
            session.commit()
            created = (user.email, password)
    rows = [
        (u, codes, manageable(u))
        for u, codes in accounts.list_users(session)
        if me.all_programmes
        or u.id == me.id
        or (codes and set(codes) & set(mine) and accounts.ALL_PROGRAMMES not in codes)
    ]
    return render_template(
        "staff/users.html",
        rows=rows,
        form=form,
        created=created,
        programmes=mine,
        all_programmes=me.all_programmes,
        roles=accounts.ROLES,
        errors=get_flashed_messages(),
    )


@bp.post("/admin/users/<int:user_id>/<any(disable, enable):action>")
@staff_required("admin")
def set_active(user_id: int, action: str) -> ResponseReturnValue:
    """Disable (ends its sessions at once) or enable an account."""
    if not PostForm().validate_on_submit():
        abort(400)
    session = get_session()
    user = session.get(User, user_id)
    if user is None or not manageable(user):
        abort(404)
    accounts.set_active(session, user.email, action == "enable")
    record(session, actor(), f"user_{action}d", target=user.email)
    session.commit()
    return redirect(url_for(".users"), 303)


def _wave(programme: Programme, wave_code: str) -> Wave:
    wave = (
        get_session()
        .exec(select(Wave).where(Wave.programme_id == programme.id, Wave.code == wave_code))
        .first()
    )
    if wave is None:
        abort(404)
    return wave


@bp.get("/p/<code>/waves")
@staff_required("admin")
def waves(code: str) -> ResponseReturnValue:
    """The programme's waves with their status, retention date and invitation form."""
    programme = programme_or_404(code)
    session = get_session()
    rows = []
    for wave in programme_waves(session, programme, every=True):
        instruments = session.exec(
            select(Instrument.code)
            .join(WaveInstrument, col(WaveInstrument.instrument_id) == Instrument.id)
            .where(WaveInstrument.wave_id == wave.id)
        ).all()
        rows.append((wave, sorted(instruments)))
    links: dict[str, list[OpenLinkRow]] = {}
    for link in open_link_rows(session, programme_id=programme.id):
        links.setdefault(link.wave, []).append(link)
    return render_template(
        "staff/waves.html",
        programme=programme,
        rows=rows,
        links=links,
        link_states=STATES,
        statuses=WAVE_STATUSES,
        form=PostForm(),
        filters=None,
        errors=get_flashed_messages(),
    )


@bp.post("/p/<code>/waves/<wave_code>")
@staff_required("admin")
def update_wave(code: str, wave_code: str) -> ResponseReturnValue:
    """Change a wave's status and retention date."""
    if not PostForm().validate_on_submit():
        abort(400)
    programme = programme_or_404(code)
    wave = _wave(programme, wave_code)
    status = request.form.get("status", wave.status)
    retention = request.form.get("retention_until", "")
    if status not in WAVE_STATUSES:
        abort(400)
    try:
        wave.retention_until = date.fromisoformat(retention) if retention else None
    except ValueError:
        abort(400)
    wave.status = status
    session = get_session()
    session.add(wave)
    record(
        session,
        actor(),
        "wave_changed",
        programme=programme.code,
        target=wave.code,
        status=status,
        retention_until=retention or None,
    )
    session.commit()
    return redirect(url_for(".waves", code=programme.code), 303)


@bp.post("/p/<code>/waves/<wave_code>/invitations")
@staff_required("admin")
def invitations(code: str, wave_code: str) -> ResponseReturnValue:
    """Create one invitation per sampled unit; the links are shown once, as a CSV file."""
    if not PostForm().validate_on_submit():
        abort(400)
    programme = programme_or_404(code)
    wave = _wave(programme, wave_code)
    session = get_session()
    instrument = session.exec(
        select(Instrument).where(
            Instrument.code == request.form.get("instrument", ""),
            Instrument.programme_id == programme.id,
        )
    ).first()
    if instrument is None or session.get(WaveInstrument, (wave.id, instrument.id)) is None:
        abort(404)
    try:
        invitees, _answered = without_answered(
            session, wave, instrument, invitees_from_units(session, wave, "sample")
        )
        if not invitees:
            raise InvitationError(f"every sampled unit has already completed {instrument.code}")
        issued = create_invitations(
            session,
            wave=wave,
            instrument=instrument,
            invitees=invitees,
            base_url=request.host_url,
        )
    except InvitationError as exc:
        session.rollback()
        flash(str(exc))
        return redirect(url_for(".waves", code=programme.code), 303)
    record(
        session,
        actor(),
        "invitations_created",
        programme=programme.code,
        target=f"{wave.code}/{instrument.code}",
        count=len(issued),
    )
    session.commit()
    links = pd.DataFrame(
        [(i.unit or "", i.language, i.url) for i in issued], columns=["unit", "language", "url"]
    )
    return download(
        csv_bytes(links), f"mel-{programme.code}-{wave.code}-{instrument.code}-links.csv"
    )
