"""Sample sizes per stratum: proportional, equal, Neyman or explicit, within bounds.

Every stratum gets between ``min(minimum, N_h)`` and ``N_h`` units; take-all strata get
``N_h``. The rest is shared in proportion to N_h (proportional), 1 (equal) or N_h S_h
(Neyman; Cochran, *Sampling Techniques*, 5.9), re-sharing among the strata not held at a
bound until none is (Cochran 5.9's remedy for n_h > N_h), then rounded to whole units by
largest remainder.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from mel.services.sampling import SamplingError


def allocate(
    population: Mapping[str, int],
    sample_size: int,
    rule: str,
    *,
    sd: Mapping[str, float] | None = None,
    take_all: frozenset[str] | set[str] = frozenset(),
    minimum: int = 0,
) -> dict[str, int]:
    """Return n_h for each stratum of `population` (N_h by stratum name).

    Raises
    ------
    SamplingError
        When `sample_size` exceeds the frame, or cannot hold the take-all strata and
        the minimum per stratum.
    """
    total = sum(population.values())
    if sample_size > total:
        raise SamplingError(f"sample size {sample_size} exceeds the {total} units of the frame")
    unknown = sorted(set(take_all) - set(population))
    if unknown:
        raise SamplingError(f"take-all stratum {unknown[0]!r} has no units in the frame")
    fixed = {h: population[h] for h in take_all}
    lower = {h: min(minimum, n) for h, n in population.items() if h not in fixed}
    needed = sum(fixed.values()) + sum(lower.values())
    if needed > sample_size:
        raise SamplingError(
            f"sample size {sample_size} is too small: take-all strata and the minimum of "
            f"{minimum} per stratum need {needed} units"
        )
    if rule == "proportional":
        share = {h: float(population[h]) for h in lower}
    elif rule == "equal":
        share = {h: 1.0 for h in lower}
    elif rule == "neyman":
        share = {h: population[h] * _sd(sd, h) for h in lower}
    else:
        raise SamplingError(f"unknown allocation rule {rule!r}")
    continuous = _bounded(share, lower, population, sample_size - sum(fixed.values()))
    return {**fixed, **_round(continuous, lower, population)}


def check_explicit(population: Mapping[str, int], sizes: Mapping[str, int]) -> dict[str, int]:
    """Validate explicit n_h against the frame; strata not named get none."""
    for stratum, n in sizes.items():
        if stratum not in population:
            raise SamplingError(f"stratum {stratum!r} in 'sizes' has no units in the frame")
        if n > population[stratum]:
            raise SamplingError(
                f"stratum {stratum!r}: sample size {n} exceeds its {population[stratum]} units"
            )
    return {h: int(sizes.get(h, 0)) for h in population}


def _sd(sd: Mapping[str, float] | None, stratum: str) -> float:
    if sd is None or stratum not in sd:
        raise SamplingError(f"Neyman allocation has no standard deviation for stratum {stratum!r}")
    return float(sd[stratum])


def _bounded(
    share: dict[str, float], lower: dict[str, int], upper: Mapping[str, int], n: int
) -> dict[str, float]:
    """Share `n` in proportion to `share`, holding strata at their bounds until none binds."""
    result: dict[str, float] = {}
    free = dict(share)
    left = float(n)
    while free:
        weight = sum(free.values())
        trial = {
            h: (left * s / weight if weight > 0 else left / len(free)) for h, s in free.items()
        }
        low = [h for h, v in trial.items() if v < lower[h]]
        high = [h for h, v in trial.items() if v > upper[h]]
        if not low and not high:
            result.update(trial)
            break
        for h in low or high:  # settle one side, then look again
            result[h] = float(lower[h] if low else upper[h])
            left -= result[h]
            del free[h]
    return result


def _round(
    continuous: dict[str, float], lower: dict[str, int], upper: Mapping[str, int]
) -> dict[str, int]:
    """Round to integers summing to the rounded total, largest remainders first."""
    floors = {h: max(lower[h], min(upper[h], math.floor(v + 1e-9))) for h, v in continuous.items()}
    short = round(sum(continuous.values())) - sum(floors.values())
    order = sorted(continuous, key=lambda h: (-(continuous[h] - floors[h]), h))
    for h in order:
        if short <= 0:
            break
        if floors[h] < upper[h]:
            floors[h] += 1
            short -= 1
    return floors
