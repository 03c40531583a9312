"""Dashboard figures at interactive speed: current when ready, else the previous ones.

The KPI, fieldwork and exports pages compute their figures through
`mel.services.dashboard_cache.latest`: figures of the current data version come from memory;
after new data they are made in the background and, when not ready within
``MEL_DASHBOARD_WAIT`` seconds, the page shows the previous figures with their time and says
they are being updated. The computations open their own sessions (they may outlive the
request).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.data.coverage import blocked_by_answered_unit, frame_coverage
from mel.models import Programme, Wave
from mel.services import dashboards as staff_kpis
from mel.services.dashboard_cache import Figures, fieldwork_key, fingerprint, latest, versions
from mel.services.fieldwork.progress import fieldwork, selection_shown
from mel.services.fieldwork.status import wave_status
from mel.services.filters import Filters
from mel.web.database import get_session


def _engine() -> Engine:
    return current_app.extensions["mel.engine"]


def _latest(slot: tuple[Any, ...], key: tuple[Any, ...], make: Callable[[Session], Any]) -> Figures:
    engine = current_app.extensions["mel.background_engine"]
    # The request's transaction ends here: it must not idle while the figures are made.
    get_session().commit()

    def run() -> Any:
        with Session(engine, expire_on_commit=False) as session:
            return make(session)

    return latest(slot, key, run, float(current_app.config["DASHBOARD_WAIT"]))


def _slot(page: str, programme: Programme, filters: Filters | None, *rest: Any) -> tuple[Any, ...]:
    params = tuple(sorted(filters.params().items())) if filters is not None else ()
    return (page, str(_engine().url), programme.code, params, *rest)


def kpi_figures(programme: Programme, filters: Filters, k: int, lang: str) -> Figures:
    """The KPI page's cards and left-out counts (value None: the selection is too small)."""

    def make(session: Session) -> Any:
        if not selection_shown(session, filters, k):
            return None
        return staff_kpis.cards_and_left_out(session, programme, filters, k, lang)

    key = fingerprint(get_session(), programme)
    return _latest(_slot("kpis", programme, filters, k, lang), key, make)


def api_kpi_figures(programme: Programme, filters: Filters, k: int, lang: str) -> Figures:
    """The API's KPI cards (`mel.services.dashboards.cards`)."""
    key = fingerprint(get_session(), programme)
    return _latest(
        _slot("api-kpis", programme, filters, k, lang),
        key,
        lambda session: staff_kpis.cards(session, programme, filters, k, lang),
    )


def fieldwork_figures(programme: Programme, filters: Filters, k: int) -> Figures:
    """The fieldwork page's table and the responses blocked by an answered unit."""
    assert filters.wave.id is not None
    wave_id = filters.wave.id

    def make(session: Session) -> Any:
        return fieldwork(session, filters, k), blocked_by_answered_unit(session, wave_id)

    key = fieldwork_key(get_session(), wave_id)
    return _latest(_slot("fieldwork", programme, filters, k), key, make)


def coverage_figures(programme: Programme, wave_ids: list[int]) -> Figures:
    """The exports page's complete, included and left-out responses per wave and instrument."""
    key = fingerprint(get_session(), programme)
    return _latest(
        _slot("exports", programme, None, tuple(wave_ids)),
        key,
        lambda session: frame_coverage(session, wave_ids),
    )


def wave_status_figures(wave: Wave) -> Figures:
    """The wave fieldwork page's counts, outcomes and rates (`wave_status` of today)."""
    assert wave.id is not None
    key = (
        *versions(get_session(), ["database", "design", f"responses:{wave.id}", "cases"]),
        date.today(),
    )
    return _latest(
        ("wave_status", str(_engine().url), wave.id),
        key,
        lambda session: wave_status(session, wave),
    )


def as_of_text(figures: Figures) -> str | None:
    """When shown figures were made (local HH:MM), or None when they are current."""
    if figures.as_of is None:
        return None
    when: datetime = figures.as_of.astimezone()
    return when.strftime("%H:%M")
