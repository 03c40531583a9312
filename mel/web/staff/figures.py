"""Dashboard figures at interactive speed: current when ready, else the previous ones.

The KPI, fieldwork and exports pages compute their figures through
`mel.services.dashboard_cache.latest`: figures of the current data version come from memory;
after new data they are made in the background and, when not ready within
``MEL_DASHBOARD_WAIT`` seconds, the page shows the previous figures with their time and says
they are being updated. The figures are also kept on disk (`mel.services.figure_store`), so
a freshly started server process shows them too. The computations are `FigureTask`s, made in
a worker process (``MEL_DASHBOARD_WORKER=process``, `mel.services.figure_pool`) or a thread
of this process (``thread``); they open their own sessions (they may outlive the request).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.engine import Engine

from mel.data import frame_cache
from mel.db_timeouts import Timeouts
from mel.models import Programme, Wave
from mel.services import figure_store
from mel.services.dashboard_cache import Figures, fieldwork_key, fingerprint, latest, versions
from mel.services.figure_tasks import FigureTask
from mel.services.filters import Filters
from mel.web.database import get_session


def _engine() -> Engine:
    return current_app.extensions["mel.engine"]


def _task(page: str, **values: Any) -> FigureTask:
    """A page's figures as a task, with the background engine's database and limits."""
    engine = current_app.extensions["mel.background_engine"]
    folder = frame_cache.folder_for(engine)
    return FigureTask(
        page=page,
        url=engine.url.render_as_string(hide_password=False),
        timeouts=Timeouts.for_commands(current_app.extensions["mel.settings"]),
        frames=None if folder is None else str(folder),
        **values,
    )


def _filtered(page: str, programme: Programme, filters: Filters, **values: Any) -> FigureTask:
    return _task(
        page,
        programme=programme.code,
        wave_id=filters.wave.id,
        values=tuple(sorted(filters.values.items())),
        by=filters.by,
        **values,
    )


def _latest(slot: tuple[Any, ...], key: tuple[Any, ...], task: FigureTask) -> Figures:
    engine = current_app.extensions["mel.background_engine"]
    # The request's transaction ends here: it must not idle while the figures are made.
    get_session().commit()
    elsewhere = current_app.config["DASHBOARD_WORKER"] == "process"
    return latest(
        slot,
        key,
        functools.partial(task.run, engine),
        float(current_app.config["DASHBOARD_WAIT"]),
        task if elsewhere else None,
        functools.partial(_stored, engine, slot),
    )


def _stored(engine: Engine, slot: tuple[Any, ...]) -> Path | None:
    """The file `slot`'s figures are kept in: per database URL and token, and per slot."""
    folder = figure_store.folder_for(engine)
    if folder is None:
        return None
    session = get_session()
    (database,) = versions(session, ["database"])
    session.commit()  # no transaction left idle while figures are made
    return figure_store.path_for(folder, database, slot)


def _slot(page: str, programme: Programme, filters: Filters | None, *rest: Any) -> tuple[Any, ...]:
    params = tuple(sorted(filters.params().items())) if filters is not None else ()
    return (page, str(_engine().url), programme.code, params, *rest)


def kpi_figures(programme: Programme, filters: Filters, k: int, lang: str) -> Figures:
    """The KPI page's cards and left-out counts (value None: the selection is too small)."""
    key = fingerprint(get_session(), programme)
    task = _filtered("kpis", programme, filters, k=k, lang=lang)
    return _latest(_slot("kpis", programme, filters, k, lang), key, task)


def api_kpi_figures(programme: Programme, filters: Filters, k: int, lang: str) -> Figures:
    """The API's KPI cards (`mel.services.dashboards.cards`)."""
    key = fingerprint(get_session(), programme)
    task = _filtered("api-kpis", programme, filters, k=k, lang=lang)
    return _latest(_slot("api-kpis", programme, filters, k, lang), key, task)


def fieldwork_figures(programme: Programme, filters: Filters, k: int) -> Figures:
    """The fieldwork page's table and the responses blocked by an answered unit."""
    assert filters.wave.id is not None
    key = fieldwork_key(get_session(), filters.wave.id)
    task = _filtered("fieldwork", programme, filters, k=k)
    return _latest(_slot("fieldwork", programme, filters, k), key, task)


def coverage_figures(programme: Programme, wave_ids: list[int]) -> Figures:
    """The exports page's complete, included and left-out responses per wave and instrument."""
    key = fingerprint(get_session(), programme)
    task = _task("exports", programme=programme.code, wave_ids=tuple(wave_ids))
    return _latest(_slot("exports", programme, None, tuple(wave_ids)), key, task)


def wave_status_figures(wave: Wave) -> Figures:
    """The wave fieldwork page's counts, outcomes and rates (`wave_status` of today)."""
    assert wave.id is not None
    key = (
        *versions(get_session(), ["database", "design", f"responses:{wave.id}", "cases"]),
        date.today(),
    )
    task = _task("wave_status", wave_id=wave.id)
    return _latest(("wave_status", str(_engine().url), wave.id), key, task)


def as_of_text(figures: Figures) -> str | None:
    """When shown figures were made (local HH:MM), or None when they are current."""
    if figures.as_of is None:
        return None
    when: datetime = figures.as_of.astimezone()
    return when.strftime("%H:%M")
