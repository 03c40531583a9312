"""Which units a wave sampled, and which of a unit's persons are invited (with their π).

A unit is sampled when the wave's frame says so (``FrameUnit.sampled``, with its stratum
and π_i) or when it has a unit case. For a person instrument the wave file says
``persons: {select: all}`` (every person of a sampled unit is invited: a person's π is the
unit's π_i) or ``{select: sample, per_unit: m}``: m_i = min(m, listed) persons of the unit
are chosen reproducibly from the contacts listed (`mel.services.sampling.persons
.pick_persons`: sorted addresses, a random stream per unit from the wave's seed and the
unit's code), and a
person's π is π_i · m_i / M_i, with M_i the unit's persons stored with the draw
(``FrameUnitPersons``), else its size measure, else the number listed (Lohr, *Sampling*,
6.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from mel.models import Case, FrameUnit, FrameUnitPersons, Instrument, Unit, Wave


@dataclass(frozen=True)
class Sampled:
    """A sampled unit: its stratum and inclusion probability."""

    stratum: str | None
    probability: float | None


def sampled_units(session: Session, wave: Wave) -> dict[int, Sampled]:
    """Unit id → stratum and π of every unit the wave sampled (frame first, else cases)."""
    found = {
        unit_id: Sampled(stratum, probability)
        for unit_id, stratum, probability in session.exec(
            select(FrameUnit.unit_id, FrameUnit.stratum, FrameUnit.inclusion_probability).where(
                FrameUnit.wave_id == wave.id, col(FrameUnit.sampled)
            )
        ).all()
    }
    for case in session.exec(
        select(Case).where(Case.wave_id == wave.id, col(Case.key).startswith("u:"))
    ).all():
        if case.unit_id is not None and case.unit_id not in found:
            found[case.unit_id] = Sampled(case.stratum, case.inclusion_probability)
    return found


def persons_spec(wave: Wave, instrument: Instrument) -> dict[str, Any]:
    """The wave file's ``persons`` of a person instrument (``select: all`` when not given)."""
    for item in (wave.design or {}).get("instruments", []) or []:
        if isinstance(item, dict) and item.get("code") == instrument.code:
            return item.get("persons") or {"select": "all"}
    return {"select": "all"}


def unit_persons(
    session: Session, wave: Wave, instrument: Instrument, unit: Unit, spec: dict[str, Any]
) -> int | None:
    """M_i: the unit's persons for this instrument (stored with the draw, else its size)."""
    stored = session.exec(
        select(FrameUnitPersons.persons).where(
            FrameUnitPersons.wave_id == wave.id,
            FrameUnitPersons.unit_id == unit.id,
            FrameUnitPersons.instrument_id == instrument.id,
        )
    ).first()
    if stored is not None:
        return int(stored)
    size = spec.get("size")
    value = (unit.sizes or {}).get(size) if size else None
    return int(value) if isinstance(value, int | float) and value > 0 else None


def person_probability(
    unit: Sampled, invited: int, persons: int | None, sample: bool
) -> float | None:
    """A person's π: the unit's π_i, times m_i / M_i when persons are sampled."""
    if unit.probability is None:
        return None
    if not sample or not persons:
        return unit.probability
    return unit.probability * min(1.0, invited / persons)
