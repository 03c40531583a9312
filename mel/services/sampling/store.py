"""Drawn samples of waves in the database: find a wave, draw and store, clear, freeze.

A drawn sample is stored the way the analysis frame reads it: ``WaveStratum`` (N_h, n_h),
``FrameUnit`` (every frame unit, sampled or not, with π_i and 1/π_i),
``FrameUnitPersons`` (M_i of each sampled unit for each person instrument) and one
``Case`` per sampled unit and unit instrument (key ``u:<unit id>``). Person cases belong
to contacts and are made when contacts are imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, true
from sqlmodel import Session, col, select

from mel.models import (
    Case,
    FrameUnit,
    FrameUnitPersons,
    Instrument,
    Programme,
    Unit,
    Wave,
    WaveStratum,
)
from mel.models.base import utcnow
from mel.services.sampling import SamplingError
from mel.services.sampling.design import draw_frame
from mel.services.sampling.draw import Drawn
from mel.services.sampling.wavefile import Pps, WaveFile


@dataclass(frozen=True)
class DrawSummary:
    """A stored draw: N_h and n_h by stratum, and the sum of the inclusion probabilities."""

    wave: str
    seed: int
    strata: dict[str, tuple[int, int]]
    probability_sum: float

    @property
    def sample_size(self) -> int:
        """Units sampled in all strata."""
        return sum(n for _, n in self.strata.values())


def wave_design(wave: Wave) -> WaveFile:
    """The validated wave file a wave was created from; SamplingError for other waves."""
    if not wave.design:
        raise SamplingError(
            f"wave {wave.code!r} has no wave file (create it with `mel waves create FILE`)"
        )
    return WaveFile.model_validate(wave.design)


def find_wave(session: Session, code: str, programme: str | None = None) -> Wave:
    """The wave `code` (of `programme` when given); SamplingError if none or ambiguous."""
    query = select(Wave).where(Wave.code == code)
    if programme is not None:
        query = query.join(Programme).where(Programme.code == programme)
    waves = session.exec(query).all()
    if not waves:
        raise SamplingError(f"unknown wave {code!r}")
    if len(waves) > 1:
        raise SamplingError(f"several programmes have a wave {code!r}; add --programme")
    return waves[0]


def clear_sample(session: Session, wave: Wave) -> None:
    """Remove a wave's drawn sample (frame, strata, persons and its unit cases)."""
    for table in (FrameUnitPersons, FrameUnit, WaveStratum):
        session.execute(delete(table).where(col(table.wave_id) == wave.id))
    session.execute(
        delete(Case).where(col(Case.wave_id) == wave.id, col(Case.key).startswith("u:"))
    )


def draw_sample(
    session: Session, wave: Wave, seed: int, *, sd: dict[str, float] | None = None
) -> DrawSummary:
    """Draw the wave's sample with `seed` and store it (replacing an unfrozen one).

    `sd`: each stratum's standard deviation, for Neyman allocation from a previous wave.
    """
    if wave.frozen_at is not None:
        raise SamplingError(
            f"wave {wave.code!r}: the sample drawn with seed {wave.sample_seed} was frozen at "
            f"{wave.frozen_at:%Y-%m-%d %H:%M} UTC when invitations went out; it cannot be "
            "drawn again"
        )
    spec = wave_design(wave)
    units = _frame(session, wave, spec)
    drawn = draw_frame(spec, units, seed, sd)
    clear_sample(session, wave)
    strata = drawn.population()
    _insert(
        session,
        WaveStratum,
        [
            {"wave_id": wave.id, "stratum": h, "population_size": big, "sample_size": small}
            for h, (big, small) in strata.items()
        ],
    )
    labels = drawn.strata.tolist()
    pi = drawn.probability.tolist()
    sampled = drawn.sampled.tolist()
    _insert(
        session,
        FrameUnit,
        [
            {
                "wave_id": wave.id,
                "unit_id": unit.id,
                "stratum": labels[i],
                "sampled": sampled[i],
                "base_weight": 1 / pi[i] if sampled[i] else None,
                "inclusion_probability": pi[i],
            }
            for i, unit in enumerate(units)
        ],
    )
    chosen = np.flatnonzero(drawn.sampled)
    _store_cases(session, wave, spec, [units[i] for i in chosen], drawn, chosen)
    wave.sample_seed, wave.sample_drawn_at = seed, utcnow()
    session.add(wave)
    session.flush()
    return DrawSummary(wave.code, seed, strata, float(drawn.probability.sum()))


def _frame(session: Session, wave: Wave, spec: WaveFile) -> list[Any]:
    """The wave's frame: the programme's active units of the design's kinds, by code.

    Rows of (id, code, stratum, sizes), not whole units: a frame may hold 100,000.
    """
    table = Unit.__table__.c  # type: ignore[attr-defined]
    sized = isinstance(spec.design, Pps) or any(i.persons for i in spec.instruments)
    columns = [table.id, table.code, table.stratum] + ([table.sizes] if sized else [])
    query = select(*columns).where(
        table.programme_id == wave.programme_id, table.active.is_(true())
    )
    if spec.design.unit_kinds:
        query = query.where(table.kind.in_(spec.design.unit_kinds))
    # Sorted here, by code point: PostgreSQL's ORDER BY follows the database's collation
    # (en_US puts "u-10" and "U1" elsewhere than SQLite does), and the draw must not.
    units = sorted(session.connection().execute(query).all(), key=lambda row: row.code)
    if not units:
        raise SamplingError(
            f"wave {wave.code!r}: the programme has no active units to sample "
            "(import them with `mel units import`)"
        )
    return units


def _store_cases(
    session: Session,
    wave: Wave,
    spec: WaveFile,
    sampled: list[Any],
    drawn: Drawn,
    chosen: np.ndarray,
) -> None:
    """A case per sampled unit for unit instruments, M_i per sampled unit for persons."""
    strata, pi = drawn.strata, drawn.probability.tolist()
    by_code = {
        i.code: i
        for i in session.exec(
            select(Instrument).where(col(Instrument.code).in_([s.code for s in spec.instruments]))
        ).all()
    }
    for item in spec.instruments:
        instrument = by_code[item.code]
        if item.persons is None:
            _insert(
                session,
                Case,
                [
                    {
                        "wave_id": wave.id,
                        "instrument_id": instrument.id,
                        "key": f"u:{unit.id}",
                        "unit_id": unit.id,
                        "stratum": str(strata[i]),
                        "inclusion_probability": pi[i],
                    }
                    for unit, i in zip(sampled, chosen, strict=True)
                ],
            )
            continue
        size = item.persons.size
        missing = [u.code for u in sampled if size not in u.sizes]
        if missing:
            raise SamplingError(
                f"{item.code}: sampled units without size measure {size!r} (M_i): "
                f"{', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}; add "
                f"size_{size} to the units file"
            )
        _insert(
            session,
            FrameUnitPersons,
            [
                {
                    "wave_id": wave.id,
                    "unit_id": unit.id,
                    "instrument_id": instrument.id,
                    "persons": int(unit.sizes[size]),
                }
                for unit in sampled
            ],
        )


def _insert(session: Session, model: Any, rows: list[dict[str, object]]) -> None:
    """Insert many rows as one Core executemany (none: nothing to do).

    Core, not the ORM's bulk insert: that one splits the rows into a statement per run of
    rows with the same columns set to None, which is one per unit in a frame.
    """
    if rows:
        session.connection().execute(model.__table__.insert(), rows)


def freeze_sample(session: Session, wave: Wave) -> Wave:
    """Freeze the wave's drawn sample (when invitations go out); idempotent.

    Raises
    ------
    SamplingError
        When the wave has no drawn sample.
    """
    if wave.sample_drawn_at is None:
        raise SamplingError(
            f"wave {wave.code!r} has no drawn sample to freeze (`mel sample draw` first)"
        )
    if wave.frozen_at is None:
        wave.frozen_at = utcnow()
        session.add(wave)
        session.flush()
    return wave
