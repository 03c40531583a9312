"""The dashboards' cache: KPI frames and results kept across requests, never stale.

Keys start with `fingerprint`, which changes with any new, changed, erased or purged
response, frame change or new instrument version, so a cached figure is never out of date.
A page's figures are also kept on disk (`mel.services.figure_store`), so a server process
that has just started shows them too instead of making them in the first request.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any

from sqlmodel import Session, col, select

from mel.models import DataVersion, Programme, Wave
from mel.services import figure_pool, figure_store

_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_LOCK = Lock()  # also guards _PREVIOUS and _RUNNING
CACHE_SIZE = 256  # frames, results, cells and protected groups of a few programmes


def cached(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """Return the value cached under `key`, making (and keeping) it when missing."""
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = make()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


@dataclass(frozen=True)
class Figures:
    """A page's figures and, when they are of an earlier data version, when they were made."""

    value: Any
    as_of: datetime | None = None  # None: the figures are of the current data

    @property
    def updating(self) -> bool:
        """Whether newer figures are being computed (these are the previous ones)."""
        return self.as_of is not None


_PREVIOUS: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Any, datetime]] = OrderedDict()
_RUNNING: dict[tuple[Any, ...], Future[Any]] = {}
_READ: set[tuple[Any, ...]] = set()  # slots whose stored figures this process has read
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mel-figures")


def latest(
    slot: tuple[Any, ...],
    key: tuple[Any, ...],
    make: Callable[[], Any],
    wait: float,
    task: Callable[[], Any] | None = None,
    store: Callable[[], Path | None] | None = None,
) -> Figures:
    """The figures of `slot` (a page and its filters) for data version `key`.

    Figures already made for `key` are returned at once. With no figures of the slot yet
    (the first view) they are made in this thread. Otherwise the new figures are made in
    the background (one computation at a time per process, one per slot) and, unless they
    are ready within `wait` seconds, the slot's previous figures are returned with the time
    they were made (`Figures.as_of`), so a page never waits for a recomputation after new
    data. In the background `task` (a picklable callable, see `mel.services.figure_tasks`)
    runs in the worker process of `mel.services.figure_pool` when given, else `make` runs in
    a thread; either must open its own database session: it may outlive the request.
    `store` gives the file the slot's figures are kept in on disk (`mel.services.figure_store`;
    called only when they are read or written): a process with no figures of the slot yet
    reads them from there once, as current or as previous figures.
    """
    full = (*slot, *key)
    deadline = time.monotonic() + wait
    path = _read_stored(slot, store)
    while True:
        with _CACHE_LOCK:
            if full in _CACHE:
                _CACHE.move_to_end(full)
                return Figures(_CACHE[full])
            previous = _PREVIOUS.get(slot)
            if previous is None:
                break
            running = _RUNNING.get(slot)
            start = running is None
            if running is None:
                running = Future()
                _RUNNING[slot] = running
        if start:
            path = _where(store, path)
            _begin(slot, full, make, task, running, path)
        try:  # for the current figures, or those being made of a version before
            running.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            return Figures(previous[1], previous[2])
        except Exception:  # the background computation failed: the next view tries again
            return Figures(previous[1], previous[2])
    return Figures(_keep(slot, full, make(), _where(store, path)))


_UNKNOWN = Path()  # `_read_stored` did not ask `store` for the file


def _read_stored(slot: tuple[Any, ...], store: Callable[[], Path | None] | None) -> Path | None:
    """Read the slot's stored figures once per process when it has none; return their file."""
    with _CACHE_LOCK:
        if store is None or slot in _READ or slot in _PREVIOUS:
            return _UNKNOWN
        _READ.add(slot)
        if len(_READ) > 4 * CACHE_SIZE:
            _READ.clear()
            _READ.add(slot)
    path = _where(store, _UNKNOWN)
    stored = figure_store.load(path, slot) if path is not None else None
    if stored is not None:
        with _CACHE_LOCK:
            if slot not in _PREVIOUS:
                _PREVIOUS[slot] = stored
                _CACHE[stored[0]] = stored[1]
                _trim()
    return path


def _where(store: Callable[[], Path | None] | None, path: Path | None) -> Path | None:
    """The slot's file: `path` when known, else asked of `store` (None: not kept on disk)."""
    if store is None:
        return None
    if path is not _UNKNOWN:
        return path
    try:
        return store()
    except Exception as exc:  # the figures are still shown, only not kept
        logging.getLogger(__name__).warning("no file for dashboard figures: %s", exc)
        return None


def _begin(
    slot: tuple[Any, ...],
    full: tuple[Any, ...],
    make: Callable[[], Any],
    task: Callable[[], Any] | None,
    running: Future[Any],
    path: Path | None,
) -> None:
    """Start making a slot's figures in the background; `running` gets them (or the error)."""
    if task is None:
        _WORKER.submit(_settle, slot, full, running, make, path)
    else:  # handed over from a thread: starting the worker process takes seconds
        _WORKER.submit(_hand_over, slot, full, task, running, path)


def _hand_over(
    slot: tuple[Any, ...],
    full: tuple[Any, ...],
    task: Callable[[], Any],
    running: Future[Any],
    path: Path | None,
) -> None:
    """Send the task to the worker process (started first if need be); settle when done."""
    try:
        made = figure_pool.submit(task)
    except Exception as exc:  # no worker process could be started
        failed = exc
        _settle(slot, full, running, lambda: _raise(failed), path)
        return
    made.add_done_callback(
        lambda done: _settle(slot, full, running, lambda: done.result()[0], path)
    )


def _raise(error: BaseException) -> Any:
    raise error


def _settle(
    slot: tuple[Any, ...],
    full: tuple[Any, ...],
    running: Future[Any],
    make: Callable[[], Any],
    path: Path | None,
) -> None:
    """Keep the figures `make` gives and settle `running` with them (or with the error)."""
    try:
        value = _keep(slot, full, make(), path)
    except BaseException as exc:  # handed to whoever waits for the figures
        with _CACHE_LOCK:
            if _RUNNING.get(slot) is running:
                del _RUNNING[slot]
        running.set_exception(exc)
        return
    with _CACHE_LOCK:
        if _RUNNING.get(slot) is running:
            del _RUNNING[slot]
    running.set_result(value)


def _keep(slot: tuple[Any, ...], full: tuple[Any, ...], value: Any, path: Path | None) -> Any:
    """Keep a slot's figures as its current and its previous ones (and in `path` on disk)."""
    made = datetime.now(UTC)
    if path is not None:
        figure_store.save(path, full, value, made)
    with _CACHE_LOCK:
        _CACHE[full] = value
        _PREVIOUS[slot] = (full, value, made)
        _PREVIOUS.move_to_end(slot)
        _trim()
    return value


def _trim() -> None:
    """Drop the least recently used figures beyond `CACHE_SIZE` (the caller holds the lock)."""
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    while len(_PREVIOUS) > CACHE_SIZE:
        _PREVIOUS.popitem(last=False)


def peek(key: tuple[Any, ...]) -> Any:
    """The value cached under `key`, or None (without making it)."""
    with _CACHE_LOCK:
        return _CACHE.get(key)


def versions(session: Session, scopes: list[str]) -> tuple[int, ...]:
    """The data versions of `scopes` (0 for one never bumped), in one primary-key query."""
    found = dict(
        session.exec(
            select(DataVersion.scope, DataVersion.version).where(col(DataVersion.scope).in_(scopes))
        ).all()
    )
    return tuple(int(found.get(scope, 0)) for scope in scopes)


def fieldwork_key(session: Session, wave_id: int) -> tuple[int, ...]:
    """What a wave's fieldwork progress depends on: its responses' statuses and the frame."""
    return versions(session, ["database", "design", f"responses:{wave_id}"])


def fingerprint(session: Session, programme: Programme) -> tuple[Any, ...]:
    """What the programme's frames and KPI results depend on, read in two small queries.

    The data versions (`mel.models.versions`, kept by the database's triggers) change with
    any new, changed, erased or purged complete response, frame change or new instrument
    version, so cached figures are never stale; reading them costs the same at a million
    responses as at ten.
    """
    waves = session.exec(
        select(Wave.id, Wave.code, Wave.year)
        .where(Wave.programme_id == programme.id)
        .order_by(col(Wave.id))
    ).all()
    scopes = ["database", "design", *(f"wave:{row[0]}" for row in waves)]
    return (
        str(session.get_bind().url),
        programme.content_hash,
        versions(session, scopes),
        tuple((code, year) for _, code, year in waves),
    )
