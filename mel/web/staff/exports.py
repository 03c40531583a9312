"""Downloads of pseudonymised response files for researchers and admins (audited)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from mel.data.coverage import Coverage
from mel.data.frame import FrameError
from mel.i18n import translate
from mel.models import Instrument, Wave, WaveInstrument
from mel.services import exports as export
from mel.services.filters import programme_waves
from mel.services.privacy import record
from mel.web.database import get_session
from mel.web.staff import figures
from mel.web.staff.auth import actor, programme_or_404, staff_required
from mel.web.staff.dashboard import lang, stop
from mel.web.staff.output import download

bp = Blueprint("exports", __name__, url_prefix="/staff/p/<code>/exports")
ROLES = ("admin", "researcher")


@bp.get("/")
@staff_required(*ROLES)
def index(code: str) -> ResponseReturnValue:
    """List each wave's instruments with links to every file format and the codebook."""
    programme = programme_or_404(code)
    session = get_session()
    waves = programme_waves(session, programme, every=True)
    shown = figures.coverage_figures(programme, [w.id for w in waves if w.id is not None])
    coverage = shown.value
    rows = []
    for wave in waves:
        instruments = session.exec(
            select(Instrument)
            .join(WaveInstrument, col(WaveInstrument.instrument_id) == Instrument.id)
            .where(WaveInstrument.wave_id == wave.id)
            .order_by(col(Instrument.code))
        ).all()
        rows.extend(
            (wave, instrument, coverage.get((wave.id, instrument.id), Coverage()))
            for instrument in instruments
        )
    return render_template(
        "staff/exports.html",
        programme=programme,
        rows=rows,
        formats=export.available_formats(),
        filters=None,
        as_of=figures.as_of_text(shown),
    )


def _wave_and_instrument(
    code: str, wave_code: str, instrument_code: str
) -> tuple[str, Wave, Instrument]:
    programme = programme_or_404(code)
    session = get_session()
    wave = session.exec(
        select(Wave).where(Wave.programme_id == programme.id, Wave.code == wave_code)
    ).first()
    instrument = session.exec(
        select(Instrument).where(
            Instrument.code == instrument_code, Instrument.programme_id == programme.id
        )
    ).first()
    if (
        wave is None
        or instrument is None
        or session.get(WaveInstrument, (wave.id, instrument.id)) is None
    ):
        abort(404)
    return programme.code, wave, instrument


@bp.get("/<wave_code>/<instrument_code>/data.<fmt>")
@staff_required(*ROLES)
def data_file(code: str, wave_code: str, instrument_code: str, fmt: str) -> ResponseReturnValue:
    """The responses of a wave to an instrument as CSV, XLSX, SPSS .sav or Stata .dta."""
    if fmt not in export.FORMATS:
        abort(404)
    programme, wave, instrument = _wave_and_instrument(code, wave_code, instrument_code)
    if fmt not in export.available_formats():
        stop(
            501,
            programme_or_404(code),
            translate(
                "staff_export_needs_extra",
                lang(),
                package="pyreadstat",
                command="pip install 'mel[stats]'",
            ),
        )
    built = _build(programme, wave, instrument)
    # ?table=<repeat group>: that group's long table (one row per repeat row), as CSV.
    table = request.args.get("table")
    if table is not None and (table not in built.repeats or fmt != "csv"):
        abort(404)
    content = export.write(built, fmt, table=table)
    record(
        get_session(),
        actor(),
        "export",
        programme=programme,
        target=f"{wave.code}/{instrument.code}" + (f"/{table}" if table else ""),
        format=fmt,
        rows=len(built.repeats[table] if table else built.data),
    )
    get_session().commit()
    suffix = f"-{table}" if table else ""
    return download(
        content,
        f"mel-{programme}-{wave.code}-{instrument.code}{suffix}.{fmt}",
        export.MEDIA_TYPES[fmt],
    )


@bp.get("/<wave_code>/<instrument_code>/codebook.<fmt>")
@staff_required(*ROLES)
def codebook_file(code: str, wave_code: str, instrument_code: str, fmt: str) -> ResponseReturnValue:
    """The codebook: variables, labels, value labels, versions asked, Stata names, codes."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    programme, wave, instrument = _wave_and_instrument(code, wave_code, instrument_code)
    book = export.codebook(_build(programme, wave, instrument))
    content = export.to_csv(book) if fmt == "csv" else export.to_xlsx({"codebook": book})
    record(
        get_session(),
        actor(),
        "export",
        programme=programme,
        target=f"{wave.code}/{instrument.code}",
        format=f"codebook.{fmt}",
    )
    get_session().commit()
    return download(content, f"mel-{programme}-{wave.code}-{instrument.code}-codebook.{fmt}")


def _build(programme: str, wave: Wave, instrument: Instrument) -> export.WaveExport:
    try:
        return export.build_export(
            current_app.extensions["mel.engine"],
            programme=programme,
            wave=wave.code,
            instrument=instrument.code,
            language=g.get("lang", "nl"),
        )
    except FrameError as exc:
        # A staff page that says why, never the participant's error page.
        stop(409, programme_or_404(programme), translate("staff_export_failed", lang(), reason=exc))
