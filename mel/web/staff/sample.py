"""A wave's design and drawn sample: page, download (no contact details) and draw."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlmodel import select

from mel.i18n import translate
from mel.models import Programme, Wave
from mel.services.filters import programme_waves
from mel.services.privacy import record
from mel.services.sampling import SamplingError
from mel.services.sampling.plan import neyman_sds
from mel.services.sampling.store import draw_sample, wave_design
from mel.services.sampling.view import sample_view
from mel.web.database import get_session
from mel.web.staff import output as staff_output
from mel.web.staff.auth import PostForm, actor, programme_or_404, staff_required
from mel.web.staff.dashboard import lang

bp = Blueprint("sample", __name__, url_prefix="/staff")
ROLES = ("admin", "staff")
MAX_SEED = 2**63 - 1


def _wave(programme: Programme, wave_code: str) -> Wave:
    wave = (
        get_session()
        .exec(select(Wave).where(Wave.programme_id == programme.id, Wave.code == wave_code))
        .first()
    )
    if wave is None:
        abort(404)
    return wave


@bp.get("/p/<code>/samples")
@staff_required(*ROLES)
def index(code: str) -> ResponseReturnValue:
    """The programme's waves, each with its design method and whether it was drawn."""
    programme = programme_or_404(code)
    waves = programme_waves(get_session(), programme, every=True)
    return render_template("staff/samples.html", programme=programme, waves=waves, filters=None)


@bp.get("/p/<code>/waves/<wave_code>/sample")
@staff_required(*ROLES)
def page(code: str, wave_code: str) -> ResponseReturnValue:
    """The wave's design, its strata (N_h, n_h) and the units drawn, with π_i."""
    programme = programme_or_404(code)
    view = sample_view(get_session(), _wave(programme, wave_code))
    return render_template(
        "staff/sample.html",
        programme=programme,
        view=view,
        form=PostForm(),
        filters=None,
        errors=get_flashed_messages(),
    )


@bp.get("/p/<code>/waves/<wave_code>/sample.<fmt>")
@staff_required(*ROLES)
def download(code: str, wave_code: str, fmt: str) -> ResponseReturnValue:
    """The drawn sample as CSV or XLSX: units, strata and π_i; never contact details."""
    if fmt not in staff_output.TABLE_TYPES:
        abort(404)
    programme = programme_or_404(code)
    wave = _wave(programme, wave_code)
    view = sample_view(get_session(), wave)
    if view.units.empty:
        abort(404)
    title = f"{translate('sample_title', lang())} — {programme.code} {wave.code}"
    seed = translate("sample_seed", lang(), seed=wave.sample_seed)
    content = staff_output.table_file(view.units, fmt, title=title, filters=seed, lang=lang())
    record(
        get_session(),
        actor(),
        "download",
        programme=programme.code,
        target=f"{wave.code}/sample.{fmt}",
    )
    get_session().commit()
    return staff_output.download(content, f"mel-{programme.code}-{wave.code}-sample.{fmt}")


@bp.post("/p/<code>/waves/<wave_code>/sample")
@staff_required("admin")
def draw(code: str, wave_code: str) -> ResponseReturnValue:
    """Draw (or redraw, until it is frozen) the wave's sample with the seed given."""
    if not PostForm().validate_on_submit():
        abort(400)
    programme = programme_or_404(code)
    wave = _wave(programme, wave_code)
    raw = request.form.get("seed", "").strip()
    if not raw.isdigit() or int(raw) > MAX_SEED:
        flash(translate("sample_bad_seed", lang(), value=raw[:40]))
        return redirect(url_for("sample.page", code=code, wave_code=wave_code), 303)
    session = get_session()
    try:
        surveys = current_app.extensions["mel.settings"].surveys
        sd = neyman_sds(session, wave_design(wave), surveys)
        summary = draw_sample(session, wave, int(raw), sd=sd)
    except SamplingError as exc:
        session.rollback()
        flash(translate("sample_refused", lang(), reason=str(exc)))
        return redirect(url_for("sample.page", code=code, wave_code=wave_code), 303)
    record(
        session,
        actor(),
        "sample_drawn",
        programme=programme.code,
        target=wave.code,
        seed=int(raw),
        sample_size=summary.sample_size,
    )
    session.commit()
    return redirect(url_for("sample.page", code=code, wave_code=wave_code), 303)
