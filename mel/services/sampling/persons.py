"""Persons within a sampled unit: how many to invite, which ones, and their π.

For a person instrument the wave file says ``persons: {select: all}`` (every person of the
unit) or ``{select: sample, per_unit: m}``: a simple random sample of m_i = min(m, M_i)
persons, so that a person's inclusion probability is π_i · m_i / M_i (two-stage
sampling; Lohr, *Sampling*, 6.3). Contacts are imported by the fieldwork services; this
module decides, reproducibly, which of a unit's contacts are invited.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from mel.services.sampling import SamplingError
from mel.services.sampling.wavefile import Persons, WaveFile


def persons_spec(spec: WaveFile, instrument: str) -> Persons:
    """Who is invited within a unit for `instrument`; SamplingError for a unit instrument."""
    for item in spec.instruments:
        if item.code == instrument:
            if item.persons is None:
                raise SamplingError(f"{instrument!r} asks units, not persons, in {spec.wave!r}")
            return item.persons
    raise SamplingError(f"wave {spec.wave!r} does not field {instrument!r}")


def persons_to_invite(persons: Persons, available: int) -> int:
    """m_i: how many of a unit's `available` persons are invited."""
    if persons.select == "all" or persons.per_unit is None:
        return available
    return min(persons.per_unit, available)


def person_probability(unit_probability: float, invited: int, persons: int) -> float:
    """π of a person: the unit's π_i times m_i / M_i (1 within the unit when M_i ≤ m_i)."""
    if persons <= 0:
        raise SamplingError("a unit with persons to invite needs M_i > 0")
    return unit_probability * min(1.0, invited / persons)


def choose_persons(keys: Sequence[str], persons: Persons, seed: int, unit: str) -> list[str]:
    """The keys (e.g. e-mail addresses) of the unit's persons to invite, reproducibly."""
    return pick_persons(keys, persons_to_invite(persons, len(keys)), seed, unit)


def pick_persons(keys: Sequence[str], m: int, seed: int, unit: str) -> list[str]:
    """`m` of a unit's person keys, drawn without replacement, reproducibly.

    The keys are sorted first and each unit has its own stream (the wave's seed and the
    unit's code), so the choice does not depend on the order of a contacts file or on
    other units.
    """
    ordered = sorted(keys)
    if m >= len(ordered):
        return ordered
    stream = np.random.Generator(np.random.PCG64([seed, zlib.crc32(unit.encode("utf-8"))]))
    picked = np.sort(stream.choice(len(ordered), size=m, replace=False))
    return [ordered[i] for i in picked]
