"""Units, waves and their sampling frames: strata, sample sizes, weights and persons."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session, select

from mel.demo.profiles import Profile
from mel.demo.units import UnitDraft
from mel.models import FrameUnit, FrameUnitPersons, Unit, Wave, WaveInstrument, WaveStratum


class SimulationError(RuntimeError):
    """The database is not ready for a simulation (the message says why)."""


@dataclass
class WaveSample:
    """Which units of a wave's frame were invited and which responded."""

    strata: dict[str, tuple[int, int]] = field(default_factory=dict)  # stratum: (N_h, n_h)
    sampled: list[int] = field(default_factory=list)  # indexes into the drafts
    responding: list[int] = field(default_factory=list)
    # Persons per unit are multiplied by this, so that responses follow `scale` even when
    # fewer units than at scale 1 are sampled: scale * (units at scale 1 / units sampled).
    persons_factor: dict[str, float] = field(default_factory=dict)


def store_units(session: Session, programme_id: int, drafts: list[UnitDraft]) -> list[int]:
    """Store the units (parents first) and return their ids in the order of `drafts`."""
    if session.exec(select(Unit.id).where(Unit.programme_id == programme_id)).first():
        raise SimulationError(
            "the programme already has units; simulate into a database "
            "that has the catalogue published but no fieldwork yet"
        )
    rows: dict[str, Unit] = {}
    for with_parent in (False, True):
        for d in drafts:
            if (d.parent is not None) == with_parent:
                rows[d.code] = Unit(
                    programme_id=programme_id,
                    code=d.code,
                    name=d.name,
                    kind=d.kind,
                    province=d.province,
                    region=d.region,
                    sector=d.sector,
                    stratum=d.stratum,
                    parent_id=rows[d.parent].id if d.parent else None,
                )
                session.add(rows[d.code])
        session.flush()
    return [int(rows[d.code].id or 0) for d in drafts]


def fieldwork(profile: Profile, year: int) -> tuple[date, date]:
    """Return the first and last day of fieldwork of a wave."""
    (m1, d1), (m2, d2) = profile.fieldwork
    return date(year, m1, d1), date(year, m2, d2)


def store_wave(
    session: Session,
    programme_id: int,
    profile: Profile,
    year: int,
    *,
    last: bool,
    instrument_ids: list[int],
    open_links: frozenset[int] = frozenset(),
) -> Wave:
    """Create a wave (closed, or open when it is the last) and link its instruments.

    The open wave's open link of each instrument in `open_links` is on and asks for the
    unit (the wave has a frame); every other open link is off, as in production.
    """
    code = f"{profile.wave_prefix}-{year}"
    if session.exec(
        select(Wave.id).where(Wave.programme_id == programme_id, Wave.code == code)
    ).first():
        raise SimulationError(f"wave {code!r} exists already")
    start, end = fieldwork(profile, year)
    wave = Wave(
        programme_id=programme_id,
        code=code,
        year=year,
        label_nl=profile.label_nl.format(year=year),
        label_en=profile.label_en.format(year=year),
        fieldwork_start=start,
        fieldwork_end=end,
        status="open" if last else "closed",
        retention_until=date(year + 5, 12, 31),
        created_at=datetime.combine(start - timedelta(days=28), time(9), tzinfo=UTC),
    )
    session.add(wave)
    session.flush()
    for instrument_id in instrument_ids:
        link = last and instrument_id in open_links
        session.add(
            WaveInstrument(
                wave_id=wave.id, instrument_id=instrument_id, open_link=link, ask_unit=link
            )
        )
    session.flush()
    return wave


def draw_sample(
    rng: np.random.Generator, drafts: list[UnitDraft], profile: Profile, scale: float
) -> WaveSample:
    """Stratified simple random sample of units, then unit response (at least 2 per stratum)."""
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(drafts):
        if d.in_frame:
            groups.setdefault(d.stratum or "all", []).append(i)
    sample = WaveSample()
    for stratum in sorted(groups):
        members = np.array(groups[stratum])
        size = len(members)
        full = max(min(2, size), min(size, int(round(size * profile.sample_fraction))))
        n = max(min(2, size), min(full, int(round(full * min(1.0, scale)))))
        chosen = np.sort(rng.choice(members, size=n, replace=False))
        responds = rng.random(n) < profile.unit_response
        short = min(2, n) - int(responds.sum())
        if short > 0:
            responds[rng.choice(np.flatnonzero(~responds), size=short, replace=False)] = True
        sample.strata[stratum] = (size, n)
        sample.persons_factor[stratum] = scale * full / n
        sample.sampled.extend(chosen.tolist())
        sample.responding.extend(chosen[responds].tolist())
    return sample


def scaled_population(population: int, scale: float) -> int:
    """Persons in a unit: at scale > 1 the population grows so respondents still fit in it."""
    return int(math.ceil(population * max(1.0, scale)))


def store_frame(
    session: Session,
    wave_id: int,
    drafts: list[UnitDraft],
    unit_ids: list[int],
    sample: WaveSample,
    persons: dict[tuple[int, int], int],
) -> None:
    """Store strata, frame units and persons per (draft index, person instrument id)."""
    session.execute(
        insert(WaveStratum),
        [
            {"wave_id": wave_id, "stratum": h, "population_size": size, "sample_size": n}
            for h, (size, n) in sample.strata.items()
        ],
    )
    sampled = set(sample.sampled)
    rows = []
    for i, d in enumerate(drafts):
        if not d.in_frame:
            continue
        size, n = sample.strata[d.stratum or "all"]
        rows.append(
            {
                "wave_id": wave_id,
                "unit_id": unit_ids[i],
                "stratum": d.stratum or "all",
                "sampled": i in sampled,
                "base_weight": size / n if i in sampled else None,
                "inclusion_probability": n / size,
            }
        )
    session.execute(insert(FrameUnit), rows)
    if persons:
        session.execute(
            insert(FrameUnitPersons),
            [
                {
                    "wave_id": wave_id,
                    "unit_id": unit_ids[i],
                    "instrument_id": instrument_id,
                    "persons": count,
                }
                for (i, instrument_id), count in sorted(persons.items())
            ],
        )
