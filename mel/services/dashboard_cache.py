"""The dashboards' cache: KPI frames and results kept across requests, never stale.

Keys start with `fingerprint`, which changes with any new, changed, erased or purged
response, frame change or new instrument version, so a cached figure is never out of date.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from sqlmodel import Session, col, func, select

from mel.models import (
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Wave,
    WaveStratum,
)

_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_LOCK = Lock()
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


def peek(key: tuple[Any, ...]) -> Any:
    """The value cached under `key`, or None (without making it)."""
    with _CACHE_LOCK:
        return _CACHE.get(key)


def fingerprint(session: Session, programme: Programme) -> tuple[Any, ...]:
    """What the programme's frames and KPI results depend on, read in a few cheap queries.

    Any new, changed (``updated_at``), erased or purged response, frame change or new
    instrument version or changed wave file (e.g. its nonresponse model) changes it, so
    cached figures are never stale.
    """
    waves = select(Wave.id).where(Wave.programme_id == programme.id)
    responses = session.exec(
        select(func.count(col(Response.id)), func.max(Response.updated_at)).where(
            col(Response.wave_id).in_(waves)
        )
    ).one()
    frame_rows = session.exec(
        select(func.count(col(FrameUnit.id))).where(col(FrameUnit.wave_id).in_(waves))
    ).one()
    strata = session.exec(
        select(func.sum(WaveStratum.population_size)).where(col(WaveStratum.wave_id).in_(waves))
    ).one()
    versions = session.exec(
        select(func.count(col(InstrumentVersion.id)))
        .join(Instrument)
        .where(Instrument.programme_id == programme.id)
    ).one()
    years = tuple(
        session.exec(
            select(Wave.code, Wave.year, Wave.content_hash)
            .where(Wave.programme_id == programme.id)
            .order_by(col(Wave.id))
        ).all()
    )
    return (
        str(session.get_bind().url),
        programme.content_hash,
        *responses,
        frame_rows,
        strata,
        versions,
        years,
    )
