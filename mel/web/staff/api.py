"""Read-only JSON API of KPI estimates and fieldwork progress, behind the staff login.

Same session login, roles and programme checks as the dashboards (401 JSON when not
logged in, 404 for a programme the account may not see, 400 for an unknown filter), the
same protected figures, and the result vocabulary `estimate, se, ci_low, ci_high, n, df,
deff`; suppressed figures are `null` with `"suppressed": true` and a `note` saying why.
Statuses are language-neutral codes (a KPI's `met`, `not_met`, `uncertain`; a wave's
`planned`, `open`, `closed`) with `status_label` beside them in the request's language
(`?lang=en`; Dutch by default). KPIs on register data come as `register_kpis` beside
`kpis`: a `value` without interval (`kind: "register"`), its register year and its source
with the import version it was read from.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from mel.i18n import translate
from mel.models import Programme
from mel.services import accounts, register_cards
from mel.services.filters import FilterError, Filters, parse_filters, programme_waves
from mel.web.database import get_session
from mel.web.staff import figures
from mel.web.staff.auth import current_user, programme_or_404, staff_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _k() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


def _clean(value: Any) -> Any:
    """Plain JSON values: NaN becomes null, numpy numbers become Python numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _filters(programme: Programme) -> Filters | ResponseReturnValue:
    try:
        return parse_filters(get_session(), programme, request.args, g.get("lang", "nl"))
    except FilterError as exc:
        return jsonify(error=str(exc)), 400


def _selection(filters: Filters) -> dict[str, Any]:
    return {
        "wave": filters.wave.code,
        "filters": filters.values,
        "by": filters.by,
        "min_group_size": _k(),
    }


@bp.get("/programmes")
@staff_required()
def programmes() -> ResponseReturnValue:
    """The programmes this account may see."""
    user = current_user()
    assert user is not None
    codes = accounts.programme_codes(get_session(), user)
    rows = (
        get_session()
        .exec(select(Programme).where(col(Programme.code).in_(codes)).order_by(col(Programme.code)))
        .all()
    )
    return jsonify(
        programmes=[{"code": p.code, "label": {"nl": p.label_nl, "en": p.label_en}} for p in rows]
    )


@bp.get("/programmes/<code>/waves")
@staff_required()
def waves(code: str) -> ResponseReturnValue:
    """The programme's waves, newest first."""
    programme = programme_or_404(code)
    return jsonify(
        waves=[
            {
                "code": w.code,
                "label": {"nl": w.label_nl, "en": w.label_en},
                "year": w.year,
                "status": w.status,
                "status_label": translate(f"wave_{w.status}", g.get("lang", "nl")),
                "fieldwork_start": w.fieldwork_start.isoformat() if w.fieldwork_start else None,
                "fieldwork_end": w.fieldwork_end.isoformat() if w.fieldwork_end else None,
            }
            for w in programme_waves(get_session(), programme)
        ]
    )


@bp.get("/programmes/<code>/fieldwork")
@staff_required()
def fieldwork_progress(code: str) -> ResponseReturnValue:
    """Responses per group against the frame (counts protected like the dashboard)."""
    programme = programme_or_404(code)
    filters = _filters(programme)
    if not isinstance(filters, Filters):
        return filters
    shown = figures.fieldwork_figures(programme, filters, _k())
    result = shown.value[0]
    body: dict[str, Any] = {
        "programme": programme.code,
        **_selection(filters),
        "figures_as_of": _as_of(shown),
    }
    if result.table is None:
        body.update(suppressed=True, rows=[])
    else:
        body.update(suppressed=False, rows=result.table.to_dict("records"))
    return jsonify(_clean(body))


@bp.get("/programmes/<code>/kpis")
@staff_required()
def kpis(code: str) -> ResponseReturnValue:
    """KPI estimates of the wave (and trend, groups) for the selection."""
    programme = programme_or_404(code)
    filters = _filters(programme)
    if not isinstance(filters, Filters):
        return filters
    lang = g.get("lang", "nl")
    items = []
    shown = figures.api_kpi_figures(programme, filters, _k(), lang)
    for card in shown.value:
        items.append(
            {
                "code": card.code,
                "label": card.label,
                "unit": card.unit,
                "direction": card.direction,
                "suppressed": card.estimate is None,
                "result": card.estimate,
                # the figures as the dashboard and the report print them
                "printed": card.printed or None,
                # why there is no result (too few respondents, too uncertain, an error)
                "note": card.message,
                "target": card.target,
                "status": card.status_code,
                "status_label": card.status,
                "trend": [
                    {
                        "wave": p.wave,
                        "suppressed": p.figures is None,
                        "result": p.figures,
                        "printed": p.printed or None,
                    }
                    for p in card.trend
                ],
                "groups": [] if card.groups is None else card.groups.to_dict("records"),
            }
        )
    registers = [
        _register_item(card)
        for card in register_cards.register_cards(get_session(), programme, filters.wave, lang)
    ]
    return jsonify(
        _clean(
            {
                "programme": programme.code,
                **_selection(filters),
                "figures_as_of": _as_of(shown),
                "kpis": items,
                "register_kpis": registers,
            }
        )
    )


def _register_item(card: register_cards.RegisterCard) -> dict[str, Any]:
    """A register KPI in the API: a figure without sampling error, its year and its source."""
    return {
        "code": card.code,
        "label": card.label,
        "kind": "register",
        # the figure has no interval: a register covers the whole population
        "kind_label": card.kind_label,
        "measure": card.measure,
        "unit": card.unit,
        "direction": card.direction,
        "year": card.year,
        "asked_year": card.asked,
        "value": card.value,
        "numerator": card.numerator,
        "denominator": card.denominator,
        "note": card.message,
        "target": card.target,
        "status": card.status_code,
        "status_label": card.status,
        "source": card.source,
        "trend": [{"year": year, "value": value} for year, value in card.trend],
        "groups": {
            column: [{"group": group, "value": value} for group, value in rows]
            for column, rows in card.groups.items()
        },
    }


def _as_of(shown: figures.Figures) -> str | None:
    """When figures of an earlier data version were made (ISO 8601), None when current."""
    return shown.as_of.isoformat() if shown.as_of else None


@bp.get("/programmes/<code>/waves/<wave_code>/cases")
@staff_required()
def case_rates(code: str, wave_code: str) -> ResponseReturnValue:
    """Mails, case outcomes and AAPOR rates per instrument and stratum (counts only).

    ``?e=0.5`` states RR3's eligible share of the cases of unknown eligibility.
    """
    from mel.models import Wave
    from mel.services.fieldwork.status import wave_status

    programme = programme_or_404(code)
    wave = (
        get_session()
        .exec(select(Wave).where(Wave.programme_id == programme.id, Wave.code == wave_code))
        .first()
    )
    if wave is None:
        return jsonify(error="not found"), 404
    e = request.args.get("e")
    try:
        stated = float(e) if e is not None else None
        if stated is not None and not 0 <= stated <= 1:
            raise ValueError
    except ValueError:
        return jsonify(error=f"e must be a number between 0 and 1, not {e!r}"), 400
    status = wave_status(get_session(), wave, e=stated)
    return jsonify(_clean({"programme": programme.code, **status}))
