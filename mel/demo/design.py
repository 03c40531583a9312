"""The simulated waves' design: fieldwork dates, n_h per stratum, persons per unit."""

from __future__ import annotations

import math
from datetime import date

from mel.demo.profiles import Profile
from mel.demo.units import UnitDraft


class SimulationError(RuntimeError):
    """The database is not ready for a simulation (the message says why)."""


def fieldwork(profile: Profile, year: int) -> tuple[date, date]:
    """Return the first and last day of fieldwork of a wave."""
    (m1, d1), (m2, d2) = profile.fieldwork
    return date(year, m1, d1), date(year, m2, d2)


def stratum_sizes(
    drafts: list[UnitDraft], profile: Profile, scale: float
) -> dict[str, tuple[int, int]]:
    """N_h and n_h of each stratum of the frame: the profile's share of it, at least 2.

    Below scale 1 fewer units are sampled (n_h shrinks with `scale`, never below 2).
    """
    population: dict[str, int] = {}
    for d in drafts:
        if d.in_frame:
            h = d.stratum or "all"
            population[h] = population.get(h, 0) + 1
    sizes = {}
    for h, size in sorted(population.items()):
        full = max(min(2, size), min(size, int(round(size * profile.sample_fraction))))
        sizes[h] = (size, max(min(2, size), min(full, int(round(full * min(1.0, scale))))))
    return sizes


def scaled_population(population: int, scale: float) -> int:
    """Persons in a unit: at scale > 1 the population grows so respondents still fit in it."""
    return int(math.ceil(population * max(1.0, scale)))
