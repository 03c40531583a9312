"""How each programme is fielded: its units, waves, sampling and respondents per unit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mel.demo.units import UnitDraft, generic_units, katapult_units, school_units, werkplaats_units

Persons = Callable[[UnitDraft, int, str], tuple[int, float]]


def generic_persons(unit: UnitDraft, year: int, instrument: str) -> tuple[int, float]:
    """About 200 persons per unit (by its size), a tenth of whom respond."""
    population = max(5, int(round(200 * float(unit.traits.get("size", 1.0)))))
    return population, 0.1 * population


def werkplaats_persons(unit: UnitDraft, year: int, instrument: str) -> tuple[int, float]:
    """Entrepreneurs helped (12,500 over 20 werkplaatsen in 2024), a sixth of whom respond."""
    population = max(20, int(round(625 * 1.1 ** (year - 2024) * unit.traits["size"])))
    return population, 0.16 * population


PUPILS_PER_SCHOOL = {"po": (0.5, 22.0), "vo": (1.0, 45.0), "so": (0.6, 10.0)}
TEACHERS_PER_SCHOOL = {"po": 6.0, "vo": 14.0, "so": 4.0}


def school_persons(unit: UnitDraft, year: int, instrument: str) -> tuple[int, float]:
    """Teachers, or the pupils in the surveyed years (po groep 5-8, all of vo), per school."""
    sector = unit.sector or "po"
    if instrument == "tk-docenten":
        teachers = int(unit.traits["teachers"])
        return teachers, min(0.8 * teachers, TEACHERS_PER_SCHOOL.get(sector, 6.0))
    eligible, respondents = PUPILS_PER_SCHOOL.get(sector, (1.0, 20.0))
    population = max(10, int(round(unit.traits["pupils"] * eligible)))
    return population, min(0.8 * population, respondents)


@dataclass(frozen=True)
class Profile:
    """The fieldwork of one programme, at scale 1."""

    programme: str
    wave_prefix: str
    label_nl: str
    label_en: str
    fieldwork: tuple[tuple[int, int], tuple[int, int]]  # (month, day) of start and end
    build_units: Callable[[np.random.Generator], list[UnitDraft]]
    sample_fraction: float  # share of each stratum's units invited
    unit_response: float  # share of invited units that respond
    persons: Persons = generic_persons
    english: float = 0.06
    in_progress: float = 0.07
    base_year: int = 2025  # the year whose figures the profile reproduces
    trend: float = 0.04  # latent improvement per year since the base year


PROFILES = {
    "katapult": Profile(
        "katapult",
        "impactmeting",
        "Katapult impactmeting {year}",
        "Katapult impact measurement {year}",
        ((9, 15), (11, 30)),
        katapult_units,
        sample_fraction=0.5,
        unit_response=0.85,
        english=0.04,
        in_progress=0.06,
        base_year=2021,
    ),
    "digitale-werkplaatsen": Profile(
        "digitale-werkplaatsen",
        "monitor",
        "Impactmonitor Digitale Werkplaatsen {year}",
        "Digital Workshops impact monitor {year}",
        ((6, 1), (8, 31)),
        werkplaats_units,
        sample_fraction=1.0,
        unit_response=0.95,
        persons=werkplaats_persons,
        english=0.08,
        in_progress=0.08,
        base_year=2024,
    ),
    "techkwadraat": Profile(
        "techkwadraat",
        "meting",
        "Techkwadraat-meting {year}",
        "Techkwadraat survey {year}",
        ((3, 1), (5, 31)),
        school_units,
        sample_fraction=0.5,
        unit_response=0.8,
        persons=school_persons,
        english=0.03,
        in_progress=0.07,
        trend=0.06,
    ),
}


def profile_for(programme: str) -> Profile:
    """Return the programme's profile; programmes mel does not know get a generic one."""
    if programme in PROFILES:
        return PROFILES[programme]
    return Profile(
        programme,
        "meting",
        "Meting {year}",
        "Survey {year}",
        ((4, 1), (6, 30)),
        generic_units,
        sample_fraction=0.5,
        unit_response=0.85,
    )
