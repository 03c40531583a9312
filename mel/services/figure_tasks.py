"""The staff dashboards' figure computations as picklable tasks.

A `FigureTask` names a page's figures by plain values (the page, the database URL, the
programme, the filters' wave, values and grouping, k, language, wave ids), so it can be made
in another process (`mel.services.figure_pool`) as well as in a thread of the web process.
Called without an engine (in a worker process) it opens the database through an engine of
its own per URL, with the time limits and frame cache folder the task names.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.data import frame_cache
from mel.data.coverage import blocked_by_answered_unit, frame_coverage
from mel.db import make_engine
from mel.db_timeouts import Timeouts
from mel.models import Programme, Wave
from mel.services import dashboards as staff_kpis
from mel.services.fieldwork.progress import fieldwork, selection_shown
from mel.services.fieldwork.status import wave_status
from mel.services.filters import Filters

# Engines a worker process keeps (one per database URL, time limits and cache folder).
ENGINES_KEPT = 4


@dataclass(frozen=True)
class FigureTask:
    """One page's figures, named by plain (picklable) values."""

    page: str  # "kpis", "api-kpis", "fieldwork", "exports" or "wave_status"
    url: str  # the database URL, password included
    timeouts: Timeouts  # the background engine's time limits
    frames: str | None  # the frame cache folder (None: no cache)
    programme: str = ""  # the programme's code
    wave_id: int | None = None  # the filters' (or the wave status page's) wave
    values: tuple[tuple[str, str], ...] = ()  # the filters' dimension values
    by: str = "stratum"
    k: int = 10
    lang: str = "nl"
    wave_ids: tuple[int, ...] = ()  # the exports page's waves

    def __call__(self) -> Any:
        """Make the figures with this process's engine for the task's database."""
        return self.run(engine_for(self.url, self.timeouts, self.frames))

    def run(self, engine: Engine) -> Any:
        """Make the figures reading through `engine` (in a session of their own)."""
        with Session(engine, expire_on_commit=False) as session:
            return _PAGES[self.page](self, session)

    def filters(self, session: Session) -> Filters:
        """The filters of the task, with its wave read in `session`."""
        wave = session.get(Wave, self.wave_id)
        if wave is None:
            raise LookupError(f"no wave with id {self.wave_id}")
        return Filters(wave, dict(self.values), self.by)

    def programme_row(self, session: Session) -> Programme:
        """The task's programme, read in `session`."""
        return session.exec(select(Programme).where(Programme.code == self.programme)).one()


def _kpis(task: FigureTask, session: Session) -> Any:
    filters = task.filters(session)
    if not selection_shown(session, filters, task.k):
        return None
    return staff_kpis.cards_and_left_out(
        session, task.programme_row(session), filters, task.k, task.lang
    )


def _api_kpis(task: FigureTask, session: Session) -> Any:
    return staff_kpis.cards(
        session, task.programme_row(session), task.filters(session), task.k, task.lang
    )


def _fieldwork(task: FigureTask, session: Session) -> Any:
    assert task.wave_id is not None
    return fieldwork(session, task.filters(session), task.k), blocked_by_answered_unit(
        session, task.wave_id
    )


def _exports(task: FigureTask, session: Session) -> Any:
    return frame_coverage(session, list(task.wave_ids))


def _wave_status(task: FigureTask, session: Session) -> Any:
    wave = session.get(Wave, task.wave_id)
    if wave is None:
        raise LookupError(f"no wave with id {task.wave_id}")
    return wave_status(session, wave)


_PAGES: dict[str, Callable[[FigureTask, Session], Any]] = {
    "kpis": _kpis,
    "api-kpis": _api_kpis,
    "fieldwork": _fieldwork,
    "exports": _exports,
    "wave_status": _wave_status,
}

_ENGINES: OrderedDict[tuple[str, Timeouts, str | None], Engine] = OrderedDict()
_ENGINES_LOCK = Lock()


def engine_for(url: str, timeouts: Timeouts, frames: str | None) -> Engine:
    """This process's engine for `url` (autocommit, as the app's background engine)."""
    key = (url, timeouts, frames)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is not None:
            _ENGINES.move_to_end(key)
            return engine
        engine = make_engine(url, timeouts, autocommit=True)
        frame_cache.use_folder(engine, frames)
        _ENGINES[key] = engine
        while len(_ENGINES) > ENGINES_KEPT:
            _, old = _ENGINES.popitem(last=False)
            old.dispose()
        return engine
