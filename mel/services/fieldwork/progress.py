"""Fieldwork progress of a wave from the live database: responses against the frame."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, select

from mel.disclosure.cells import UNKNOWN, cell_shown, group_cells, select_cell
from mel.models import FrameUnit, Programme, Response, Unit
from mel.services.dashboard_cache import cached, fingerprint
from mel.services.filters import DIMENSIONS, Filters, frame_units

COLUMNS = ["group", "sampled_units", "complete", "in_progress", "response_rate", "suppressed"]


@dataclass(frozen=True)
class Fieldwork:
    """The protected fieldwork table of one request (None when the selection is too small).

    Completed and in-progress responses are two separate populations, each protected in
    its own table; no total of the two is published, so neither can be derived from it.
    """

    filters: Filters
    table: pd.DataFrame | None
    total: dict[str, float | None] | None = None


def wave_responses(session: Session, wave_id: int) -> pd.DataFrame:
    """One row per response of the wave: status, unit and the unit's dimensions."""
    rows = session.exec(
        select(
            Response.status,
            Unit.code,
            Unit.province,
            Unit.region,
            Unit.sector,
            FrameUnit.stratum,
            Unit.kind,
        )
        .outerjoin(Unit, col(Unit.id) == Response.unit_id)
        .outerjoin(
            FrameUnit,
            (col(FrameUnit.unit_id) == Response.unit_id)
            & (col(FrameUnit.wave_id) == Response.wave_id),
        )
        .where(Response.wave_id == wave_id)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["status", "unit", *DIMENSIONS])


def _labels(data: pd.DataFrame, column: str) -> pd.Series:
    return data[column].astype(object).where(data[column].notna(), UNKNOWN).astype(str)


def _count(cells: pd.DataFrame, key: object) -> float | None:
    """The count of a cell, None when hidden; a group that is absent has 0."""
    if key not in cells.index:
        return 0.0
    row = cells.loc[key]
    return None if bool(row["hidden"]) else float(row["n"])


def _total(data: pd.DataFrame, filters: Filters, k: int) -> float | None:
    """The selection's count in the protected table over the filter dimensions."""
    count = float(len(select_cell(data, filters.values)))
    return count if count == 0 or cell_shown(data, filters.values, k) else None


def selection_shown(session: Session, filters: Filters, k: int) -> bool:
    """Whether the selection's completed responses may be described at all."""
    assert filters.wave.id is not None
    wave_id = filters.wave.id
    programme = session.get(Programme, filters.wave.programme_id)
    assert programme is not None

    def complete() -> pd.DataFrame:
        responses = wave_responses(session, wave_id)
        return responses[responses["status"] == "complete"]

    # Kept per data state (`fingerprint`): a new or changed response makes a new entry.
    key = ("complete_responses", *fingerprint(session, programme), wave_id)
    return cell_shown(cached(key, complete), filters.values, k)


def fieldwork(session: Session, filters: Filters, k: int) -> Fieldwork:
    """Completed and in-progress responses per group against the frame, all protected."""
    assert filters.wave.id is not None
    responses = wave_responses(session, filters.wave.id)
    complete = responses[responses["status"] == "complete"]
    running = responses[responses["status"] != "complete"]
    if not cell_shown(complete, filters.values, k):
        return Fieldwork(filters, None)
    by = filters.by
    done = group_cells(complete, filters.values, by, k)
    busy = group_cells(running, filters.values, by, k) if len(running) else done.iloc[:0]
    units = select_cell(frame_units(session, filters.wave), filters.values)
    units = units[units["sampled"].astype(bool)]
    sampled = units.groupby(_labels(units, by)).size()
    chosen = select_cell(complete, filters.values)
    responded = chosen.groupby(_labels(chosen, by))["unit"].nunique()
    rows = []
    for group in sorted(set(done.index) | set(busy.index) | set(sampled.index)):
        finished, started = _count(done, group), _count(busy, group)
        frame_n = int(sampled.get(group, 0))
        rate = (
            100.0 * float(responded.get(group, 0)) / frame_n
            if frame_n and finished is not None
            else None
        )
        rows.append(
            {
                "group": group,
                "sampled_units": frame_n,
                "complete": finished,
                "in_progress": started,
                "response_rate": rate,
                "suppressed": finished is None or started is None,
            }
        )
    frame_total = int(len(units))
    total = {
        "sampled_units": frame_total,
        "complete": float(len(chosen)),
        "in_progress": _total(running, filters, k),
        "response_rate": 100.0 * chosen["unit"].nunique() / frame_total if frame_total else None,
    }
    table = pd.DataFrame(rows, columns=COLUMNS).astype(object)
    return Fieldwork(filters, table.where(table.notna(), None), total)
