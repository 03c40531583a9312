"""Staff: the fieldwork of one wave — mails, outcomes and AAPOR rates per stratum, actions.

Every role of the programme sees the counts and rates (no contact details). Administrators
and programme staff also send reminders, set outcomes by hand and read the outbox (whose
mails do hold addresses); each action needs its CSRF token and leaves an audit entry.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import select

from mel.i18n import translate
from mel.models import Programme, Wave
from mel.services.fieldwork import mailing, transport
from mel.services.fieldwork.outcomes import OUTCOMES, OutcomeError, find_case, set_outcome
from mel.services.privacy import record
from mel.settings import Settings
from mel.web.database import get_session
from mel.web.staff import figures
from mel.web.staff.auth import PostForm, actor, current_user, programme_or_404, staff_required
from mel.web.staff.dashboard import lang

bp = Blueprint("wave_fieldwork", __name__, url_prefix="/staff")
ACTORS = ("admin", "staff")
REMIND_AFTER_DAYS = 7


def wave_or_404(programme: Programme, wave_code: str) -> Wave:
    """The programme's wave of that code, else 404."""
    wave = (
        get_session()
        .exec(select(Wave).where(Wave.programme_id == programme.id, Wave.code == wave_code))
        .first()
    )
    if wave is None:
        abort(404)
    return wave


def settings() -> Settings:
    """The app's settings."""
    return current_app.extensions["mel.settings"]


def outbox(wave: Wave) -> Path:
    """The wave's outbox folder."""
    return transport.outbox_folder(settings().instance_path, wave.code)


@bp.get("/p/<code>/waves/<wave_code>/fieldwork")
@staff_required()
def page(code: str, wave_code: str) -> ResponseReturnValue:
    """Counts, outcomes and rates per instrument and stratum; forms for the actions."""
    programme = programme_or_404(code)
    wave = wave_or_404(programme, wave_code)
    shown = figures.wave_status_figures(wave)
    status = shown.value
    user = current_user()
    may_act = user is not None and user.role in ACTORS
    shows_outbox = may_act and not settings().smtp_url
    files, total = transport.outbox_listing(outbox(wave)) if shows_outbox else ([], 0)
    return render_template(
        "staff/wave_fieldwork.html",
        programme=programme,
        wave=wave,
        status=status,
        may_act=may_act,
        form=PostForm(),
        outcomes=OUTCOMES,
        outbox=files,
        outbox_total=total,
        remind_days=REMIND_AFTER_DAYS,
        filters=None,
        as_of=figures.as_of_text(shown),
    )


@bp.post("/p/<code>/waves/<wave_code>/remind")
@staff_required(*ACTORS)
def remind(code: str, wave_code: str) -> ResponseReturnValue:
    """Send the next reminder to those not finished (as `mel invitations remind --after 7d`)."""
    if not PostForm().validate_on_submit():
        abort(400)
    programme = programme_or_404(code)
    wave = wave_or_404(programme, wave_code)
    current = settings()
    base = current.base_url.strip() or request.host_url
    try:
        sender = mailing.Sender(
            engine=current_app.extensions["mel.engine"],
            wave_id=wave.id or 0,
            transport=transport.make_transport(current.smtp_url, current.instance_path, wave.code),
            secret=str(current_app.config["SECRET_KEY"]),
            base_url=base,
            sender=current.mail_from,
        )
        result = sender.run("reminder", after=timedelta(days=REMIND_AFTER_DAYS))
    except (mailing.MailingError, transport.TransportError) as exc:
        flash(translate("fwc_mail_error", lang(), error=str(exc)))
        return redirect(url_for(".page", code=code, wave_code=wave_code), 303)
    session = get_session()
    record(
        session,
        actor(),
        "reminders_sent",
        programme=programme.code,
        target=f"{wave.code}/{result.kind}",
        sent=result.sent,
        refused=len(result.refused),
    )
    session.commit()
    flash(
        translate(
            "fwc_reminded",
            lang(),
            kind=result.kind,
            n=result.sent,
            before=result.already,
            not_due=result.not_due,
        )
    )
    return redirect(url_for(".page", code=code, wave_code=wave_code), 303)


@bp.post("/p/<code>/waves/<wave_code>/outcome")
@staff_required(*ACTORS)
def outcome(code: str, wave_code: str) -> ResponseReturnValue:
    """Set one case's outcome by hand (or hand it back to mel), with an audit entry."""
    if not PostForm().validate_on_submit():
        abort(400)
    programme = programme_or_404(code)
    wave = wave_or_404(programme, wave_code)
    session = get_session()
    reference = request.form.get("case", "").strip()
    value = request.form.get("outcome", "")
    if value != "auto" and value not in OUTCOMES:
        abort(400)
    try:
        case = find_case(session, wave, reference)
    except OutcomeError:
        flash(translate("fwc_outcome_unknown_case", lang(), case=reference[:60]))
        return redirect(url_for(".page", code=code, wave_code=wave_code), 303)
    set_outcome(session, case=case, outcome=value, actor=actor(), programme=programme.code)
    session.commit()
    key = "fwc_outcome_auto" if value == "auto" else f"outcome_{value}"
    shown = translate(key, lang())
    flash(translate("fwc_outcome_set", lang(), case=case.key, outcome=shown))
    return redirect(url_for(".page", code=code, wave_code=wave_code), 303)


@bp.get("/p/<code>/waves/<wave_code>/outbox/<name>")
@staff_required(*ACTORS)
def outbox_mail(code: str, wave_code: str, name: str) -> ResponseReturnValue:
    """One mail of the outbox as plain text (it holds an address: audited)."""
    programme = programme_or_404(code)
    wave = wave_or_404(programme, wave_code)
    folder = outbox(wave)
    path = folder / name
    if not name.endswith(".eml") or "/" in name or path.parent != folder or not path.is_file():
        abort(404)
    session = get_session()
    record(session, actor(), "outbox_viewed", programme=programme.code, target=name)
    session.commit()
    response = current_app.response_class(path.read_bytes(), mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
