"""Staff dashboards: programmes, fieldwork progress and KPI cards, with downloads.

The views parse the request, check roles and render; every figure comes from
`mel.services` (`dashboards`, `fieldwork`), protected by `mel.disclosure` (open answers:
`mel.web.staff.texts`).
Filters are GET parameters checked against the wave (`mel.services.filters`, 400 on an
unknown value); charts are matplotlib SVG/PNG served as images with a table beside them,
and every download states its filters.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from mel.i18n import translate
from mel.models import Programme
from mel.present.figures import bar_figure
from mel.services import accounts, register_cards
from mel.services import dashboards as staff_kpis
from mel.services.fieldwork.progress import Fieldwork, fieldwork, selection_shown
from mel.services.filters import (
    DIMENSIONS,
    GROUPINGS,
    FilterError,
    Filters,
    dimension_values,
    frame_units,
    parse_filters,
    programme_waves,
)
from mel.services.privacy import record
from mel.web.database import get_session
from mel.web.staff import figures
from mel.web.staff import output as staff_output
from mel.web.staff.auth import actor, current_user, programme_or_404, staff_required

bp = Blueprint(
    "dashboard", __name__, url_prefix="/staff", static_folder="static", static_url_path="/static"
)


def k() -> int:
    """The minimum group size of this app."""
    return int(current_app.config["MIN_GROUP_SIZE"])


def lang() -> str:
    """The language of this request."""
    return g.get("lang", "nl")


def stop(status: int, programme: Programme, message: str) -> NoReturn:
    """End the request with a page that explains `message`."""
    abort(
        make_response(
            render_template(
                "staff/message.html", programme=programme, message=message, status=status
            ),
            status,
        )
    )


def filters_or_400(programme: Programme) -> Filters:
    """Parse the request's filters; an unknown value ends the request with 400 and why."""
    try:
        return parse_filters(get_session(), programme, request.args, lang())
    except FilterError as exc:
        stop(400, programme, str(exc))


def filter_context(programme: Programme, filters: Filters) -> dict[str, Any]:
    """What the filter form needs: waves, known values per dimension, groupings."""
    session = get_session()
    return {
        "programme": programme,
        "filters": filters,
        "waves": programme_waves(session, programme),
        "options": dimension_values(frame_units(session, filters.wave)),
        "dimensions": DIMENSIONS,
        "groupings": GROUPINGS,
        "description": filters.describe(lang()),
        "k": k(),
    }


def embedded(fmt: str) -> bool:
    """Whether this is the chart image shown on a page (not audited as a download)."""
    return fmt == "svg" and bool(request.args.get("view"))


@bp.get("/")
@staff_required()
def index() -> ResponseReturnValue:
    """List the programmes this account may see."""
    user = current_user()
    assert user is not None
    codes = accounts.programme_codes(get_session(), user)
    programmes = (
        get_session()
        .exec(select(Programme).where(col(Programme.code).in_(codes)).order_by(col(Programme.code)))
        .all()
    )
    return render_template("staff/index.html", programmes=programmes)


@bp.get("/p/<code>/")
@staff_required()
def programme(code: str) -> ResponseReturnValue:
    """A programme's waves with links to its dashboards."""
    row = programme_or_404(code)
    return render_template(
        "staff/programme.html", programme=row, waves=programme_waves(get_session(), row)
    )


def fieldwork_result(code: str) -> tuple[Programme, Fieldwork]:
    """Check access and filters, and compute the protected fieldwork table."""
    row = programme_or_404(code)
    filters = filters_or_400(row)
    return row, fieldwork(get_session(), filters, k())


@bp.get("/p/<code>/fieldwork")
@staff_required()
def fieldwork_page(code: str) -> ResponseReturnValue:
    """Responses per group against the frame, with a chart, a table and downloads."""
    row = programme_or_404(code)
    filters = filters_or_400(row)
    shown = figures.fieldwork_figures(row, filters, k())
    result, blocked = shown.value
    return render_template(
        "staff/fieldwork.html",
        result=result,
        blocked=blocked,
        as_of=figures.as_of_text(shown),
        **filter_context(row, result.filters),
    )


def fieldwork_table(result: Fieldwork) -> Any:
    """The fieldwork table with headers in the page language."""
    assert result.table is not None
    table = result.table.copy()
    table["suppressed"] = table["suppressed"].map(
        lambda hidden: translate("yes", lang()) if hidden else translate("no", lang())
    )
    names = {c: translate(f"fw_{c}", lang()) for c in table.columns}
    names["group"] = translate(f"dim_{result.filters.by}", lang())
    return table.rename(columns=names)


@bp.get("/p/<code>/fieldwork.<fmt>")
@staff_required()
def fieldwork_download(code: str, fmt: str) -> ResponseReturnValue:
    """The fieldwork figures as CSV/XLSX or the chart as SVG/PNG, for exactly the filters."""
    if fmt not in staff_output.FORMATS:
        abort(404)
    row, result = fieldwork_result(code)
    if result.table is None:
        stop(404, row, translate("staff_too_small", lang(), k=k()))
    title = f"{translate('staff_fieldwork', lang())} — {row.code}"
    description = result.filters.describe(lang())
    if fmt in staff_output.TABLE_TYPES:
        content = staff_output.table_file(
            fieldwork_table(result), fmt, title=title, filters=description, lang=lang()
        )
    else:
        table = result.table
        figure = bar_figure(
            [str(g) for g in table["group"]],
            {
                translate("fw_complete", lang()): list(table["complete"]),
                translate("fw_in_progress", lang()): list(table["in_progress"]),
            },
            language=lang(),
            title=title,
            subtitle=description,
            xlabel=translate("fw_responses", lang()),
            hidden_text=translate("staff_hidden", lang()),
        )
        content = staff_output.chart_file(figure, fmt)
    if not embedded(fmt):
        record(
            get_session(),
            actor(),
            "download",
            programme=row.code,
            target=f"fieldwork.{fmt}",
            filters=result.filters.params(),
        )
        get_session().commit()
    return staff_output.download(content, f"mel-{row.code}-fieldwork.{fmt}")


@bp.get("/p/<code>/kpis")
@staff_required()
def kpis_page(code: str) -> ResponseReturnValue:
    """KPI cards: estimate, 95% interval, target, status in words, trend across waves."""
    row = programme_or_404(code)
    filters = filters_or_400(row)
    shown = figures.kpi_figures(row, filters, k(), lang())
    if shown.value is None:
        return render_template(
            "staff/kpis.html", cards=[], too_small=True, **filter_context(row, filters)
        )
    cards, left_out = shown.value
    registers = register_cards.register_cards(get_session(), row, filters.wave, lang())
    return render_template(
        "staff/kpis.html",
        cards=cards,
        register_cards=registers,
        left_out=left_out,
        as_of=figures.as_of_text(shown),
        **filter_context(row, filters),
    )


@bp.get("/p/<code>/kpis/<kpi>.<fmt>")
@staff_required()
def kpi_download(code: str, kpi: str, fmt: str) -> ResponseReturnValue:
    """One KPI's figures (trend and groups) as CSV/XLSX, or its trend chart as SVG/PNG."""
    if fmt not in staff_output.FORMATS:
        abort(404)
    row = programme_or_404(code)
    filters = filters_or_400(row)
    if not selection_shown(get_session(), filters, k()):
        stop(404, row, translate("staff_too_small", lang(), k=k()))
    card = staff_kpis.card(get_session(), row, filters, k(), lang(), kpi)
    if card is None:
        abort(404)
    description = filters.describe(lang())
    if fmt in staff_output.TABLE_TYPES:
        content = staff_output.table_file(
            staff_kpis.card_table(card, lang()),
            fmt,
            title=card.label,
            filters=description,
            lang=lang(),
        )
    else:
        content = staff_output.chart_file(staff_kpis.card_chart(card, description, lang()), fmt)
    if not embedded(fmt):
        record(
            get_session(),
            actor(),
            "download",
            programme=row.code,
            target=f"kpi {kpi}.{fmt}",
            filters=filters.params(),
        )
        get_session().commit()
    return staff_output.download(content, f"mel-{row.code}-{kpi}.{fmt}")
